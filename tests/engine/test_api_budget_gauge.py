"""The destination page's API budget gauge: our calls and the org's, the limit, the budget."""

from __future__ import annotations

import re

from django.urls import reverse

from tests.engine.budget_helpers import send_leads


def _page(team, destination):
    url = reverse(
        "destinations:detail",
        kwargs={"workspace_id": destination.workspace_id, "destination_id": destination.pk},
    )
    return team.client_for("viewer").get(url).content.decode()


def _figure(html, name):
    found = re.search(rf'data-figure="{name}">(\d+)<', html)
    assert found is not None, name
    return int(found.group(1))


def test_it_shows_our_calls_the_orgs_the_limit_and_the_budget(sf, destination, source, team, settings):
    settings.DELIVERY_CHUNK_SIZE = 1
    # Other integrations spent 300 of the org's 2,000 calls.
    sf.control("PATCH", "/limits", json={"max": 2000, "used": 300})

    send_leads(destination, source, 3, api_budget_percent=20)
    html = _page(team, destination)

    assert _figure(html, "ours") == 3
    assert _figure(html, "org-used") == sf.control("GET", "/limits")["used"]
    assert _figure(html, "org-used") >= 303
    assert _figure(html, "org-max") == 2000
    assert _figure(html, "limit") == 400
    assert '<meter id="budget-meter" class="budget-meter" min="0" max="400" value="3"' in html
    assert "20 % of the org's daily limit" in html
    assert "API budget reached" not in html


def test_it_says_when_a_fixed_budget_is_spent_and_when_it_resumes(sf, destination, source, team):
    send_leads(destination, source, 1, api_budget_calls=1)

    html = _page(team, destination)

    assert _figure(html, "ours") == 1
    assert _figure(html, "limit") == 1
    assert "(a fixed number)" in html
    assert "API budget reached." in html
    assert re.search(r"resume at\s+\d{4}-\d\d-\d\d \d\d:\d\d UTC", html)
