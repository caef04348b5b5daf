"""State-asset reports over the four ledgers (pure domain)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from jiandu_finance.domain.assets import (
    AssetReport,
    AssetReportAction,
    AssetReportState,
    FigureDraft,
    OpinionDraft,
)
from jiandu_shared.contracts.finance import ReportDeliberated, ReportKind
from jiandu_shared.contracts.finance.assets import (
    AssetFiguresRecorded,
    AssetLedger,
    AssetOpinionResultRecorded,
    AssetReportKind,
    AssetReportSubmitted,
)
from jiandu_shared.contracts.topics import SatisfactionLevel
from jiandu_shared.errors import Conflict, InvalidTransition, RuleViolation

NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
L = AssetLedger
ORGAN = uuid.uuid4()


def comprehensive() -> AssetReport:
    return AssetReport.submit(
        year=2025,
        kind=AssetReportKind.COMPREHENSIVE,
        ledger=None,
        title="关于2025年度国有资产管理情况的综合报告",
        submitted_by="staff",
        now=NOW,
    )


def money(ledger: AssetLedger, item: str, amount: str) -> FigureDraft:
    return FigureDraft(ledger=ledger, item=item, amount=Decimal(amount))


ALL_FOUR = [
    money(L.ENTERPRISE, "资产总额", "1234567.89"),
    money(L.ENTERPRISE, "负债总额", "234567.89"),
    money(L.FINANCIAL_ENTERPRISE, "资产总额", "500000.00"),
    money(L.ADMINISTRATIVE_INSTITUTIONAL, "资产总额", "0.01"),
    FigureDraft(L.NATURAL_RESOURCE, "国有土地面积", quantity=Decimal("12345.6789"), unit="亩"),
]


def test_a_comprehensive_report_needs_figures_of_all_four_ledgers_to_be_deliberated() -> None:
    report = comprehensive()
    assert isinstance(report.events[0], AssetReportSubmitted)
    assert report.ledgers == tuple(AssetLedger)
    report.record_figures(ALL_FOUR[:3], now=NOW)
    with pytest.raises(RuleViolation, match="行政事业性国有资产, 国有自然资源"):
        report.deliberate(committee_id=uuid.uuid4(), opinions=[OpinionDraft("x", ORGAN)], now=NOW)
    report.record_figures(ALL_FOUR[3:], now=NOW)
    event = report.events[-1]
    assert isinstance(event, AssetFiguresRecorded) and event.total_figures == 5
    assert report.totals() == {
        L.ENTERPRISE: Decimal("1469135.78"),
        L.FINANCIAL_ENTERPRISE: Decimal("500000.00"),
        L.ADMINISTRATIVE_INSTITUTIONAL: Decimal("0.01"),
    }
    committee = uuid.uuid4()
    report.deliberate(
        committee_id=committee,
        opinions=[OpinionDraft("完善国有资产台账", ORGAN), OpinionDraft("盘活闲置资产", ORGAN)],
        now=NOW,
    )
    deliberated = report.events[-1]
    assert isinstance(deliberated, ReportDeliberated)
    assert deliberated.report_kind is ReportKind.STATE_ASSETS
    assert [o.opinion_ref for o in deliberated.opinions] == ["SA-1", "SA-2"]
    assert report.state is AssetReportState.DELIBERATED
    assert report.allowed_actions() == {AssetReportAction.RECORD_RESULT}
    with pytest.raises(InvalidTransition):
        report.record_figures(ALL_FOUR[:1], now=NOW)


def test_figures_are_checked_per_ledger() -> None:
    report = comprehensive()
    cases = {
        "natural-resource figures give a quantity": FigureDraft(
            L.NATURAL_RESOURCE, "林地", amount=Decimal(1)
        ),
        "give an amount": FigureDraft(L.ENTERPRISE, "资产总额"),
        "only natural-resource": FigureDraft(
            L.ENTERPRISE, "x", amount=Decimal(1), quantity=Decimal(1), unit="亩"
        ),
        "comes with its unit": FigureDraft(L.NATURAL_RESOURCE, "水", quantity=Decimal(1)),
    }
    for message, figure in cases.items():
        with pytest.raises(RuleViolation, match=message):
            report.record_figures([figure], now=NOW)
    report.record_figures([ALL_FOUR[0]], now=NOW)
    with pytest.raises(Conflict, match="already recorded"):
        report.record_figures([ALL_FOUR[0]], now=NOW)


def test_a_special_report_covers_its_one_ledger() -> None:
    with pytest.raises(RuleViolation, match="names the ledger"):
        AssetReport.submit(
            year=2025,
            kind=AssetReportKind.SPECIAL,
            ledger=None,
            title="t",
            submitted_by="s",
            now=NOW,
        )
    special = AssetReport.submit(
        year=2025,
        kind=AssetReportKind.SPECIAL,
        ledger=L.NATURAL_RESOURCE,
        title="国有自然资源专项报告",
        submitted_by="s",
        now=NOW,
    )
    with pytest.raises(RuleViolation, match="special report is on 国有自然资源"):
        special.record_figures([ALL_FOUR[0]], now=NOW)
    special.record_figures([ALL_FOUR[4]], now=NOW)
    special.deliberate(committee_id=uuid.uuid4(), opinions=[OpinionDraft("x", ORGAN)], now=NOW)
    assert special.figures[0].quantity == Decimal("12345.6789")


def test_results_show_the_latest_round() -> None:
    report = comprehensive()
    report.record_figures(ALL_FOUR, now=NOW)
    with pytest.raises(InvalidTransition):
        report.record_opinion_result(
            ref="SA-1",
            round=1,
            satisfied=1,
            basically_satisfied=0,
            unsatisfied=0,
            verdict=SatisfactionLevel.SATISFIED,
            passed=True,
            rated_at=NOW,
        )
    report.deliberate(committee_id=uuid.uuid4(), opinions=[OpinionDraft("x", ORGAN)], now=NOW)

    def result(number: int, verdict: SatisfactionLevel) -> bool:
        return report.record_opinion_result(
            ref="SA-1",
            round=number,
            satisfied=1,
            basically_satisfied=0,
            unsatisfied=0,
            verdict=verdict,
            passed=verdict is not SatisfactionLevel.UNSATISFIED,
            rated_at=NOW,
        )

    assert result(2, SatisfactionLevel.SATISFIED)
    assert not result(1, SatisfactionLevel.UNSATISFIED)  # late, older round: ignored
    assert report.opinions[0].verdict is SatisfactionLevel.SATISFIED
    assert report.opinions[0].result_round == 2
    assert isinstance(report.events[-1], AssetOpinionResultRecorded)
    with pytest.raises(RuleViolation, match="no opinion"):
        report.record_opinion_result(
            ref="SA-9",
            round=1,
            satisfied=1,
            basically_satisfied=0,
            unsatisfied=0,
            verdict=SatisfactionLevel.SATISFIED,
            passed=True,
            rated_at=NOW,
        )
