"""The describe cache: one call per object per age window, across threads, with a refresh."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from destinations.models import DescribeCache
from destinations.salesforce import describe

ACCOUNT = {"name": "Account", "label": "Account", "createable": True, "custom": False}
CONTACT = {"name": "Contact", "label": "Contact", "createable": True, "custom": False}
LAST_NAME = {
    "name": "LastName",
    "type": "string",
    "createable": True,
    "nillable": False,
    "defaultedOnCreate": False,
}


class CountingClient:
    """Answers describe calls like Salesforce, and counts them."""

    def __init__(self, delay: float = 0.0) -> None:
        self.calls: list[str] = []
        self.delay = delay
        self.lock = threading.Lock()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return None

    def describe_global(self):
        self._count("global")
        return {"encoding": "UTF-8", "maxBatchSize": 200, "sobjects": [ACCOUNT, CONTACT]}

    def describe(self, sobject):
        self._count(sobject)
        return {"name": sobject, "fields": [LAST_NAME, {"name": "Email", "type": "email", "nillable": True}]}

    def _count(self, what):
        time.sleep(self.delay)
        with self.lock:
            self.calls.append(what)


@pytest.fixture
def client(monkeypatch):
    counting = CountingClient()
    monkeypatch.setattr(describe, "_client", lambda destination: counting)
    return counting


def test_it_lists_the_orgs_objects(destination, client):
    assert [o["name"] for o in describe.objects(destination)] == ["Account", "Contact"]


def test_it_lists_an_objects_fields_by_api_name(destination, client):
    found = describe.fields(destination, "contact")

    assert set(found) == {"LastName", "Email"}
    assert found["LastName"]["type"] == "string"
    assert client.calls == ["global", "Contact"]


def test_it_describes_each_object_once_per_age_window(destination, client):
    for _ in range(3):
        describe.fields(destination, "Contact")
        describe.objects(destination)

    assert client.calls == ["global", "Contact"]


def test_it_describes_again_once_the_answer_is_older_than_the_max_age(destination, client, settings):
    describe.fields(destination, "Contact")
    DescribeCache.objects.update(
        fetched_at=timezone.now() - timedelta(seconds=settings.SALESFORCE_DESCRIBE_MAX_AGE + 1)
    )

    describe.fields(destination, "Contact")

    assert client.calls == ["global", "Contact", "global", "Contact"]


def test_it_refuses_an_object_the_org_does_not_have_without_describing_it(destination, client):
    with pytest.raises(describe.UnknownObject):
        describe.fields(destination, "Nope__c")

    assert client.calls == ["global"]


def test_it_reads_everything_again_on_refresh(destination, client):
    describe.fields(destination, "Contact")

    describe.refresh(destination)
    describe.fields(destination, "Contact")

    assert client.calls == ["global", "Contact", "global", "Contact"]


def test_it_summarises_the_cache_without_calling_salesforce(destination, client):
    describe.fields(destination, "Contact")
    client.calls.clear()

    summary = describe.summary(destination)

    assert (summary.objects, summary.described) == (2, 1)
    assert summary.fetched_at is not None
    assert client.calls == []


def test_it_releases_its_claim_when_the_call_fails(destination, monkeypatch):
    class Failing(CountingClient):
        def describe_global(self):
            raise RuntimeError("Salesforce is down")

    monkeypatch.setattr(describe, "_client", lambda destination: Failing())
    with pytest.raises(RuntimeError):
        describe.objects(destination)

    assert DescribeCache.objects.get().claimed_until is None


def test_it_tells_which_fields_a_create_requires():
    assert describe.required_on_create(LAST_NAME)
    assert not describe.required_on_create({**LAST_NAME, "nillable": True})
    assert not describe.required_on_create({**LAST_NAME, "defaultedOnCreate": True})
    assert not describe.required_on_create({**LAST_NAME, "createable": False})


@pytest.mark.django_db(transaction=True)
def test_it_describes_once_when_two_threads_ask_together(destination, monkeypatch):
    slow = CountingClient(delay=0.3)
    monkeypatch.setattr(describe, "_client", lambda destination: slow)
    start = threading.Barrier(2)
    answers = []

    def worker():
        try:
            start.wait()
            answers.append(describe.fields(destination, "Contact"))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert len(answers) == 2
    assert answers[0] == answers[1]
    assert slow.calls == ["global", "Contact"]
