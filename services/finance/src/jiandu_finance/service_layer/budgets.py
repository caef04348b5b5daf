"""Full-scope budgets (全口径预算): record a year's four budgets and their lines, by hand or in
bulk (the streamed readers of execution imports, all-or-nothing)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from sqlalchemy.exc import IntegrityError

from jiandu_finance.adapters.execution_files import MalformedFile, Read, read_rows
from jiandu_finance.domain.budgets import Budget, BudgetLine
from jiandu_finance.domain.execution import ImportFormat, Rejection
from jiandu_finance.service_layer.unit_of_work import FinanceUnitOfWork
from jiandu_shared.clock import Clock
from jiandu_shared.contracts.finance.budgets import BudgetKind
from jiandu_shared.errors import Conflict, DomainError
from jiandu_shared.money import parse_yuan

LINE_FIELDS = (
    "code",
    "name",
    "department_code",
    "functional_code",
    "amount",
    "economic_code",
    "project_code",
    "special_fund",
)
LINE_REQUIRED = ("code", "name", "department_code", "functional_code", "amount")


async def create_budget(
    *,
    year: int,
    kind: BudgetKind,
    title: str | None,
    lines: Sequence[dict[str, Any]],
    by: str,
    uow: FinanceUnitOfWork,
    clock: Clock,
) -> Budget:
    async with uow:
        if await uow.budgets.of_kind(year, kind) is not None:
            raise Conflict(f"the {kind} budget of {year} already exists; add lines to it")
        budget, made = Budget.create(
            year=year, kind=kind, title=title, lines=lines, now=clock.now(), created_by=by
        )
        await _refuse_taken(uow, year, made)
        uow.budgets.add(budget)
        await uow.session.flush()
        await uow.budgets.add_lines(made)
        await _commit(uow, f"the {kind} budget of {year} already exists")
    return budget


async def add_lines(
    budget_id: uuid.UUID,
    lines: Sequence[dict[str, Any]],
    *,
    uow: FinanceUnitOfWork,
    clock: Clock,
) -> tuple[Budget, list[BudgetLine]]:
    async with uow:
        budget = await uow.budgets.by_id(budget_id)
        made = budget.add_lines(lines, now=clock.now())
        await _refuse_taken(uow, budget.year, made)
        await uow.budgets.add_lines(made)
        await _commit(uow, "a line code is already used in this year")
    return budget, made


async def _refuse_taken(uow: FinanceUnitOfWork, year: int, lines: Sequence[BudgetLine]) -> None:
    taken = await uow.budgets.codes_taken(year, (line.code for line in lines))
    if taken:
        listed = ", ".join(sorted(taken)[:20])
        raise Conflict(f"line code(s) already used in {year}: {listed}")


async def _commit(uow: FinanceUnitOfWork, duplicate: str) -> None:
    try:
        await uow.commit()
    except IntegrityError as exc:
        raise Conflict(duplicate) from exc


async def get_budget(budget_id: uuid.UUID, uow: FinanceUnitOfWork) -> Budget:
    async with uow:
        return await uow.budgets.by_id(budget_id)


async def list_budgets(
    uow: FinanceUnitOfWork, *, year: int | None, kind: BudgetKind | None, limit: int, offset: int
) -> tuple[Sequence[Budget], int]:
    async with uow:
        return await uow.budgets.find(year=year, kind=kind, limit=limit, offset=offset)


async def list_lines(
    budget_id: uuid.UUID,
    uow: FinanceUnitOfWork,
    *,
    department_code: str | None,
    special_fund: bool | None,
    limit: int,
    offset: int,
) -> tuple[list[BudgetLine], int]:
    async with uow:
        await uow.budgets.by_id(budget_id)
        return await uow.budgets.lines(
            budget_id,
            department_code=department_code,
            special_fund=special_fund,
            limit=limit,
            offset=offset,
        )


# --- bulk lines ------------------------------------------------------------------------------


@dataclass
class LinesImport:
    """The report of a bulk import of budget lines (all-or-nothing)."""

    budget_id: uuid.UUID
    imported: bool
    rows_read: int = 0
    rows_imported: int = 0
    total: Decimal = Decimal("0.00")
    rows_rejected: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    malformed: str | None = None


def _line_values(row: dict[str, Any]) -> dict[str, Any]:
    def text(name: str) -> str | None:
        value = row.get(name)
        if value is None:
            return None
        value = str(value).strip()
        return value or None

    missing = [name for name in LINE_REQUIRED if text(name) is None]
    if missing:
        raise ValueError(f"{', '.join(missing)} missing")
    special = text("special_fund")
    if special is not None and special.lower() not in {"true", "false", "1", "0", "是", "否"}:
        raise ValueError(f"special_fund: '{special[:20]}' is not true or false")
    return {
        "code": text("code"),
        "name": text("name"),
        "department_code": text("department_code"),
        "functional_code": text("functional_code"),
        "amount": parse_yuan(text("amount") or ""),
        "economic_code": text("economic_code"),
        "project_code": text("project_code"),
        "special_fund": special is not None and special.lower() in {"true", "1", "是"},
    }


def _take(
    rows: Iterator[Read], budget: Budget, size: int
) -> tuple[list[tuple[int, BudgetLine]], list[Rejection], int, bool]:
    made: list[tuple[int, BudgetLine]] = []
    rejections: list[Rejection] = []
    read = 0
    for line_no, row in rows:
        read += 1
        try:
            if isinstance(row, str):
                raise ValueError(row)
            line = BudgetLine.new(budget_id=budget.id, year=budget.year, **_line_values(row))
            made.append((line_no, line))
        except (ValueError, DomainError) as exc:
            rejections.append(Rejection(line_no, str(exc)[:300]))
        if read >= size:
            return made, rejections, read, False
    return made, rejections, read, True


async def import_lines(
    budget_id: uuid.UUID,
    source: IO[bytes],
    format: ImportFormat,
    *,
    uow: FinanceUnitOfWork,
    clock: Clock,
    batch_rows: int = 5000,
    max_rejections: int = 10_000,
    progress: Callable[[int], None] | None = None,
) -> LinesImport:
    """Add a file of lines to a budget: all of them, or none when any row is bad."""
    async with uow:
        budget = await uow.budgets.by_id(budget_id)
        report = LinesImport(budget_id=budget.id, imported=False)
        rows = read_rows(source, format, LINE_REQUIRED)
        codes: set[str] = set()
        pending: list[BudgetLine] = []
        try:
            done = False
            while not done:
                made, rejected, read, done = await asyncio.to_thread(
                    _take, rows, budget, batch_rows
                )
                report.rows_read += read
                fresh: list[tuple[int, BudgetLine]] = []
                for line_no, line in made:
                    if line.code in codes:
                        rejected.append(Rejection(line_no, f"line code {line.code} appears twice"))
                    else:
                        codes.add(line.code)
                        fresh.append((line_no, line))
                taken = await uow.budgets.codes_taken(budget.year, (line.code for _, line in fresh))
                rejected.extend(
                    Rejection(line_no, f"line code {line.code} is already used in {budget.year}")
                    for line_no, line in fresh
                    if line.code in taken
                )
                rejected.sort(key=lambda r: r.line)
                report.rows_rejected += len(rejected)
                room = max_rejections - len(report.rejections)
                report.rejections.extend(rejected[: max(room, 0)])
                if not report.rows_rejected:
                    pending.extend(line for _, line in fresh if line.code not in taken)
                    if len(pending) >= batch_rows:
                        await uow.budgets.add_lines(pending)
                        report.rows_imported += len(pending)
                        report.total += sum((line.amount for line in pending), Decimal("0.00"))
                        pending = []
                if progress is not None:
                    progress(report.rows_read)
        except MalformedFile as exc:
            report.malformed = str(exc)
            report.rows_imported, report.total = 0, Decimal("0.00")
            return report
        if report.rows_rejected or report.rows_read == 0:
            report.rows_imported, report.total = 0, Decimal("0.00")
            if report.rows_read == 0:
                report.malformed = "the file has no rows"
            return report
        await uow.budgets.add_lines(pending)
        report.rows_imported += len(pending)
        report.total += sum((line.amount for line in pending), Decimal("0.00"))
        budget.record_lines_added(report.rows_imported, report.total, now=clock.now())
        await _commit(uow, "a line code is already used in this year")
        report.imported = True
    return report
