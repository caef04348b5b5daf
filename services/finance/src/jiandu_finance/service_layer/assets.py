"""State-asset reports (国有资产管理情况报告): submission with ledger figures, deliberation, and
the results of the deliberation opinions as topics reports them back (also for the opinions on
audit-rectification reports)."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Sequence
from typing import TypeVar

from jiandu_finance import SERVICE_NAME
from jiandu_finance.domain.assets import (
    AssetReport,
    AssetReportState,
    FigureDraft,
    OpinionDraft,
)
from jiandu_finance.service_layer.audit import commit
from jiandu_finance.service_layer.unit_of_work import FinanceUnitOfWork
from jiandu_shared.clock import Clock
from jiandu_shared.contracts import Envelope
from jiandu_shared.contracts.finance import ReportKind
from jiandu_shared.contracts.finance.assets import AssetLedger, AssetReportKind
from jiandu_shared.contracts.topics import OpinionResultReported
from jiandu_shared.errors import NotFound

logger = logging.getLogger("jiandu.finance.assets")

# Inbox name of the subscriber that records topics' evaluation results on finance's reports.
RECORD_OPINION_RESULT = f"{SERVICE_NAME}.record_opinion_result"


async def submit(
    *,
    year: int,
    kind: AssetReportKind,
    ledger: AssetLedger | None,
    title: str,
    figures: Sequence[FigureDraft],
    submitted_by: str,
    uow: FinanceUnitOfWork,
    clock: Clock,
) -> AssetReport:
    async with uow:
        report = AssetReport.submit(
            year=year,
            kind=kind,
            ledger=ledger,
            title=title,
            submitted_by=submitted_by,
            now=clock.now(),
        )
        if figures:
            report.record_figures(figures, now=clock.now())
        uow.asset_reports.add(report)
        uow.record_created(report.id)
        await commit(uow)
    return report


async def get(report_id: uuid.UUID, uow: FinanceUnitOfWork) -> AssetReport:
    async with uow:
        return await uow.asset_reports.get(report_id)


async def find(
    uow: FinanceUnitOfWork,
    *,
    year: int | None,
    kind: AssetReportKind | None,
    state: AssetReportState | None,
    limit: int,
    offset: int,
) -> tuple[Sequence[AssetReport], int]:
    async with uow:
        return await uow.asset_reports.find(
            year=year, kind=kind, state=state, limit=limit, offset=offset
        )


async def record_figures(
    report_id: uuid.UUID, figures: Sequence[FigureDraft], uow: FinanceUnitOfWork, clock: Clock
) -> AssetReport:
    async with uow:
        report = await uow.asset_reports.get(report_id)
        report.record_figures(figures, now=clock.now())
        uow.asset_reports.changed(report)
        await commit(uow)
    return report


async def deliberate(
    report_id: uuid.UUID,
    *,
    committee_id: uuid.UUID,
    opinions: Sequence[OpinionDraft],
    uow: FinanceUnitOfWork,
    clock: Clock,
) -> AssetReport:
    async with uow:
        report = await uow.asset_reports.get(report_id)
        report.deliberate(committee_id=committee_id, opinions=opinions, now=clock.now())
        uow.asset_reports.changed(report)
        await commit(uow)
    return report


async def record_opinion_result(
    envelope: Envelope[OpinionResultReported], uow: FinanceUnitOfWork
) -> bool:
    """Show on finance's report the evaluation topics reported for one of its opinions.

    Idempotent: the inbox drops a redelivered event, and a result of a round already shown
    (or older than it) changes nothing. Results of reports finance does not hold (another
    service's, or a kind another area follows) are acknowledged and ignored. Returns whether
    a result was recorded.
    """
    data = envelope.data
    origin = data.origin
    result = {
        "ref": origin.opinion_ref,
        "round": data.round,
        "satisfied": data.satisfied,
        "basically_satisfied": data.basically_satisfied,
        "unsatisfied": data.unsatisfied,
        "verdict": data.verdict,
        "passed": data.passed,
        "rated_at": data.rated_at,
    }
    async with uow:
        if not await uow.first_delivery(RECORD_OPINION_RESULT, envelope):
            return False
        recorded = False
        ours = origin.service == SERVICE_NAME
        asset = audit = None
        if ours and origin.report_kind == ReportKind.STATE_ASSETS:
            asset = await _maybe(uow.asset_reports.get(origin.report_id))
        elif ours and origin.report_kind == ReportKind.AUDIT_RECTIFICATION:
            audit = await _maybe(uow.audit_reports.get(origin.report_id))
        if asset is not None:
            if recorded := asset.record_opinion_result(**result):  # type: ignore[arg-type]
                uow.asset_reports.changed(asset)
        elif audit is not None:
            if recorded := audit.record_opinion_result(**result):  # type: ignore[arg-type]
                uow.audit_reports.changed(audit)
        else:
            logger.info(
                "result of opinion %s on %s report %s of %s is not ours to show",
                origin.opinion_ref,
                origin.report_kind,
                origin.report_id,
                origin.service,
            )
        await uow.commit()  # with the inbox row: the event is handled once
    return recorded


T = TypeVar("T")


async def _maybe(load: Awaitable[T]) -> T | None:
    try:
        return await load
    except NotFound:
        return None
