"""Bulk paths of execution monitoring: staging, set-based merge, figures for the rules.

Rows never go through the ORM. An import stages its validated rows in a temporary table of its
own (PostgreSQL: binary ``COPY``; SQLite: batched ``executemany``), then one
``INSERT … SELECT … ON CONFLICT (row_key) DO NOTHING`` moves them into ``execution_rows``, so a
re-imported row is a duplicate and nothing else. The rules' figures are ``GROUP BY`` queries
over a year's rows; only the few flagged subjects come back with row references.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    and_,
    bindparam,
    case,
    func,
    insert,
    select,
    text,
    type_coerce,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.types import Uuid

from jiandu_finance.adapters.orm_budgets import (
    budget_lines,
    execution_findings,
    execution_import_rejections,
    execution_imports,
    execution_rows,
    execution_rule_sets,
)
from jiandu_finance.domain.execution import (
    STAGED,
    ExecutionFinding,
    ExecutionImport,
    Rejection,
    StagedRow,
)
from jiandu_finance.domain.rules import (
    DepartmentSpending,
    Flag,
    LineFigures,
    RuleSet,
    Unbudgeted,
    YearFigures,
    year_end_window_start,
)
from jiandu_shared.contracts.finance.budgets import ExecutionRule
from jiandu_shared.money import from_fen
from jiandu_shared.storage.repository import Repository, equal_to

_E, _L = execution_rows.c, budget_lines.c
_AMOUNT = type_coerce(_E.amount, BigInteger)
_REALLOC = type_coerce(_E.reallocation_amount, BigInteger)
_STAGE_TYPES = {
    "row_key": "VARCHAR(80) NOT NULL",
    "source_row_id": "VARCHAR(64)",
    "line_no": "INTEGER NOT NULL",
    "year": "INTEGER NOT NULL",
    "paid_on": "DATE NOT NULL",
    "department_code": "VARCHAR(32) NOT NULL",
    "line_code": "VARCHAR(64)",
    "project_code": "VARCHAR(64)",
    "functional_code": "VARCHAR(32)",
    "economic_code": "VARCHAR(32)",
    "payee_category": "VARCHAR(20)",
    "amount_fen": "BIGINT NOT NULL",
    "reallocation_fen": "BIGINT",
}
_CHUNK = 500  # subjects per IN (...) list
_CHECK_LOCK = 0x6A646578  # advisory lock key of the merge-and-check phase


def _int(value: Any) -> int:
    return 0 if value is None else int(value)


class Staging:
    """One import's validated rows in a temporary table, merged at the end in one statement."""

    def __init__(self, session: AsyncSession, is_postgres: bool) -> None:
        self.session = session
        self.is_postgres = is_postgres
        self.name = f"execution_staging_{uuid.uuid4().hex[:12]}"
        self.staged = 0

    async def open(self) -> None:
        columns = ", ".join(f"{name} {_STAGE_TYPES[name]}" for name in STAGED)
        suffix = " ON COMMIT DROP" if self.is_postgres else ""
        # Also begins the transaction the COPY below joins (asyncpg starts it lazily).
        await self.session.execute(text(f"CREATE TEMPORARY TABLE {self.name} ({columns}){suffix}"))

    async def add(self, rows: Sequence[StagedRow]) -> None:
        if not rows:
            return
        connection = await self.session.connection()
        if self.is_postgres:
            raw = await connection.get_raw_connection()
            driver: Any = raw.driver_connection
            await driver.copy_records_to_table(self.name, records=rows, columns=list(STAGED))
        else:
            marks = ", ".join("?" for _ in STAGED)
            await connection.exec_driver_sql(
                f"INSERT INTO {self.name} VALUES ({marks})",
                [(*r[:4], r[4].isoformat(), *r[5:]) for r in rows],
            )
        self.staged += len(rows)

    async def merge(self, import_id: uuid.UUID) -> int:
        """Move the staged rows into ``execution_rows``; returns how many were new."""
        columns = [
            "row_key",
            "source_row_id",
            "import_id",
            "line_no",
            "year",
            "paid_on",
            "department_code",
            "line_code",
            "project_code",
            "functional_code",
            "economic_code",
            "payee_category",
            "amount",
            "reallocation_amount",
        ]
        sources = [
            "row_key",
            "source_row_id",
            ":import_id",
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
        ]
        # "WHERE true" lets SQLite parse the ON CONFLICT after a SELECT.
        statement = text(
            f"INSERT INTO execution_rows ({', '.join(columns)}) "
            f"SELECT {', '.join(sources)} FROM {self.name} WHERE true "
            "ON CONFLICT (row_key) DO NOTHING"
        ).bindparams(bindparam("import_id", import_id, type_=Uuid()))
        result = await self.session.execute(statement)
        inserted = _int(result.rowcount)  # type: ignore[attr-defined]
        await self.session.execute(text(f"DROP TABLE IF EXISTS {self.name}"))
        if self.is_postgres and inserted >= 10_000:
            # Fresh statistics, so the rules' GROUP BY plans see the rows just added.
            await self.session.execute(text("ANALYZE execution_rows"))
        return inserted


class ExecutionStore:
    """Imports, rule sets and the set-based queries of execution monitoring."""

    def __init__(self, session: AsyncSession, track: Any) -> None:
        self.session = session
        self._track = track

    @property
    def is_postgres(self) -> bool:
        return self.session.bind.dialect.name == "postgresql"

    async def serialise_checks(self) -> None:
        """Concurrent imports (several replicas) merge and check one after the other, so two
        never flag the same finding at once (PostgreSQL; SQLite has one writer anyway)."""
        if self.is_postgres:
            await self.session.execute(text(f"SELECT pg_advisory_xact_lock({_CHECK_LOCK})"))

    async def staging(self) -> Staging:
        staging = Staging(self.session, self.is_postgres)
        await staging.open()
        return staging

    # --- imports ---

    def add_import(self, record: ExecutionImport) -> None:
        self.session.add(record)
        self._track(record)

    async def add_rejections(self, import_id: uuid.UUID, rejections: Sequence[Rejection]) -> None:
        for start in range(0, len(rejections), 5000):
            await self.session.execute(
                insert(execution_import_rejections),
                [
                    {
                        "import_id": import_id,
                        "number": start + i + 1,
                        "line": r.line,
                        "reason": r.reason,
                    }
                    for i, r in enumerate(rejections[start : start + 5000])
                ],
            )

    async def get_import(self, import_id: uuid.UUID) -> ExecutionImport | None:
        return await self.session.get(ExecutionImport, import_id)

    async def imports(self, *, limit: int, offset: int) -> tuple[Sequence[ExecutionImport], int]:
        total = await self.session.scalar(select(func.count()).select_from(execution_imports))
        rows = await self.session.scalars(
            select(ExecutionImport)
            .order_by(execution_imports.c.imported_at.desc(), execution_imports.c.id)
            .limit(limit)
            .offset(offset)
        )
        return list(rows), _int(total)

    async def rejections(self, import_id: uuid.UUID, *, limit: int, offset: int) -> list[Rejection]:
        c = execution_import_rejections.c
        rows = await self.session.execute(
            select(c.line, c.reason)
            .where(c.import_id == import_id)
            .order_by(c.number)
            .limit(limit)
            .offset(offset)
        )
        return [Rejection(line, reason) for line, reason in rows]

    # --- rule sets ---

    async def current_rules(self) -> RuleSet | None:
        rules = await self.session.scalar(
            select(RuleSet).order_by(execution_rule_sets.c.version.desc()).limit(1)
        )
        return rules

    async def rule_versions(self, *, limit: int, offset: int) -> tuple[Sequence[RuleSet], int]:
        total = await self.session.scalar(select(func.count()).select_from(execution_rule_sets))
        rows = await self.session.scalars(
            select(RuleSet)
            .order_by(execution_rule_sets.c.version.desc())
            .limit(limit)
            .offset(offset)
        )
        return list(rows), _int(total)

    def add_rules(self, rules: RuleSet) -> None:
        self.session.add(rules)
        self._track(rules)

    # --- figures for the rules ---

    async def years_and_latest(self, years: Sequence[int]) -> dict[int, date]:
        """The latest payment date of each year that has rows."""
        rows = await self.session.execute(
            select(_E.year, func.max(_E.paid_on)).where(_E.year.in_(list(years))).group_by(_E.year)
        )
        return {int(year): latest for year, latest in rows if latest is not None}

    async def year_figures(self, year: int, as_of: date, *, year_end_days: int) -> YearFigures:
        in_year = and_(_E.year == year, _E.paid_on <= as_of)
        paid = _AMOUNT != 0
        per_line = (
            select(
                _E.line_code.label("line_code"),
                func.sum(_AMOUNT).label("spent"),
                func.sum(case((paid, 1), else_=0)).label("payments"),
                func.sum(func.coalesce(_REALLOC, 0)).label("net"),
                func.sum(func.abs(func.coalesce(_REALLOC, 0))).label("gross"),
                func.count(_REALLOC).label("reallocations"),
            )
            .where(in_year, _E.line_code.is_not(None))
            .group_by(_E.line_code)
            .subquery("per_line")
        )
        line_rows = await self.session.execute(
            select(
                _L.code,
                _L.department_code,
                type_coerce(_L.amount, BigInteger),
                _L.special_fund,
                per_line.c.spent,
                per_line.c.payments,
                per_line.c.net,
                per_line.c.gross,
                per_line.c.reallocations,
            )
            .select_from(budget_lines.outerjoin(per_line, per_line.c.line_code == _L.code))
            .where(_L.year == year)
            .order_by(_L.code)
        )
        lines = [
            LineFigures(
                line_code=code,
                department_code=department,
                budget_fen=_int(budget),
                special_fund=bool(special),
                spent_fen=_int(spent),
                payments=_int(payments),
                reallocated_net_fen=_int(net),
                reallocated_abs_fen=_int(gross),
                reallocations=_int(count),
            )
            for code, department, budget, special, spent, payments, net, gross, count in line_rows
        ]
        start = year_end_window_start(year, year_end_days)
        return YearFigures(
            year=year,
            as_of=as_of,
            lines=lines,
            departments=await self.department_spending(year, as_of, start),
            unbudgeted=await self.unbudgeted(year, as_of),
        )

    async def department_spending(
        self, year: int, as_of: date, window_start: date
    ) -> list[DepartmentSpending]:
        late = _E.paid_on >= window_start
        rows = await self.session.execute(
            select(
                _E.department_code,
                func.sum(_AMOUNT),
                func.sum(case((_AMOUNT != 0, 1), else_=0)),
                func.sum(case((late, _AMOUNT), else_=0)),
                func.sum(case((and_(late, _AMOUNT != 0), 1), else_=0)),
            )
            .where(_E.year == year, _E.paid_on <= as_of)
            .group_by(_E.department_code)
            .order_by(_E.department_code)
        )
        return [
            DepartmentSpending(
                department_code=code,
                total_fen=_int(total),
                payments=_int(payments),
                late_fen=_int(late_total),
                late_payments=_int(late_payments),
            )
            for code, total, payments, late_total, late_payments in rows
        ]

    def _unbudgeted_rows(self, year: int, as_of: date) -> tuple[Any, ColumnElement[bool]]:
        joined = execution_rows.outerjoin(
            budget_lines, and_(_L.year == _E.year, _L.code == _E.line_code)
        )
        where = and_(_E.year == year, _E.paid_on <= as_of, _L.id.is_(None), _AMOUNT != 0)
        return joined, where

    async def unbudgeted(self, year: int, as_of: date) -> list[Unbudgeted]:
        joined, where = self._unbudgeted_rows(year, as_of)
        rows = await self.session.execute(
            select(
                _E.department_code,
                func.sum(_AMOUNT),
                func.count(),
                func.sum(case((_E.line_code.is_(None), 1), else_=0)),
                func.sum(case((_E.line_code.is_not(None), 1), else_=0)),
            )
            .select_from(joined)
            .where(where)
            .group_by(_E.department_code)
            .order_by(_E.department_code)
        )
        return [
            Unbudgeted(
                department_code=code,
                total_fen=_int(total),
                payments=_int(count),
                missing_line=_int(missing),
                unknown_line=_int(unknown),
            )
            for code, total, count, missing, unknown in rows
        ]

    async def row_refs(
        self, flags: Sequence[Flag], *, as_of: date, year_end_days: int, per_flag: int
    ) -> dict[tuple[str, str, str], list[dict[str, Any]]]:
        """The rows behind each flag (largest first), at most ``per_flag`` each."""
        refs: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
        if per_flag <= 0:
            return refs
        by_rule: dict[ExecutionRule, list[Flag]] = {}
        for flag in flags:
            by_rule.setdefault(flag.rule, []).append(flag)
        for rule, rule_flags in by_rule.items():
            year = rule_flags[0].year
            base: Any = execution_rows
            where: ColumnElement[bool]
            if rule is ExecutionRule.NO_BUDGET_LINE:
                base, where = self._unbudgeted_rows(year, as_of)
                subject, size = _E.department_code, func.abs(_AMOUNT)
            elif rule is ExecutionRule.LARGE_REALLOCATION:
                where = and_(_E.year == year, _E.paid_on <= as_of, _REALLOC.is_not(None))
                subject, size = _E.line_code, func.abs(_REALLOC)
            elif rule is ExecutionRule.YEAR_END_RUSH:
                start = year_end_window_start(year, year_end_days)
                where = and_(
                    _E.year == year, _E.paid_on <= as_of, _E.paid_on >= start, _AMOUNT != 0
                )
                subject, size = _E.department_code, func.abs(_AMOUNT)
            else:  # behind time progress, idle special fund: the line's largest payments
                where = and_(_E.year == year, _E.paid_on <= as_of, _AMOUNT != 0)
                subject, size = _E.line_code, func.abs(_AMOUNT)
            subjects = [f.subject for f in rule_flags]
            keys = {f.subject: f.key for f in rule_flags}
            for chunk_start in range(0, len(subjects), _CHUNK):
                chunk = subjects[chunk_start : chunk_start + _CHUNK]
                rank = (
                    func.row_number()
                    .over(partition_by=subject, order_by=(size.desc(), _E.row_key))
                    .label("rank")
                )
                ranked = (
                    select(
                        subject.label("subject"),
                        _E.import_id,
                        _E.line_no,
                        _E.source_row_id,
                        _E.paid_on,
                        _E.line_code,
                        _AMOUNT.label("amount"),
                        _REALLOC.label("reallocation"),
                        rank,
                    )
                    .select_from(base)
                    .where(where, subject.in_(chunk))
                    .subquery("ranked")
                )
                rows = await self.session.execute(
                    select(ranked)
                    .where(ranked.c.rank <= per_flag)
                    .order_by(ranked.c.subject, ranked.c.rank)
                )
                for row in rows.mappings():
                    refs.setdefault(keys[row["subject"]], []).append(
                        {
                            "import_id": str(row["import_id"]),
                            "line": row["line_no"],
                            "row_id": row["source_row_id"],
                            "paid_on": row["paid_on"].isoformat()
                            if isinstance(row["paid_on"], date)
                            else str(row["paid_on"]),
                            "line_code": row["line_code"],
                            "amount": str(from_fen(_int(row["amount"]))),
                            "reallocation_amount": None
                            if row["reallocation"] is None
                            else str(from_fen(_int(row["reallocation"]))),
                        }
                    )
        return refs

    async def count_rows(self, year: int | None = None) -> int:
        query = select(func.count()).select_from(execution_rows)
        if year is not None:
            query = query.where(_E.year == year)
        return _int(await self.session.scalar(query))


class FindingRepository(Repository[ExecutionFinding]):
    entity = ExecutionFinding
    label = "execution finding"

    async def keys_for_year(self, year: int) -> set[tuple[str, str, str]]:
        c = execution_findings.c
        rows = await self.session.execute(select(c.rule, c.subject, c.period).where(c.year == year))
        return {(str(rule), subject, period) for rule, subject, period in rows}

    async def find(
        self,
        *,
        year: int | None,
        rule: ExecutionRule | None,
        state: str | None,
        department_code: str | None,
        import_id: uuid.UUID | None,
        limit: int,
        offset: int,
    ) -> tuple[Sequence[ExecutionFinding], int]:
        c = execution_findings.c
        conditions = equal_to(
            (c.year, year),
            (c.rule, None if rule is None else str(rule)),
            (c.state, state),
            (c.department_code, department_code),
            (c.import_id, import_id),
        )
        return await self.page(
            execution_findings,
            conditions,
            (c.flagged_at.desc(), c.rule, c.subject),
            limit=limit,
            offset=offset,
        )


__all__ = ["ExecutionStore", "FindingRepository", "Staging"]
