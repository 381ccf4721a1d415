import pytest
from oauthlib.oauth2.rfc6749.utils import is_secure_transport

from destinations.salesforce.domains import UntrustedUrl, trusted_origin


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("https://login.salesforce.com", "https://login.salesforce.com"),
        ("https://test.salesforce.com/", "https://test.salesforce.com"),
        ("https://acme.my.salesforce.com", "https://acme.my.salesforce.com"),
        ("https://ACME--Dev.sandbox.my.salesforce.com:443", "https://acme--dev.sandbox.my.salesforce.com"),
        ("https://acme-dev-ed.develop.my.salesforce.com", "https://acme-dev-ed.develop.my.salesforce.com"),
        ("https://na85.salesforce.com", "https://na85.salesforce.com"),
        ("https://acme.my.salesforce.mil", "https://acme.my.salesforce.mil"),
        ("https://acme.my.sfcrmproducts.cn", "https://acme.my.sfcrmproducts.cn"),
        ("https://acme.cloudforce.com", "https://acme.cloudforce.com"),
    ],
)
def test_it_accepts_https_hosts_under_salesforces_domains(url, origin):
    assert trusted_origin(url) == origin


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/x.salesforce.com",
        "https://salesforce.com.evil.example",
        "https://x.salesforce.com@evil.example",
        "https://user:pw@acme.my.salesforce.com",
        "https://evilsalesforce.com",
        "https://salesforce.com",
        "https://acme.my.salesforce.com.",
        "https://acme.my.salesforce.com:8443",
        "https://acme.my.salesforce.com/services/data",
        "https://acme.my.salesforce.com?x=1",
        "https://acm\u00e9.my.salesforce.com",
        "http://acme.my.salesforce.com",
        "ftp://acme.my.salesforce.com",
        "acme.my.salesforce.com",
        "",
    ],
)
def test_it_refuses_look_alikes_and_other_shapes(url):
    with pytest.raises(UntrustedUrl):
        trusted_origin(url)


def test_it_accepts_plain_http_for_a_listed_extra_host_on_its_port():
    assert trusted_origin("http://127.0.0.1:8123", ["127.0.0.1:8123"]) == "http://127.0.0.1:8123"


@pytest.mark.parametrize("url", ["http://127.0.0.1:8124", "http://127.0.0.1", "http://localhost:8123"])
def test_it_refuses_plain_http_for_hosts_not_listed(url):
    with pytest.raises(UntrustedUrl):
        trusted_origin(url, ["127.0.0.1:8123"])


def test_it_leaves_oauthlibs_own_https_check_strict():
    assert trusted_origin("http://127.0.0.1:8123", ["127.0.0.1:8123"])

    assert not is_secure_transport("http://127.0.0.1:8123/services/oauth2/token")
