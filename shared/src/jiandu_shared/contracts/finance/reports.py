"""Events of the finance service."""

from __future__ import annotations

import uuid
from enum import StrEnum

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from jiandu_shared.contracts.envelope import EventData


class ReportKind(StrEnum):
    """Reports of financial oversight that the standing committee deliberates."""

    STATE_ASSETS = "state_assets"  # 国有资产管理情况报告
    AUDIT_RECTIFICATION = "audit_rectification"  # 审计查出问题整改情况报告
    BUDGET_EXECUTION = "budget_execution"  # 预算执行情况报告


class DeliberatedOpinion(BaseModel):
    """One deliberation opinion (审议意见) on a report, for the organ that must act on it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    opinion_ref: str = Field(min_length=1, max_length=100, description="finance's own reference")
    title: str = Field(min_length=1, max_length=200)
    organ_id: uuid.UUID


class ReportDeliberated(EventData):
    """The standing committee deliberated a financial report and issued opinions on it.

    The topics service tracks each opinion through the closed loop and reports every
    evaluation back as ``topics.opinion.result_reported`` naming this report and
    ``opinion_ref``.
    """

    event_type = "finance.report.deliberated"

    report_id: uuid.UUID
    report_kind: ReportKind
    committee_id: uuid.UUID  # the committee (e.g. 财经委) that tracks the opinions
    year: int = Field(ge=2000, le=2100)
    opinions: tuple[DeliberatedOpinion, ...] = Field(min_length=1)
    deliberated_at: AwareDatetime

    def aggregate_key(self) -> str:
        return f"report:{self.report_id}"
