"""Repositories of audit reports and audit findings (审计查出问题)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, and_, not_, select
from sqlalchemy.orm.attributes import flag_modified

from jiandu_finance.adapters.orm_audit import audit_findings, audit_reports
from jiandu_finance.domain.audit import AuditFinding, AuditReport, FindingFigures
from jiandu_shared.contracts.finance.audit import FindingCategory, RectificationStatus
from jiandu_shared.storage.repository import Repository, equal_to

_F = audit_findings.c


class AuditReportRepository(Repository[AuditReport]):
    entity = AuditReport
    label = "audit report"

    def changed(self, report: AuditReport) -> None:
        """Write the report's row (and move its version) even if only its children changed."""
        flag_modified(report, "findings_count")

    async def find(
        self, *, year: int | None, limit: int, offset: int
    ) -> tuple[Sequence[AuditReport], int]:
        c = audit_reports.c
        return await self.page(
            audit_reports,
            equal_to((c.year, year)),
            (c.year.desc(), c.registered_at.desc(), c.id),
            limit=limit,
            offset=offset,
        )


@dataclass(frozen=True)
class FindingFilter:
    audit_report_id: uuid.UUID | None = None
    year: int | None = None
    unit_id: uuid.UUID | None = None
    category: FindingCategory | None = None
    status: RectificationStatus | None = None
    referred: bool | None = None
    today: date | None = None  # the day ``overdue`` is judged on
    overdue: bool | None = None  # past its deadline on ``today`` and not rectified


def _conditions(where: FindingFilter) -> list[ColumnElement[bool]]:
    conditions = equal_to(
        (_F.audit_report_id, where.audit_report_id),
        (_F.year, where.year),
        (_F.unit_id, where.unit_id),
        (_F.category, where.category),
        (_F.status, where.status),
    )
    if where.referred is not None:
        conditions.append(
            _F.referred_at.isnot(None) if where.referred else _F.referred_at.is_(None)
        )
    if where.overdue is not None and where.today is not None:
        overdue = and_(_F.deadline < where.today, _F.status != RectificationStatus.RECTIFIED)
        conditions.append(overdue if where.overdue else not_(overdue))
    return conditions


class AuditFindingRepository(Repository[AuditFinding]):
    entity = AuditFinding
    label = "audit finding"

    def changed(self, finding: AuditFinding) -> None:
        flag_modified(finding, "status")

    async def find(
        self, where: FindingFilter, *, limit: int, offset: int
    ) -> tuple[Sequence[AuditFinding], int]:
        return await self.page(
            audit_findings,
            _conditions(where),
            (_F.year.desc(), _F.audit_report_id, _F.number),
            limit=limit,
            offset=offset,
        )

    async def overdue_candidates(self, today: date, *, limit: int = 500) -> list[uuid.UUID]:
        """Findings past their deadline on ``today``, not rectified and not yet marked."""
        ids = await self.session.scalars(
            select(_F.id)
            .where(
                _F.deadline < today,
                _F.status != RectificationStatus.RECTIFIED,
                _F.overdue_at.is_(None),
            )
            .order_by(_F.deadline, _F.id)
            .limit(limit)
        )
        return list(ids)

    async def units_of(self, audit_report_id: uuid.UUID) -> set[uuid.UUID]:
        """The units responsible for findings of a report."""
        rows = await self.session.scalars(
            select(_F.unit_id).where(_F.audit_report_id == audit_report_id).distinct()
        )
        return set(rows)

    async def figures(
        self, where: FindingFilter
    ) -> list[tuple[int, uuid.UUID, FindingCategory, FindingFigures]]:
        """(year, unit, category, figures) of every finding matched: what the rates count."""
        rows = await self.session.execute(
            select(
                _F.year,
                _F.unit_id,
                _F.category,
                _F.status,
                _F.amount,
                _F.rectified_amount,
                _F.recovered_amount,
            ).where(*_conditions(where))
        )
        return [
            (
                r.year,
                r.unit_id,
                FindingCategory(r.category),
                FindingFigures(
                    status=RectificationStatus(r.status),
                    amount=r.amount,
                    rectified_amount=r.rectified_amount,
                    recovered_amount=r.recovered_amount,
                ),
            )
            for r in rows
        ]
