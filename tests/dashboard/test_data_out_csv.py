"""The CSV export of the current Data Out filter."""

from __future__ import annotations

import csv
import io

from deliveries.data_out import CSV_COLUMNS
from deliveries.models import Delivery, Status
from tests.dashboard.data_out_support import block_emails, data_out_url, lead, lead_without_company, sent
from tests.engine.conftest import deliver, make_action, path, send


def _csv(response) -> list[dict[str, str]]:
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def test_it_exports_the_current_filter_as_a_streamed_csv(team, sf, destination, source):
    block_emails(sf.org)
    action = sent(sf, destination, source, lead("u1"), lead("u2", "u2@blocked.example"))
    failed = Delivery.objects.get(action=action, status=Status.FAILED)

    response = team.client_for("member").get(data_out_url(destination, "export-csv", status="failed"))

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="data-out-Acme-production-')
    assert response["Content-Disposition"].endswith('.csv"')
    [row] = _csv(response)
    assert list(row) == list(CSV_COLUMNS)
    assert (row["id"], row["status"], row["user_id"]) == (str(failed.pk), "failed", "u2")
    assert row["error_code"] == "FIELD_CUSTOM_VALIDATION_EXCEPTION"


def test_it_leaves_the_salesforce_status_empty_for_a_refusal_before_sending(team, sf, destination, source):
    block_emails(sf.org)
    sent(sf, destination, source, lead_without_company("ours"), lead("theirs", "t@blocked.example"))

    response = team.client_for("member").get(data_out_url(destination, "export-csv"))

    rows = {row["user_id"]: row for row in _csv(response)}
    assert (rows["ours"]["status_code"], rows["ours"]["refused_before_sending"]) == ("", "True")
    assert rows["ours"]["error_code"] == "REQUIRED_FIELD_MISSING"
    assert (rows["theirs"]["status_code"], rows["theirs"]["refused_before_sending"]) == ("400", "False")


def test_it_lists_the_records_a_multiple_matches_delivery_matched_in_one_cell(team, sf, destination, source):
    sent(sf, destination, source, lead("a", "dup@x.io"), lead("b", "dup@x.io"), name="seed")
    update = make_action(destination, "lead", "update", matchers=[("Email", path("traits.email"))])
    send(source, lead("c", "dup@x.io"))
    deliver(update)

    response = team.client_for("member").get(
        data_out_url(destination, "export-csv", status="multiple_matches")
    )

    [row] = _csv(response)
    assert sorted(row["matched_record_ids"].split(" ")) == sorted(r["Id"] for r in sf.records("Lead"))


def test_it_keeps_formulas_in_event_data_from_running_in_a_spreadsheet(team, sf, destination, source):
    sent(sf, destination, source, lead("=HYPERLINK(1)", "+1@x.io"), lead("@SUM(A1)"), lead("-2"))

    response = team.client_for("owner").get(data_out_url(destination, "export-csv"))

    rows = _csv(response)
    assert sorted(row["user_id"] for row in rows) == ["'-2", "'=HYPERLINK(1)", "'@SUM(A1)"]
    assert "'+1@x.io" in {row["email"] for row in rows}


def test_it_refuses_a_bad_filter_instead_of_exporting_everything(team, sf, destination, source):
    sent(sf, destination, source, lead("u1"))

    response = team.client_for("owner").get(data_out_url(destination, "export-csv", range="forever"))

    assert response.status_code == 400
    assert "Unknown time range" in response.content.decode()


def test_outsiders_get_no_csv(team, sf, destination, source):
    sent(sf, destination, source, lead("u1"))

    assert team.client_for("outsider").get(data_out_url(destination, "export-csv")).status_code == 404


def test_the_page_links_the_csv_of_its_filter(team, sf, destination, source):
    sent(sf, destination, source, lead("u1"))

    html = (
        team.client_for("owner").get(data_out_url(destination, status="delivered", q="u1")).content.decode()
    )

    assert "export.csv?status=delivered&amp;q=u1" in html
