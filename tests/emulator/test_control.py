import threading
import time

import requests

from salesforce_emulator import Emulator
from salesforce_emulator.control_guard import TOKEN_HEADER

from .conftest import Api


def _control(emulator: Emulator, path: str) -> str:
    return emulator.urls["control"] + path


def _http(emulator: Emulator) -> requests.Session:
    """HTTP to the control API, carrying its token as every caller must."""
    session = requests.Session()
    session.headers[TOKEN_HEADER] = emulator.control_token
    return session


def test_it_reports_urls_and_client_credentials(salesforce_emulator: Emulator):
    body = _http(salesforce_emulator).get(_control(salesforce_emulator, "/status"), timeout=5).json()
    assert body["production_instance"] == salesforce_emulator.urls["production_instance"]
    assert body["client_id"] == salesforce_emulator.client_id
    assert body["client_secret"] == salesforce_emulator.client_secret


def test_it_mints_a_token_pair_without_the_browser_flow(salesforce_emulator: Emulator):
    response = _http(salesforce_emulator).post(
        _control(salesforce_emulator, "/orgs/sandbox/tokens"), json={}, timeout=5
    )
    assert response.status_code == 201
    tokens = response.json()
    assert tokens["instance_url"] == salesforce_emulator.urls["sandbox_instance"]
    assert Api(tokens["instance_url"], tokens["access_token"]).get("/limits").status_code == 200


def test_it_lists_records_per_object(salesforce_emulator: Emulator, api: Api):
    api.create("Lead", LastName="Doe", Company="Acme")
    records = (
        _http(salesforce_emulator)
        .get(_control(salesforce_emulator, "/orgs/production/records/lead"), timeout=5)
        .json()
    )
    assert [r["LastName"] for r in records] == ["Doe"]


def test_it_creates_a_record_without_using_the_api_allocation(salesforce_emulator: Emulator, org):
    url = _control(salesforce_emulator, "/orgs/production/records/Account")
    response = _http(salesforce_emulator).post(url, json={"Name": "Seeded"}, timeout=5)
    assert response.status_code == 201
    assert org.record("Account", response.json()["id"])["Name"] == "Seeded"
    assert org.limits.used == 0


def test_it_shows_the_request_log(salesforce_emulator: Emulator, api: Api):
    api.get("/limits")
    entries = (
        _http(salesforce_emulator)
        .get(_control(salesforce_emulator, "/orgs/production/requests"), timeout=5)
        .json()
    )
    assert entries[-1]["path"] == "/services/data/v60.0/limits"
    assert entries[-1]["token"] == "access#1"
    assert entries[-1]["counted"] is True


def test_it_adds_and_clears_faults(salesforce_emulator: Emulator, api: Api):
    url = _control(salesforce_emulator, "/orgs/production/faults")
    created = _http(salesforce_emulator).post(
        url, json={"kind": "503", "path": "/limits", "count": 5}, timeout=5
    )
    assert created.status_code == 201
    assert api.get("/limits").status_code == 503
    assert _http(salesforce_emulator).delete(url, timeout=5).status_code == 204
    assert api.get("/limits").status_code == 200


def test_it_refuses_an_unknown_fault_kind(salesforce_emulator: Emulator):
    url = _control(salesforce_emulator, "/orgs/production/faults")
    assert _http(salesforce_emulator).post(url, json={"kind": "meteor"}, timeout=5).status_code == 400


def test_it_sets_usage_and_the_limit(salesforce_emulator: Emulator, api: Api):
    url = _control(salesforce_emulator, "/orgs/production/limits")
    body = _http(salesforce_emulator).patch(url, json={"used": 9, "max": 10}, timeout=5).json()
    assert body == {"used": 9, "max": 10, "remaining": 1}
    assert api.get("/limits").status_code == 200
    assert api.get("/limits").status_code == 403


def test_it_changes_a_knob_on_the_running_emulator(salesforce_emulator: Emulator):
    url = _control(salesforce_emulator, "/config")
    body = _http(salesforce_emulator).patch(url, json={"refresh_token_rotation": True}, timeout=5).json()
    assert body["refresh_token_rotation"] is True
    assert salesforce_emulator.config.refresh_token_rotation is True


def test_it_refuses_an_unknown_knob(salesforce_emulator: Emulator):
    response = _http(salesforce_emulator).patch(
        _control(salesforce_emulator, "/config"), json={"warp": 9}, timeout=5
    )
    assert response.status_code == 400


def test_it_expires_and_revokes_tokens(salesforce_emulator: Emulator, api: Api):
    _http(salesforce_emulator).post(
        _control(salesforce_emulator, "/orgs/production/tokens/expire"), timeout=5
    )
    assert api.get("/limits").status_code == 401


def test_it_deactivates_the_user(salesforce_emulator: Emulator, org):
    response = _http(salesforce_emulator).patch(
        _control(salesforce_emulator, "/orgs/production/user"), json={"active": False}, timeout=5
    )
    assert response.json()["user_active"] is False
    assert org.user_active is False


def test_it_adds_a_validation_rule(salesforce_emulator: Emulator, api: Api):
    rule = {
        "object": "Lead",
        "message": "No gmail",
        "condition": {"field": "Email", "op": "ends_with", "value": "@gmail.com"},
    }
    url = _control(salesforce_emulator, "/orgs/production/validation-rules")
    assert _http(salesforce_emulator).post(url, json=rule, timeout=5).status_code == 201
    response = api.post("/sobjects/Lead", json={"LastName": "D", "Company": "C", "Email": "x@gmail.com"})
    assert response.json()[0]["errorCode"] == "FIELD_CUSTOM_VALIDATION_EXCEPTION"


def test_it_resets_everything(salesforce_emulator: Emulator, api: Api, org):
    api.create("Lead", LastName="Doe", Company="Acme")
    assert (
        _http(salesforce_emulator).post(_control(salesforce_emulator, "/reset"), timeout=5).status_code == 204
    )
    assert org.records("Lead") == []
    assert org.limits.used == 0
    assert org.requests() == []


def test_it_serves_a_records_page(salesforce_emulator: Emulator, api: Api):
    api.create("Lead", LastName="Doe", Company="Page Co")
    page = _http(salesforce_emulator).get(
        _control(salesforce_emulator, "/orgs/production/page"), params={"object": "Lead"}, timeout=5
    )
    assert page.headers["Content-Type"].startswith("text/html")
    assert "Page Co" in page.text
    assert (
        "/orgs/production/page"
        in _http(salesforce_emulator).get(_control(salesforce_emulator, "/"), timeout=5).text
    )


def test_it_is_not_reachable_on_the_org_hosts(salesforce_emulator: Emulator):
    response = _http(salesforce_emulator).post(
        salesforce_emulator.urls["production_instance"] + "/reset", timeout=5
    )
    assert response.status_code == 404


def test_it_refuses_a_request_without_the_token(salesforce_emulator: Emulator, org):
    for answer in (
        requests.post(_control(salesforce_emulator, "/orgs/production/tokens/revoke"), timeout=5),
        requests.get(_control(salesforce_emulator, "/status"), timeout=5),
        requests.get(_control(salesforce_emulator, "/status"), headers={TOKEN_HEADER: "guess"}, timeout=5),
    ):
        assert answer.status_code == 401
        assert "control token" in answer.json()["error"]
    assert "client_secret" not in answer.text


def test_it_refuses_a_cross_origin_post_even_with_the_token(salesforce_emulator: Emulator):
    before = _http(salesforce_emulator).post(
        _control(salesforce_emulator, "/orgs/production/tokens"), timeout=5
    )
    token = before.json()["access_token"]

    refused = _http(salesforce_emulator).post(
        _control(salesforce_emulator, "/orgs/production/tokens/revoke"),
        headers={"Origin": "https://evil.example"},
        timeout=5,
    )

    assert refused.status_code == 403
    assert Api(before.json()["instance_url"], token).get("/limits").status_code == 200


def test_it_accepts_a_same_origin_post(salesforce_emulator: Emulator):
    control = salesforce_emulator.urls["control"]

    answer = _http(salesforce_emulator).post(control + "/reset", headers={"Origin": control}, timeout=5)

    assert answer.status_code == 204


def test_it_refuses_a_foreign_host_header_against_dns_rebinding(salesforce_emulator: Emulator):
    answer = _http(salesforce_emulator).get(
        _control(salesforce_emulator, "/status"), headers={"Host": "rebind.evil.example"}, timeout=5
    )

    assert answer.status_code == 403
    assert "client_secret" not in answer.text


def test_a_person_opens_the_pages_with_the_token_once(salesforce_emulator: Emulator):
    browser = requests.Session()
    index = browser.get(
        _control(salesforce_emulator, "/"), params={"token": salesforce_emulator.control_token}, timeout=5
    )

    followed = browser.get(_control(salesforce_emulator, "/orgs/production/page"), timeout=5)

    assert index.status_code == 200 and followed.status_code == 200
    assert "HttpOnly" in index.headers["Set-Cookie"] and "SameSite=Strict" in index.headers["Set-Cookie"]
    assert requests.get(_control(salesforce_emulator, "/orgs/production/page"), timeout=5).status_code == 401


def test_its_html_pages_may_not_be_framed(salesforce_emulator: Emulator):
    page = _http(salesforce_emulator).get(_control(salesforce_emulator, "/"), timeout=5)

    assert page.headers["X-Frame-Options"] == "DENY"


def test_its_config_does_not_show_the_token(salesforce_emulator: Emulator):
    answer = _http(salesforce_emulator).get(_control(salesforce_emulator, "/config"), timeout=5)

    assert "control_token" not in answer.json()
    assert salesforce_emulator.control_token not in answer.text


def test_it_counts_the_data_requests_in_flight_and_their_peak(salesforce_emulator: Emulator, api: Api, org):
    concurrency = _control(salesforce_emulator, "/orgs/production/concurrency")
    http = _http(salesforce_emulator)
    # A slow request of an earlier test may still be running to its end.
    for _ in range(500):
        if http.get(concurrency, timeout=5).json()["in_flight"] == 0:
            break
        time.sleep(0.01)
    assert http.delete(concurrency, timeout=5).json() == {"in_flight": 0, "peak": 0}
    org.faults.add("latency", path="/limits", seconds=0.4, count=3)
    callers = [threading.Thread(target=lambda: api.get("/limits")) for _ in range(3)]
    for caller in callers:
        caller.start()
    for caller in callers:
        caller.join()
    assert http.get(concurrency, timeout=5).json() == {"in_flight": 0, "peak": 3}

    assert http.delete(concurrency, timeout=5).json() == {"in_flight": 0, "peak": 0}
    api.get("/limits")
    assert http.get(concurrency, timeout=5).json() == {"in_flight": 0, "peak": 1}
