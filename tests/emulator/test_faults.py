import time

import pytest
import requests

from salesforce_emulator.control_guard import TOKEN_HEADER

from .conftest import Api, refresh


def test_it_answers_503_for_the_next_n_matching_requests(api: Api, org):
    org.faults.add("503", path=r"/sobjects/Lead$", method="POST", count=2)
    first = api.post("/sobjects/Lead", json={"LastName": "D", "Company": "C"})
    assert first.status_code == 503
    assert first.json()[0]["errorCode"] == "SERVER_UNAVAILABLE"
    assert api.post("/sobjects/Lead", json={"LastName": "D", "Company": "C"}).status_code == 503
    assert api.post("/sobjects/Lead", json={"LastName": "D", "Company": "C"}).status_code == 201
    assert len(org.records("Lead")) == 1


def test_it_only_faults_requests_matching_path_and_method(api: Api, org):
    org.faults.add("503", path="/sobjects/Lead", method="POST", count=1)
    assert api.get("/sobjects/Lead/describe").status_code == 200
    assert api.post("/sobjects/Contact", json={"LastName": "D"}).status_code == 201


def test_it_answers_500_unknown_exception(api: Api, org):
    org.faults.add("500", count=1)
    response = api.get("/limits")
    assert response.status_code == 500
    error = response.json()[0]
    assert error["errorCode"] == "UNKNOWN_EXCEPTION"
    assert error["message"].startswith("An unexpected error occurred. Please include this ErrorId")


def test_it_answers_unable_to_lock_row(api: Api, org):
    org.faults.add("unable_to_lock_row", path="/sobjects/", count=1)
    response = api.post("/sobjects/Lead", json={"LastName": "D", "Company": "C"})
    assert response.status_code == 400
    assert response.json()[0]["errorCode"] == "UNABLE_TO_LOCK_ROW"
    assert org.records("Lead") == []


def test_it_adds_latency(api: Api, org):
    org.faults.add("latency", seconds=0.2, count=1)
    started = time.perf_counter()
    assert api.get("/limits").status_code == 200
    assert time.perf_counter() - started >= 0.2


def test_a_slow_write_is_carried_out_after_the_client_gave_up(api: Api, org, salesforce_emulator):
    # Armed through the control API, as an operator would.
    control = f"{salesforce_emulator.urls['control']}/orgs/{org.name}/faults"
    fault = {"kind": "latency", "path": "/composite/sobjects", "method": "POST", "seconds": 0.6, "count": 1}
    headers = {TOKEN_HEADER: salesforce_emulator.control_token}
    assert requests.post(control, json=fault, headers=headers, timeout=5).status_code == 201
    records = {
        "allOrNone": False,
        "records": [{"attributes": {"type": "Lead"}, "LastName": "D", "Company": "C"}],
    }

    with pytest.raises(requests.Timeout):
        api.post("/composite/sobjects", json=records, timeout=0.2)
    assert org.records("Lead") == []

    # As Salesforce does, the request runs to its end: the record appears once.
    for _ in range(300):
        if org.records("Lead"):
            break
        time.sleep(0.01)
    assert [r["LastName"] for r in org.records("Lead")] == ["D"]


def test_it_drops_the_connection_without_an_answer(api: Api, org):
    org.faults.add("drop_connection", count=1)
    with pytest.raises(requests.ConnectionError):
        api.get("/limits")
    assert api.get("/limits").status_code == 200


def test_it_expires_tokens(api: Api, org):
    org.faults.add("expire_tokens", count=1)
    response = api.get("/limits")
    assert response.status_code == 401
    assert response.json()[0]["errorCode"] == "INVALID_SESSION_ID"


def test_it_revokes_tokens(salesforce_emulator, org):
    tokens = org.mint_tokens()
    org.faults.add("revoke_tokens", path="/services/data/", count=1)
    assert Api(org.instance_url, tokens["access_token"]).get("/limits").status_code == 401
    assert refresh(salesforce_emulator, tokens["refresh_token"]).status_code == 400


def test_it_faults_the_token_endpoint_too(salesforce_emulator, org):
    tokens = org.mint_tokens()
    org.faults.add("503", path="/services/oauth2/token", host="login", count=1)
    assert refresh(salesforce_emulator, tokens["refresh_token"]).status_code == 503


def test_it_faults_within_a_time_window(api: Api, org):
    org.faults.add("503", duration=0.2)
    assert api.get("/limits").status_code == 503
    time.sleep(0.25)
    assert api.get("/limits").status_code == 200


def test_it_waits_for_a_window_that_starts_later(api: Api, org):
    org.faults.add("503", starts_in=0.2, duration=5)
    assert api.get("/limits").status_code == 200
    time.sleep(0.25)
    assert api.get("/limits").status_code == 503


def test_it_adds_the_global_latency_to_api_calls(api: Api, salesforce_emulator):
    salesforce_emulator.config.latency = 0.1
    started = time.perf_counter()
    api.get("/limits")
    assert time.perf_counter() - started >= 0.1


def test_it_logs_the_fault_it_applied(api: Api, org):
    org.faults.add("503", count=1)
    api.get("/limits")
    entry = org.requests()[-1]
    assert (entry.status, entry.fault, entry.counted) == (503, "503", False)
