"""Audit findings and their rectification (审计查出问题整改): reports, findings, rectification
reports of the responsible units, referrals to partner agencies, unit ratings, the
deliberation of the rectification report and the rectification rates."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from jiandu_finance.adapters.audit_repository import FindingFilter
from jiandu_finance.domain.assets import OpinionDraft
from jiandu_finance.domain.audit import (
    AuditFinding,
    AuditReport,
    FindingFigures,
    RectificationRate,
    change,
)
from jiandu_finance.service_layer.unit_of_work import FinanceUnitOfWork
from jiandu_shared.agencies import Agency
from jiandu_shared.calendar import local_date
from jiandu_shared.clock import Clock
from jiandu_shared.contracts.finance.audit import FindingCategory, RectificationStatus
from jiandu_shared.errors import Conflict, NotFound
from jiandu_shared.storage.unit_of_work import UnitOfWork


async def commit(uow: UnitOfWork, *, duplicate: str = "the record exists already") -> None:
    """``uow.commit()``, a uniqueness violation or a concurrent change becoming a 409."""
    try:
        await uow.commit()
    except IntegrityError as exc:
        raise Conflict(duplicate) from exc
    except StaleDataError as exc:
        raise Conflict(
            "the record was changed by another request meanwhile; reload and retry"
        ) from exc


# --- audit reports ----------------------------------------------------------------------------


async def register_report(
    *,
    year: int,
    auditor_office: str,
    title: str,
    registered_by: str,
    uow: FinanceUnitOfWork,
    clock: Clock,
) -> AuditReport:
    async with uow:
        report = AuditReport.register(
            year=year,
            auditor_office=auditor_office,
            title=title,
            registered_by=registered_by,
            now=clock.now(),
        )
        uow.audit_reports.add(report)
        uow.record_created(report.id)
        await commit(uow)
    return report


async def get_report(report_id: uuid.UUID, uow: FinanceUnitOfWork) -> AuditReport:
    async with uow:
        return await uow.audit_reports.get(report_id)


async def find_reports(
    uow: FinanceUnitOfWork, *, year: int | None, limit: int, offset: int
) -> tuple[Sequence[AuditReport], int]:
    async with uow:
        return await uow.audit_reports.find(year=year, limit=limit, offset=offset)


async def rate_unit(
    report_id: uuid.UUID,
    *,
    unit_id: uuid.UUID,
    satisfied: int,
    basically_satisfied: int,
    unsatisfied: int,
    rated_by: str,
    uow: FinanceUnitOfWork,
    clock: Clock,
) -> AuditReport:
    async with uow:
        report = await uow.audit_reports.get(report_id)
        report.rate_unit(
            unit_id=unit_id,
            responsible_units=await uow.audit_findings.units_of(report_id),
            satisfied=satisfied,
            basically_satisfied=basically_satisfied,
            unsatisfied=unsatisfied,
            rated_by=rated_by,
            now=clock.now(),
        )
        uow.audit_reports.changed(report)
        await commit(uow, duplicate=f"unit {unit_id} was already rated on this report")
    return report


async def deliberate(
    report_id: uuid.UUID,
    *,
    committee_id: uuid.UUID,
    opinions: Sequence[OpinionDraft],
    uow: FinanceUnitOfWork,
    clock: Clock,
) -> AuditReport:
    async with uow:
        report = await uow.audit_reports.get(report_id)
        report.deliberate(committee_id=committee_id, opinions=opinions, now=clock.now())
        uow.audit_reports.changed(report)
        await commit(uow)
    return report


# --- findings ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordFinding:
    unit_id: uuid.UUID
    category: FindingCategory
    amount: Decimal
    description: str
    deadline: date


async def record_finding(
    report_id: uuid.UUID,
    command: RecordFinding,
    recorded_by: str,
    uow: FinanceUnitOfWork,
    clock: Clock,
) -> AuditFinding:
    async with uow:
        report = await uow.audit_reports.get(report_id)
        finding = report.record_finding(
            unit_id=command.unit_id,
            category=command.category,
            amount=command.amount,
            description=command.description,
            deadline=command.deadline,
            recorded_by=recorded_by,
            now=clock.now(),
        )
        uow.audit_reports.changed(report)
        uow.audit_findings.add(finding)
        uow.record_created(finding.id)
        await commit(uow, duplicate="a finding was added to this report meanwhile; retry")
    return finding


def _visible(finding: AuditFinding, unit_scope: uuid.UUID | None) -> AuditFinding:
    """A responsible unit sees its own findings only; to it the others do not exist."""
    if unit_scope is not None and finding.unit_id != unit_scope:
        raise NotFound(AuditFinding.WHAT, finding.id)
    return finding


async def get_finding(
    finding_id: uuid.UUID, uow: FinanceUnitOfWork, *, unit_scope: uuid.UUID | None = None
) -> AuditFinding:
    async with uow:
        return _visible(await uow.audit_findings.get(finding_id), unit_scope)


async def find_findings(
    where: FindingFilter, uow: FinanceUnitOfWork, *, limit: int, offset: int
) -> tuple[Sequence[AuditFinding], int]:
    async with uow:
        return await uow.audit_findings.find(where, limit=limit, offset=offset)


async def _act(
    finding_id: uuid.UUID,
    uow: FinanceUnitOfWork,
    act: Callable[[AuditFinding], object],
    *,
    unit_scope: uuid.UUID | None = None,
) -> AuditFinding:
    async with uow:
        finding = _visible(await uow.audit_findings.get(finding_id), unit_scope)
        act(finding)
        uow.audit_findings.changed(finding)
        await commit(uow)
    return finding


async def report_rectification(
    finding_id: uuid.UUID,
    *,
    status: RectificationStatus,
    rectified_amount: Decimal,
    recovered_amount: Decimal,
    summary: str,
    reported_by: str,
    unit_scope: uuid.UUID | None,
    uow: FinanceUnitOfWork,
    clock: Clock,
) -> AuditFinding:
    return await _act(
        finding_id,
        uow,
        lambda f: f.report_rectification(
            status=status,
            rectified_amount=rectified_amount,
            recovered_amount=recovered_amount,
            summary=summary,
            reported_by=reported_by,
            now=clock.now(),
        ),
        unit_scope=unit_scope,
    )


async def refer(
    finding_id: uuid.UUID,
    *,
    agencies: Sequence[Agency],
    reason: str,
    uow: FinanceUnitOfWork,
    clock: Clock,
) -> AuditFinding:
    return await _act(
        finding_id, uow, lambda f: f.refer(agencies=agencies, reason=reason, now=clock.now())
    )


# --- the overdue sweep ------------------------------------------------------------------------


async def sweep_overdue(uow: Callable[[], FinanceUnitOfWork], clock: Clock) -> int:
    """Mark every finding whose deadline passed unrectified, once, each in its own unit of
    work. Replicas may sweep at once: the finding's version lets only one of them mark it
    (the other's commit is a stale write, and it moves on). Returns how many were marked."""
    async with uow() as unit:
        candidates = await unit.audit_findings.overdue_candidates(local_date(clock.now()))
    marked = 0
    for finding_id in candidates:
        try:
            async with uow() as unit:
                finding = await unit.audit_findings.get(finding_id)
                if finding.mark_overdue(now=clock.now()):
                    unit.audit_findings.changed(finding)
                    await unit.commit()
                    marked += 1
        except (StaleDataError, NotFound):
            continue  # another replica marked it (or it is gone): nothing to do here
    return marked


# --- rectification rates -------------------------------------------------------------------------


class RateGrouping(StrEnum):
    UNIT = "unit"
    CATEGORY = "category"
    YEAR = "year"


@dataclass(frozen=True)
class RateGroup:
    key: str
    rate: RectificationRate
    # Year-on-year change against the previous year in the list (grouping by year only).
    count_rate_change: Decimal | None = None
    amount_rate_change: Decimal | None = None


@dataclass(frozen=True)
class RateReport:
    overall: RectificationRate
    groups: list[RateGroup]


async def rectification_rates(
    where: FindingFilter, group_by: RateGrouping, uow: FinanceUnitOfWork
) -> RateReport:
    async with uow:
        rows = await uow.audit_findings.figures(where)
    buckets: dict[str, list[FindingFigures]] = defaultdict(list)
    for year, unit_id, category, figures in rows:
        key = {
            RateGrouping.UNIT: str(unit_id),
            RateGrouping.CATEGORY: str(category),
            RateGrouping.YEAR: str(year),
        }[group_by]
        buckets[key].append(figures)
    groups: list[RateGroup] = []
    previous: RectificationRate | None = None
    for key in sorted(buckets):
        rate = RectificationRate.of(buckets[key])
        if group_by is RateGrouping.YEAR:
            adjacent = previous is not None and groups and int(groups[-1].key) == int(key) - 1
            before = previous if adjacent else None
            groups.append(
                RateGroup(
                    key,
                    rate,
                    change(rate.count_rate, before.count_rate if before else None),
                    change(rate.amount_rate, before.amount_rate if before else None),
                )
            )
        else:
            groups.append(RateGroup(key, rate))
        previous = rate
    return RateReport(RectificationRate.of(f for *_, f in rows), groups)


def today(clock: Clock) -> date:
    return local_date(clock.now())
