"""``/metrics``: figures read from the database at scrape time.

Intake runs in many web workers and senders in many queue workers, so
counters kept in one process's memory would each tell part of the story;
every figure here is read from the rows all processes write.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from django.db.models import Count, Min, Sum
from django.utils import timezone
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import Collector

from actions.models import Action
from deliveries.models import DUE_STATUSES, BulkJob, BulkPhase, Delivery
from destinations import api_budget
from destinations.models import Destination
from monitoring.models import ChunkBucket, ChunkTiming
from sources.models import IntakeTotals

PREFIX = "sfdest"


class DatabaseCollector(Collector):
    def collect(self) -> Iterator[Metric]:
        now = timezone.now()
        yield _intake()
        actions = {
            a["pk"]: a for a in Action.objects.values("pk", "name", "destination_id", "destination__name")
        }
        yield _deliveries(actions)
        yield _queue_lag(actions, now)
        yield from _api_usage()
        yield from _api_budget(now)
        yield _bulk_jobs()
        yield _chunk_durations(actions)


def _action_labels(actions: dict, action_id: object) -> list[str]:
    action = actions.get(action_id, {})
    return [
        str(action.get("destination_id", "")),
        action.get("destination__name", ""),
        str(action_id),
        action.get("name", ""),
    ]


_ACTION_LABELS = ["destination_id", "destination", "action_id", "action"]


def _intake() -> Metric:
    family = CounterMetricFamily(
        f"{PREFIX}_intake_messages",
        "Messages received by a source since it was created, by outcome.",
        labels=["source_id", "source", "outcome"],
    )
    rows = (
        IntakeTotals.objects.values("source_id", "source__name")
        .annotate(accepted=Sum("accepted"), duplicates=Sum("duplicates"), rejected=Sum("rejected"))
        .order_by()
    )
    for row in rows:
        for outcome in ("accepted", "duplicates", "rejected"):
            family.add_metric([str(row["source_id"]), row["source__name"], outcome], row[outcome])
    return family


def _deliveries(actions: dict) -> Metric:
    family = GaugeMetricFamily(
        f"{PREFIX}_deliveries",
        "Deliveries stored (within the retention period), by status, action and destination.",
        labels=[*_ACTION_LABELS, "status"],
    )
    rows = Delivery.objects.values("action_id", "status").annotate(n=Count("id")).order_by()
    for row in rows:
        family.add_metric([*_action_labels(actions, row["action_id"]), row["status"]], row["n"])
    return family


def _queue_lag(actions: dict, now: datetime) -> Metric:
    family = GaugeMetricFamily(
        f"{PREFIX}_queue_lag_seconds",
        "Age of the oldest due delivery of each action with one (0 when none is due).",
        labels=_ACTION_LABELS,
    )
    oldest = dict(
        Delivery.objects.filter(status__in=DUE_STATUSES, due_at__lte=now)
        .values("action_id")
        .annotate(oldest=Min("due_at"))
        .order_by()
        .values_list("action_id", "oldest")
    )
    for action_id in actions:
        due_at = oldest.get(action_id)
        lag = (now - due_at).total_seconds() if due_at else 0.0
        family.add_metric(_action_labels(actions, action_id), max(0.0, lag))
    return family


def _per_destination(name: str, documentation: str) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, labels=["destination_id", "destination"])


def _api_usage() -> Iterator[Metric]:
    used = _per_destination(
        f"{PREFIX}_salesforce_api_requests_used",
        "API requests the org has used of its daily limit, as Salesforce last reported (Sforce-Limit-Info).",
    )
    limit = _per_destination(
        f"{PREFIX}_salesforce_api_requests_limit",
        "The org's daily API request limit, as Salesforce last reported.",
    )
    rows = Destination.objects.filter(api_requests_max__isnull=False).values(
        "pk", "name", "api_requests_used", "api_requests_max"
    )
    for row in rows:
        labels = [str(row["pk"]), row["name"]]
        used.add_metric(labels, row["api_requests_used"] or 0)
        limit.add_metric(labels, row["api_requests_max"] or 0)
    yield used
    yield limit


def _api_budget(now: datetime) -> Iterator[Metric]:
    ours = _per_destination(
        f"{PREFIX}_api_calls_last_24h",
        "API calls this server spent for the destination in the last 24 hours (counted per hour).",
    )
    budget = _per_destination(
        f"{PREFIX}_api_budget_calls",
        "The destination's API budget in calls per 24 hours (left out while a share's org limit is unknown).",
    )
    spent = api_budget.used_by_each(now)
    for destination in Destination.objects.only(
        "pk", "name", "api_budget_percent", "api_budget_calls", "api_requests_max"
    ):
        labels = [str(destination.pk), destination.name]
        ours.add_metric(labels, spent.get(destination.pk, 0))
        limit = api_budget.limit_of(destination)
        if limit is not None:
            budget.add_metric(labels, limit)
    yield ours
    yield budget


def _bulk_jobs() -> Metric:
    family = _per_destination(
        f"{PREFIX}_bulk_jobs_in_flight",
        "Bulk API jobs started and not yet finished, per destination.",
    )
    rows = (
        BulkJob.objects.exclude(phase=BulkPhase.FINISHED)
        .values("destination_id", "destination__name")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        family.add_metric([str(row["destination_id"]), row["destination__name"]], row["n"])
    return family


def _chunk_durations(actions: dict) -> Metric:
    family = HistogramMetricFamily(
        f"{PREFIX}_sender_chunk_duration_seconds",
        "Time a sender took to send one chunk of an action's deliveries.",
        labels=_ACTION_LABELS,
    )
    buckets: dict[object, list[tuple[str, float]]] = {}
    for bucket in ChunkBucket.objects.order_by("action_id", "le").values("action_id", "le", "count"):
        buckets.setdefault(bucket["action_id"], []).append((_bound(bucket["le"]), bucket["count"]))
    for timing in ChunkTiming.objects.values("action_id", "count", "sum_seconds"):
        action_id = timing["action_id"]
        family.add_metric(
            _action_labels(actions, action_id),
            [*buckets.get(action_id, []), ("+Inf", timing["count"])],
            timing["sum_seconds"],
        )
    return family


def _bound(le: float) -> str:
    return repr(float(le))


def scrape() -> bytes:
    """The current figures in the Prometheus text format."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(DatabaseCollector())
    return generate_latest(registry)
