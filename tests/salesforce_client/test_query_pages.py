"""A query follows nextRecordsUrl, but never without end."""

import pytest
import responses

from destinations.salesforce.client import SalesforceClient
from destinations.salesforce.connection import Connection
from destinations.salesforce.errors import ErrorKind, SalesforceError

ORIGIN = "https://acme.my.salesforce.com"
API = f"{ORIGIN}/services/data/v62.0"


class FixedTokens:
    def access_token(self):
        return "00Dxx!token"

    def refresh(self, rejected):
        return "00Dxx!token"


def test_it_stops_at_the_page_cap_with_a_clear_error(salesforce_emulator, connection, calls):
    salesforce_emulator.config.query_page_size = 10
    org = salesforce_emulator.org("production")
    with SalesforceClient(connection, on_call=calls.append, timeout=5, max_query_pages=3) as client:
        client.create("Lead", [{"LastName": f"Doe {n}", "Company": "Acme"} for n in range(45)])
        calls.clear()
        org.log.clear()

        with pytest.raises(SalesforceError) as raised:
            client.query("SELECT Id FROM Lead")

    assert (raised.value.kind, raised.value.error_code) == (ErrorKind.PERMANENT, "QUERY_TOO_MANY_PAGES")
    assert "more than 3 pages" in raised.value.message
    assert len(calls) == 3
    assert len([r for r in org.requests() if "/query" in r.path]) == 3


def test_it_reads_every_page_below_the_cap(salesforce_emulator, connection):
    salesforce_emulator.config.query_page_size = 10
    with SalesforceClient(connection, timeout=5, max_query_pages=5) as client:
        client.create("Lead", [{"LastName": f"Doe {n}", "Company": "Acme"} for n in range(50)])

        assert len(client.query("SELECT Id FROM Lead")) == 50


@responses.activate
def test_it_stops_when_the_org_repeats_a_page_url():
    loop = "/services/data/v62.0/query/01gxx-2000"
    responses.get(f"{API}/query", json={"done": False, "records": [{"Id": "1"}], "nextRecordsUrl": loop})
    responses.get(ORIGIN + loop, json={"done": False, "records": [{"Id": "2"}], "nextRecordsUrl": loop})
    calls: list[object] = []
    client = SalesforceClient(Connection(ORIGIN, "62.0", FixedTokens()), on_call=calls.append)
    with client, pytest.raises(SalesforceError) as raised:
        client.query("SELECT Id FROM Lead")

    assert raised.value.error_code == "QUERY_PAGE_REPEATED"
    assert loop in raised.value.message
    assert len(calls) == 2
