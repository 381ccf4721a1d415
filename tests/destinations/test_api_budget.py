from datetime import UTC, datetime, timedelta

from destinations import api_budget
from destinations.models import ApiCallHour, Destination

NOW = datetime(2026, 3, 2, 15, 40, tzinfo=UTC)


def _destination(team, **fields):
    return Destination.objects.create(workspace=team.workspace, name="Prod", **fields)


def test_it_frees_up_when_enough_old_hours_leave_the_window():
    rows = [(NOW - timedelta(hours=20), 6), (NOW - timedelta(hours=10), 3), (NOW - timedelta(hours=1), 2)]

    # 11 used of 8: the first hour leaving (24 hours after its end) brings it to 5.
    assert api_budget.resumes_at(rows, 8) == rows[0][0] + timedelta(hours=25)
    # Of 5, the second hour must leave too.
    assert api_budget.resumes_at(rows, 5) == rows[1][0] + timedelta(hours=25)


def test_a_share_needs_the_org_limit_and_a_fixed_number_wins(team):
    destination = _destination(team, api_budget_percent=30)
    assert api_budget.limit_of(destination) is None
    destination.api_requests_max = 15000
    assert api_budget.limit_of(destination) == 4500
    destination.api_budget_calls = 700
    assert api_budget.limit_of(destination) == 700


def test_it_adds_a_chunks_calls_to_one_row_per_hour(team):
    destination = _destination(team)

    api_budget.add_calls(destination.pk, 3, NOW)
    api_budget.add_calls(destination.pk, 4, NOW + timedelta(minutes=10))
    api_budget.add_calls(destination.pk, 2, NOW + timedelta(minutes=30))

    assert list(ApiCallHour.objects.values_list("hour", "calls").order_by("hour")) == [
        (NOW.replace(minute=0), 7),
        (NOW.replace(minute=0) + timedelta(hours=1), 2),
    ]


def test_it_counts_only_the_last_24_hours(team):
    destination = _destination(team, api_budget_calls=10)
    # An hour that ended more than 24 hours ago, and one that ended less than that.
    api_budget.add_calls(destination.pk, 8, NOW - timedelta(hours=25))
    api_budget.add_calls(destination.pk, 5, NOW - timedelta(hours=24))
    api_budget.add_calls(destination.pk, 5, NOW)

    budget = api_budget.read(destination, NOW)

    assert (budget.used, budget.limit, budget.reached) == (10, 10, True)
    assert budget.resumes_at == NOW.replace(minute=0) + timedelta(hours=1)
    assert api_budget.forget_old(NOW) == 1
