"""A write that gets no answer is flagged as of unknown outcome; a read or an unsent request is not."""

import socket
import time

import pytest

from destinations.salesforce.client import SalesforceClient
from destinations.salesforce.connection import Connection
from destinations.salesforce.errors import SalesforceError
from destinations.salesforce.transport import CONNECT_TIMEOUT, REQUEST_TIME_LIMIT, Transport, longest_call

from .conftest import API_VERSION, EmulatorTokens

LEADS = [{"LastName": "Doe", "Company": "Acme"}]


def raised_by(call):
    with pytest.raises(SalesforceError) as raised:
        call()
    return raised.value


def wait_for_records(org, sobject, count):
    for _ in range(500):
        if len(org.records(sobject)) >= count:
            return
        time.sleep(0.01)
    raise AssertionError(f"the emulator never finished writing {count} {sobject}")


def test_a_write_slower_than_the_write_timeout_is_of_unknown_outcome_and_still_happens(connection, org):
    org.faults.add("latency", path="/composite/sobjects", method="POST", seconds=1.0, count=1)
    with SalesforceClient(connection, write_timeout=0.3) as client:
        error = raised_by(lambda: client.create("Lead", LEADS))

    assert (error.error_code, error.outcome_unknown) == ("TIMEOUT", True)
    # Salesforce does not stop a request the client gave up on.
    wait_for_records(org, "Lead", 1)


def test_a_connection_dropped_after_sending_a_write_is_of_unknown_outcome(client, org):
    org.faults.add("drop_connection", path="/composite/sobjects", count=1)

    assert raised_by(lambda: client.create("Lead", LEADS)).outcome_unknown is True


def test_a_read_that_times_out_is_simply_transient(connection, org):
    org.faults.add("latency", path="/query", seconds=1.0, count=1)
    with SalesforceClient(connection, timeout=0.3) as client:
        error = raised_by(lambda: client.query("SELECT Id FROM Lead"))

    assert (error.error_code, error.outcome_unknown) == ("TIMEOUT", False)


def test_a_write_that_could_not_connect_was_never_sent(salesforce_emulator, org):
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    tokens = EmulatorTokens(salesforce_emulator, org)
    with SalesforceClient(Connection(f"http://127.0.0.1:{port}", API_VERSION, tokens)) as client:
        error = raised_by(lambda: client.create("Lead", LEADS))

    assert (error.error_code, error.outcome_unknown) == ("CONNECTION_ERROR", False)


def test_writes_wait_for_as_long_as_salesforce_may_work_on_them(connection):
    transport = Transport(connection)

    # Ten minutes is Salesforce's limit for one synchronous request.
    assert REQUEST_TIME_LIMIT == 600
    assert transport.write_timeout > REQUEST_TIME_LIMIT
    assert transport.timeout < transport.write_timeout
    assert transport.longest_call() == longest_call(transport.timeout, transport.write_timeout)
    assert transport.longest_call() >= 2 * transport.write_timeout + CONNECT_TIMEOUT
