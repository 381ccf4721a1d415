"""``manage.py qcluster``: django-q2's cluster, whose processes end when their parent does."""

from __future__ import annotations

from typing import Any

from django_q.management.commands import qcluster

from deliveries.orphans import end_children_with_parent


class Command(qcluster.Command):
    def handle(self, *args: Any, **options: Any) -> None:
        end_children_with_parent()
        super().handle(*args, **options)
