"""In a Bulk CSV Salesforce reads the text "#N/A" as null: with "Clear fields on null" off it is refused."""

from __future__ import annotations

import pytest

from deliveries.models import BulkJob, Status
from tests.engine.bulk_helpers import bulk_upsert, deliver_bulk
from tests.engine.conftest import identify, path, send


def _first_name_upsert(destination, **settings):
    return bulk_upsert(
        destination,
        batch_size=1,
        fields={"LastName": path("traits.last_name"), "FirstName": path("traits.first_name")},
        **settings,
    )


def _first_name(sf, key):
    [contact] = [r for r in sf.records("Contact") if r["External_Id__c"] == key]
    return contact.get("FirstName")


@pytest.mark.parametrize("text", ["#N/A", "#n/a"])
def test_it_refuses_the_text_before_any_job_and_the_field_keeps_its_value(sf, destination, source, text):
    action = _first_name_upsert(destination)
    send(source, identify("c1", last_name="L", first_name="Ada"))
    deliver_bulk(sf, action)
    jobs_before = BulkJob.objects.count()

    send(source, identify("c1", last_name="L", first_name=text))
    refused = deliver_bulk(sf, action)[-1]

    assert (refused.status, refused.error_code) == (Status.FAILED, "BULK_NULL_TEXT")
    assert refused.error_fields == ["FirstName"]
    assert refused.refused_before_sending is True
    assert BulkJob.objects.count() == jobs_before
    assert _first_name(sf, "c1") == "Ada"


def test_the_other_rows_of_the_batch_are_sent(sf, destination, source):
    action = bulk_upsert(destination, batch_size=2, fields={"LastName": path("traits.last_name")})
    send(source, identify("c1", last_name="#N/A"), identify("c2", last_name="Lovelace"))

    refused, sent = deliver_bulk(sf, action)

    assert refused.error_code == "BULK_NULL_TEXT"
    assert sent.status == Status.DELIVERED
    assert [r["External_Id__c"] for r in sf.records("Contact")] == ["c2"]


def test_with_clear_fields_on_null_on_the_text_clears_the_field_as_salesforce_reads_it(
    sf, destination, source
):
    action = _first_name_upsert(destination, clear_fields_on_null=True)
    send(source, identify("c1", last_name="L", first_name="Ada"))
    deliver_bulk(sf, action)

    send(source, identify("c1", last_name="L", first_name="#N/A"))
    cleared = deliver_bulk(sf, action)[-1]

    assert cleared.status == Status.DELIVERED
    assert _first_name(sf, "c1") is None
