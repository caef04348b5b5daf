"""Events of government debt (政府债务) over its life cycle: 借、用、管、还, and its risk.

Amounts are exact decimal yuan (``jiandu_shared.money``); rates and ratios are exact decimal
percentages sent as strings (``"3.2500"``, ``"104.17"``), never floats.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import Field, PlainSerializer, WithJsonSchema

from jiandu_shared.contracts.envelope import Classification, EventData
from jiandu_shared.money import NonNegativeYuan

REGION_PATTERN = r"^[0-9A-Za-z_-]{1,32}$"


def _decimal_string(places: int, pattern: str, description: str) -> tuple[object, ...]:
    return (
        PlainSerializer(lambda v: f"{v:.{places}f}", return_type=str, when_used="json"),
        WithJsonSchema({"type": "string", "pattern": pattern, "description": description}),
    )


InterestRate = Annotated[
    Decimal,
    Field(max_digits=8, decimal_places=4, gt=Decimal(0), le=Decimal(100), allow_inf_nan=False),
    *_decimal_string(
        4, r"^[0-9]{1,3}(\.[0-9]{1,4})?$", 'Annual coupon rate in percent, e.g. "3.2500"'
    ),
]
"""A bond's annual coupon rate in percent (票面利率), at most four decimals."""

Percent = Annotated[
    Decimal,
    Field(max_digits=20, decimal_places=2, ge=Decimal(0), allow_inf_nan=False),
    *_decimal_string(2, r"^[0-9]{1,18}(\.[0-9]{1,2})?$", 'A percentage, e.g. "104.17"'),
]
"""A ratio in percent with two decimals (a threshold, or an indicator's rounded value)."""

Figure = Percent
"""An indicator's value or threshold with two decimals: percent for ratios, yuan for amounts."""


class DebtKind(StrEnum):
    GENERAL = "general"  # 一般债务 (一般债券, repaid from the general budget)
    SPECIAL = "special"  # 专项债务 (专项债券, repaid from fund / project revenue)


class RiskIndicator(StrEnum):
    DEBT_RATIO = "debt_ratio"  # 债务率 = 债务余额 / 综合财力, percent
    DEBT_SERVICE_RATIO = "debt_service_ratio"  # 偿债率 = 当年应还本付息 / 综合财力, percent
    OVERDUE_AMOUNT = "overdue_amount"  # 逾期金额, yuan


class WarningLevel(StrEnum):
    """Levels of a risk warning, from none to the most severe (红色预警)."""

    NONE = "none"
    YELLOW = "yellow"  # 黄色
    ORANGE = "orange"  # 橙色
    RED = "red"  # 红色


class _DebtYearEvent(EventData):
    region: str = Field(pattern=REGION_PATTERN)
    year: int = Field(ge=2000, le=2100)

    def aggregate_key(self) -> str:
        return f"debt_year:{self.region}:{self.year}"


class DebtLimitSet(_DebtYearEvent):
    """The province's debt limits of a year (债务限额) were recorded or corrected."""

    event_type = "finance.debt_limit.set"
    classification = Classification.PUBLIC

    general_limit: NonNegativeYuan  # 一般债务限额
    special_limit: NonNegativeYuan  # 专项债务限额


class FiscalCapacityRecorded(_DebtYearEvent):
    """The comprehensive fiscal capacity of a year (综合财力) was entered or corrected."""

    event_type = "finance.fiscal_capacity.recorded"

    amount: NonNegativeYuan


class _BondEvent(EventData):
    bond_id: uuid.UUID
    region: str = Field(pattern=REGION_PATTERN)

    def aggregate_key(self) -> str:
        return f"bond:{self.bond_id}"


class BondIssued(_BondEvent):
    """A general or special government bond was issued (借)."""

    event_type = "finance.bond.issued"
    classification = Classification.PUBLIC

    code: str = Field(min_length=1, max_length=40)
    kind: DebtKind
    amount: NonNegativeYuan
    rate: InterestRate
    term_years: int = Field(ge=1, le=50)
    issue_date: date
    year: int = Field(ge=2000, le=2100)


class BondProceedsAllocated(_BondEvent):
    """Part of a bond's proceeds was allocated to a project (用)."""

    event_type = "finance.bond.proceeds_allocated"

    number: int = Field(ge=1)
    project_ref: str = Field(min_length=1, max_length=100)
    project_name: str = Field(min_length=1, max_length=200)
    amount: NonNegativeYuan
    allocated_total: NonNegativeYuan
    allocated_on: date


class BondRepaymentScheduled(_BondEvent):
    """A bond's repayment schedule (还本付息计划) was set or replaced before any payment."""

    event_type = "finance.bond.repayment_scheduled"

    instalments: int = Field(ge=1)
    principal_total: NonNegativeYuan
    interest_total: NonNegativeYuan
    first_due_on: date
    last_due_on: date


class BondInstalmentPaid(_BondEvent):
    """An instalment of principal and interest was paid (还)."""

    event_type = "finance.bond.instalment_paid"

    number: int = Field(ge=1)
    due_on: date
    principal: NonNegativeYuan
    interest: NonNegativeYuan
    paid_on: date
    late: bool


class BondInstalmentOverdue(_BondEvent):
    """An instalment was still unpaid after its due date (逾期); raised once per instalment."""

    event_type = "finance.bond.instalment_overdue"

    number: int = Field(ge=1)
    due_on: date
    principal: NonNegativeYuan
    interest: NonNegativeYuan


class DebtWarningRuleChanged(EventData):
    """The warning thresholds of a risk indicator were changed (预警规则)."""

    event_type = "finance.debt_warning_rule.changed"

    indicator: RiskIndicator
    yellow: Figure | None
    orange: Figure | None
    red: Figure | None

    def aggregate_key(self) -> str:
        return f"debt_warning_rule:{self.indicator}"


class _RiskAlertEvent(EventData):
    region: str = Field(pattern=REGION_PATTERN)
    year: int = Field(ge=2000, le=2100)
    indicator: RiskIndicator
    # Percent for the ratios, yuan for the overdue amount: exact decimals as strings.
    value: Figure | None
    unit: str = Field(pattern=r"^(percent|yuan)$")

    def aggregate_key(self) -> str:
        return f"debt_risk:{self.region}:{self.year}:{self.indicator}"


class DebtRiskAlertRaised(_RiskAlertEvent):
    """A debt risk indicator reached a (higher) warning level; once per crossing."""

    event_type = "finance.debt_risk.alert_raised"

    level: WarningLevel
    previous_level: WarningLevel
    threshold: Figure


class DebtRiskAlertLowered(_RiskAlertEvent):
    """A debt risk indicator fell to a lower warning level that still warns."""

    event_type = "finance.debt_risk.alert_lowered"

    level: WarningLevel
    previous_level: WarningLevel
    threshold: Figure


class DebtRiskAlertCleared(_RiskAlertEvent):
    """A debt risk indicator fell back below every warning level: its alert is cleared."""

    event_type = "finance.debt_risk.alert_cleared"

    previous_level: WarningLevel
    previous_threshold: Figure | None
