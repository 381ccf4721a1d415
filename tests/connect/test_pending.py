"""Pending OAuth states in the session: single use, bounded, short-lived, secrets sealed."""

from datetime import UTC, datetime

from destinations import pending
from destinations.pending import PendingConnect
from destinations.salesforce.oauth import Identity, TokenGrant


def _pending(state="s1"):
    return PendingConnect(state, "dest", "ws", "https://login.salesforce.com", code_verifier="v" * 64)


def test_it_gives_a_state_back_once():
    session: dict = {}
    pending.remember_state(session, _pending())

    assert pending.take_state(session, "s1") == _pending()
    assert pending.take_state(session, "s1") is None


def test_it_keeps_states_of_several_tabs_apart():
    session: dict = {}
    pending.remember_state(session, _pending("a"))
    pending.remember_state(session, _pending("b"))

    b, a = pending.take_state(session, "b"), pending.take_state(session, "a")
    assert (b and b.state, a and a.state) == ("b", "a")


def test_it_forgets_states_older_than_an_authorization_code_lives(monkeypatch):
    session: dict = {}
    pending.remember_state(session, _pending())
    now = pending.time.time()
    monkeypatch.setattr(pending.time, "time", lambda: now + pending.MAX_AGE_SECONDS + 1)

    assert pending.take_state(session, "s1") is None


def test_it_keeps_only_the_newest_states(monkeypatch):
    session: dict = {}
    clock = iter(range(1000, 2000))
    monkeypatch.setattr(pending.time, "time", lambda: float(next(clock)))
    for n in range(pending.MAX_ENTRIES + 3):
        pending.remember_state(session, _pending(f"s{n}"))

    assert len(session[pending.STATES_KEY]) == pending.MAX_ENTRIES
    assert pending.take_state(session, "s0") is None
    assert pending.take_state(session, f"s{pending.MAX_ENTRIES + 2}") is not None


def test_it_seals_the_verifier():
    session: dict = {}
    pending.remember_state(session, _pending())

    assert "v" * 64 not in str(session)


def test_it_seals_tokens_awaiting_confirmation_and_opens_them_again():
    session: dict = {}
    grant = TokenGrant(
        "access-secret",
        "refresh-secret",
        "https://acme.my.salesforce.com",
        "00D000000000001AAA",
        "005000000000001AAA",
        datetime(2026, 1, 1, tzinfo=UTC),
        ("api", "refresh_token"),
    )
    identity = Identity("00D000000000001AAA", "005000000000001AAA", "ada@acme.com")

    confirmation_id = pending.remember_confirmation(session, "dest", "ws", grant, identity)

    assert "secret" not in str(session)
    opened = pending.take_confirmation(session, confirmation_id)
    assert opened is not None
    assert (opened.grant, opened.identity) == (grant, identity)
    assert pending.take_confirmation(session, confirmation_id) is None
