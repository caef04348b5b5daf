"""Events of full-scope budgets (全口径预算) and budget-execution monitoring (预算联网监督).

Jixi: the four budgets are reviewed in full (全口径); execution data flows in from the finance
bureau, rules flag problems online and departments handle them offline ("线上发现问题与线下
推动问题紧密结合"). Amounts are exact decimal yuan (``jiandu_shared.money``), sent as strings.
Findings name departments by their budget-unit code (预算单位编码), never a person.
"""

from __future__ import annotations

import uuid
from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import AwareDatetime, Field

from jiandu_shared.contracts.envelope import EventData
from jiandu_shared.money import NonNegativeYuan


class BudgetKind(StrEnum):
    """The four budgets of full-scope review (全口径预算)."""

    GENERAL_PUBLIC = "general_public"  # 一般公共预算
    GOVERNMENT_FUND = "government_fund"  # 政府性基金预算
    STATE_CAPITAL_OPERATION = "state_capital_operation"  # 国有资本经营预算
    SOCIAL_INSURANCE_FUND = "social_insurance_fund"  # 社会保险基金预算


class ExecutionRule(StrEnum):
    """What the online monitoring of budget execution looks for (预算联网监督预警规则)."""

    BEHIND_TIME_PROGRESS = "behind_time_progress"  # 支出进度明显滞后于序时进度
    NO_BUDGET_LINE = "no_budget_line"  # 无预算支出
    LARGE_REALLOCATION = "large_reallocation"  # 大额调剂
    YEAR_END_RUSH = "year_end_rush"  # 年底突击花钱
    IDLE_SPECIAL_FUND = "idle_special_fund"  # 专项资金闲置


class BudgetCreated(EventData):
    """A year's budget of one of the four kinds was recorded with its lines."""

    event_type = "finance.budget.created"

    budget_id: uuid.UUID
    year: int = Field(ge=2000, le=2100)
    kind: BudgetKind
    title: str = Field(max_length=200)
    lines: int = Field(ge=0)
    total: NonNegativeYuan
    created_at: AwareDatetime

    def aggregate_key(self) -> str:
        return f"budget:{self.budget_id}"


class BudgetLinesAdded(EventData):
    """Lines were added to a budget (by hand or by a bulk import)."""

    event_type = "finance.budget.lines_added"

    budget_id: uuid.UUID
    year: int = Field(ge=2000, le=2100)
    kind: BudgetKind
    added: int = Field(ge=1)
    added_total: NonNegativeYuan
    lines: int = Field(ge=0)
    total: NonNegativeYuan
    added_at: AwareDatetime

    def aggregate_key(self) -> str:
        return f"budget:{self.budget_id}"


class ExecutionImported(EventData):
    """A file of budget-execution data (payments, reallocations) was imported and checked."""

    event_type = "finance.execution.imported"

    import_id: uuid.UUID
    years: tuple[int, ...]
    as_of: date
    rows_read: int = Field(ge=0)
    rows_imported: int = Field(ge=0)
    rows_duplicate: int = Field(ge=0)
    rows_rejected: int = Field(ge=0)
    findings_flagged: int = Field(ge=0)
    imported_at: AwareDatetime

    def aggregate_key(self) -> str:
        return f"execution_import:{self.import_id}"


class _FindingEvent(EventData):
    finding_id: uuid.UUID
    rule: ExecutionRule
    year: int = Field(ge=2000, le=2100)
    department_code: str = Field(max_length=32)

    def aggregate_key(self) -> str:
        return f"execution_finding:{self.finding_id}"


class ExecutionFindingFlagged(_FindingEvent):
    """A monitoring rule flagged a problem in budget execution (线上发现): a tracked finding."""

    event_type = "finance.execution_finding.flagged"

    subject: str = Field(max_length=100)
    period: str = Field(max_length=20)
    line_code: str | None = Field(default=None, max_length=64)
    rule_version: int = Field(ge=0)
    summary: str = Field(max_length=500)
    amount: NonNegativeYuan = Field(description="The amount the finding is about")
    figures: dict[str, Any] = Field(description="The figures that tripped the rule")
    flagged_at: AwareDatetime


class ExecutionFindingExplained(_FindingEvent):
    """The department explained how it handled the finding offline (线下处理)."""

    event_type = "finance.execution_finding.explained"

    explained_by: str = Field(max_length=128)
    explained_at: AwareDatetime


class ExecutionFindingReturned(_FindingEvent):
    """Staff did not accept the explanation: the finding is open again."""

    event_type = "finance.execution_finding.returned"

    reason: str = Field(max_length=1000)
    returned_at: AwareDatetime


class ExecutionFindingClosed(_FindingEvent):
    """Staff closed the finding (handled, or dismissed as no problem)."""

    event_type = "finance.execution_finding.closed"

    dismissed: bool
    closed_at: AwareDatetime


class ExecutionRulesChanged(EventData):
    """A new version of the monitoring rules' thresholds took effect."""

    event_type = "finance.execution_rules.changed"

    version: int = Field(ge=1)
    thresholds: dict[str, Any]
    changed_by: str = Field(max_length=128)
    changed_at: AwareDatetime

    def aggregate_key(self) -> str:
        return "execution_rules"
