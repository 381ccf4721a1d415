import os
from urllib.parse import parse_qs, urlsplit

import pytest

from destinations.salesforce import oauth
from destinations.salesforce.oauth import InvalidTokenResponse, OAuthApp, OAuthError, UntrustedHost

from .salesforce_login import press


def _grant(app, emulator, org="production"):
    login = emulator.urls[f"{org}_login"]
    started = oauth.authorization(app, login)
    code = press(started.url).callback_query["code"]
    return oauth.exchange_code(app, login, code, started.code_verifier)


def test_it_builds_an_authorize_url_with_pkce_s256_and_state(app, emulator):
    started = oauth.authorization(app, emulator.urls["production_login"])

    url = urlsplit(started.url)
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert (
        f"{url.scheme}://{url.netloc}{url.path}" == emulator.urls["production_login"] + oauth.AUTHORIZE_PATH
    )
    assert query["state"] == started.state
    assert query["code_challenge_method"] == "S256"
    assert query["code_challenge"] and query["code_challenge"] != started.code_verifier
    assert query["redirect_uri"] == "http://127.0.0.1:8000/oauth/salesforce/callback/"
    assert query["scope"] == "api refresh_token"


def test_it_exchanges_a_code_for_a_validated_grant(app, emulator):
    grant = _grant(app, emulator)

    org = emulator.org("production")
    assert grant.org_id == org.org_id
    assert grant.user_id == org.user_id
    assert grant.instance_url == emulator.urls["production_instance"]
    assert grant.access_token and grant.refresh_token


def test_it_sends_the_pkce_verifier_the_emulator_checks(app, emulator):
    login = emulator.urls["production_login"]
    started = oauth.authorization(app, login)
    code = press(started.url).callback_query["code"]

    with pytest.raises(OAuthError) as refused:
        oauth.exchange_code(app, login, code, "x" * 64)

    assert refused.value.error == "invalid_request"


def test_it_keeps_no_token_in_its_repr(app, emulator):
    grant = _grant(app, emulator)

    assert grant.access_token not in repr(grant)
    assert app.client_secret not in repr(app)


def test_it_reads_the_identity_from_userinfo(app, emulator):
    grant = _grant(app, emulator)

    identity = oauth.userinfo(app, grant.instance_url, grant.access_token)

    assert identity.username == "demo@example.com"
    assert identity.org_id == grant.org_id


def test_it_refreshes_and_keeps_no_refresh_token_without_rotation(app, emulator):
    grant = _grant(app, emulator)

    renewed = oauth.refresh(app, grant.instance_url, grant.refresh_token)

    assert renewed.access_token != grant.access_token
    assert renewed.refresh_token is None


def test_it_returns_the_rotated_refresh_token(app, emulator):
    emulator.config.refresh_token_rotation = True
    grant = _grant(app, emulator)

    renewed = oauth.refresh(app, grant.instance_url, grant.refresh_token)

    assert renewed.refresh_token and renewed.refresh_token != grant.refresh_token


def test_it_reports_a_dead_refresh_token_as_a_dead_grant(app, emulator):
    grant = _grant(app, emulator)
    emulator.org("production").set_user_active(False)

    with pytest.raises(OAuthError) as refused:
        oauth.refresh(app, grant.instance_url, grant.refresh_token)

    assert refused.value.grant_is_dead
    assert str(refused.value) == "authentication failure (invalid_grant)"


def test_it_reports_a_concurrent_refresh_as_transient(app, emulator):
    grant = _grant(app, emulator)
    emulator.org("production").fail_next_refreshes(1)

    with pytest.raises(OAuthError) as refused:
        oauth.refresh(app, grant.instance_url, grant.refresh_token)

    assert refused.value.transient
    assert not refused.value.grant_is_dead


def test_it_revokes_a_refresh_token(app, emulator):
    grant = _grant(app, emulator)

    oauth.revoke(app, grant.instance_url, grant.refresh_token)

    with pytest.raises(OAuthError):
        oauth.refresh(app, grant.instance_url, grant.refresh_token)


def test_it_refuses_an_http_login_host_that_is_not_listed_before_sending_anything(app, emulator):
    unlisted = OAuthApp(app.client_id, app.client_secret, app.redirect_uri, extra_hosts=())

    with pytest.raises(UntrustedHost):
        oauth.exchange_code(unlisted, emulator.urls["production_login"], "code", "verifier")

    assert emulator.org("production").requests() == []
    assert "OAUTHLIB_INSECURE_TRANSPORT" not in os.environ


def test_it_answers_unreachable_hosts_as_transient(app, emulator, settings):
    unused = "127.0.0.1:9"
    listed = OAuthApp(app.client_id, app.client_secret, app.redirect_uri, extra_hosts=(unused,))

    with pytest.raises(OAuthError) as refused:
        oauth.refresh(listed, f"http://{unused}", "refresh-token-value")

    assert refused.value.transient
    assert "refresh-token-value" not in str(refused.value)


# --- Validating token answers ----------------------------------------------------------


@pytest.fixture
def answer(emulator):
    return emulator.org("production").mint_tokens()


def test_it_accepts_an_answer_with_unknown_keys(app, answer):
    grant = oauth.validated_grant(app, {**answer, "api_instance_url": "https://api.example", "extra": 1})

    assert grant.org_id == answer["id"].split("/")[-2]


@pytest.mark.parametrize("field", ["access_token", "instance_url", "id", "issued_at", "signature"])
def test_it_refuses_an_answer_missing_a_field(app, answer, field):
    del answer[field]

    with pytest.raises(InvalidTokenResponse, match=field):
        oauth.validated_grant(app, answer)


def test_it_refuses_an_answer_whose_signature_does_not_match(app, answer):
    answer["issued_at"] = str(int(answer["issued_at"]) + 1)

    with pytest.raises(InvalidTokenResponse, match="signature"):
        oauth.validated_grant(app, answer)


@pytest.mark.parametrize(
    "instance_url",
    [
        "https://evil.example/x.salesforce.com",
        "https://salesforce.com.evil.example",
        "https://x.salesforce.com@evil.example",
        "http://127.0.0.1:1",
    ],
)
def test_it_refuses_an_instance_url_on_a_foreign_host(app, answer, instance_url):
    answer["instance_url"] = instance_url

    with pytest.raises(InvalidTokenResponse, match="instance URL"):
        oauth.validated_grant(app, answer)


def test_it_reads_issued_at_as_milliseconds(app, answer):
    grant = oauth.validated_grant(app, answer)

    assert int(grant.issued_at.timestamp() * 1000) == int(answer["issued_at"])
