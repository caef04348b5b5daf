"""Events of performance evaluation (绩效评价) and of the money trail of micro projects (微实事).

Scores and weights are exact decimals sent as strings; amounts are decimal yuan.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from enum import StrEnum

from pydantic import Field

from jiandu_shared.contracts.envelope import Classification, EventData
from jiandu_shared.money import NonNegativeYuan, Yuan


class EvaluatedSubject(StrEnum):
    """What a performance evaluation looks at."""

    LIVELIHOOD_PROJECT = "livelihood_project"  # 民生实事项目
    GOVERNMENT_INVESTMENT = "government_investment"  # 政府投资项目
    SPECIAL_FUND = "special_fund"  # 专项资金
    MICRO_PROJECT = "micro_project"  # 微实事 (followed from deputies)


class Grade(StrEnum):
    """Grade of an evaluation by its total score (绩效等级)."""

    EXCELLENT = "excellent"  # 优: 90 to 100
    GOOD = "good"  # 良: 80 to below 90
    FAIR = "fair"  # 中: 60 to below 80
    POOR = "poor"  # 差: below 60


class IndicatorSetDefined(EventData):
    """An indicator set (绩效评价指标体系) was defined: a weighted tree totalling 100."""

    event_type = "finance.performance_indicator_set.defined"

    indicator_set_id: uuid.UUID
    title: str = Field(min_length=1, max_length=200)
    subject: EvaluatedSubject
    indicators: int = Field(ge=1)
    scored_indicators: int = Field(ge=1)

    def aggregate_key(self) -> str:
        return f"indicator_set:{self.indicator_set_id}"


class PerformanceEvaluated(EventData):
    """A project's performance was evaluated against an indicator set, with total and grade."""

    event_type = "finance.performance_evaluation.completed"
    classification = Classification.PUBLIC

    evaluation_id: uuid.UUID
    indicator_set_id: uuid.UUID
    subject: EvaluatedSubject
    subject_id: str = Field(min_length=1, max_length=100)
    year: int = Field(ge=2000, le=2100)
    total: Decimal
    grade: Grade

    def aggregate_key(self) -> str:
        return f"performance_evaluation:{self.evaluation_id}"


class _TrailEvent(EventData):
    micro_project_id: uuid.UUID
    year: int = Field(ge=2000, le=2100)

    def aggregate_key(self) -> str:
        return f"micro_project_trail:{self.micro_project_id}"


class MicroProjectOverspent(_TrailEvent):
    """The spending reported on a micro project exceeded its approved budget; raised once."""

    event_type = "finance.micro_project_trail.overspent"

    budget_amount: NonNegativeYuan
    spent_to_date: NonNegativeYuan
    excess: NonNegativeYuan


class MicroProjectSettled(_TrailEvent):
    """A micro project passed acceptance: its final cost against the budget (variance)."""

    event_type = "finance.micro_project_trail.settled"
    classification = Classification.PUBLIC

    budget_amount: NonNegativeYuan | None
    final_cost: NonNegativeYuan
    spent_to_date: NonNegativeYuan
    variance: Yuan | None  # final cost minus budget; positive is an overrun
    accepted_on: date
