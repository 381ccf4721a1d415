"""A chunk's bookkeeping costs a fixed number of SQL statements, whatever its size."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from deliveries import sender
from deliveries.models import Delivery, Status
from tests.engine.conftest import deliver, identify, make_action, path, send

# The target for a chunk of 1,000 REST upserts by Email (2,018 before).
MOST_STATEMENTS = 30


def _upsert_chunk_statements(sf, destination, source, size: int, tag: str) -> list[str]:
    """The statements of one chunk of ``size`` upserts by Email, half of them of records already there."""
    seed = make_action(destination, "lead", "create", name=f"seed {tag}", trigger='type = "identify"')
    send(
        source,
        *(
            identify(f"{tag}{n}", last_name="Old", company="C", email=f"{tag}{n}@x.io")
            for n in range(0, size, 2)
        ),
    )
    deliver(seed)
    seed.delete()
    action = make_action(
        destination, "lead", "upsert", name=f"upsert {tag}", matchers=[("Email", path("traits.email"))]
    )
    send(
        source,
        *(identify(f"{tag}{n}", last_name="New", company="C", email=f"{tag}{n}@x.io") for n in range(size)),
    )

    with CaptureQueriesContext(connection) as queries:
        step = sender.send_chunk(str(action.pk))

    assert step is sender.Step.SENT
    statuses = list(Delivery.objects.filter(action=action).values_list("status", flat=True))
    assert statuses == [Status.DELIVERED] * size
    action.delete()
    return [q["sql"] for q in queries.captured_queries]


def test_a_chunk_of_upserts_by_email_costs_the_same_statements_for_10_and_for_50(sf, destination, source):
    small = _upsert_chunk_statements(sf, destination, source, 10, "a")
    large = _upsert_chunk_statements(sf, destination, source, 50, "b")

    assert len(small) == len(large), "\n".join(large)
    assert len(large) <= MOST_STATEMENTS, "\n".join(large)
