"""A hostile trigger cannot stall another workspace's intake: triggers run before the write lock."""

from __future__ import annotations

import threading

import pytest
import requests
from django.db import transaction

from deliveries import router
from deliveries.models import Delivery
from sources.models import Event
from sources.provisioning import create_source
from tests.engine.conftest import identify, make_action
from workspaces.models import Workspace

HOSTILE = 'match(traits.name, "*a*a*a*a*a*a*a*b")'


@pytest.mark.django_db(transaction=True)
def test_it_answers_another_workspace_while_a_hostile_trigger_is_evaluated(
    live_server, destination, source, monkeypatch
):
    make_action(destination, "lead", "create", trigger=HOSTILE)
    _, other_key = create_source(Workspace.objects.create(name="Other"), "site")
    evaluating, other_answered = threading.Event(), threading.Event()
    in_transaction: list[bool] = []
    real_compile = router.compile_trigger

    def observed_compile(text):
        # The real matcher, held open until the other workspace has its answer.
        matches = real_compile(text)
        if text != HOSTILE:
            return matches

        def watched(payload):
            in_transaction.append(transaction.get_connection().in_atomic_block)
            evaluating.set()
            other_answered.wait(timeout=30)
            return matches(payload)

        return watched

    monkeypatch.setattr(router, "compile_trigger", observed_compile)
    hostile_answer: list[int] = []

    def send_hostile():
        body = {"batch": [identify("evil", name="a" * 820 + "b")]}
        answer = requests.post(f"{live_server.url}/v1/batch", json=body, auth=(source.key, ""), timeout=60)
        hostile_answer.append(answer.status_code)

    hostile = threading.Thread(target=send_hostile)
    hostile.start()
    assert evaluating.wait(timeout=30)
    other = requests.post(
        f"{live_server.url}/v1/batch",
        json={"batch": [identify("someone")]},
        auth=(other_key, ""),
        timeout=60,
    )
    other_answered.set()
    hostile.join(timeout=60)

    assert other.status_code == 200
    assert Event.objects.filter(user_id="someone").exists()
    assert in_transaction == [False]
    assert hostile_answer == [200]
    assert Delivery.objects.get().event.user_id == "evil"
