"""Budget-execution monitoring through the API: streamed imports of CSV, NDJSON and JSON
arrays, rejected rows with line numbers, all-or-nothing, idempotent re-imports, the rules and
the findings' offline handling."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from jiandu_finance.service_layer.unit_of_work import FinanceUnitOfWork
from jiandu_shared.service import Service
from tests.support.collection import outbox_events
from tests.support.execution import (
    EXPECTED,
    MEMBER,
    STAFF,
    as_csv,
    as_json_array,
    as_ndjson,
    department,
    row,
    scenario_budget,
    scenario_rows,
)

CSV = {"Content-Type": "text/csv", **STAFF}
NDJSON = {"Content-Type": "application/x-ndjson", **STAFF}
JSON = {"Content-Type": "application/json", **STAFF}


async def _budget(finance: httpx.AsyncClient) -> dict[str, Any]:
    created = await finance.post("/budgets", json=scenario_budget(), headers=STAFF)
    assert created.status_code == 201, created.text
    return dict(created.json())


async def _findings(finance: httpx.AsyncClient, **query: Any) -> list[dict[str, Any]]:
    page = await finance.get("/execution/findings", params={"limit": 200, **query}, headers=STAFF)
    assert page.status_code == 200, page.text
    return list(page.json()["items"])


async def _row_count(service: Service[FinanceUnitOfWork]) -> int:
    async with service.uow() as uow:
        return await uow.execution.count_rows()


async def test_a_csv_import_flags_each_planted_anomaly_once_and_a_reimport_nothing(
    finance: httpx.AsyncClient, finance_service: tuple[Service[FinanceUnitOfWork], Any]
) -> None:
    service, _ = finance_service
    await _budget(finance)
    body = as_csv(scenario_rows())
    imported = await finance.post("/execution/imports?filename=pay.csv", content=body, headers=CSV)
    assert imported.status_code == 201, imported.text
    report = imported.json()
    assert report["status"] == "completed"
    assert (report["rows_read"], report["rows_imported"], report["rows_duplicate"]) == (12, 12, 0)
    assert report["as_of"] == "2026-12-05" and report["years"] == [2026]
    assert report["findings_flagged"] == len(EXPECTED)
    findings = await _findings(finance)
    assert {(f["rule"], f["subject"]) for f in findings} == EXPECTED
    assert all(f["state"] == "open" for f in findings)
    by_rule = {(f["rule"], f["subject"]): f for f in findings}
    unbudgeted = by_rule[("no_budget_line", "D04")]
    assert unbudgeted["amount"] == "20000.00"
    assert unbudgeted["evidence"]["rows"][0]["line"] == 8  # header is line 1
    realloc = by_rule[("large_reallocation", "L003")]
    assert realloc["evidence"]["figures"]["reallocated_share"] == "0.5"
    assert realloc["evidence"]["rows"][0]["reallocation_amount"] == "500000.00"
    rush = by_rule[("year_end_rush", "D05")]
    assert rush["evidence"]["figures"]["window_share"] == "0.75"
    assert len(rush["evidence"]["rows"]) == 2
    behind = by_rule[("behind_time_progress", "L002")]
    assert behind["period"] == "2026-Q4"
    assert behind["evidence"]["figures"]["executed_share"] == "0.1"
    assert [r["line"] for r in behind["evidence"]["rows"]] == [4]
    assert by_rule[("idle_special_fund", "S001")]["evidence"]["rows"] == []
    flagged = await outbox_events(service, "finance.execution_finding.flagged")
    assert len(flagged) == len(EXPECTED)
    assert {e["rule"] for e in flagged} == {r for r, _ in EXPECTED}

    again = await finance.post("/execution/imports", content=body, headers=CSV)
    assert again.status_code == 201, again.text
    assert (again.json()["rows_imported"], again.json()["rows_duplicate"]) == (0, 12)
    assert again.json()["findings_flagged"] == 0
    assert len(await _findings(finance)) == len(EXPECTED)
    assert len(await outbox_events(service, "finance.execution_finding.flagged")) == len(EXPECTED)
    assert await _row_count(service) == 12


@pytest.mark.parametrize(
    ("encode", "headers"), [(as_ndjson, NDJSON), (as_json_array, JSON)], ids=["ndjson", "array"]
)
async def test_json_imports_read_the_same_rows_and_dedupe_against_csv(
    finance: httpx.AsyncClient, encode: Any, headers: dict[str, str]
) -> None:
    await _budget(finance)
    first = await finance.post(
        "/execution/imports", content=encode(scenario_rows()), headers=headers
    )
    assert first.status_code == 201, first.text
    assert first.json()["rows_imported"] == 12
    assert first.json()["findings_flagged"] == len(EXPECTED)
    # The same rows as CSV are the same content: duplicates, no second flag.
    again = await finance.post("/execution/imports", content=as_csv(scenario_rows()), headers=CSV)
    assert (again.json()["rows_imported"], again.json()["rows_duplicate"]) == (0, 12)
    assert again.json()["findings_flagged"] == 0


async def test_a_json_array_without_content_type_is_recognised_and_numbers_stay_exact(
    finance: httpx.AsyncClient,
) -> None:
    await _budget(finance)
    body = (
        b'[{"paid_on": "2026-06-01", "department_code": "D09", "amount": 1234.5},\n'
        b' {"paid_on": "2026-06-02", "department_code": "D09", "amount": 0.125}]'
    )
    answer = await finance.post("/execution/imports", content=body, headers=STAFF)
    assert answer.status_code == 422, answer.text
    assert answer.json()["format"] == "json"
    assert answer.json()["rejections"] == [
        {"line": 2, "reason": "amount: '0.125' has more than two decimals (fen)"}
    ]


async def test_bad_rows_import_nothing_and_the_report_names_each_line(
    finance: httpx.AsyncClient, finance_service: tuple[Service[FinanceUnitOfWork], Any]
) -> None:
    service, _ = finance_service
    await _budget(finance)
    rows = scenario_rows()
    rows[1] = row("2026-06-10", "D01", "450000.123", "L001")  # line 3
    rows[4] = row("2026-13-01", "D01", "600000.00", "L003")  # line 6
    rows[6] = row("2026-06-15", "D 04", "20000.00", "")  # line 8
    rows[9] = {**row("2026-12-05", "D05", "3.00", "L005"), "payee_category": "friend"}  # line 11
    answer = await finance.post("/execution/imports", content=as_csv(rows), headers=CSV)
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    report = answer.json()
    assert (report["status"], report["import_status"]) == (422, "rejected")
    assert report["title"] == "Import rejected"
    assert report["rows_read"] == 12 and report["rows_imported"] == 0
    assert report["rows_rejected"] == 4
    assert [r["line"] for r in report["rejections"]] == [3, 6, 8, 11]
    reasons = [r["reason"] for r in report["rejections"]]
    assert "more than two decimals" in reasons[0]
    assert "paid_on" in reasons[1]
    assert "department_code" in reasons[2]
    assert "payee_category" in reasons[3]
    assert await _row_count(service) == 0
    assert await _findings(finance) == []
    stored = await finance.get(f"/execution/imports/{report['id']}/rejections", headers=STAFF)
    assert [r["line"] for r in stored.json()["items"]] == [3, 6, 8, 11]
    listed = await finance.get("/execution/imports", headers=STAFF)
    assert listed.json()["items"][0]["status"] == "rejected"


async def test_valid_rows_mode_imports_the_good_rows_and_reports_the_bad(
    finance: httpx.AsyncClient, finance_service: tuple[Service[FinanceUnitOfWork], Any]
) -> None:
    service, _ = finance_service
    await _budget(finance)
    rows = scenario_rows()
    rows.append(row("2026-07-01", "D01", "abc", "L001"))  # line 14
    answer = await finance.post(
        "/execution/imports?mode=valid_rows", content=as_csv(rows), headers=CSV
    )
    assert answer.status_code == 201, answer.text
    assert (answer.json()["rows_imported"], answer.json()["rows_rejected"]) == (12, 1)
    assert answer.json()["rejections"] == [{"line": 14, "reason": "amount: 'abc' is not an amount"}]
    assert await _row_count(service) == 12


async def test_malformed_files_import_nothing_even_in_valid_rows_mode(
    finance: httpx.AsyncClient, finance_service: tuple[Service[FinanceUnitOfWork], Any]
) -> None:
    service, _ = finance_service
    await _budget(finance)
    good = as_json_array(scenario_rows()[:3]).decode()
    broken = good.rstrip().rstrip("]") + ',\n{"paid_on": "2026-01-01", "amount": '
    answer = await finance.post(
        "/execution/imports?mode=valid_rows&format=json", content=broken.encode(), headers=STAFF
    )
    assert answer.status_code == 422, answer.text
    assert answer.json()["malformed"].startswith("line 6:")
    no_header = await finance.post(
        "/execution/imports", content=b"paid_on,amount\n2026-01-01,3\n", headers=CSV
    )
    assert no_header.status_code == 422
    assert "department_code" in no_header.json()["malformed"]
    not_utf8 = await finance.post(
        "/execution/imports",
        content=as_csv(scenario_rows()[:2]) + "2026-01-01,D01,é\n".encode("latin-1"),
        headers=CSV,
    )
    assert not_utf8.status_code == 422 and "UTF-8" in not_utf8.json()["malformed"]
    empty = await finance.post("/execution/imports", content=b"", headers=CSV)
    assert empty.status_code == 422
    assert await _row_count(service) == 0


async def test_ndjson_bad_lines_are_rows_with_line_numbers(finance: httpx.AsyncClient) -> None:
    body = as_ndjson(scenario_rows()[:2]) + b"{not json\n\n[1, 2]\n"
    answer = await finance.post("/execution/imports", content=body, headers=NDJSON)
    assert answer.status_code == 422
    assert [r["line"] for r in answer.json()["rejections"]] == [3, 5]


@pytest.mark.parametrize("kind", ["csv", "ndjson"])
async def test_a_nul_in_a_streamed_file_is_a_rejected_row_not_a_server_error(
    finance: httpx.AsyncClient, kind: str
) -> None:
    """A file body streams past the middleware's NUL check (it is never held in memory
    there): the import refuses the row itself, since PostgreSQL cannot store NUL."""
    rows = scenario_rows()[:3]
    rows[1] = {**rows[1], "row_id": "r\x00x"}  # line 3
    body, headers = (as_csv(rows), CSV) if kind == "csv" else (as_ndjson(rows), NDJSON)
    answer = await finance.post("/execution/imports", content=body, headers=headers)
    assert answer.status_code == 422, answer.text
    (rejected,) = answer.json()["rejections"]
    assert rejected["line"] == (3 if kind == "csv" else 2)
    assert "NUL" in rejected["reason"]


async def test_findings_are_handled_offline_by_their_department_then_closed(
    finance: httpx.AsyncClient, finance_service: tuple[Service[FinanceUnitOfWork], Any]
) -> None:
    service, _ = finance_service
    await _budget(finance)
    await finance.post("/execution/imports", content=as_csv(scenario_rows()), headers=CSV)
    mine = await finance.get("/execution/findings", headers=department("D04"))
    assert [f["subject"] for f in mine.json()["items"]] == ["D04"]
    fid = mine.json()["items"][0]["id"]
    other = await finance.post(
        f"/execution/findings/{fid}/explain", json={"explanation": "x"}, headers=department("D05")
    )
    assert other.status_code == 404
    hidden = await finance.get(f"/execution/findings/{fid}", headers=department("D05"))
    assert hidden.status_code == 404
    explained = await finance.post(
        f"/execution/findings/{fid}/explain",
        json={"explanation": "已补办预算指标调整手续"},
        headers=department("D04"),
    )
    assert explained.status_code == 200, explained.text
    assert explained.json()["state"] == "explained"
    returned = await finance.post(
        f"/execution/findings/{fid}/return", json={"reason": "缺少批复文件"}, headers=STAFF
    )
    assert returned.json()["state"] == "open"
    await finance.post(
        f"/execution/findings/{fid}/explain",
        json={"explanation": "批复文件已上传"},
        headers=department("D04"),
    )
    closed = await finance.post(
        f"/execution/findings/{fid}/close", json={"note": "整改到位"}, headers=STAFF
    )
    assert closed.json()["state"] == "closed" and closed.json()["dismissed"] is False
    again = await finance.post(
        f"/execution/findings/{fid}/close", json={"note": "x"}, headers=STAFF
    )
    assert again.status_code == 409
    member_cannot = await finance.post(
        f"/execution/findings/{fid}/return", json={"reason": "x"}, headers=MEMBER
    )
    assert member_cannot.status_code == 403
    events = await outbox_events(service, "finance.execution_finding.closed")
    assert events[0]["finding_id"] == fid and events[0]["dismissed"] is False
    assert len(await outbox_events(service, "finance.execution_finding.explained")) == 2


async def test_rules_are_versioned_and_a_new_check_flags_only_new_findings(
    finance: httpx.AsyncClient,
) -> None:
    await _budget(finance)
    defaults = await finance.get("/execution/rules", headers=MEMBER)
    assert defaults.json()["version"] == 0
    assert defaults.json()["thresholds"]["behind_gap"] == "1/5"
    await finance.post("/execution/imports", content=as_csv(scenario_rows()), headers=CSV)
    bad = await finance.put("/execution/rules", json={"behind_gap": "1.5"}, headers=STAFF)
    assert bad.status_code == 422
    unknown = await finance.put("/execution/rules", json={"gap": "0.1"}, headers=STAFF)
    assert unknown.status_code == 422
    changed = await finance.put(
        "/execution/rules",
        json={"behind_gap": "0.1", "reallocation_share": "0.6", "note": "收紧序时进度"},
        headers=STAFF,
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["version"] == 1
    assert changed.json()["thresholds"]["behind_gap"] == "1/10"
    checked = await finance.post("/execution/checks", json={"years": [2026]}, headers=STAFF)
    assert checked.status_code == 200, checked.text
    # L003 (gap 0.129) and L005 (gap 0.129) are now behind; nothing flagged twice.
    assert {(f["rule"], f["subject"]) for f in checked.json()["findings"]} == {
        ("behind_time_progress", "L003"),
        ("behind_time_progress", "L005"),
    }
    assert all(f["rule_version"] == 1 for f in checked.json()["findings"])
    twice = await finance.post("/execution/checks", json={"years": [2026]}, headers=STAFF)
    assert twice.json()["flagged"] == 0
    versions = await finance.get("/execution/rules/versions", headers=STAFF)
    assert versions.json()["total"] == 1


async def test_imports_need_staff(finance: httpx.AsyncClient) -> None:
    body = as_csv(scenario_rows())
    assert (await finance.post("/execution/imports", content=body)).status_code == 401
    member = await finance.post(
        "/execution/imports", content=body, headers={"Content-Type": "text/csv", **MEMBER}
    )
    assert member.status_code == 403
