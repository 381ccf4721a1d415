import base64
import hashlib
import hmac
import time

import requests

from salesforce_emulator import Emulator

from .conftest import (
    REDIRECT_URI,
    Api,
    approve,
    authorize_params,
    callback_query,
    consent_form,
    exchange,
    pkce_pair,
    refresh,
)


def _code(emulator: Emulator, org_name: str = "production", **extra: str) -> str:
    response = approve(emulator, org_name, **extra)
    assert response.status_code == 302, response.text
    return callback_query(response)["code"]


def _tokens(emulator: Emulator, org_name: str = "production") -> dict[str, str]:
    response = exchange(emulator, _code(emulator, org_name), org_name)
    assert response.status_code == 200, response.text
    body: dict[str, str] = response.json()
    return body


def _api_status(token: str, instance_url: str) -> int:
    return Api(instance_url, token).get("/limits").status_code


def test_it_shows_a_consent_page_with_the_orgs_user_and_two_buttons(salesforce_emulator):
    url = salesforce_emulator.urls["production_login"] + "/services/oauth2/authorize"
    page = requests.get(url, params=authorize_params(salesforce_emulator), timeout=5)
    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")
    assert consent_form(page.text)["username"] == "demo@example.com"
    assert "value=allow>Allow</button>" in page.text
    assert "value=deny>Deny</button>" in page.text


def test_its_consent_page_may_not_be_framed(salesforce_emulator):
    url = salesforce_emulator.urls["production_login"] + "/services/oauth2/authorize"
    page = requests.get(url, params=authorize_params(salesforce_emulator), timeout=5)

    assert page.headers["X-Frame-Options"] == "DENY"


def test_it_redirects_to_the_callback_with_a_code_and_the_state_on_allow(salesforce_emulator):
    response = approve(salesforce_emulator)
    assert response.headers["Location"].startswith(REDIRECT_URI + "?")
    query = callback_query(response)
    assert query["state"] == "st-123"
    assert query["code"]


def test_it_redirects_with_access_denied_on_deny(salesforce_emulator):
    base = salesforce_emulator.urls["production_login"]
    page = requests.get(
        f"{base}/services/oauth2/authorize", params=authorize_params(salesforce_emulator), timeout=5
    )
    form = {**consent_form(page.text), "action": "deny"}
    response = requests.post(f"{base}/services/oauth2/authorize", data=form, allow_redirects=False, timeout=5)
    assert response.status_code == 302
    query = callback_query(response)
    assert query["error"] == "access_denied"
    assert query["error_description"]
    assert query["state"] == "st-123"
    assert "code" not in query


def test_it_refuses_a_sandbox_user_on_the_production_login_host(salesforce_emulator):
    response = approve(salesforce_emulator, "production", username="demo@example.com.test")
    assert response.status_code == 200
    assert "Please check your username and password" in response.text
    assert "Location" not in response.headers


def test_it_logs_the_sandbox_user_in_on_the_sandbox_login_host(salesforce_emulator):
    page = requests.get(
        salesforce_emulator.urls["sandbox_login"] + "/services/oauth2/authorize",
        params=authorize_params(salesforce_emulator),
        timeout=5,
    )
    assert consent_form(page.text)["username"] == "demo@example.com.test"
    assert approve(salesforce_emulator, "sandbox").status_code == 302


def test_it_shows_its_own_error_page_for_an_unregistered_redirect_uri(salesforce_emulator):
    base = salesforce_emulator.urls["production_login"]
    params = authorize_params(salesforce_emulator, redirect_uri="http://evil.example/callback")
    response = requests.get(
        f"{base}/services/oauth2/authorize", params=params, allow_redirects=False, timeout=5
    )
    location = response.headers["Location"]
    assert response.status_code == 302
    assert location.startswith("/setup/secur/RemoteAccessErrorPage.apexp?")
    assert "error=redirect_uri_mismatch" in location
    assert "redirect_uri+must+match+configuration" in location
    page = requests.get(base + location, timeout=5)
    assert "redirect_uri_mismatch" in page.text


def test_it_shows_its_own_error_page_for_an_unknown_client_id(salesforce_emulator):
    base = salesforce_emulator.urls["production_login"]
    params = authorize_params(salesforce_emulator, client_id="nope")
    response = requests.get(
        f"{base}/services/oauth2/authorize", params=params, allow_redirects=False, timeout=5
    )
    assert "error=invalid_client_id" in response.headers["Location"]


def test_it_answers_the_code_exchange_with_salesforces_exact_fields(salesforce_emulator):
    tokens = _tokens(salesforce_emulator)
    org = salesforce_emulator.org("production")
    assert set(tokens) == {
        "access_token",
        "refresh_token",
        "signature",
        "scope",
        "instance_url",
        "id",
        "token_type",
        "issued_at",
    }
    assert tokens["access_token"].startswith(org.org_id[:15] + "!")
    assert tokens["instance_url"] == salesforce_emulator.urls["production_instance"]
    assert tokens["id"] == f"{salesforce_emulator.urls['production_login']}/id/{org.org_id}/{org.user_id}"
    assert tokens["token_type"] == "Bearer"
    assert tokens["scope"] == "api refresh_token"
    assert len(tokens["issued_at"]) == 13 and tokens["issued_at"].isdigit()


def test_it_signs_the_token_response_with_the_client_secret(salesforce_emulator):
    tokens = _tokens(salesforce_emulator)
    digest = hmac.new(
        salesforce_emulator.client_secret.encode(),
        (tokens["id"] + tokens["issued_at"]).encode(),
        hashlib.sha256,
    ).digest()
    assert tokens["signature"] == base64.b64encode(digest).decode()


def test_it_accepts_client_credentials_as_http_basic(salesforce_emulator):
    code = _code(salesforce_emulator)
    response = requests.post(
        salesforce_emulator.urls["production_login"] + "/services/oauth2/token",
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI},
        auth=(salesforce_emulator.client_id, salesforce_emulator.client_secret),
        timeout=5,
    )
    assert response.status_code == 200, response.text


def test_it_refuses_a_wrong_client_secret(salesforce_emulator):
    response = exchange(salesforce_emulator, _code(salesforce_emulator), client_secret="wrong")
    assert response.status_code == 400
    assert response.json() == {"error": "invalid_client", "error_description": "invalid client credentials"}


def test_it_refuses_an_unknown_client_id_at_the_token_endpoint(salesforce_emulator):
    response = exchange(salesforce_emulator, _code(salesforce_emulator), client_id="nope")
    assert response.json() == {"error": "invalid_client_id", "error_description": "client identifier invalid"}


def test_it_refuses_an_unsupported_grant_type(salesforce_emulator):
    response = exchange(salesforce_emulator, "x", grant_type="password")
    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"


def test_it_refuses_a_reused_code(salesforce_emulator):
    code = _code(salesforce_emulator)
    assert exchange(salesforce_emulator, code).status_code == 200
    again = exchange(salesforce_emulator, code)
    assert again.status_code == 400
    assert again.json() == {"error": "invalid_grant", "error_description": "expired authorization code"}


def test_it_refuses_an_expired_code(salesforce_emulator):
    salesforce_emulator.config.auth_code_ttl = 0.01
    code = _code(salesforce_emulator)
    time.sleep(0.05)
    assert exchange(salesforce_emulator, code).json()["error_description"] == "expired authorization code"


def test_it_requires_the_pkce_verifier_when_a_challenge_was_sent(salesforce_emulator):
    _, challenge = pkce_pair()
    code = _code(salesforce_emulator, code_challenge=challenge, code_challenge_method="S256")
    response = exchange(salesforce_emulator, code)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_it_refuses_a_wrong_pkce_verifier_with_invalid_request(salesforce_emulator):
    _, challenge = pkce_pair()
    code = _code(salesforce_emulator, code_challenge=challenge)
    response = exchange(salesforce_emulator, code, code_verifier="b" * 50)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_it_accepts_the_right_pkce_verifier(salesforce_emulator):
    verifier, challenge = pkce_pair()
    code = _code(salesforce_emulator, code_challenge=challenge, code_challenge_method="S256")
    assert exchange(salesforce_emulator, code, code_verifier=verifier).status_code == 200


def test_it_refreshes_without_returning_a_refresh_token(salesforce_emulator):
    tokens = _tokens(salesforce_emulator)
    response = refresh(salesforce_emulator, tokens["refresh_token"])
    assert response.status_code == 200
    body = response.json()
    assert "refresh_token" not in body
    assert "expires_in" not in body
    assert body["access_token"] != tokens["access_token"]
    assert _api_status(body["access_token"], body["instance_url"]) == 200


def test_it_rotates_refresh_tokens_when_rotation_is_on(salesforce_emulator):
    salesforce_emulator.config.refresh_token_rotation = True
    tokens = _tokens(salesforce_emulator)
    rotated = refresh(salesforce_emulator, tokens["refresh_token"]).json()["refresh_token"]
    assert rotated != tokens["refresh_token"]
    assert refresh(salesforce_emulator, rotated).status_code == 200


def test_it_revokes_the_current_token_when_a_rotated_out_one_is_reused(salesforce_emulator):
    salesforce_emulator.config.refresh_token_rotation = True
    tokens = _tokens(salesforce_emulator)
    first = refresh(salesforce_emulator, tokens["refresh_token"]).json()
    reuse = refresh(salesforce_emulator, tokens["refresh_token"])
    assert reuse.json() == {"error": "invalid_grant", "error_description": "expired access/refresh token"}
    assert refresh(salesforce_emulator, first["refresh_token"]).status_code == 400
    assert _api_status(first["access_token"], first["instance_url"]) == 401


def test_it_revokes_the_oldest_pair_on_the_sixth_approval(salesforce_emulator):
    pairs = [_tokens(salesforce_emulator) for _ in range(6)]
    assert refresh(salesforce_emulator, pairs[0]["refresh_token"]).json()["error"] == "invalid_grant"
    assert _api_status(pairs[0]["access_token"], pairs[0]["instance_url"]) == 401
    for pair in pairs[1:]:
        assert refresh(salesforce_emulator, pair["refresh_token"]).status_code == 200


def test_it_revokes_a_refresh_token_with_its_access_tokens(salesforce_emulator):
    tokens = _tokens(salesforce_emulator)
    url = salesforce_emulator.urls["production_login"] + "/services/oauth2/revoke"
    response = requests.post(url, data={"token": tokens["refresh_token"]}, timeout=5)
    assert (response.status_code, response.text) == (200, "")
    assert _api_status(tokens["access_token"], tokens["instance_url"]) == 401
    assert refresh(salesforce_emulator, tokens["refresh_token"]).status_code == 400


def test_it_revokes_an_access_token_alone(salesforce_emulator):
    tokens = _tokens(salesforce_emulator)
    url = salesforce_emulator.urls["production_instance"] + "/services/oauth2/revoke"
    assert requests.post(url, data={"token": tokens["access_token"]}, timeout=5).status_code == 200
    assert _api_status(tokens["access_token"], tokens["instance_url"]) == 401
    assert refresh(salesforce_emulator, tokens["refresh_token"]).status_code == 200


def test_it_answers_400_when_revoking_an_unknown_token(salesforce_emulator):
    url = salesforce_emulator.urls["production_login"] + "/services/oauth2/revoke"
    response = requests.post(url, data={"token": "nope"}, timeout=5)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_token"


def test_it_answers_401_invalid_session_once_the_access_token_expired(salesforce_emulator):
    tokens = _tokens(salesforce_emulator)
    salesforce_emulator.config.access_token_lifetime = 0.01
    time.sleep(0.05)
    response = Api(tokens["instance_url"], tokens["access_token"]).get("/sobjects")
    assert response.status_code == 401
    assert response.json() == [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]


def test_it_fails_a_refresh_for_a_deactivated_user(salesforce_emulator):
    tokens = _tokens(salesforce_emulator)
    salesforce_emulator.org("production").set_user_active(False)
    response = refresh(salesforce_emulator, tokens["refresh_token"])
    assert response.json() == {"error": "invalid_grant", "error_description": "authentication failure"}


def test_it_fails_the_next_refresh_as_already_being_processed(salesforce_emulator):
    tokens = _tokens(salesforce_emulator)
    salesforce_emulator.org("production").fail_next_refreshes(1)
    first = refresh(salesforce_emulator, tokens["refresh_token"])
    assert first.json()["error_description"] == "token request is already being processed"
    assert refresh(salesforce_emulator, tokens["refresh_token"]).status_code == 200


def test_it_refuses_to_refresh_a_sandbox_token_at_the_production_login_host(salesforce_emulator):
    tokens = _tokens(salesforce_emulator, "sandbox")
    response = refresh(salesforce_emulator, tokens["refresh_token"], "production")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"
    assert refresh(salesforce_emulator, tokens["refresh_token"], "sandbox").status_code == 200


def test_it_refreshes_on_the_instance_host_as_on_a_my_domain(salesforce_emulator):
    tokens = _tokens(salesforce_emulator)
    assert refresh(salesforce_emulator, tokens["refresh_token"], host="instance").status_code == 200


def test_it_refuses_api_calls_sent_to_the_login_host(salesforce_emulator):
    tokens = _tokens(salesforce_emulator)
    response = Api(salesforce_emulator.urls["production_login"], tokens["access_token"]).get("/sobjects")
    assert response.status_code == 401
    assert response.json()[0]["errorCode"] == "INVALID_SESSION_ID"


def test_it_refuses_a_sandbox_token_on_the_production_instance(salesforce_emulator):
    tokens = _tokens(salesforce_emulator, "sandbox")
    assert _api_status(tokens["access_token"], salesforce_emulator.urls["production_instance"]) == 401
    assert _api_status(tokens["access_token"], salesforce_emulator.urls["sandbox_instance"]) == 200


def test_it_answers_userinfo_for_a_valid_token(salesforce_emulator):
    tokens = _tokens(salesforce_emulator)
    org = salesforce_emulator.org("production")
    response = requests.get(
        tokens["instance_url"] + "/services/oauth2/userinfo",
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
        timeout=5,
    )
    body = response.json()
    assert (body["user_id"], body["organization_id"]) == (org.user_id, org.org_id)
    assert body["preferred_username"] == "demo@example.com"
    assert body["urls"]["rest"] == tokens["instance_url"] + "/services/data/v{version}/"


def test_it_serves_the_identity_url_from_the_token_response(salesforce_emulator):
    tokens = _tokens(salesforce_emulator)
    response = requests.get(
        tokens["id"], headers={"Authorization": f"Bearer {tokens['access_token']}"}, timeout=5
    )
    assert response.status_code == 200
    assert response.json()["username"] == "demo@example.com"


def test_it_refuses_userinfo_without_a_valid_token(salesforce_emulator):
    url = salesforce_emulator.urls["production_login"] + "/services/oauth2/userinfo"
    assert requests.get(url, headers={"Authorization": "Bearer nope"}, timeout=5).status_code == 403


def test_it_keeps_secrets_out_of_the_request_log(salesforce_emulator):
    _tokens(salesforce_emulator)
    token_calls = [e for e in salesforce_emulator.org("production").requests() if e.path.endswith("/token")]
    assert "client_secret=***" in token_calls[0].body
    assert salesforce_emulator.client_secret not in token_calls[0].body
