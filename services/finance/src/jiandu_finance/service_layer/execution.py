"""Budget-execution monitoring (预算联网监督): bulk imports, the rules, tracked findings.

An import streams a file (CSV, NDJSON or a JSON array) in batches: each batch is validated in a
worker thread and staged in bulk; at the end one set-based statement merges the rows (a
re-imported row is a duplicate), the rules check the years the file touched, and the import,
its findings and their events commit together. By default an import is all-or-nothing: a
malformed file or any bad row imports nothing and the report says why, line by line.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import IO, Any

from sqlalchemy.exc import IntegrityError

from jiandu_finance.adapters.execution_files import MalformedFile, Read, read_rows
from jiandu_finance.domain import rules as monitoring
from jiandu_finance.domain.execution import (
    REQUIRED,
    ExecutionFinding,
    ExecutionImport,
    FindingState,
    ImportFormat,
    ImportMode,
    ImportStatus,
    Rejection,
    RowRejected,
    StagedRow,
    stage_row,
)
from jiandu_finance.domain.rules import RuleSet, RuleThresholds
from jiandu_finance.service_layer.unit_of_work import FinanceUnitOfWork
from jiandu_shared.clock import Clock
from jiandu_shared.contracts.finance.budgets import ExecutionRule
from jiandu_shared.errors import Conflict, NotFound

logger = logging.getLogger("jiandu.finance.execution")

Progress = Callable[[int, int], None]  # rows read, rows rejected so far


@dataclass(frozen=True)
class ImportOptions:
    format: ImportFormat
    mode: ImportMode = ImportMode.ALL_OR_NOTHING
    as_of: date | None = None
    filename: str | None = None
    batch_rows: int = 10_000
    max_rejections: int = 100_000


@dataclass
class ImportReport:
    record: ExecutionImport
    rejections: list[Rejection] = field(default_factory=list)
    findings: list[ExecutionFinding] = field(default_factory=list)


@dataclass
class _Batch:
    rows: list[StagedRow]
    rejections: list[Rejection]
    read: int
    done: bool
    latest: dict[int, date]


def _take(rows: Iterator[Read], size: int) -> _Batch:
    """Read and validate up to ``size`` rows (runs in a worker thread)."""
    staged: list[StagedRow] = []
    rejections: list[Rejection] = []
    latest: dict[int, date] = {}
    read = 0
    for line_no, row in rows:
        read += 1
        if isinstance(row, str):
            rejections.append(Rejection(line_no, row[:300]))
        else:
            try:
                item = stage_row(row, line_no)
            except RowRejected as exc:
                rejections.append(Rejection(line_no, str(exc)[:300]))
            else:
                staged.append(item)
                year, paid_on = item[3], item[4]
                if paid_on > latest.get(year, paid_on.min):
                    latest[year] = paid_on
        if read >= size:
            return _Batch(staged, rejections, read, False, latest)
    return _Batch(staged, rejections, read, True, latest)


async def import_execution(
    source: IO[bytes],
    options: ImportOptions,
    *,
    by: str,
    uow: FinanceUnitOfWork,
    clock: Clock,
    defaults: RuleThresholds,
    progress: Progress | None = None,
) -> ImportReport:
    """Import a file of execution data and check the rules on the years it touched."""
    now = clock.now()
    record = ExecutionImport(
        id=uuid.uuid4(),
        format=options.format,
        mode=options.mode,
        filename=options.filename,
        status=ImportStatus.REJECTED,
        imported_at=now,
        imported_by=by,
        as_of=options.as_of,
        years=[],
        rows_read=0,
        rows_imported=0,
        rows_duplicate=0,
        rows_rejected=0,
        findings_flagged=0,
        malformed=None,
    )
    report = ImportReport(record)
    all_or_nothing = options.mode is ImportMode.ALL_OR_NOTHING
    latest: dict[int, date] = {}
    started = time.perf_counter()
    async with uow:
        staging = await uow.execution.staging()
        rows = read_rows(source, options.format, REQUIRED)
        # The next batch is read and validated in a thread while this one is staged.
        pending = asyncio.ensure_future(asyncio.to_thread(_take, rows, options.batch_rows))
        try:
            done = False
            while not done:
                batch = await pending
                done = batch.done
                if not done:
                    pending = asyncio.ensure_future(
                        asyncio.to_thread(_take, rows, options.batch_rows)
                    )
                record.rows_read += batch.read
                record.rows_rejected += len(batch.rejections)
                room = options.max_rejections - len(report.rejections)
                report.rejections.extend(batch.rejections[: max(room, 0)])
                # All-or-nothing: after the first bad row, only read on to report every one.
                if not (all_or_nothing and record.rows_rejected):
                    await staging.add(batch.rows)
                    for year, day in batch.latest.items():
                        latest[year] = max(day, latest.get(year, day))
                if progress is not None:
                    progress(record.rows_read, record.rows_rejected)
        except MalformedFile as exc:
            record.malformed = str(exc)[:1000]
        finally:
            if not pending.done():  # staging failed: let the reading thread finish its batch
                with contextlib.suppress(Exception):
                    await pending
        if record.rows_read == 0 and record.malformed is None:
            record.malformed = "the file has no rows"
        refused = record.malformed is not None or (all_or_nothing and record.rows_rejected > 0)
        if not refused:
            staged_at = time.perf_counter()
            await uow.execution.serialise_checks()
            record.rows_imported = await staging.merge(record.id)
            merged_at = time.perf_counter()
            record.rows_duplicate = staging.staged - record.rows_imported
            record.years = sorted(latest)
            record.status = ImportStatus.COMPLETED
            record.as_of = options.as_of or (max(latest.values()) if latest else None)
            report.findings = await _check(
                uow, latest, options.as_of, defaults, import_id=record.id, now=now
            )
            record.findings_flagged = len(report.findings)
            record.announce()
            uow.execution.add_import(record)
            await uow.session.flush()
            await uow.execution.add_rejections(record.id, report.rejections)
            await _commit(uow)
            logger.info(
                "import %s: %d rows read and staged in %.1f s, merged in %.1f s (%d new), "
                "rules checked and committed in %.1f s (%d findings)",
                record.id,
                record.rows_read,
                staged_at - started,
                merged_at - staged_at,
                record.rows_imported,
                time.perf_counter() - merged_at,
                record.findings_flagged,
            )
            return report
    # Nothing imported: record why, with the report, in a transaction of its own.
    record.rows_imported = record.rows_duplicate = 0
    async with uow:
        uow.execution.add_import(record)
        await uow.session.flush()
        await uow.execution.add_rejections(record.id, report.rejections)
        await uow.commit()
    return report


async def _commit(uow: FinanceUnitOfWork) -> None:
    try:
        await uow.commit()
    except IntegrityError as exc:
        raise Conflict(
            "another import or check flagged the same findings at the same time; retry"
        ) from exc


async def _thresholds(
    uow: FinanceUnitOfWork, defaults: RuleThresholds
) -> tuple[RuleThresholds, int]:
    current = await uow.execution.current_rules()
    return (current.thresholds, current.version) if current else (defaults, 0)


async def _check(
    uow: FinanceUnitOfWork,
    years: Mapping[int, date] | Iterable[int],
    as_of: date | None,
    defaults: RuleThresholds,
    *,
    import_id: uuid.UUID | None,
    now: Any,
) -> list[ExecutionFinding]:
    """Check the rules on each year as of ``as_of`` (default: its latest payment); record the
    flags that are not findings yet and return the new findings."""
    thresholds, version = await _thresholds(uow, defaults)
    wanted = sorted(years)
    latest = await uow.execution.years_and_latest(wanted)
    flagged: list[ExecutionFinding] = []
    for year in wanted:
        day = as_of if as_of is not None else latest.get(year)
        if day is None or day < date(year, 1, 1):
            continue
        day = min(day, date(year, 12, 31))
        figures = await uow.execution.year_figures(
            year, day, year_end_days=thresholds.year_end_days
        )
        known = await uow.execution_findings.keys_for_year(year)
        flags = [f for f in monitoring.check(figures, thresholds) if f.key not in known]
        refs = await uow.execution.row_refs(
            flags, as_of=day, year_end_days=thresholds.year_end_days, per_flag=thresholds.row_refs
        )
        for flag in flags:
            finding = ExecutionFinding.flag(
                flag,
                rows=refs.get(flag.key, []),
                rule_version=version,
                import_id=import_id,
                now=now,
            )
            uow.execution_findings.add(finding)
            flagged.append(finding)
    return flagged


async def check_rules(
    years: Sequence[int],
    as_of: date | None,
    *,
    uow: FinanceUnitOfWork,
    clock: Clock,
    defaults: RuleThresholds,
) -> list[ExecutionFinding]:
    """Check the rules again (after new thresholds or budget lines): only new flags count."""
    async with uow:
        await uow.execution.serialise_checks()
        findings = await _check(uow, years, as_of, defaults, import_id=None, now=clock.now())
        await _commit(uow)
    return findings


# --- imports and their reports ---------------------------------------------------------------


async def get_import(import_id: uuid.UUID, uow: FinanceUnitOfWork) -> ExecutionImport:
    async with uow:
        record = await uow.execution.get_import(import_id)
        if record is None:
            raise NotFound("execution import", import_id)
        return record


async def list_imports(
    uow: FinanceUnitOfWork, *, limit: int, offset: int
) -> tuple[Sequence[ExecutionImport], int]:
    async with uow:
        return await uow.execution.imports(limit=limit, offset=offset)


async def list_rejections(
    import_id: uuid.UUID, uow: FinanceUnitOfWork, *, limit: int, offset: int
) -> tuple[ExecutionImport, list[Rejection]]:
    async with uow:
        record = await uow.execution.get_import(import_id)
        if record is None:
            raise NotFound("execution import", import_id)
        return record, await uow.execution.rejections(import_id, limit=limit, offset=offset)


# --- progress per department (read-only, for the console's chart) ---------------------------


@dataclass(frozen=True)
class DepartmentProgress:
    """A department's budget lines of a year and what they spent up to the as-of date."""

    department_code: str
    lines: int
    adjusted_budget_fen: int
    spent_fen: int

    @property
    def executed_share(self) -> Fraction | None:
        if self.adjusted_budget_fen <= 0:
            return None
        return Fraction(self.spent_fen, self.adjusted_budget_fen)


@dataclass(frozen=True)
class YearProgress:
    year: int
    as_of: date
    time_share: Fraction
    departments: list[DepartmentProgress]


def department_progress(lines: Iterable[monitoring.LineFigures]) -> list[DepartmentProgress]:
    """Sum a year's budget lines per department (adjusted budgets, spending), by code."""
    totals: dict[str, tuple[int, int, int]] = {}
    for line in lines:
        count, budget, spent = totals.get(line.department_code, (0, 0, 0))
        totals[line.department_code] = (
            count + 1,
            budget + line.adjusted_budget_fen,
            spent + line.spent_fen,
        )
    return [
        DepartmentProgress(code, count, budget, spent)
        for code, (count, budget, spent) in sorted(totals.items())
    ]


async def year_progress(
    year: int, as_of: date | None, *, uow: FinanceUnitOfWork, today: date
) -> YearProgress:
    """Execution against time progress (序时进度) per department, as of ``as_of`` (default: the
    year's latest payment, else today), clipped to the year."""
    async with uow:
        if as_of is None:
            as_of = (await uow.execution.years_and_latest([year])).get(year, today)
        day = min(max(as_of, date(year, 1, 1)), date(year, 12, 31))
        figures = await uow.execution.year_figures(year, day, year_end_days=1)
    return YearProgress(
        year=year,
        as_of=day,
        time_share=monitoring.time_share(day),
        departments=department_progress(figures.lines),
    )


# --- rules --------------------------------------------------------------------------------


async def current_rules(
    uow: FinanceUnitOfWork, defaults: RuleThresholds
) -> tuple[RuleThresholds, int]:
    async with uow:
        return await _thresholds(uow, defaults)


async def rule_versions(
    uow: FinanceUnitOfWork, *, limit: int, offset: int
) -> tuple[Sequence[RuleSet], int]:
    async with uow:
        return await uow.execution.rule_versions(limit=limit, offset=offset)


async def change_rules(
    changes: Mapping[str, Any],
    *,
    note: str | None,
    by: str,
    uow: FinanceUnitOfWork,
    clock: Clock,
    defaults: RuleThresholds,
) -> RuleSet:
    async with uow:
        current = await uow.execution.current_rules()
        rules = RuleSet.next_after(current, defaults, changes, now=clock.now(), by=by, note=note)
        uow.execution.add_rules(rules)
        try:
            await uow.commit()
        except IntegrityError as exc:
            raise Conflict("the rules changed at the same time; read them again") from exc
    return rules


# --- findings -----------------------------------------------------------------------------


async def get_finding(finding_id: uuid.UUID, uow: FinanceUnitOfWork) -> ExecutionFinding:
    async with uow:
        return await uow.execution_findings.get(finding_id)


async def list_findings(
    uow: FinanceUnitOfWork,
    *,
    year: int | None,
    rule: ExecutionRule | None,
    state: FindingState | None,
    department_code: str | None,
    import_id: uuid.UUID | None,
    limit: int,
    offset: int,
) -> tuple[Sequence[ExecutionFinding], int]:
    async with uow:
        return await uow.execution_findings.find(
            year=year,
            rule=rule,
            state=None if state is None else str(state),
            department_code=department_code,
            import_id=import_id,
            limit=limit,
            offset=offset,
        )


async def explain_finding(
    finding_id: uuid.UUID,
    explanation: str,
    *,
    by: str,
    department_code: str | None,
    uow: FinanceUnitOfWork,
    clock: Clock,
) -> ExecutionFinding:
    """The department's explanation (a department may explain only its own findings)."""
    async with uow:
        finding = await uow.execution_findings.get(finding_id)
        if department_code is not None and finding.department_code != department_code:
            raise NotFound("execution finding", finding_id)
        finding.explain(explanation, by=by, now=clock.now())
        await _commit(uow)
    return finding


async def return_finding(
    finding_id: uuid.UUID, reason: str, *, uow: FinanceUnitOfWork, clock: Clock
) -> ExecutionFinding:
    async with uow:
        finding = await uow.execution_findings.get(finding_id)
        finding.return_to_department(reason, now=clock.now())
        await _commit(uow)
    return finding


async def close_finding(
    finding_id: uuid.UUID, note: str, *, by: str, uow: FinanceUnitOfWork, clock: Clock
) -> ExecutionFinding:
    async with uow:
        finding = await uow.execution_findings.get(finding_id)
        finding.close(note, by=by, now=clock.now())
        await _commit(uow)
    return finding
