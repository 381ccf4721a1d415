"""`manage.py data_out --json` for every kind of refusal made before sending: no Salesforce status."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from tests.engine.conftest import deliver, send
from tests.engine.test_refusals import REFUSALS


@pytest.mark.parametrize("case", REFUSALS)
def test_data_out_json_prints_a_null_salesforce_status_and_our_own_code(sf, destination, source, case):
    make, message, code, fields = REFUSALS[case]
    action = make(destination)
    send(source, message)
    deliver(action)
    out = StringIO()

    call_command("data_out", "--json", "--attempts", stdout=out)

    [row] = [json.loads(line) for line in out.getvalue().splitlines()]
    assert (row["status"], row["salesforce_status"], row["refused_before_sending"]) == ("failed", None, True)
    assert (row["error_code"], row["error_fields"]) == (code, fields)
    assert row["error_message"]
    assert row["attempt_log"][0]["requests"] == []
