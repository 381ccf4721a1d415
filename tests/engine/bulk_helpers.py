"""Driving Bulk actions in tests as the workers would: flush, then poll once the job has finished."""

from __future__ import annotations

import time
from typing import Any

from django.utils import timezone

from actions.models import Action
from deliveries import bulk_polling, sender
from deliveries.models import BulkJob, BulkPhase, Delivery
from salesforce_emulator.bulk import TERMINAL
from tests.engine.conftest import Org, make_action, path


def bulk_upsert(destination: Any, **settings: Any) -> Action:
    """Contacts upserted in bulk on External_Id__c, from identify events keyed by userId."""
    return make_action(
        destination,
        "contact",
        "upsert",
        trigger='type = "identify"',
        use_bulk=True,
        bulk_upsert_external_id={"field": "External_Id__c", "mapping": path("userId")},
        **settings,
    )


def bulk_update(destination: Any, **settings: Any) -> Action:
    """Lead titles updated in bulk by the record Id an identify event carries."""
    return make_action(
        destination,
        "lead",
        "update",
        use_bulk=True,
        fields={"Title": path("traits.title")},
        bulk_update_record_id=path("traits.sf_id"),
        **settings,
    )


def wait_for_salesforce(sf: Org, job: BulkJob) -> None:
    """Until the emulator has finished the job (read from the emulator itself: no API call)."""
    for _ in range(1000):
        emulated = sf.org.bulk.get(job.job_id)
        if emulated is None or emulated.state in TERMINAL:
            return
        time.sleep(0.01)
    raise AssertionError(f"job {job.job_id} did not finish")


def poll_finished_jobs(sf: Org) -> None:
    """Poll every job once it is finished at Salesforce: one poll each, so call counts are exact."""
    for job in BulkJob.objects.filter(phase=BulkPhase.PROCESSING):
        wait_for_salesforce(sf, job)
        BulkJob.objects.filter(pk=job.pk).update(next_poll_at=timezone.now())
        bulk_polling.poll(job.pk)


def deliver_bulk(sf: Org, action: Action) -> list[Delivery]:
    """Flush the action (when its batch is ripe) and follow its jobs to the end; deliveries oldest first."""
    sender.run(str(action.pk))
    poll_finished_jobs(sf)
    return list(Delivery.objects.filter(action=action).order_by("id"))
