"""Government debt in the domain: limits, allocations, schedules, payments; risk indicators with
exact decimals; warning levels crossed and cleared once."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from fractions import Fraction

import pytest

from jiandu_finance.domain.debt import (
    Bond,
    DebtYear,
    PlannedInstalment,
    annual_interest_bullet,
    check_within_limit,
)
from jiandu_finance.domain.risk import (
    DEFAULT_RULES,
    NO_ALERT,
    AlertState,
    Assessment,
    Reading,
    WarningRule,
    announce,
    assess,
    measure,
)
from jiandu_shared.contracts.finance.debt import (
    BondInstalmentPaid,
    DebtKind,
    DebtRiskAlertCleared,
    DebtRiskAlertLowered,
    DebtRiskAlertRaised,
    RiskIndicator,
    WarningLevel,
)
from jiandu_shared.errors import Conflict, RuleViolation

NOW = datetime(2026, 12, 7, 2, tzinfo=UTC)
Y = Decimal


def bond(amount: str = "100000000.00", rate: str = "3.25", term: int = 3, **kw: object) -> Bond:
    return Bond.issue(
        region="330481",
        code=str(kw.get("code", "2026-G-01")),
        name="2026年海宁市一般债券(一期)",
        kind=DebtKind(str(kw.get("kind", "general"))),
        amount=Y(amount),
        rate=Y(rate),
        term_years=term,
        issue_date=kw.get("issue_date", date(2026, 3, 1)),  # type: ignore[arg-type]
        now=NOW,
        recorded_by="bureau",
    )


def test_the_standard_schedule_pays_interest_yearly_and_principal_at_maturity() -> None:
    planned = annual_interest_bullet(Y("100000000.00"), Y("3.25"), 3, date(2024, 2, 29))
    assert [p.due_on for p in planned] == [date(2025, 2, 28), date(2026, 2, 28), date(2027, 2, 28)]
    assert [p.interest for p in planned] == [Y("3250000.00")] * 3
    assert [p.principal for p in planned] == [Y("0.00"), Y("0.00"), Y("100000000.00")]


def test_interest_is_rounded_half_up_to_the_fen() -> None:
    (only,) = annual_interest_bullet(Y("1000.01"), Y("3.2550"), 1, date(2026, 1, 1))
    # 1000.01 × 3.255 % = 32.5503255 → 32.55
    assert only.interest == Y("32.55")
    (half,) = annual_interest_bullet(Y("100.00"), Y("0.0050"), 1, date(2026, 1, 1))
    assert half.interest == Y("0.01")  # 0.005 rounds up, never to an even 0.00


def test_allocations_cannot_exceed_the_bond() -> None:
    b = bond(amount="1000.00")
    b.allocate(
        project_ref="P-1",
        project_name="老旧小区改造",
        amount=Y("600.00"),
        allocated_on=date(2026, 3, 2),
        now=NOW,
    )
    with pytest.raises(RuleViolation, match=re.escape("400.00 of 1000.00")):
        b.allocate(
            project_ref="P-2",
            project_name="污水管网",
            amount=Y("400.01"),
            allocated_on=date(2026, 3, 2),
            now=NOW,
        )
    b.allocate(
        project_ref="P-2",
        project_name="污水管网",
        amount=Y("400.00"),
        allocated_on=date(2026, 3, 2),
        now=NOW,
    )
    assert b.unallocated == Y("0.00")
    with pytest.raises(RuleViolation, match="before the bond was issued"):
        bond().allocate(
            project_ref="P",
            project_name="x",
            amount=Y("1.00"),
            allocated_on=date(2026, 2, 1),
            now=NOW,
        )


def test_a_schedule_must_repay_exactly_the_principal() -> None:
    b = bond(amount="1000.00")
    with pytest.raises(RuleViolation, match=re.escape("999.99")):
        b.schedule_repayment([PlannedInstalment(date(2027, 3, 1), Y("999.99"), Y("30.00"))])
    with pytest.raises(RuleViolation, match="strictly increasing"):
        b.schedule_repayment(
            [
                PlannedInstalment(date(2027, 3, 1), Y("500.00"), Y("30.00")),
                PlannedInstalment(date(2027, 3, 1), Y("500.00"), Y("30.00")),
            ]
        )
    b.schedule_repayment([PlannedInstalment(date(2027, 3, 1), Y("1000.00"), Y("32.50"))])
    assert b.instalments[0].amount == Y("1032.50")


def test_a_payment_must_be_the_whole_instalment_once() -> None:
    b = bond(amount="1000.00", term=1)
    b.schedule_repayment(annual_interest_bullet(b.amount, b.rate, 1, b.issue_date))
    with pytest.raises(RuleViolation, match=re.escape("owes 1032.50")):
        b.pay(1, amount=Y("1032.49"), paid_on=date(2027, 3, 1))
    b.pay(1, amount=Y("1032.50"), paid_on=date(2027, 3, 2))
    paid = b.events[-1]
    assert isinstance(paid, BondInstalmentPaid) and paid.late
    with pytest.raises(Conflict):
        b.pay(1, amount=Y("1032.50"), paid_on=date(2027, 3, 2))
    with pytest.raises(Conflict, match="no longer change"):
        b.schedule_repayment(annual_interest_bullet(b.amount, b.rate, 1, b.issue_date))


def test_issuing_stays_within_the_year_limit() -> None:
    year = DebtYear(region="330481", year=2026, updated_at=NOW)
    with pytest.raises(RuleViolation, match="no general debt limit"):
        check_within_limit(year, DebtKind.GENERAL, Y("1.00"), region="330481", year=2026)
    year.set_limits(general=Y("500.00"), special=Y("0.00"), now=NOW)
    check_within_limit(year, DebtKind.GENERAL, Y("500.00"), region="330481", year=2026)
    with pytest.raises(RuleViolation, match=re.escape("above the 2026 limit of 500.00")):
        check_within_limit(year, DebtKind.GENERAL, Y("500.01"), region="330481", year=2026)


def test_indicators_are_exact_decimals() -> None:
    general = bond(amount="100.00", rate="3.00", term=1, issue_date=date(2026, 1, 10))
    general.schedule_repayment(
        annual_interest_bullet(general.amount, general.rate, 1, date(2026, 1, 10))
    )
    special = bond(
        amount="25.00", rate="2.00", term=2, code="S", kind="special", issue_date=date(2025, 6, 1)
    )
    special.schedule_repayment(
        annual_interest_bullet(special.amount, special.rate, 2, date(2025, 6, 1))
    )
    special.pay(1, amount=Y("0.50"), paid_on=date(2026, 6, 1))
    position = measure(
        [general, special],
        region="330481",
        year=2026,
        fiscal_capacity=Y("120.00"),
        today=date(2026, 12, 7),
    )
    assert position.debt_balance == Y("125.00")
    # Due in 2026: the special bond's first interest (0.50), paid.
    assert position.service_due == Y("0.50") and position.overdue_amount == Y("0.00")
    ratio, service, overdue = position.readings()
    assert ratio.exact == Fraction(12500, 120) and ratio.shown == Y("104.17")
    assert service.exact == Fraction(50, 120) and service.shown == Y("0.42")
    assert overdue.exact == 0 and overdue.unit == "yuan"
    # 2027: the general bond owes 103.00 on 10 January, the special one 25.50 in June.
    later = measure(
        [general, special],
        region="330481",
        year=2027,
        fiscal_capacity=Y("120.00"),
        today=date(2027, 1, 11),
    )
    assert later.service_due == Y("103.00") + Y("25.50")
    assert later.overdue_amount == Y("103.00")  # due 10 January, unpaid on the 11th
    without = measure(
        [general], region="330481", year=2026, fiscal_capacity=None, today=date(2026, 12, 7)
    )
    assert without.readings()[0].exact is None and without.readings()[0].shown is None


def test_a_level_is_reached_at_its_threshold_exactly() -> None:
    rule = DEFAULT_RULES[RiskIndicator.DEBT_RATIO]
    just_below = Reading(RiskIndicator.DEBT_RATIO, Fraction(11999999, 100000))
    assert just_below.shown == Y("120.00")  # rounded for display …
    assert assess(just_below, rule) == Assessment(WarningLevel.ORANGE, Y("100"))  # … not compared
    at = Reading(RiskIndicator.DEBT_RATIO, Fraction(120))
    assert assess(at, rule) == Assessment(WarningLevel.RED, Y("120"))
    assert assess(Reading(RiskIndicator.DEBT_RATIO, Fraction(79)), rule) == Assessment(
        WarningLevel.NONE, None
    )
    assert assess(Reading(RiskIndicator.DEBT_RATIO, None), rule) is None
    overdue = DEFAULT_RULES[RiskIndicator.OVERDUE_AMOUNT]
    assert assess(Reading(RiskIndicator.OVERDUE_AMOUNT, Fraction(1, 100)), overdue).level == "red"  # type: ignore[union-attr]


def test_rules_must_rise_and_be_positive() -> None:
    with pytest.raises(RuleViolation, match="rise strictly"):
        WarningRule(RiskIndicator.DEBT_RATIO, Y("100"), Y("100"), None)
    with pytest.raises(RuleViolation, match="at least one"):
        WarningRule(RiskIndicator.DEBT_RATIO, None, None, None)
    with pytest.raises(RuleViolation, match="positive"):
        WarningRule(RiskIndicator.DEBT_RATIO, Y("0"), None, None)
    assert WarningRule(RiskIndicator.DEBT_RATIO, None, Y("90"), None).thresholds() == [
        (WarningLevel.ORANGE, Y("90"))
    ]


def test_crossing_announces_once_and_falling_back_clears() -> None:
    rule = DEFAULT_RULES[RiskIndicator.DEBT_RATIO]
    state = NO_ALERT
    announced = []
    for percent in (50, 90, 95, 125, 130, 110, 70, 60):
        reading = Reading(RiskIndicator.DEBT_RATIO, Fraction(percent))
        found = assess(reading, rule)
        assert found is not None
        event = announce(region="330481", year=2026, reading=reading, previous=state, now=found)
        if event is not None:
            announced.append(event)
            state = AlertState(found.level, found.threshold)
    kinds = [(type(e).__name__, getattr(e, "level", None)) for e in announced]
    assert kinds == [
        ("DebtRiskAlertRaised", WarningLevel.YELLOW),  # 90
        ("DebtRiskAlertRaised", WarningLevel.RED),  # 125: one event, straight to red
        ("DebtRiskAlertLowered", WarningLevel.ORANGE),  # 110
        ("DebtRiskAlertCleared", None),  # 70
    ]
    raised = announced[1]
    assert isinstance(raised, DebtRiskAlertRaised)
    assert raised.value == Y("125.00") and raised.threshold == Y("120")
    assert raised.previous_level is WarningLevel.YELLOW
    cleared = announced[-1]
    assert isinstance(cleared, DebtRiskAlertCleared) and cleared.previous_level == "orange"
    assert isinstance(announced[2], DebtRiskAlertLowered)
    # Money and ratios travel as strings, never floats.
    payload = raised.model_dump(mode="json")
    assert payload["value"] == "125.00" and isinstance(payload["threshold"], str)
