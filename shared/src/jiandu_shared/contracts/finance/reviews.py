"""Events of budget review records (预决算审查): before, during and after a budget year.

Jixi: "事前" review of major investments, key projects and special funds before the budget
draft; "事中" review of execution reports and project progress; "事后" review of the final
accounts (决算) and the audit work report. Haining: the pre-congress budget review runs four
ways at once (专委审、专业审、重点审、专题审, "四审"联动); each way records its comments.
"""

from __future__ import annotations

import uuid
from enum import StrEnum

from pydantic import AwareDatetime, Field

from jiandu_shared.contracts.envelope import EventData


class ReviewStage(StrEnum):
    BEFORE = "before"  # 事前
    DURING = "during"  # 事中
    AFTER = "after"  # 事后


class ReviewSubject(StrEnum):
    """What is reviewed; each belongs to one stage."""

    BUDGET_DRAFT = "budget_draft"  # 预算草案 (before)
    MAJOR_INVESTMENT = "major_investment"  # 重大投资项目 (before)
    KEY_PROJECT = "key_project"  # 重要建设项目 (before)
    SPECIAL_FUND = "special_fund"  # 专项资金 (before)
    EXECUTION_REPORT = "execution_report"  # 预算执行情况报告 (during)
    PROJECT_PROGRESS = "project_progress"  # 重大项目建设进展 (during)
    BUDGET_ADJUSTMENT = "budget_adjustment"  # 预算调整 (during)
    FINAL_ACCOUNTS = "final_accounts"  # 决算 (after)
    AUDIT_WORK_REPORT = "audit_work_report"  # 审计工作报告 (after)


class ReviewWay(StrEnum):
    """The four ways of Haining's pre-congress budget review (四审)."""

    COMMITTEE = "committee"  # 专委审: the financial and economic committee
    PROFESSIONAL = "professional"  # 专业审: experts, the budget review advisers
    KEY_POINTS = "key_points"  # 重点审: key departments and projects
    THEMATIC = "thematic"  # 专题审: a theme (e.g. livelihood spending)


class ReviewConclusion(StrEnum):
    APPROVE = "approve"  # 同意
    APPROVE_WITH_SUGGESTIONS = "approve_with_suggestions"  # 原则同意，提出意见建议
    REVISE = "revise"  # 建议修改后再审
    REJECT = "reject"  # 不同意


class _BudgetReviewEvent(EventData):
    review_id: uuid.UUID

    def aggregate_key(self) -> str:
        return f"budget_review:{self.review_id}"


class BudgetReviewOpened(_BudgetReviewEvent):
    """A review of a budget matter (预决算审查) was opened."""

    event_type = "finance.budget_review.opened"

    budget_year: int = Field(ge=2000, le=2100)
    budget_id: uuid.UUID | None
    stage: ReviewStage
    subject: ReviewSubject
    title: str = Field(min_length=1, max_length=200)
    four_way: bool
    committee_id: uuid.UUID
    opened_at: AwareDatetime


class BudgetReviewCommentRecorded(_BudgetReviewEvent):
    """One reviewing body's comments and conclusion were recorded (the text stays in finance)."""

    event_type = "finance.budget_review.comment_recorded"

    number: int = Field(ge=1)
    way: ReviewWay
    reviewer: str = Field(min_length=1, max_length=100)
    conclusion: ReviewConclusion
    recorded_at: AwareDatetime


class BudgetReviewConcluded(_BudgetReviewEvent):
    """The review concluded with the committee's overall conclusion."""

    event_type = "finance.budget_review.concluded"

    budget_year: int = Field(ge=2000, le=2100)
    budget_id: uuid.UUID | None
    stage: ReviewStage
    subject: ReviewSubject
    conclusion: ReviewConclusion
    comments: int = Field(ge=0)
    concluded_at: AwareDatetime
