import random
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from deliveries.retry import MAX_DELAY, backoff, next_try

NOW = datetime(2026, 11, 28, 12, tzinfo=UTC)
WINDOW = timedelta(hours=4)


def test_it_waits_at_least_half_of_30_seconds_after_the_first_failure():
    assert timedelta(seconds=15) <= backoff(1) <= timedelta(seconds=30)


def test_it_doubles_the_wait_after_each_failure():
    rng = random.Random(0)
    lows = [backoff(n, rng) for n in range(1, 6)]
    assert [w >= timedelta(seconds=15 * 2 ** (n - 1)) for n, w in enumerate(lows, start=1)] == [True] * 5


@given(st.integers(min_value=1, max_value=10_000))
def test_it_never_waits_longer_than_the_cap(attempts):
    assert backoff(attempts) <= MAX_DELAY


def test_it_honours_a_longer_retry_after():
    decision = next_try(now=NOW, first_attempt_at=NOW, attempts=1, window=WINDOW, retry_after=600)
    assert decision.retry_at is not None
    assert decision.retry_at - NOW >= timedelta(seconds=600)


def test_it_gives_up_when_the_next_try_would_fall_outside_the_window():
    first = NOW - timedelta(hours=3, minutes=59)
    decision = next_try(now=NOW, first_attempt_at=first, attempts=12, window=WINDOW)
    assert decision.exhausted


def test_it_gives_up_at_once_with_a_zero_window():
    assert next_try(now=NOW, first_attempt_at=NOW, attempts=1, window=timedelta(0)).exhausted
