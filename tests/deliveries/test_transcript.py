"""An attempt's calls made readable, credentials never shown (pure)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from deliveries.transcript import MAX_SHOWN_DEPTH, REDACTED, TOO_DEEP, exchanges, pretty, redacted


def test_it_pairs_each_request_with_its_response():
    calls = exchanges(
        [{"method": "POST", "path": "/services/data/v62.0/composite", "body": {"a": 1}}],
        [{"status": 200, "body": '{"ok": true}'}],
    )

    [call] = calls
    assert (call.method, call.path, call.status) == ("POST", "/services/data/v62.0/composite", 200)
    assert call.request_body == '{\n  "a": 1\n}'
    assert call.response_body == '{\n  "ok": true\n}'


def test_a_request_without_an_answer_has_no_status():
    [call] = exchanges([{"method": "GET", "path": "/x"}], [])

    assert (call.status, call.request_body, call.response_body) == (None, "", "")


def test_it_shows_the_soql_a_lookup_ran():
    soql = "SELECT Id, Email FROM Lead WHERE Email IN ('ada@x.io')"

    [call] = exchanges([{"method": "GET", "path": "/services/data/v62.0/query", "soql": soql}], [])

    assert call.soql == soql


def test_text_that_is_not_json_stays_as_it_is():
    assert pretty("Service Unavailable") == "Service Unavailable"


def test_it_redacts_credentials_at_any_depth_whatever_their_case():
    value = {"headers": {"Authorization": "Bearer t"}, "items": [{"ACCESS_TOKEN": "t", "keep": "k"}]}

    assert redacted(value) == {
        "headers": {"Authorization": REDACTED},
        "items": [{"ACCESS_TOKEN": REDACTED, "keep": "k"}],
    }


def test_it_redacts_credentials_inside_a_json_text_body():
    assert "secret" not in pretty('{"refresh_token": "secret"}')


@given(st.text(min_size=8, alphabet="abcdefghijklmnopqrstuvwxyz0123456789"))
def test_a_token_under_a_secret_key_never_reaches_the_page(token):
    [call] = exchanges(
        [
            {
                "method": "GET",
                "path": "/",
                "headers": {"authorization": token},
                "body": {"access_token": token},
            }
        ],
        [{"status": 200, "body": {"nested": [{"client_secret": token}]}}],
    )

    assert token not in call.request_body + call.response_body


def test_it_shows_a_value_nested_past_the_interpreter_limit_with_secrets_still_redacted():
    deep: dict = {"access_token": "secret"}
    for _ in range(5000):
        deep = {"a": deep}

    shown = pretty({"password": "secret", "deep": deep})

    assert "secret" not in shown
    assert TOO_DEEP in shown
    assert shown.count('"a"') == MAX_SHOWN_DEPTH - 1  # levels 2 to 64 each hold one
