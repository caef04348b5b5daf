"""Configuration of the topics service that staff and operators tune (env prefix ``JIANDU_TOPICS_``).

Periods, thresholds and lists written in a committee's rules (制度) are configuration, not code
constants: each field here can be set in the environment, e.g.
``JIANDU_TOPICS_FOCUS_AREAS='{"ecology": "生态环境"}'`` or ``JIANDU_TOPICS_INQUIRY_MIN_VOTES=3``.
"""

from __future__ import annotations

from fractions import Fraction

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from jiandu_shared.calendar import DeadlineRules, Period, PeriodLimits
from jiandu_topics.domain.opinion import SatisfactionThresholds

# The focus areas named in the seed (Binchuan, Haining): code -> label shown to staff.
DEFAULT_FOCUS_AREAS: dict[str, str] = {
    "employment": "就业创业",
    "education_health": "教育卫生",
    "elderly_care_social_security": "养老与社会保障",
    "work_safety": "安全生产",
    "food_drugs": "食品药品安全",
    "administration_justice": "依法行政与公正司法",
    "economy": "经济发展",
    "ecology": "生态环境",
    "rural_revitalisation": "乡村振兴",
    "farmland_protection": "耕地保护",
    "industry": "产业发展",
    "preschool_childcare": "学前教育与托育",
    "anti_telecom_fraud": "反电信网络诈骗",
}


def _share(value: object) -> str:
    """A share written as ``1/2`` or ``0.5``; kept as text so it round-trips exactly."""
    try:
        share = Fraction(str(value))
    except (ValueError, ZeroDivisionError) as exc:
        raise ValueError(f"{value!r} is not a share such as 1/2 or 0.5") from exc
    if not 0 <= share < 1:
        raise ValueError(f"a share must be in [0, 1), not {value!r}")
    return str(share)


class TopicsSettings(BaseSettings):
    """Tunable rules of the topics service; read when the service is built."""

    model_config = SettingsConfigDict(env_prefix="JIANDU_TOPICS_", extra="ignore")

    # --- topic collection (年度监督议题征集) ---
    focus_areas: dict[str, str] = Field(
        default_factory=lambda: dict(DEFAULT_FOCUS_AREAS),
        description="Known focus areas of supervision topics: code -> label",
    )

    # --- special inquiries (专题询问): how a tally of votes on an answer becomes a verdict ---
    inquiry_unsatisfied_above: str = "1/2"
    inquiry_satisfied_above: str = "1/2"
    inquiry_unsatisfied_at_threshold: bool = False
    inquiry_min_votes: int = Field(default=1, ge=1)

    @field_validator("focus_areas")
    @classmethod
    def _some_focus_areas(cls, value: dict[str, str]) -> dict[str, str]:
        if not value:
            raise ValueError("at least one focus area must be configured")
        return value

    @field_validator("inquiry_unsatisfied_above", "inquiry_satisfied_above", mode="before")
    @classmethod
    def _valid_share(cls, value: object) -> str:
        return _share(value)

    @property
    def inquiry_thresholds(self) -> SatisfactionThresholds:
        return SatisfactionThresholds(
            unsatisfied_above=Fraction(self.inquiry_unsatisfied_above),
            satisfied_above=Fraction(self.inquiry_satisfied_above),
            unsatisfied_at_threshold=self.inquiry_unsatisfied_at_threshold,
            min_votes=self.inquiry_min_votes,
        )

    # --- deliberation opinions (审议意见): periods, reminders, evaluation, deadline sweep ---
    # Periods read "<n> working_days" or "<n> months" (see jiandu_shared.calendar.Period).
    opinion_implementation_period: str = "60 working_days"
    opinion_state_asset_period: str = "6 months"  # seed: 6个月内报告研究处理情况
    opinion_audit_rectification_period: str = "60 working_days"
    opinion_budget_execution_period: str = "60 working_days"
    opinion_second_handling_period: str = "30 working_days"
    opinion_due_soon_working_days: int = Field(default=5, ge=0, le=60)
    # How far staff may override a rule's period for one assignment.
    opinion_period_min_working_days: int = Field(default=5, ge=1)
    opinion_period_max_working_days: int = Field(default=250, ge=1)
    opinion_period_min_months: int = Field(default=1, ge=1)
    opinion_period_max_months: int = Field(default=12, ge=1)
    # How the members' votes on an implementation become a verdict (满意度测评办法).
    opinion_unsatisfied_above: str = "1/2"
    opinion_satisfied_above: str = "1/2"
    opinion_unsatisfied_at_threshold: bool = False
    opinion_min_votes: int = Field(default=1, ge=1)
    # How often the deadline sweep looks for due-soon and overdue opinions.
    deadline_sweep_seconds: float = Field(default=300.0, gt=0)

    @field_validator("opinion_unsatisfied_above", "opinion_satisfied_above", mode="before")
    @classmethod
    def _valid_opinion_share(cls, value: object) -> str:
        return _share(value)

    @field_validator(
        "opinion_implementation_period",
        "opinion_state_asset_period",
        "opinion_audit_rectification_period",
        "opinion_budget_execution_period",
        "opinion_second_handling_period",
    )
    @classmethod
    def _valid_period(cls, value: str) -> str:
        return str(Period.parse(value))

    @property
    def deadline_rules(self) -> DeadlineRules:
        return DeadlineRules(
            opinion_implementation=Period.parse(self.opinion_implementation_period),
            state_asset_opinion=Period.parse(self.opinion_state_asset_period),
            audit_rectification_opinion=Period.parse(self.opinion_audit_rectification_period),
            budget_execution_opinion=Period.parse(self.opinion_budget_execution_period),
            second_handling=Period.parse(self.opinion_second_handling_period),
            due_soon_working_days=self.opinion_due_soon_working_days,
        )

    @property
    def period_limits(self) -> PeriodLimits:
        return PeriodLimits(
            min_working_days=self.opinion_period_min_working_days,
            max_working_days=self.opinion_period_max_working_days,
            min_months=self.opinion_period_min_months,
            max_months=self.opinion_period_max_months,
        )

    @property
    def opinion_thresholds(self) -> SatisfactionThresholds:
        return SatisfactionThresholds(
            unsatisfied_above=Fraction(self.opinion_unsatisfied_above),
            satisfied_above=Fraction(self.opinion_satisfied_above),
            unsatisfied_at_threshold=self.opinion_unsatisfied_at_threshold,
            min_votes=self.opinion_min_votes,
        )
