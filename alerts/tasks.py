"""django-q2 task of alerts (every minute): check the conditions, then send what is due."""

from __future__ import annotations

from alerts.incidents import check_all, forget_old
from alerts.sending import deliver_due


def check_alerts() -> int:
    check_all()
    forget_old()
    return deliver_due()
