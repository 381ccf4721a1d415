"""Bulk API 2.0 against the emulator: per-record results, merging, failures, calls spent."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_q.models import Schedule

from deliveries import bulk_polling, bulk_recovery, sender
from deliveries.data_out import rows_of_bulk_job
from deliveries.models import Attempt, BulkJob, BulkPhase, Delivery, SalesforceCall, Status
from deliveries.pruning import prune_old_bulk_jobs
from salesforce_emulator.bulk import all_rows
from salesforce_emulator.bulk_csv import CsvJobError
from tests.engine.bulk_helpers import (
    bulk_update,
    bulk_upsert,
    deliver_bulk,
    poll_finished_jobs,
    wait_for_salesforce,
)
from tests.engine.conftest import deliver, identify, make_action, path, send


def contacts_by_key(sf):
    return {r["External_Id__c"]: r for r in sf.records("Contact")}


def test_it_upserts_a_full_batch_in_five_calls(sf, destination, source):
    action = bulk_upsert(destination, batch_size=1000)
    for start in range(0, 1000, 250):
        send(source, *(identify(f"c{n}", last_name=f"L{n}") for n in range(start, start + 250)))
    sf.reset_calls()

    deliveries = deliver_bulk(sf, action)

    assert {d.status for d in deliveries} == {Status.DELIVERED}
    contacts = contacts_by_key(sf)
    assert len(contacts) == 1000
    assert all(d.record_id == contacts[d.event.user_id]["Id"] and d.created_record for d in deliveries)
    # create, upload, close, one poll, the successful results.
    assert sf.api_calls() == 5
    assert sum(d.api_calls for d in deliveries) == pytest.approx(5)
    assert len({d.bulk_job_id for d in deliveries}) == 1


def test_it_reports_each_records_own_result_in_a_mixed_job(sf, destination, source, salesforce_emulator):
    salesforce_emulator.config.bulk_shuffle_results = True
    action = bulk_upsert(destination, batch_size=6)
    send(
        source,
        identify("good-1", last_name="One"),
        identify("bad-1", email="not an email"),
        identify("good-2", last_name="Two"),
        identify("bad-2", last_name="Bad", email="also not"),
        identify("good-3", last_name="Three"),
        identify("good-4", last_name="Four"),
    )
    sf.reset_calls()

    deliveries = {d.event.user_id: d for d in deliver_bulk(sf, action)}

    contacts = contacts_by_key(sf)
    for key in ("good-1", "good-2", "good-3", "good-4"):
        assert deliveries[key].status == Status.DELIVERED
        assert deliveries[key].record_id == contacts[key]["Id"]
        assert deliveries[key].status_code == 201
    for key in ("bad-1", "bad-2"):
        assert deliveries[key].status == Status.FAILED
        assert deliveries[key].status_code == 400
        assert deliveries[key].error_code
        assert deliveries[key].error_message
        assert key not in contacts
    # create, upload, close, poll, successes, failures.
    assert sf.api_calls() == 6


def test_it_matches_shuffled_results_of_a_large_job_to_their_deliveries(
    sf, destination, source, salesforce_emulator
):
    salesforce_emulator.config.bulk_shuffle_results = True
    action = bulk_upsert(destination, batch_size=300)
    send(source, *(identify(f"k{n}", last_name=f"Name {n}") for n in range(300)))

    deliveries = deliver_bulk(sf, action)

    contacts = contacts_by_key(sf)
    assert all(contacts[d.event.user_id]["LastName"] == f"Name {d.event.user_id[1:]}" for d in deliveries)
    assert [d.record_id for d in deliveries] == [contacts[d.event.user_id]["Id"] for d in deliveries]


def test_it_merges_deliveries_for_one_record_into_one_row_and_gives_each_the_result(sf, destination, source):
    action = bulk_upsert(destination, batch_size=3)
    send(
        source,
        identify("same", last_name="First", first_name="Ada"),
        identify("other", last_name="Other"),
        identify("same", last_name="Second"),
    )
    sf.reset_calls()

    first, other, second = deliver_bulk(sf, action)

    [contact] = [r for r in sf.records("Contact") if r["External_Id__c"] == "same"]
    assert (contact["LastName"], contact["FirstName"]) == ("Second", "Ada")
    assert first.record_id == second.record_id == contact["Id"]
    assert first.status == second.status == other.status == Status.DELIVERED
    job = BulkJob.objects.get()
    assert len(job.rows) == 2
    assert sum(d.api_calls for d in (first, other, second)) == pytest.approx(5)


def test_it_still_sends_a_record_missing_its_record_id_and_salesforce_rejects_it_alone(
    sf, destination, source
):
    seed = make_action(destination, "lead", "create", name="seed")
    send(source, identify("seed", last_name="Seed", company="Acme"))
    deliver(seed)
    seed.delete()
    [lead] = sf.records("Lead")
    action = bulk_update(destination, batch_size=2)
    send(source, identify("a", sf_id=lead["Id"], title="CEO"), identify("b", title="CTO"))
    sf.reset_calls()

    updated, missing = deliver_bulk(sf, action)

    assert updated.status == Status.DELIVERED and updated.record_id == lead["Id"]
    assert updated.created_record is False
    assert sf.records("Lead")[0]["Title"] == "CEO"
    assert missing.status == Status.FAILED
    assert missing.error_code == "MISSING_ARGUMENT"
    assert updated.bulk_job_id == missing.bulk_job_id != ""


def test_it_fails_an_update_of_a_record_that_does_not_exist_with_404(sf, destination, source):
    action = bulk_update(destination, batch_size=1)
    send(source, identify("a", sf_id="00Q000000000001EAA", title="CEO"))

    [delivery] = deliver_bulk(sf, action)

    assert (delivery.status, delivery.status_code) == (Status.FAILED, 404)
    assert delivery.error_code == "INVALID_CROSS_REFERENCE_KEY"


def test_it_fails_a_field_the_object_lacks_before_any_job_is_created(sf, destination, source):
    action = bulk_upsert(
        destination, batch_size=2, other_fields=[{"field": "Nickname__c", "mapping": path("userId")}]
    )
    send(source, identify("a", last_name="A"), identify("b", last_name="B"))

    deliveries = deliver_bulk(sf, action)

    # Rendering refuses an unknown field before anything is sent, one delivery at a time.
    assert {d.error_code for d in deliveries} == {"INVALID_FIELD"}
    assert BulkJob.objects.count() == 0


def test_it_retries_the_unprocessed_records_of_an_aborted_job(sf, destination, source, monkeypatch):
    action = bulk_upsert(destination, batch_size=2)
    send(source, identify("a", last_name="A"), identify("b", last_name="B"))
    sf.reset_calls()
    original_close = sf.org.bulk.close

    def close_then_abort(job):
        # Salesforce never gets to it: the job is aborted (by an operator, say) before processing.
        original_close(job)
        job.unprocessed = all_rows(job)
        job.set_state("Aborted")

    monkeypatch.setattr(sf.org.bulk, "close", close_then_abort)

    deliveries = deliver_bulk(sf, action)

    assert {d.status for d in deliveries} == {Status.RETRYING}
    assert {d.error_code for d in deliveries} == {"BULK_JOB_ABORTED"}
    # create, upload, close, poll, the unprocessed records.
    assert sf.api_calls() == 5
    assert all("ended Aborted" in d.error_message for d in deliveries)
    assert sf.records("Contact") == []
    assert BulkJob.objects.get().phase == BulkPhase.FINISHED


def test_it_fails_the_records_of_a_job_whose_file_salesforce_refused(sf, destination, source, monkeypatch):
    action = bulk_upsert(destination, batch_size=2)
    send(source, identify("a", last_name="A"), identify("b", last_name="B"))

    def refuse(job):
        # As when the column was hidden from the user between describe and processing.
        raise CsvJobError("InvalidBatch : Field name not found : LastName")

    monkeypatch.setattr(sf.org.bulk, "_run", refuse)

    deliveries = deliver_bulk(sf, action)

    assert {d.status for d in deliveries} == {Status.FAILED}
    assert {d.error_code for d in deliveries} == {"INVALID_BATCH"}
    assert all("Field name not found : LastName" in d.error_message for d in deliveries)


def test_it_waits_for_the_batch_to_fill_and_schedules_a_look_for_when_the_oldest_is_due(
    sf, destination, source, settings, django_capture_on_commit_callbacks
):
    settings.DELIVERY_BULK_MAX_WAIT_SECONDS = 10
    action = bulk_upsert(destination, batch_size=3)
    send(source, identify("a", last_name="A"), identify("b", last_name="B"))
    sf.reset_calls()

    with django_capture_on_commit_callbacks(execute=True):
        deliveries = deliver_bulk(sf, action)

    assert {d.status for d in deliveries} == {Status.PENDING}
    assert sf.api_calls() == 0
    [follow_up] = Schedule.objects.filter(func="deliveries.tasks.send_action")
    assert follow_up.args == repr(str(action.pk))
    assert follow_up.next_run == min(d.due_at for d in deliveries) + timedelta(seconds=10)


def test_it_flushes_when_the_batch_size_is_reached(sf, destination, source, settings):
    settings.DELIVERY_BULK_MAX_WAIT_SECONDS = 3600
    action = bulk_upsert(destination, batch_size=3)
    send(source, *(identify(k, last_name=k) for k in "abcd"))

    deliveries = deliver_bulk(sf, action)

    assert [d.status for d in deliveries] == [Status.DELIVERED] * 3 + [Status.PENDING]


def test_it_flushes_a_batch_whose_oldest_delivery_has_waited_long_enough(sf, destination, source, settings):
    settings.DELIVERY_BULK_MAX_WAIT_SECONDS = 10
    action = bulk_upsert(destination, batch_size=1000)
    send(source, identify("a", last_name="A"), identify("b", last_name="B"))
    Delivery.objects.filter(action=action).update(due_at=timezone.now() - timedelta(seconds=11))

    deliveries = deliver_bulk(sf, action)

    assert {d.status for d in deliveries} == {Status.DELIVERED}


def test_it_splits_a_batch_larger_than_the_upload_limit_into_several_jobs(sf, destination, source, settings):
    settings.DELIVERY_BULK_UPLOAD_MAX_BYTES = 120
    action = bulk_upsert(destination, batch_size=6)
    send(source, *(identify(f"key-{n}", last_name=f"Lastname {n}") for n in range(6)))
    sf.reset_calls()

    deliveries = deliver_bulk(sf, action)

    jobs = list(BulkJob.objects.order_by("id"))
    assert len(jobs) > 1
    assert {d.status for d in deliveries} == {Status.DELIVERED}
    assert len({d.bulk_job_id for d in deliveries}) == len(jobs)
    assert sf.api_calls() == 5 * len(jobs)
    assert sum(d.api_calls for d in deliveries) == pytest.approx(5 * len(jobs))


def test_it_keeps_the_deliveries_of_a_job_in_flight_from_the_rest_sender(
    sf, destination, source, django_capture_on_commit_callbacks
):
    action = bulk_upsert(destination, batch_size=2)
    send(source, identify("a", last_name="A"), identify("b", last_name="B"))

    with django_capture_on_commit_callbacks(execute=True):
        sender.run(str(action.pk))
    job = BulkJob.objects.get()
    in_flight = list(Delivery.objects.filter(action=action))

    assert job.phase == BulkPhase.PROCESSING and job.job_id
    assert {(d.status, d.bulk_job_id) for d in in_flight} == {(Status.SENDING, job.job_id)}
    assert not sender.has_due(str(action.pk))
    assert Schedule.objects.filter(func="deliveries.tasks.poll_bulk_job", args=repr(str(job.pk))).exists()


def test_it_polls_again_later_while_the_job_is_running(sf, destination, source, salesforce_emulator):
    salesforce_emulator.config.bulk_processing_delay = 60
    action = bulk_upsert(destination, batch_size=1)
    send(source, identify("a", last_name="A"))
    sender.run(str(action.pk))
    job = BulkJob.objects.get()
    BulkJob.objects.filter(pk=job.pk).update(next_poll_at=timezone.now())

    bulk_polling.poll(job.pk)

    job.refresh_from_db()
    assert (job.phase, job.state, job.polls) == (BulkPhase.PROCESSING, "UploadComplete", 1)
    assert job.next_poll_at is not None and job.next_poll_at > timezone.now()
    assert Delivery.objects.get().status == Status.SENDING


def test_it_gives_up_on_a_job_that_runs_past_its_deadline(sf, destination, source, salesforce_emulator):
    salesforce_emulator.config.bulk_processing_delay = 60
    action = bulk_upsert(destination, batch_size=1)
    send(source, identify("a", last_name="A"))
    sender.run(str(action.pk))
    job = BulkJob.objects.get()
    BulkJob.objects.filter(pk=job.pk).update(
        next_poll_at=timezone.now(),
        created_at=timezone.now() - bulk_polling.JOB_DEADLINE - timedelta(minutes=1),
    )

    bulk_polling.poll(job.pk)

    delivery = Delivery.objects.get()
    assert delivery.status == Status.RETRYING
    assert "did not finish" in delivery.error_message
    assert sf.org.bulk.get(job.job_id).state == "Aborted"


def test_it_recovers_a_job_a_crashed_worker_left_open(sf, destination, source):
    action = bulk_upsert(destination, batch_size=1)
    send(source, identify("a", last_name="A"))
    from deliveries import bulk_sending

    # The worker dies right after creating the job: the job id is recorded, nothing uploaded.
    def crash(job, data):
        from destinations.tokens import client_for

        with client_for(job.destination) as client:
            created = client.bulk.create(job.sobject, job.operation, external_id_field=job.key_field)
        job.job_id, job.phase = created.id, BulkPhase.UPLOADING
        job.save()
        job.deliveries.update(bulk_job_id=created.id)

    original = bulk_sending._start_job
    bulk_sending._start_job = crash
    try:
        sender.run(str(action.pk))
    finally:
        bulk_sending._start_job = original
    job = BulkJob.objects.get()
    assert bulk_recovery.recover_interrupted() == 0
    BulkJob.objects.filter(pk=job.pk).update(lease_until=timezone.now() - timedelta(seconds=1))

    assert bulk_recovery.recover_interrupted() == 1

    delivery = Delivery.objects.get()
    assert delivery.status == Status.RETRYING
    assert sf.org.bulk.get(job.job_id).state == "Aborted"


def test_it_writes_each_deliverys_own_row_and_result_to_its_attempt(sf, destination, source):
    action = bulk_upsert(destination, batch_size=2)
    send(source, identify("a", last_name="A"), identify("b", email="bad"))
    sf.reset_calls()

    good, bad = deliver_bulk(sf, action)

    attempt = Attempt.objects.get(delivery=good)
    methods = [r["method"] for r in attempt.requests]
    assert methods[:3] == ["POST", "PUT", "PATCH"]
    upload = attempt.requests[1]
    assert upload["body"] == {"row": {"External_Id__c": "a", "LastName": "A"}}
    [own] = own_results(attempt)
    assert own == {"file": "successfulResults", "sf__Id": good.record_id, "sf__Created": "true"}
    bad_attempt = Attempt.objects.get(delivery=bad)
    [own] = own_results(bad_attempt)
    assert own["file"] == "failedResults" and own["sf__Error"].startswith(bad.error_code)
    assert bad_attempt.outcome == Status.FAILED
    assert len(attempt.requests) == len(attempt.responses) == sf.api_calls()


def test_a_jobs_calls_that_read_alike_for_every_delivery_are_stored_once(sf, destination, source):
    action = bulk_upsert(destination, batch_size=5)
    send(source, *(identify(f"u{n}", last_name=f"L{n}") for n in range(5)))

    deliveries = deliver_bulk(sf, action)

    job = BulkJob.objects.get()
    shared = list(SalesforceCall.objects.order_by("id"))
    # Create, close and the polls: one row each, for all five deliveries.
    assert [c.request["method"] for c in shared] == [
        call["method"] for call in job.calls if call["method"] != "PUT" and "Results" not in call["path"]
    ]
    attempts = list(Attempt.objects.filter(delivery__in=deliveries).order_by("delivery"))
    layouts = {tuple(a.shared_calls) for a in attempts}
    assert len(layouts) == 1
    assert [pk for pk in layouts.pop() if pk is not None] == [c.pk for c in shared]
    for delivery, attempt in zip(deliveries, attempts, strict=True):
        # Each keeps only its own row of the upload and of the results.
        assert {r["method"] for r in attempt.own_requests} == {"PUT", "GET"}
        assert all(r["method"] == "PUT" or "Results" in r["path"] for r in attempt.own_requests)
        # And reads as one list, in the order the calls were made.
        assert [(r["method"], r["path"]) for r in attempt.requests] == [
            (c["method"], c["path"]) for c in job.calls
        ]
        assert len(attempt.responses) == len(job.calls)
        assert attempt.requests[1]["body"] == {
            "row": {
                "External_Id__c": delivery.event.payload["userId"],
                "LastName": delivery.event.payload["traits"]["last_name"],
            }
        }


def own_results(attempt):
    return [r["body"] for r in attempt.responses if isinstance(r["body"], dict) and "file" in r["body"]]


def test_wait_helper_reads_the_emulator_without_api_calls(sf, destination, source):
    action = bulk_upsert(destination, batch_size=1)
    send(source, identify("a", last_name="A"))
    sender.run(str(action.pk))
    sf.reset_calls()

    wait_for_salesforce(sf, BulkJob.objects.get())
    poll_finished_jobs(sf)

    assert sf.api_calls() == 2


def test_data_out_lists_a_jobs_rows_together_each_with_its_own_result(sf, destination, source, settings):
    settings.DELIVERY_BULK_UPLOAD_MAX_BYTES = 40
    action = bulk_upsert(destination, batch_size=3)
    send(source, identify("a", last_name="A"), identify("b", email="bad"), identify("c", last_name="C"))
    deliveries = deliver_bulk(sf, action)
    first_job = deliveries[0].bulk_job_id
    in_first = [d for d in deliveries if d.bulk_job_id == first_job]
    assert 0 < len(in_first) < 3

    listed = list(rows_of_bulk_job(destination, first_job))
    printed = [json.loads(line) for line in _run("data_out", "--json", "--bulk-job", first_job[:15])]

    assert sorted(r["id"] for r in listed) == sorted(d.pk for d in in_first)
    assert printed == json.loads(json.dumps(listed))
    for row in listed:
        delivery = next(d for d in in_first if d.pk == row["id"])
        assert (row["bulk_job_id"], row["status"], row["record_id"], row["error_code"]) == (
            first_job,
            delivery.status,
            delivery.record_id,
            delivery.error_code,
        )


def _run(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue().splitlines()


def test_it_prunes_finished_job_records_after_the_retention_period(sf, destination, source):
    action = bulk_upsert(destination, batch_size=1)
    send(source, identify("a", last_name="A"))
    [delivery] = deliver_bulk(sf, action)
    BulkJob.objects.update(finished_at=timezone.now() - timedelta(days=31))

    assert prune_old_bulk_jobs(days=30) == 1

    delivery.refresh_from_db()
    assert BulkJob.objects.count() == 0
    assert delivery.bulk_job_id and delivery.bulk_send is None
