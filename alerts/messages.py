"""What an alert says: one JSON body per incident start or end, and its email text (no Django models)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

TITLES = {
    "needs_reconnect": "Needs reconnecting",
    "failures": "Deliveries failing",
    "lag": "Deliveries waiting",
    "api_budget": "API budget spent",
}
# The order in which a digest lists what happened meanwhile.
DIGEST_ORDER = ("delivered", "failed", "multiple_matches", "retrying", "held", "pending", "sending")


def digest_line(digest: dict[str, int], started_at: datetime, ended_at: datetime) -> str:
    """ "While it lasted (42 minutes): 30 delivered, 12 failed." from counts by status."""
    minutes = max(0, int((ended_at - started_at).total_seconds() // 60))
    parts = [f"{digest[k]} {k.replace('_', ' ')}" for k in DIGEST_ORDER if digest.get(k)]
    what = ", ".join(parts) if parts else "no deliveries"
    return f"While it lasted ({minutes} minutes): {what}."


def body(
    *,
    event: str,
    workspace: str,
    destination_id: str,
    destination: str,
    condition: str,
    summary: str,
    started_at: datetime,
    ended_at: datetime | None,
    digest: dict[str, int] | None,
    link: str,
) -> str:
    """The JSON every channel sends (the webhook as is, signed; email as text)."""
    message: dict[str, Any] = {
        "type": f"incident.{event}",
        "workspace": workspace,
        "destination": {"id": destination_id, "name": destination},
        "condition": condition,
        "title": TITLES.get(condition, condition),
        "summary": summary,
        "started_at": started_at.isoformat(),
        "ended_at": ended_at.isoformat() if ended_at else None,
        "link": link,
    }
    if digest is not None and ended_at is not None:
        message["digest"] = digest
        message["digest_line"] = digest_line(digest, started_at, ended_at)
    return json.dumps(message, sort_keys=True)


def email_subject(message: dict[str, Any]) -> str:
    state = "resolved" if message["type"] == "incident.ended" else "started"
    return f"{message['destination']['name']}: {message['title']} ({state})"


def email_text(message: dict[str, Any]) -> str:
    lines = [f"{message['title']} — {message['destination']['name']} ({message['workspace']})", ""]
    if message["type"] == "incident.ended":
        lines.append(f"Resolved at {message['ended_at']} (started {message['started_at']}).")
        lines.append(message.get("digest_line", ""))
    else:
        lines.append(f"Started at {message['started_at']}.")
    lines += [message["summary"], "", message["link"]]
    return "\n".join(line for line in lines if line is not None) + "\n"
