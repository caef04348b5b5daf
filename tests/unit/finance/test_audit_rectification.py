"""Audit findings, their rectification and the rectification rate (pure domain)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from jiandu_finance.domain.assets import OpinionDraft
from jiandu_finance.domain.audit import (
    AuditFinding,
    AuditReport,
    FindingAction,
    FindingFigures,
    RectificationRate,
    change,
    satisfaction_verdict,
)
from jiandu_shared.agencies import Agency
from jiandu_shared.contracts.envelope import Classification
from jiandu_shared.contracts.finance import ReportDeliberated, ReportKind
from jiandu_shared.contracts.finance.audit import (
    AuditFindingOverdue,
    AuditFindingRecorded,
    AuditFindingRectificationReported,
    AuditFindingReferred,
    AuditUnitRated,
    FindingCategory,
    RectificationStatus,
)
from jiandu_shared.contracts.topics import SatisfactionLevel
from jiandu_shared.errors import Conflict, InvalidTransition, RuleViolation

NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)  # Monday 7 December 2026, 10:00 in China
UNIT, OTHER_UNIT = uuid.uuid4(), uuid.uuid4()
S = RectificationStatus


def report() -> AuditReport:
    return AuditReport.register(
        year=2025,
        auditor_office="县审计局",
        title="关于2025年度县本级预算执行和其他财政收支的审计工作报告",
        registered_by="staff-1",
        now=NOW,
    )


def finding(amount: str = "1000.00", unit: uuid.UUID = UNIT) -> AuditFinding:
    return report().record_finding(
        unit_id=unit,
        category=FindingCategory.SPECIAL_FUNDS,
        amount=Decimal(amount),
        description="专项资金闲置",
        deadline=date(2027, 3, 31),
        recorded_by="staff-1",
        now=NOW,
    )


def rectify(
    f: AuditFinding, status: RectificationStatus, rectified: str, recovered: str = "0.00"
) -> None:
    f.report_rectification(
        status=status,
        rectified_amount=Decimal(rectified),
        recovered_amount=Decimal(recovered),
        summary="已收回资金",
        reported_by="unit-1",
        now=NOW,
    )


def test_findings_are_numbered_in_their_report_and_raise_an_event() -> None:
    r = report()
    first = r.record_finding(
        unit_id=UNIT,
        category=FindingCategory.BUDGET_MANAGEMENT,
        amount=Decimal("12.34"),
        description="预算编制不细化",
        deadline=date(2027, 1, 31),
        recorded_by="s",
        now=NOW,
    )
    second = r.record_finding(
        unit_id=OTHER_UNIT,
        category=FindingCategory.VIOLATIONS,
        amount=Decimal("0"),
        description="违规发放津补贴",
        deadline=date(2027, 1, 31),
        recorded_by="s",
        now=NOW,
    )
    assert (first.number, second.number, r.findings_count) == (1, 2, 2)
    (event,) = first.events
    assert isinstance(event, AuditFindingRecorded)
    assert event.amount == Decimal("12.34") and event.year == 2025
    with pytest.raises(RuleViolation, match="after today"):
        r.record_finding(
            unit_id=UNIT,
            category=FindingCategory.OTHER,
            amount=Decimal(1),
            description="x",
            deadline=date(2026, 12, 7),
            recorded_by="s",
            now=NOW,
        )


def test_rectification_moves_through_the_states_with_cumulative_amounts() -> None:
    f = finding()
    assert str(f.status) == "not_rectified"
    rectify(f, S.IN_PROGRESS, "0.00")
    rectify(f, S.PARTLY_RECTIFIED, "400.00", "100.00")
    assert (f.status, f.rectified_amount, f.recovered_amount) == (
        S.PARTLY_RECTIFIED,
        Decimal("400.00"),
        Decimal("100.00"),
    )
    with pytest.raises(RuleViolation, match="cumulative"):
        rectify(f, S.PARTLY_RECTIFIED, "300.00", "100.00")
    with pytest.raises(RuleViolation, match="in full"):
        rectify(f, S.RECTIFIED, "999.99", "100.00")
    with pytest.raises(RuleViolation, match="exceeds"):
        rectify(f, S.RECTIFIED, "1000.01", "100.00")
    with pytest.raises(RuleViolation, match="part of the rectified"):
        rectify(f, S.PARTLY_RECTIFIED, "500.00", "500.01")
    rectify(f, S.RECTIFIED, "1000.00", "600.00")
    assert f.status is S.RECTIFIED and len(f.rectifications) == 3
    last = f.events[-1]
    assert isinstance(last, AuditFindingRectificationReported)
    assert (last.report_number, last.on_time) == (3, True)
    # Rectified in full closes the finding: only a referral is still possible.
    assert f.allowed_actions() == {FindingAction.REFER}
    with pytest.raises(InvalidTransition):
        rectify(f, S.RECTIFIED, "1000.00")


def test_a_report_after_the_deadline_is_late_and_the_finding_overdue() -> None:
    f = finding()
    assert not f.overdue(date(2027, 3, 31)) and f.overdue(date(2027, 4, 1))
    f.report_rectification(
        status=S.PARTLY_RECTIFIED,
        rectified_amount=Decimal("1.00"),
        recovered_amount=Decimal("0.00"),
        summary="迟报",
        reported_by="u",
        now=datetime(2027, 4, 1, 2, tzinfo=UTC),
    )
    assert f.rectifications[0].on_time is False


def test_an_overdue_finding_is_announced_once() -> None:
    f = finding()
    assert not f.mark_overdue(now=datetime(2027, 3, 31, 15, tzinfo=UTC))  # 23:00 in China
    assert f.mark_overdue(now=datetime(2027, 3, 31, 16, tzinfo=UTC))  # 1 April in China
    event = f.events[-1]
    assert isinstance(event, AuditFindingOverdue) and event.deadline == date(2027, 3, 31)
    assert not f.mark_overdue(now=datetime(2027, 4, 2, 2, tzinfo=UTC))
    done = finding()
    rectify(done, S.RECTIFIED, "1000.00")
    assert not done.mark_overdue(now=datetime(2027, 4, 2, 2, tzinfo=UTC))


def test_money_rectified_is_at_least_partly_rectified() -> None:
    f = finding()
    with pytest.raises(RuleViolation, match="at least partly"):
        rectify(f, S.NOT_RECTIFIED, "1.00")


def test_a_referral_is_restricted_names_the_agencies_and_happens_once() -> None:
    f = finding()
    f.refer(
        agencies=[Agency.PROCURATORATE, Agency.DISCIPLINE_INSPECTION],
        reason="涉嫌违规套取专项资金",
        now=NOW,
    )
    event = f.events[-1]
    assert isinstance(event, AuditFindingReferred)
    assert event.classification is Classification.RESTRICTED
    assert event.agencies == (Agency.DISCIPLINE_INSPECTION, Agency.PROCURATORATE)
    assert event.event_type == "finance.audit_finding.referred"
    assert FindingAction.REFER not in f.allowed_actions()
    with pytest.raises(Conflict):
        f.refer(agencies=[Agency.DISCIPLINE_INSPECTION], reason="again", now=NOW)
    with pytest.raises(RuleViolation, match="not audit"):
        finding().refer(agencies=[Agency.AUDIT], reason="x", now=NOW)


def test_unit_ratings_follow_the_majority_rule_once_per_unit() -> None:
    r = report()
    assert satisfaction_verdict(5, 2, 2) is SatisfactionLevel.SATISFIED
    assert satisfaction_verdict(4, 4, 1) is SatisfactionLevel.BASICALLY_SATISFIED
    assert satisfaction_verdict(2, 2, 5) is SatisfactionLevel.UNSATISFIED
    assert satisfaction_verdict(1, 0, 1) is SatisfactionLevel.BASICALLY_SATISFIED  # no majority
    rating = r.rate_unit(
        unit_id=UNIT,
        responsible_units={UNIT},
        satisfied=10,
        basically_satisfied=3,
        unsatisfied=1,
        rated_by="s",
        now=NOW,
    )
    assert rating.verdict is SatisfactionLevel.SATISFIED
    assert isinstance(r.events[-1], AuditUnitRated)
    with pytest.raises(Conflict):
        r.rate_unit(
            unit_id=UNIT,
            responsible_units={UNIT},
            satisfied=1,
            basically_satisfied=0,
            unsatisfied=0,
            rated_by="s",
            now=NOW,
        )
    with pytest.raises(RuleViolation, match="responsible for no finding"):
        r.rate_unit(
            unit_id=OTHER_UNIT,
            responsible_units={UNIT},
            satisfied=1,
            basically_satisfied=0,
            unsatisfied=0,
            rated_by="s",
            now=NOW,
        )
    with pytest.raises(RuleViolation, match="at least one vote"):
        satisfaction_verdict(0, 0, 0)


def test_deliberating_the_rectification_report_sends_its_opinions_to_topics() -> None:
    r = report()
    with pytest.raises(RuleViolation, match="findings"):
        r.deliberate(committee_id=uuid.uuid4(), opinions=[OpinionDraft("x", UNIT)], now=NOW)
    r.record_finding(
        unit_id=UNIT,
        category=FindingCategory.OTHER,
        amount=Decimal(0),
        description="x",
        deadline=date(2027, 1, 31),
        recorded_by="s",
        now=NOW,
    )
    committee = uuid.uuid4()
    r.deliberate(
        committee_id=committee,
        opinions=[OpinionDraft("加快整改", UNIT), OpinionDraft("建立长效机制", OTHER_UNIT)],
        now=NOW,
    )
    event = r.events[-1]
    assert isinstance(event, ReportDeliberated)
    assert event.report_kind is ReportKind.AUDIT_RECTIFICATION
    assert [o.opinion_ref for o in event.opinions] == ["AR-1", "AR-2"]
    with pytest.raises(Conflict):
        r.deliberate(committee_id=committee, opinions=[OpinionDraft("x", UNIT)], now=NOW)
    with pytest.raises(Conflict, match="findings are closed"):
        r.record_finding(
            unit_id=UNIT,
            category=FindingCategory.OTHER,
            amount=Decimal(0),
            description="x",
            deadline=date(2027, 1, 31),
            recorded_by="s",
            now=NOW,
        )
    assert r.record_opinion_result(
        ref="AR-1",
        round=1,
        satisfied=3,
        basically_satisfied=0,
        unsatisfied=5,
        verdict=SatisfactionLevel.UNSATISFIED,
        passed=False,
        rated_at=NOW,
    )
    # An older or repeated round changes nothing; a later one replaces it.
    assert not r.record_opinion_result(
        ref="AR-1",
        round=1,
        satisfied=9,
        basically_satisfied=0,
        unsatisfied=0,
        verdict=SatisfactionLevel.SATISFIED,
        passed=True,
        rated_at=NOW,
    )
    assert r.opinions[0].verdict is SatisfactionLevel.UNSATISFIED


# --- the rate --------------------------------------------------------------------------------


def figures(
    status: RectificationStatus, amount: str, rectified: str, recovered: str = "0"
) -> FindingFigures:
    return FindingFigures(status, Decimal(amount), Decimal(rectified), Decimal(recovered))


def test_the_count_rate_counts_only_findings_rectified_in_full() -> None:
    rate = RectificationRate.of(
        [
            figures(S.RECTIFIED, "100.00", "100.00"),
            figures(S.RECTIFIED, "0.00", "0.00"),
            figures(S.PARTLY_RECTIFIED, "300.00", "150.00", "50.00"),
            figures(S.IN_PROGRESS, "0.00", "0.00"),
            figures(S.NOT_RECTIFIED, "200.00", "0.00"),
            figures(S.PARTLY_RECTIFIED, "0.00", "0.00"),
        ]
    )
    assert (rate.findings, rate.rectified, rate.partly_rectified) == (6, 2, 2)
    assert (rate.in_progress, rate.not_rectified) == (1, 1)
    assert rate.count_rate == Decimal("0.3333")  # 2 / 6
    assert rate.amount == Decimal("600.00")
    assert rate.rectified_amount == Decimal("250.00")
    assert rate.recovered_amount == Decimal("50.00")
    assert rate.amount_rate == Decimal("0.4167")  # 250 / 600 = 0.41666…
    assert isinstance(rate.count_rate, Decimal) and isinstance(rate.amount_rate, Decimal)


def test_rates_round_half_up_exactly_and_are_none_without_a_denominator() -> None:
    # 1 / 8 = 0.125 exactly; 0.00005 rounds up: 1 / 20000 → 0.0001 (half up), not 0.0000.
    assert RectificationRate.of(
        [figures(S.RECTIFIED, "1.00", "1.00")] + [figures(S.NOT_RECTIFIED, "0", "0")] * 7
    ).count_rate == Decimal("0.1250")
    tiny = RectificationRate.of([figures(S.PARTLY_RECTIFIED, "200.00", "0.01")])
    assert tiny.amount_rate == Decimal("0.0001")  # 1 fen of 20000 fen = 0.00005
    odd = RectificationRate.of([figures(S.PARTLY_RECTIFIED, "0.03", "0.01")])
    assert odd.amount_rate == Decimal("0.3333")
    two_thirds = RectificationRate.of([figures(S.PARTLY_RECTIFIED, "0.03", "0.02")])
    assert two_thirds.amount_rate == Decimal("0.6667")
    empty = RectificationRate.of([])
    assert (empty.count_rate, empty.amount_rate) == (None, None)
    no_money = RectificationRate.of([figures(S.RECTIFIED, "0", "0")])
    assert (no_money.count_rate, no_money.amount_rate) == (Decimal("1.0000"), None)
    # A huge amount keeps every fen: no float anywhere.
    big = RectificationRate.of([figures(S.PARTLY_RECTIFIED, "999999999999.99", "333333333333.33")])
    assert big.amount_rate == Decimal("0.3333")
    assert big.rectified_amount == Decimal("333333333333.33")


def test_year_on_year_change_is_in_share_points() -> None:
    assert change(Decimal("0.7500"), Decimal("0.6250")) == Decimal("0.1250")
    assert change(Decimal("0.5000"), None) is None
