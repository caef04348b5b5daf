"""Debt risk indicators (债务风险指标) and configurable warning levels (预警).

Formulas, for one region and one year Y (exact decimal arithmetic, no float anywhere):

- 债务率 ``debt_ratio`` = debt balance / comprehensive fiscal capacity(Y) × 100 %.
  Debt balance (债务余额) = principal of the region's bonds issued by the reference day minus
  the principal of instalments paid by it; the reference day is 31 December of Y, or today
  while Y has not ended.
- 偿债率 ``debt_service_ratio`` = (principal + interest of every instalment falling due in Y,
  paid or not) / comprehensive fiscal capacity(Y) × 100 %.
- 逾期金额 ``overdue_amount`` = principal + interest of the instalments due in Y that are
  still unpaid after their due date (the due date itself is in time), in yuan.

The ratios are compared with the thresholds exactly (as fractions); the value shown in the API
and in events is rounded half up to two decimals. Without a fiscal capacity for Y the ratios
cannot be computed: their alert state is then left as it is.

A level is reached when the value is at or above its threshold (``value ≥ threshold``); the
highest level reached is the indicator's level. Defaults (``DEFAULT_RULES``), changeable through
the API: 债务率 yellow 80 %, orange 100 %, red 120 %; 偿债率 yellow 10 %, orange 15 %, red 20 %;
逾期金额 red from 0.01 yuan (any overdue payment).

Alerts: the level of each (region, year, indicator) is stored. When an evaluation finds another
level, exactly one event says so: ``alert_raised`` (higher, from none or a lower level),
``alert_lowered`` (lower but still warning) or ``alert_cleared`` (back below every level).
The same level found again raises nothing, however often it is evaluated.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from jiandu_finance.domain.debt import ZERO, Bond
from jiandu_shared.contracts import EventData
from jiandu_shared.contracts.finance.debt import (
    DebtKind,
    DebtRiskAlertCleared,
    DebtRiskAlertLowered,
    DebtRiskAlertRaised,
    RiskIndicator,
    WarningLevel,
)
from jiandu_shared.errors import RuleViolation

ORDER = [WarningLevel.NONE, WarningLevel.YELLOW, WarningLevel.ORANGE, WarningLevel.RED]
UNITS = {
    RiskIndicator.DEBT_RATIO: "percent",
    RiskIndicator.DEBT_SERVICE_RATIO: "percent",
    RiskIndicator.OVERDUE_AMOUNT: "yuan",
}
LABELS = {
    RiskIndicator.DEBT_RATIO: "债务率",
    RiskIndicator.DEBT_SERVICE_RATIO: "偿债率",
    RiskIndicator.OVERDUE_AMOUNT: "逾期金额",
}


def rank(level: WarningLevel) -> int:
    return ORDER.index(level)


@dataclass(frozen=True)
class WarningRule:
    """Thresholds of one indicator; a level without a threshold is not used."""

    indicator: RiskIndicator
    yellow: Decimal | None
    orange: Decimal | None
    red: Decimal | None

    def __post_init__(self) -> None:
        given = [t for t in (self.yellow, self.orange, self.red) if t is not None]
        if not given:
            raise RuleViolation(f"a warning rule of {self.indicator} needs at least one level")
        if any(t <= 0 for t in given):
            raise RuleViolation("warning thresholds must be positive")
        if any(b <= a for a, b in itertools.pairwise(given)):
            raise RuleViolation("thresholds must rise strictly from yellow to orange to red")

    def thresholds(self) -> list[tuple[WarningLevel, Decimal]]:
        """The levels in use, from the most severe down."""
        pairs = [
            (WarningLevel.RED, self.red),
            (WarningLevel.ORANGE, self.orange),
            (WarningLevel.YELLOW, self.yellow),
        ]
        return [(level, t) for level, t in pairs if t is not None]

    def threshold_of(self, level: WarningLevel) -> Decimal | None:
        return dict(self.thresholds()).get(level)


DEFAULT_RULES: dict[RiskIndicator, WarningRule] = {
    RiskIndicator.DEBT_RATIO: WarningRule(
        RiskIndicator.DEBT_RATIO, Decimal("80.00"), Decimal("100.00"), Decimal("120.00")
    ),
    RiskIndicator.DEBT_SERVICE_RATIO: WarningRule(
        RiskIndicator.DEBT_SERVICE_RATIO, Decimal("10.00"), Decimal("15.00"), Decimal("20.00")
    ),
    RiskIndicator.OVERDUE_AMOUNT: WarningRule(
        RiskIndicator.OVERDUE_AMOUNT, None, None, Decimal("0.01")
    ),
}


@dataclass(frozen=True)
class Reading:
    """An indicator's exact value (a fraction) for one region and year; None if not computable."""

    indicator: RiskIndicator
    exact: Fraction | None

    @property
    def shown(self) -> Decimal | None:
        """The value rounded half up to two decimals, as the API and events show it."""
        if self.exact is None:
            return None
        hundredths = (self.exact * 100 + Fraction(1, 2)).__floor__()
        return (Decimal(hundredths) / 100).quantize(Decimal("0.01"))

    @property
    def unit(self) -> str:
        return UNITS[self.indicator]


@dataclass(frozen=True)
class DebtPosition:
    """The figures of one region's debt in one year, and the indicators derived from them."""

    region: str
    year: int
    reference_day: date
    general_balance: Decimal
    special_balance: Decimal
    fiscal_capacity: Decimal | None
    service_due: Decimal  # principal + interest falling due in the year
    overdue_amount: Decimal

    @property
    def debt_balance(self) -> Decimal:
        return self.general_balance + self.special_balance

    def _ratio(self, numerator: Decimal) -> Fraction | None:
        if self.fiscal_capacity is None or self.fiscal_capacity <= 0:
            return None
        return Fraction(numerator) * 100 / Fraction(self.fiscal_capacity)

    def readings(self) -> list[Reading]:
        return [
            Reading(RiskIndicator.DEBT_RATIO, self._ratio(self.debt_balance)),
            Reading(RiskIndicator.DEBT_SERVICE_RATIO, self._ratio(self.service_due)),
            Reading(RiskIndicator.OVERDUE_AMOUNT, Fraction(self.overdue_amount)),
        ]


def measure(
    bonds: list[Bond], *, region: str, year: int, fiscal_capacity: Decimal | None, today: date
) -> DebtPosition:
    reference = min(date(year, 12, 31), today)
    general = sum((b.balance_on(reference) for b in bonds if b.kind is DebtKind.GENERAL), ZERO)
    special = sum((b.balance_on(reference) for b in bonds if b.kind is DebtKind.SPECIAL), ZERO)
    return DebtPosition(
        region=region,
        year=year,
        reference_day=reference,
        general_balance=general,
        special_balance=special,
        fiscal_capacity=fiscal_capacity,
        service_due=sum((b.due_in(year) for b in bonds), ZERO),
        overdue_amount=sum((b.overdue_in(year, today) for b in bonds), ZERO),
    )


@dataclass(frozen=True)
class Assessment:
    level: WarningLevel
    threshold: Decimal | None  # of the level reached; None at NONE


def assess(reading: Reading, rule: WarningRule) -> Assessment | None:
    """The highest level the reading reaches; None when the value cannot be computed."""
    if reading.exact is None:
        return None
    for level, threshold in rule.thresholds():
        if reading.exact >= Fraction(threshold):
            return Assessment(level, threshold)
    return Assessment(WarningLevel.NONE, None)


@dataclass(frozen=True)
class AlertState:
    """What was last announced for one (region, year, indicator)."""

    level: WarningLevel
    threshold: Decimal | None


NO_ALERT = AlertState(WarningLevel.NONE, None)


def announce(
    *, region: str, year: int, reading: Reading, previous: AlertState, now: Assessment
) -> EventData | None:
    """The one event a change of level raises, or None when the level is unchanged."""
    if now.level == previous.level:
        return None
    common = {
        "region": region,
        "year": year,
        "indicator": reading.indicator,
        "value": reading.shown,
        "unit": reading.unit,
    }
    if now.level is WarningLevel.NONE:
        return DebtRiskAlertCleared(
            **common, previous_level=previous.level, previous_threshold=previous.threshold
        )
    assert now.threshold is not None
    kind = DebtRiskAlertRaised if rank(now.level) > rank(previous.level) else DebtRiskAlertLowered
    return kind(**common, level=now.level, previous_level=previous.level, threshold=now.threshold)
