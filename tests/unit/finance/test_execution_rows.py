"""Execution rows validated without I/O, the streamed file readers (line numbers, chunk
boundaries, malformed files) and the finding's offline-handling state machine."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from jiandu_finance.adapters import execution_files
from jiandu_finance.adapters.execution_files import MalformedFile, read_rows, sniff_format
from jiandu_finance.domain.execution import (
    REQUIRED,
    ExecutionFinding,
    FindingState,
    ImportFormat,
    RowRejected,
    fen_of,
    stage_row,
)
from jiandu_finance.domain.rules import Flag
from jiandu_shared.contracts.finance.budgets import ExecutionRule
from jiandu_shared.errors import InvalidTransition, RuleViolation

NOW = datetime(2026, 12, 7, 2, tzinfo=UTC)


def good(**changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "paid_on": "2026-06-01",
        "department_code": "D01",
        "line_code": "L001",
        "amount": "1,234.5",
    }
    values.update(changes)
    return values


def test_a_row_stages_with_fen_and_a_content_key() -> None:
    staged = stage_row(good(), 7)
    assert staged[2:6] == (7, 2026, date(2026, 6, 1), "D01")
    assert staged[11] == 123450 and staged[12] is None
    assert staged[0].startswith("h:")
    assert stage_row(good(amount="1234.50"), 9)[0] == staged[0]  # same content, same key
    assert stage_row(good(row_id="V-1"), 7)[0] == "id:V-1"


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"amount": "1.234"}, "more than two decimals"),
        ({"amount": ""}, "amount is missing"),
        ({"amount": "1e400"}, "out of range"),
        ({"amount": "9999999999999"}, "out of range"),
        ({"paid_on": "2026-02-30"}, "not a date"),
        ({"paid_on": "20260201"}, "not a date"),
        ({"paid_on": "1999-12-31"}, "2000-2100"),
        ({"department_code": "D 1"}, "department_code"),
        ({"department_code": None}, "department_code is missing"),
        ({"line_code": "x" * 65}, "line_code"),
        ({"payee_category": "friend"}, "payee_category"),
        ({"reallocation": "yes"}, "non-zero reallocation_amount"),
        ({"reallocation": "maybe"}, "not true or false"),
        ({"reallocation": "false", "reallocation_amount": "5"}, "marked as no reallocation"),
        ({"line_code": "", "reallocation_amount": "5"}, "must name the budget line"),
        ({"amount": 12.5}, "expected text"),
        ({"row_id": "has space"}, "row_id"),
    ],
)
def test_bad_rows_are_rejected_with_a_reason(changes: dict[str, Any], reason: str) -> None:
    with pytest.raises(RowRejected, match=reason):
        stage_row(good(**changes), 1)


def test_negative_amounts_and_reallocations_are_kept_exactly() -> None:
    refund = stage_row(good(amount="-0.01"), 1)
    assert refund[11] == -1
    moved = stage_row(good(amount="0", reallocation="true", reallocation_amount="-400000"), 2)
    assert (moved[11], moved[12]) == (0, -40_000_000)
    assert fen_of("0.5") == 50 and fen_of("-12") == -1200 and fen_of(" 1,000.00 ") == 100_000


def _rows(data: bytes, fmt: ImportFormat) -> list[tuple[int, Any]]:
    return list(read_rows(io.BytesIO(data), fmt, REQUIRED))


def test_csv_lines_count_from_the_header_with_quoted_newlines_and_a_bom() -> None:
    data = (
        "\ufeffpaid_on,Department_Code,amount,note\n"
        '2026-01-01,D1,1.00,"two\nlines"\n'
        "\n"
        "2026-01-02,D1\n"
        "2026-01-03,D1,3.00,x\n"
    ).encode()
    rows = _rows(data, ImportFormat.CSV)
    assert [line for line, _ in rows] == [2, 5, 6]
    assert rows[0][1]["department_code"] == "D1"
    assert rows[1][1] == "expected 4 fields, found 2"


def test_a_csv_without_required_columns_or_not_utf8_is_malformed() -> None:
    with pytest.raises(MalformedFile, match="line 1: the CSV header lacks the column"):
        _rows(b"paid_on,amount\n", ImportFormat.CSV)
    with pytest.raises(MalformedFile, match="line 3: not UTF-8"):
        _rows(
            b"paid_on,department_code,amount\n2026-01-01,D,1\n2026-01-01,\xe9,1\n", ImportFormat.CSV
        )
    with pytest.raises(MalformedFile, match="empty"):
        _rows(b"", ImportFormat.CSV)


def test_ndjson_bad_lines_are_rows_and_numbers_stay_text() -> None:
    data = b'{"amount": 0.1}\n\nnot json\n[1]\n{"amount": 12}\n'
    rows = _rows(data, ImportFormat.NDJSON)
    assert rows[0] == (1, {"amount": "0.1"})
    assert rows[1][0] == 3 and str(rows[1][1]).startswith("not valid JSON")
    assert rows[2] == (4, "expected a JSON object, got list")
    assert rows[3] == (5, {"amount": "12"})


def test_a_json_array_streams_across_chunk_boundaries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(execution_files, "CHUNK", 7)
    elements = [{"n": str(i), "amount": 1.25 + i} for i in range(30)]
    data = ("[\n" + ",\n".join(json.dumps(e) for e in elements) + ",\n 3\n]  \n").encode()
    rows = _rows(data, ImportFormat.JSON)
    assert [line for line, _ in rows] == list(range(2, 33))
    assert rows[0][1] == {"n": "0", "amount": "1.25"}
    assert rows[-1][1] == "expected a JSON object, got str"  # the number 3, read as text
    assert len(rows) == 31


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'{"a": 1}', "expected a JSON array"),
        (b'[{"a": 1}', "expected ',' or ']'"),
        (b'[{"a": 1},\n{"a": }]', "line 2: not valid JSON"),
        (b'[{"a": 1}] [', "more data after"),
        (b'[{"a": 1} {"a": 2}]', "expected ',' or ']'"),
    ],
)
def test_a_broken_json_array_is_malformed(data: bytes, message: str) -> None:
    with pytest.raises(MalformedFile, match=message):
        _rows(data, ImportFormat.JSON)


def test_formats_are_sniffed_from_the_first_bytes() -> None:
    assert sniff_format(b"\xef\xbb\xbf  [") is ImportFormat.JSON
    assert sniff_format(b'\n{"a"') is ImportFormat.NDJSON
    assert sniff_format(b"paid_on,") is ImportFormat.CSV
    assert sniff_format(b"  ") is None


def _finding() -> ExecutionFinding:
    flag = Flag(
        rule=ExecutionRule.NO_BUDGET_LINE,
        subject="D4",
        period="2026",
        year=2026,
        department_code="D4",
        line_code=None,
        amount=Decimal("-5.00"),
        summary="x",
        figures={"spent": "-5.00"},
    )
    return ExecutionFinding.flag(flag, rows=[], rule_version=0, import_id=None, now=NOW)


def test_a_finding_is_explained_returned_and_closed() -> None:
    finding = _finding()
    assert finding.amount == Decimal("5.00")
    assert finding.events[0].event_type == "finance.execution_finding.flagged"
    finding.explain("已整改", by="dept", now=NOW)
    finding.return_to_department("不充分", now=NOW)
    assert finding.state is FindingState.OPEN
    finding.explain("补充说明", by="dept", now=NOW)
    finding.close("ok", by="staff", now=NOW)
    assert (finding.state, finding.dismissed) == (FindingState.CLOSED, False)
    with pytest.raises(InvalidTransition):
        finding.explain("late", by="dept", now=NOW)
    assert [e.event_type.rsplit(".", 1)[1] for e in finding.events] == [
        "flagged",
        "explained",
        "returned",
        "explained",
        "closed",
    ]


def test_an_open_finding_closed_by_staff_is_dismissed_and_notes_are_required() -> None:
    finding = _finding()
    with pytest.raises(RuleViolation):
        finding.explain("   ", by="dept", now=NOW)
    with pytest.raises(InvalidTransition):
        finding.return_to_department("x", now=NOW)
    finding.close("误报", by="staff", now=NOW)
    assert finding.dismissed is True
