import requests

from salesforce_emulator import Emulator

from .conftest import Api


def test_it_lists_versions_without_authentication_or_usage(salesforce_emulator: Emulator, org):
    response = requests.get(org.instance_url + "/services/data", timeout=5)
    versions = response.json()
    assert {"label": "Spring '24", "url": "/services/data/v60.0", "version": "60.0"} in versions
    assert versions[-1]["version"] == "66.0"
    assert "Sforce-Limit-Info" not in response.headers
    assert org.limits.used == 0


def test_it_lists_the_resources_of_a_version(api: Api):
    body = api.get("").json()
    assert body["sobjects"] == "/services/data/v60.0/sobjects"
    assert body["query"] == "/services/data/v60.0/query"


def test_it_answers_404_for_an_unknown_version(api: Api):
    response = api.session.get(api.instance_url + "/services/data/v99.0/sobjects")
    assert response.status_code == 404
    assert response.json() == [{"errorCode": "NOT_FOUND", "message": "The requested resource does not exist"}]


def test_it_refuses_a_missing_authorization_header(org):
    response = requests.get(org.instance_url + "/services/data/v60.0/sobjects", timeout=5)
    assert response.status_code == 401
    assert response.json() == [{"message": "INVALID_HEADER_TYPE", "errorCode": "INVALID_AUTH_HEADER"}]


def test_it_refuses_a_garbled_authorization_header(org):
    headers = {"Authorization": "Token abc"}
    response = requests.get(org.instance_url + "/services/data/v60.0/sobjects", headers=headers, timeout=5)
    assert response.json()[0]["errorCode"] == "INVALID_AUTH_HEADER"


def test_it_accepts_the_legacy_oauth_scheme(org):
    headers = {"Authorization": "OAuth " + org.mint_tokens()["access_token"]}
    response = requests.get(org.instance_url + "/services/data/v60.0/sobjects", headers=headers, timeout=5)
    assert response.status_code == 200


def test_it_refuses_a_token_without_the_api_scope(org):
    api = Api(org.instance_url, org.mint_tokens(scopes=["id", "refresh_token"])["access_token"])
    response = api.get("/sobjects")
    assert response.status_code == 401
    assert response.json()[0]["message"] == "This session is not valid for use with the REST API"


def test_it_sends_the_limit_header_on_every_api_answer(api: Api):
    assert api.get("/sobjects").headers["Sforce-Limit-Info"] == "api-usage=1/15000"
    assert api.get("/sobjects/Nope").headers["Sforce-Limit-Info"] == "api-usage=2/15000"


def test_it_reports_limits_as_integers(api: Api):
    body = api.get("/limits").json()
    assert body["DailyApiRequests"] == {"Max": 15000, "Remaining": 14999}
    assert all(isinstance(v["Max"], int) and isinstance(v["Remaining"], int) for v in body.values())


def test_it_refuses_calls_once_the_daily_limit_is_spent(api: Api, salesforce_emulator: Emulator):
    salesforce_emulator.config.daily_api_limit = 2
    assert api.get("/limits").status_code == 200
    assert api.get("/limits").status_code == 200
    response = api.get("/limits")
    assert response.status_code == 403
    assert response.json() == [
        {"message": "TotalRequests Limit exceeded.", "errorCode": "REQUEST_LIMIT_EXCEEDED"}
    ]
    assert response.headers["Sforce-Limit-Info"] == "api-usage=2/2"


def test_it_counts_each_org_separately(api: Api, salesforce_emulator: Emulator):
    api.get("/limits")
    assert salesforce_emulator.org("sandbox").limits.used == 0


def test_it_logs_each_request_with_its_token_and_usage(api: Api, org):
    api.post("/sobjects/Lead", json={"LastName": "Doe", "Company": "Acme"})
    entry = org.requests()[-1]
    assert (entry.method, entry.path, entry.status, entry.host) == (
        "POST",
        "/services/data/v60.0/sobjects/Lead",
        201,
        "instance",
    )
    assert entry.token == "access#1"
    assert entry.user_id == org.user_id
    assert entry.counted is True
    assert '"LastName": "Doe"' in entry.body or '"LastName":"Doe"' in entry.body
