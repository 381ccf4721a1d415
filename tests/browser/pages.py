"""A workspace with a history, and the address of each main page of it, for the browser tests of layout.

The history is made the real way: events through intake, sent to the
emulator by the sender, so the pages show what a marketer would see after a
day of use (long email addresses, Salesforce's refusals, our own refusals,
multiple matches, a lookup).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from actions import archiving
from actions.models import Action
from deliveries.models import Delivery
from destinations.models import Destination
from tests.dashboard.data_out_support import BLOCKED_DOMAIN, block_emails, lead, lead_without_company
from tests.engine.conftest import deliver, identify, make_action, path, send

# The two screens every main page must fit: a phone held upright, and a laptop.
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}
LONG_EMAIL = "ada.lovelace-analytical-engines@difference-engine.example"


@dataclass(frozen=True)
class History:
    destination: Destination
    creates: Action
    upserts: Action
    refused: Delivery
    lookup: Delivery
    multiple: Delivery


def make_history(destination: Destination, source: Any, org: Any) -> History:
    """Deliveries of every kind (delivered, refused by Salesforce, refused before sending, several
    matches), and an archived action."""
    block_emails(org)
    creates = make_action(destination, "lead", "create", name="New leads")
    send(
        source,
        lead("ada", LONG_EMAIL),
        lead("eve", f"eve{BLOCKED_DOMAIN}"),
        lead_without_company("nocompany"),
        lead("dup-1", "twin@x.io"),
        lead("dup-2", "twin@x.io"),
    )
    deliver(creates)
    creates.enabled = False
    creates.save()
    upserts = make_action(
        destination,
        "lead",
        "upsert",
        name="Leads by email",
        matchers=[("Email", path("traits.email"))],
        trigger='type = "identify" and traits.again = true',
    )
    send(
        source,
        identify("twin", email="twin@x.io", last_name="Twin", again=True),
        identify("grace", email="grace@x.io", last_name="Hopper", company="Navy", again=True),
    )
    deliver(upserts)
    archiving.archive(make_action(destination, "contact", "create", name="Old contacts", enabled=False))
    return History(
        destination=destination,
        creates=creates,
        upserts=upserts,
        refused=Delivery.objects.get(event__user_id="nocompany"),
        lookup=Delivery.objects.get(event__user_id="grace"),
        multiple=Delivery.objects.get(event__user_id="twin"),
    )


def page_urls(history: History, source_id: Any) -> dict[str, str]:
    """Every main page a signed-in member uses, by name."""
    destination = history.destination
    workspace = {"workspace_id": destination.workspace_id}
    of_destination = {**workspace, "destination_id": destination.pk}
    return {
        "connections": reverse("workspaces:connections", kwargs=workspace),
        "sources": reverse("sources:list", kwargs=workspace),
        "source": reverse("sources:detail", kwargs={**workspace, "source_id": source_id}),
        "destinations": reverse("destinations:list", kwargs=workspace),
        "add-destination": reverse("destinations:add", kwargs=workspace),
        "new-destination": reverse("destinations:create", kwargs=workspace),
        "destination-settings": reverse("destinations:detail", kwargs=of_destination),
        "actions": reverse("actions:list", kwargs=of_destination),
        "action-editor": reverse("actions:edit", kwargs={**of_destination, "action_id": history.upserts.pk}),
        "new-action": reverse("actions:new", kwargs={**of_destination, "kind": "lead"}),
        "delete-action": reverse(
            "actions:delete", kwargs={**of_destination, "action_id": history.creates.pk}
        ),
        "archived-actions": reverse("actions:archived", kwargs=of_destination),
        "send-test-event": reverse(
            "actions:send-test", kwargs={**of_destination, "action_id": history.upserts.pk}
        )
        + f"?event_id={history.lookup.event_id}",
        "data-out": reverse("deliveries:data-out", kwargs=of_destination),
        "delivery-lookup": reverse(
            "deliveries:detail", kwargs={**of_destination, "delivery_id": history.lookup.pk}
        ),
        "delivery-multiple-matches": reverse(
            "deliveries:detail", kwargs={**of_destination, "delivery_id": history.multiple.pk}
        ),
        "members": reverse("workspaces:members", kwargs=workspace),
        "replay": reverse("replays:replay", kwargs=of_destination),
        "alerts": reverse("alerts:settings", kwargs=of_destination),
    }


def horizontal_overflow(page: Any) -> int:
    """How many pixels the page is wider than the window (0: no horizontal scroll)."""
    return int(page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth"))


def broken_words(page: Any, selector: str) -> list[str]:
    """The words inside ``selector`` that the layout broke across two lines."""
    return list(
        page.evaluate(
            """(selector) => {
                const broken = [];
                for (const root of document.querySelectorAll(selector)) {
                    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
                    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                        const pattern = /\\S+/g;
                        let found;
                        while ((found = pattern.exec(node.data)) !== null) {
                            const range = document.createRange();
                            range.setStart(node, found.index);
                            range.setEnd(node, found.index + found[0].length);
                            const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
                            if (lines.size > 1) broken.push(found[0]);
                        }
                    }
                }
                return broken;
            }""",
            selector,
        )
    )


def off_screen(page: Any, selector: str) -> list[str]:
    """The visible elements matching ``selector`` that reach past the window's right or left edge."""
    return list(
        page.evaluate(
            """(selector) => [...document.querySelectorAll(selector)]
                .filter((el) => el.getClientRects().length > 0)
                .filter((el) => {
                    const box = el.getBoundingClientRect();
                    return box.left < 0 || box.right > document.documentElement.clientWidth;
                })
                .map((el) => el.outerHTML.slice(0, 120))""",
            selector,
        )
    )
