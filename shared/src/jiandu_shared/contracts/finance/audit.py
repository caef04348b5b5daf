"""Events of audit findings and their rectification (审计查出问题整改).

The audit office's report on the year's budget execution (审计工作报告) lists findings
(审计查出问题), each with the unit responsible for rectifying it, an amount and a deadline. The
responsible unit reports its rectification (整改情况报告), the standing committee rates each
unit's rectification (满意度测评), and a finding with suspected violations of discipline or law
is referred to the partner agencies (纪委监委、检察院) as a RESTRICTED event.

Amounts are exact decimal yuan (``jiandu_shared.money``), sent as strings, never floats.
"""

from __future__ import annotations

import uuid
from datetime import date
from enum import StrEnum

from pydantic import AwareDatetime, Field

from jiandu_shared.agencies import Agency
from jiandu_shared.contracts.envelope import Classification, EventData
from jiandu_shared.contracts.topics import SatisfactionLevel
from jiandu_shared.money import NonNegativeYuan


class FindingCategory(StrEnum):
    """What kind of problem the audit found (问题类别)."""

    BUDGET_MANAGEMENT = "budget_management"  # 预算管理
    SPECIAL_FUNDS = "special_funds"  # 专项资金
    STATE_ASSETS = "state_assets"  # 国有资产
    GOVERNMENT_DEBT = "government_debt"  # 政府债务
    VIOLATIONS = "violations"  # 违规问题 (违反财经纪律)
    REVENUE = "revenue"  # 财政收入征管
    PROJECTS = "projects"  # 政府投资项目
    OTHER = "other"  # 其他


class RectificationStatus(StrEnum):
    """Where a finding's rectification stands (整改状态)."""

    NOT_RECTIFIED = "not_rectified"  # 未整改
    IN_PROGRESS = "in_progress"  # 正在整改
    PARTLY_RECTIFIED = "partly_rectified"  # 部分整改
    RECTIFIED = "rectified"  # 已整改 (整改到位)


class _AuditReportEvent(EventData):
    audit_report_id: uuid.UUID

    def aggregate_key(self) -> str:
        return f"audit_report:{self.audit_report_id}"


class _FindingEvent(EventData):
    finding_id: uuid.UUID
    audit_report_id: uuid.UUID

    def aggregate_key(self) -> str:
        return f"audit_finding:{self.finding_id}"


class AuditReportRegistered(_AuditReportEvent):
    """The audit office's report on the year's budget execution (审计工作报告) was registered."""

    event_type = "finance.audit_report.registered"

    year: int = Field(ge=2000, le=2100)
    auditor_office: str = Field(min_length=1, max_length=100)
    title: str = Field(min_length=1, max_length=200)
    registered_at: AwareDatetime


class AuditUnitRated(_AuditReportEvent):
    """The standing committee rated one unit's rectification (审计整改满意度测评)."""

    event_type = "finance.audit_report.unit_rated"

    year: int = Field(ge=2000, le=2100)
    unit_id: uuid.UUID
    satisfied: int = Field(ge=0)
    basically_satisfied: int = Field(ge=0)
    unsatisfied: int = Field(ge=0)
    verdict: SatisfactionLevel
    rated_at: AwareDatetime


class AuditRectificationOpinionResultRecorded(_AuditReportEvent):
    """Topics reported the evaluation of an opinion on the audit-rectification report."""

    event_type = "finance.audit_report.opinion_result_recorded"

    opinion_ref: str = Field(min_length=1, max_length=100)
    round: int = Field(ge=1)
    verdict: SatisfactionLevel
    passed: bool
    rated_at: AwareDatetime


class AuditFindingRecorded(_FindingEvent):
    """A finding of the audit report (审计查出问题) was recorded with its responsible unit."""

    event_type = "finance.audit_finding.recorded"

    year: int = Field(ge=2000, le=2100)
    number: int = Field(ge=1)
    unit_id: uuid.UUID
    category: FindingCategory
    amount: NonNegativeYuan
    deadline: date
    recorded_at: AwareDatetime


class AuditFindingRectificationReported(_FindingEvent):
    """The responsible unit reported its rectification of a finding (整改情况报告)."""

    event_type = "finance.audit_finding.rectification_reported"

    unit_id: uuid.UUID
    report_number: int = Field(ge=1)
    status: RectificationStatus
    amount: NonNegativeYuan
    rectified_amount: NonNegativeYuan  # cumulative, as of this report
    recovered_amount: NonNegativeYuan  # cumulative, as of this report
    on_time: bool
    reported_at: AwareDatetime


class AuditFindingOverdue(_FindingEvent):
    """A finding's rectification deadline passed before it was rectified (逾期未整改); sent
    once per finding by the overdue sweep."""

    event_type = "finance.audit_finding.overdue"

    year: int = Field(ge=2000, le=2100)
    unit_id: uuid.UUID
    deadline: date
    status: RectificationStatus
    marked_at: AwareDatetime


class AuditFindingReferred(_FindingEvent):
    """A finding with suspected violations was referred to partner agencies (问题线索移送).

    RESTRICTED: only the named partner agencies (discipline inspection 纪委监委, procuratorate
    检察院) are entitled to it. Identifiers and facts only, no personal data.
    """

    event_type = "finance.audit_finding.referred"
    classification = Classification.RESTRICTED

    year: int = Field(ge=2000, le=2100)
    unit_id: uuid.UUID
    category: FindingCategory
    amount: NonNegativeYuan
    agencies: tuple[Agency, ...] = Field(min_length=1)
    reason: str = Field(min_length=1, max_length=2000)
    referred_at: AwareDatetime
