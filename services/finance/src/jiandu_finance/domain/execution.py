"""Budget-execution data (预算执行数据) and the findings of online monitoring (预算联网监督).

Execution data flows in from the finance bureau as files of payment rows (支付明细) and budget
reallocations (指标调剂). Every row is validated here, without I/O, into the tuple the store
stages in bulk; a bad row becomes a rejection with its line number and reason.

A flagged problem becomes a tracked finding (线上发现): the department handles it offline and
explains what it did (线下处理), staff close it or return it. "线上发现问题与线下推动问题紧密结合."

Pure domain: no framework imports. Aggregates collect the events they raise in ``events``.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from jiandu_finance.domain.rules import Flag
from jiandu_shared.contracts import EventData
from jiandu_shared.contracts.finance.budgets import (
    ExecutionFindingClosed,
    ExecutionFindingExplained,
    ExecutionFindingFlagged,
    ExecutionFindingReturned,
    ExecutionImported,
    ExecutionRule,
)
from jiandu_shared.errors import RuleViolation
from jiandu_shared.money import parse_yuan, to_fen
from jiandu_shared.state_machine import TransitionTable


class ImportFormat(StrEnum):
    CSV = "csv"
    NDJSON = "ndjson"  # one JSON object per line
    JSON = "json"  # one JSON array of objects


class ImportMode(StrEnum):
    ALL_OR_NOTHING = "all_or_nothing"  # any bad row: nothing is imported (the default)
    VALID_ROWS = "valid_rows"  # import the valid rows, report the others


class ImportStatus(StrEnum):
    COMPLETED = "completed"
    REJECTED = "rejected"  # nothing imported: a malformed file, or bad rows in all-or-nothing


class PayeeCategory(StrEnum):
    ENTERPRISE = "enterprise"  # 企业
    INDIVIDUAL = "individual"  # 个人
    PUBLIC_UNIT = "public_unit"  # 行政事业单位
    OTHER = "other"


# --- rows -----------------------------------------------------------------------------------

FIELDS = (
    "row_id",
    "paid_on",
    "department_code",
    "line_code",
    "project_code",
    "functional_code",
    "economic_code",
    "amount",
    "payee_category",
    "reallocation",
    "reallocation_amount",
)
REQUIRED = ("paid_on", "department_code", "amount")

# What the store stages, in this order (amounts in fen).
STAGED = (
    "row_key",
    "source_row_id",
    "line_no",
    "year",
    "paid_on",
    "department_code",
    "line_code",
    "project_code",
    "functional_code",
    "economic_code",
    "payee_category",
    "amount_fen",
    "reallocation_fen",
)
StagedRow = tuple[
    str, str | None, int, int, date, str, str | None, str | None, str | None, str | None,
    str | None, int, int | None,
]  # fmt: skip

_ROW_ID = re.compile(r"^[\x21-\x7e]{1,64}$")
_FAST_AMOUNT = re.compile(r"^(-?)([0-9]{1,12})(?:\.([0-9]{1,2}))?$")
_TRUE = frozenset({"true", "1", "yes", "y", "是", "t"})
_FALSE = frozenset({"false", "0", "no", "n", "否", "f", ""})
_PAYEES = frozenset(p.value for p in PayeeCategory)
_CODE_LIMITS = {
    "department_code": 32,
    "line_code": 64,
    "project_code": 64,
    "functional_code": 32,
    "economic_code": 32,
}
_CODES = {
    name: re.compile(rf"^[0-9A-Za-z][0-9A-Za-z_.\-]{{0,{limit - 1}}}$")
    for name, limit in _CODE_LIMITS.items()
}


class RowRejected(ValueError):
    """A row that cannot be imported; ``str()`` is the reason shown in the report."""


@dataclass(frozen=True)
class Rejection:
    line: int
    reason: str


def _text(row: Mapping[str, Any], name: str) -> str | None:
    value = row.get(name)
    if type(value) is str:  # the common case, first
        if "\x00" in value:
            # PostgreSQL cannot store NUL in text; the file streams past the NUL check of
            # the HTTP middleware, so its rows are checked here.
            raise RowRejected(f"{name}: contains a NUL character (\\u0000)")
        return value.strip() or None
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise RowRejected(f"{name}: expected text, got {type(value).__name__}")


def _code(row: Mapping[str, Any], name: str) -> str | None:
    value = _text(row, name)
    if value is None:
        return None
    if not _CODES[name].match(value):
        raise RowRejected(
            f"{name}: '{value[:80]}' is not a code (1-{_CODE_LIMITS[name]} letters, digits, "
            "'.', '_' or '-')"
        )
    return value


def fen_of(text: str, name: str = "amount") -> int:
    """Whole fen of an amount cell, refusing anything finer than a fen or out of range."""
    match = _FAST_AMOUNT.match(text)
    if match:
        sign, whole, decimals = match.groups()
        fen = int(whole) * 100 + (int((decimals or "0").ljust(2, "0")))
        return -fen if sign else fen
    try:
        return to_fen(parse_yuan(text))
    except ValueError as exc:
        raise RowRejected(f"{name}: {exc}") from None


def _flag(value: Any) -> bool | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return None if text == "" else False
    raise RowRejected(f"reallocation: '{str(value)[:20]}' is not true or false")


def stage_row(row: Mapping[str, Any], line_no: int) -> StagedRow:
    """Validate one row of execution data into the tuple the store stages.

    Raises :class:`RowRejected` with a readable reason. Amounts may be negative (a refund or a
    correction, 冲销). A row with a non-zero ``reallocation_amount`` is a reallocation (指标调剂)
    of that much budget into (+) or out of (-) its line; ``amount`` is then what it paid, often 0.

    The row's key deduplicates re-imports: the source system's ``row_id`` when given, else a
    hash of the row's content (so two identical payments need distinct row ids).
    """
    paid_text = _text(row, "paid_on")
    if paid_text is None:
        raise RowRejected("paid_on is missing")
    try:
        paid_on = date.fromisoformat(paid_text)
    except ValueError:
        raise RowRejected(f"paid_on: '{paid_text[:40]}' is not a date (YYYY-MM-DD)") from None
    if len(paid_text) != 10 or not 2000 <= paid_on.year <= 2100:
        raise RowRejected(f"paid_on: '{paid_text}' is not a date (YYYY-MM-DD) of 2000-2100")
    department = _code(row, "department_code")
    if department is None:
        raise RowRejected("department_code is missing")
    line_code = _code(row, "line_code")
    project_code = _code(row, "project_code")
    functional = _code(row, "functional_code")
    economic = _code(row, "economic_code")
    amount_text = _text(row, "amount")
    if amount_text is None:
        raise RowRejected("amount is missing")
    amount_fen = fen_of(amount_text)
    payee = _text(row, "payee_category")
    if payee is not None and payee not in _PAYEES:
        raise RowRejected(
            f"payee_category: '{payee[:40]}' is not one of {', '.join(sorted(_PAYEES))}"
        )
    flagged = _flag(row.get("reallocation"))
    realloc_text = _text(row, "reallocation_amount")
    realloc_fen = None if realloc_text is None else fen_of(realloc_text, "reallocation_amount")
    if flagged and not realloc_fen:
        raise RowRejected("reallocation: a reallocation needs a non-zero reallocation_amount")
    if flagged is False and realloc_fen:
        raise RowRejected("reallocation_amount given on a row marked as no reallocation")
    if realloc_fen == 0:
        realloc_fen = None
    if realloc_fen is not None and line_code is None:
        raise RowRejected("a reallocation must name the budget line (line_code) it adjusts")
    source_id = _text(row, "row_id")
    if source_id is not None:
        if not _ROW_ID.match(source_id):
            raise RowRejected("row_id: at most 64 printable characters without spaces")
        key = "id:" + source_id
    else:
        content = "\x1f".join(
            (
                paid_text,
                department,
                line_code or "",
                project_code or "",
                functional or "",
                economic or "",
                str(amount_fen),
                payee or "",
                "" if realloc_fen is None else str(realloc_fen),
            )
        )
        key = "h:" + hashlib.blake2b(content.encode(), digest_size=16).hexdigest()
    return (
        key,
        source_id,
        line_no,
        paid_on.year,
        paid_on,
        department,
        line_code,
        project_code,
        functional,
        economic,
        payee,
        amount_fen,
        realloc_fen,
    )


# --- imports --------------------------------------------------------------------------------


class ExecutionImport:
    """The record of one import: what was read, imported, skipped and rejected."""

    WHAT = "execution import"

    def __init__(
        self,
        *,
        id: uuid.UUID,
        format: ImportFormat,
        mode: ImportMode,
        filename: str | None,
        status: ImportStatus,
        imported_at: datetime,
        imported_by: str,
        as_of: date | None,
        years: list[int],
        rows_read: int,
        rows_imported: int,
        rows_duplicate: int,
        rows_rejected: int,
        findings_flagged: int,
        malformed: str | None,
    ) -> None:
        self.id = id
        self.format = format
        self.mode = mode
        self.filename = filename
        self.status = status
        self.imported_at = imported_at
        self.imported_by = imported_by
        self.as_of = as_of
        self.years = years
        self.rows_read = rows_read
        self.rows_imported = rows_imported
        self.rows_duplicate = rows_duplicate
        self.rows_rejected = rows_rejected
        self.findings_flagged = findings_flagged
        self.malformed = malformed
        self.events: list[EventData] = []

    def announce(self) -> None:
        """Say on the bus that this import landed (rejected imports change nothing)."""
        if self.status is ImportStatus.COMPLETED and self.as_of is not None:
            self.events.append(
                ExecutionImported(
                    import_id=self.id,
                    years=tuple(self.years),
                    as_of=self.as_of,
                    rows_read=self.rows_read,
                    rows_imported=self.rows_imported,
                    rows_duplicate=self.rows_duplicate,
                    rows_rejected=self.rows_rejected,
                    findings_flagged=self.findings_flagged,
                    imported_at=self.imported_at,
                )
            )


# --- findings -------------------------------------------------------------------------------


class FindingState(StrEnum):
    OPEN = "open"  # flagged online, waiting for the department (线下处理)
    EXPLAINED = "explained"  # the department explained how it handled it
    CLOSED = "closed"


class FindingAction(StrEnum):
    EXPLAIN = "explain"
    RETURN = "return"  # the explanation does not satisfy staff: open again
    CLOSE = "close"


_S, _A = FindingState, FindingAction

TRANSITIONS: TransitionTable[FindingState, FindingAction] = TransitionTable(
    "execution finding",
    {
        # Staff may close an open finding too: a false alarm is dismissed with a note.
        _S.OPEN: {_A.EXPLAIN: _S.EXPLAINED, _A.CLOSE: _S.CLOSED},
        _S.EXPLAINED: {_A.RETURN: _S.OPEN, _A.CLOSE: _S.CLOSED},
        _S.CLOSED: {},
    },
)

MAX_TEXT = 4000


def _note(text: str, what: str) -> str:
    text = text.strip()
    if not text or len(text) > MAX_TEXT:
        raise RuleViolation(f"{what} must have 1-{MAX_TEXT} characters")
    return text


class ExecutionFinding:
    """A problem the rules flagged in budget execution, tracked until it is closed."""

    WHAT = "execution finding"

    def __init__(
        self,
        *,
        id: uuid.UUID,
        rule: ExecutionRule,
        subject: str,
        period: str,
        year: int,
        department_code: str,
        line_code: str | None,
        amount: Decimal,
        summary: str,
        evidence: dict[str, Any],
        rule_version: int,
        import_id: uuid.UUID | None,
        flagged_at: datetime,
        state: FindingState = FindingState.OPEN,
        explanation: str | None = None,
        explained_by: str | None = None,
        explained_at: datetime | None = None,
        return_reason: str | None = None,
        closed_by: str | None = None,
        closed_at: datetime | None = None,
        close_note: str | None = None,
        dismissed: bool | None = None,
    ) -> None:
        self.id = id
        self.rule = rule
        self.subject = subject
        self.period = period
        self.year = year
        self.department_code = department_code
        self.line_code = line_code
        self.amount = amount
        self.summary = summary
        self.evidence = evidence
        self.rule_version = rule_version
        self.import_id = import_id
        self.flagged_at = flagged_at
        self.state = state
        self.explanation = explanation
        self.explained_by = explained_by
        self.explained_at = explained_at
        self.return_reason = return_reason
        self.closed_by = closed_by
        self.closed_at = closed_at
        self.close_note = close_note
        self.dismissed = dismissed
        self.events: list[EventData] = []

    @classmethod
    def flag(
        cls,
        flag: Flag,
        *,
        rows: list[dict[str, Any]],
        rule_version: int,
        import_id: uuid.UUID | None,
        now: datetime,
    ) -> ExecutionFinding:
        amount = abs(flag.amount)
        finding = cls(
            id=uuid.uuid4(),
            rule=flag.rule,
            subject=flag.subject,
            period=flag.period,
            year=flag.year,
            department_code=flag.department_code,
            line_code=flag.line_code,
            amount=amount,
            summary=flag.summary[:500],
            evidence={"figures": flag.figures, "rows": rows},
            rule_version=rule_version,
            import_id=import_id,
            flagged_at=now,
        )
        finding.events.append(
            ExecutionFindingFlagged(
                finding_id=finding.id,
                rule=flag.rule,
                year=flag.year,
                department_code=flag.department_code,
                subject=flag.subject,
                period=flag.period,
                line_code=flag.line_code,
                rule_version=rule_version,
                summary=finding.summary,
                amount=amount,
                figures=flag.figures,
                flagged_at=now,
            )
        )
        return finding

    @property
    def key(self) -> tuple[str, str, str]:
        return (str(self.rule), self.subject, self.period)

    def _facts(self) -> dict[str, Any]:
        return {
            "finding_id": self.id,
            "rule": self.rule,
            "year": self.year,
            "department_code": self.department_code,
        }

    def explain(self, explanation: str, *, by: str, now: datetime) -> None:
        """The department's account of how it handled the problem offline (线下处理)."""
        text = _note(explanation, "the explanation")
        self.state = TRANSITIONS.move(self.state, _A.EXPLAIN)
        self.explanation = text
        self.explained_by = by
        self.explained_at = now
        self.events.append(
            ExecutionFindingExplained(**self._facts(), explained_by=by, explained_at=now)
        )

    def return_to_department(self, reason: str, *, now: datetime) -> None:
        text = _note(reason, "the reason")
        self.state = TRANSITIONS.move(self.state, _A.RETURN)
        self.return_reason = text
        self.events.append(
            ExecutionFindingReturned(**self._facts(), reason=text[:1000], returned_at=now)
        )

    def close(self, note: str, *, by: str, now: datetime) -> None:
        """Close: handled (after an explanation) or dismissed (closed while still open)."""
        text = _note(note, "the note")
        dismissed = self.state is FindingState.OPEN
        self.state = TRANSITIONS.move(self.state, _A.CLOSE)
        self.close_note = text
        self.closed_by = by
        self.closed_at = now
        self.dismissed = dismissed
        self.events.append(
            ExecutionFindingClosed(**self._facts(), dismissed=dismissed, closed_at=now)
        )
