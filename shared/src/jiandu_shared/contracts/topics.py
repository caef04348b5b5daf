"""Events of the topics service (supervision topics, plans, inquiries, deliberation opinions)."""

from __future__ import annotations

import uuid
from datetime import date
from enum import StrEnum

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from jiandu_shared.contracts.envelope import Classification, EventData


class ProposalSource(StrEnum):
    """The five sources of supervision topics (年度监督议题征集)."""

    PARTY_COMMITTEE = "party_committee"  # 县委点题
    STATE_ORGANS = "state_organs"  # 一府一委两院报题
    COMMITTEE_LIAISON = "committee_liaison"  # 委室座谈会商题
    DEPUTY = "deputy"  # 人大代表出题
    PUBLIC = "public"  # 面向社会征题


class ProposalSubmitted(EventData):
    """A supervision-topic proposal (监督议题建议) was submitted to a collection window."""

    event_type = "topics.proposal.submitted"

    proposal_id: uuid.UUID
    tracking_code: str
    year: int
    source: ProposalSource
    focus_area: str
    title: str = Field(max_length=200)

    def aggregate_key(self) -> str:
        return f"proposal:{self.proposal_id}"


class SatisfactionLevel(StrEnum):
    """A member's vote in a satisfaction evaluation (满意度测评), and the overall verdict."""

    SATISFIED = "satisfied"  # 满意
    BASICALLY_SATISFIED = "basically_satisfied"  # 基本满意
    UNSATISFIED = "unsatisfied"  # 不满意


# --- Deliberation opinions (审议意见): 交办 + 跟踪 + 落实 + 测评 + 反馈 ---------------------------


class _OpinionEvent(EventData):
    """Common part of deliberation-opinion events; not an event type itself."""

    opinion_id: uuid.UUID

    def aggregate_key(self) -> str:
        return f"opinion:{self.opinion_id}"


class OpinionDrafted(_OpinionEvent):
    """A deliberation opinion (审议意见) was drafted after the committee's deliberation."""

    event_type = "topics.opinion.drafted"

    committee_id: uuid.UUID
    plan_item_id: uuid.UUID | None
    title: str = Field(max_length=200)
    drafted_at: AwareDatetime


class OpinionAssigned(_OpinionEvent):
    """A deliberation opinion was assigned (交办) to an organ, with its deadline."""

    event_type = "topics.opinion.assigned"

    committee_id: uuid.UUID
    organ_id: uuid.UUID
    round: int = Field(ge=1)
    title: str = Field(max_length=200)
    assigned_at: AwareDatetime
    due: date
    provisional: bool  # due computed without an official holiday calendar for some year
    unofficial_years: tuple[int, ...] = ()


class OpinionAcknowledged(_OpinionEvent):
    """The organ acknowledged the assignment and started handling it."""

    event_type = "topics.opinion.acknowledged"

    organ_id: uuid.UUID
    round: int = Field(ge=1)
    acknowledged_at: AwareDatetime


class OpinionDeadlineRecomputed(_OpinionEvent):
    """An open deadline moved because an official holiday calendar was loaded or corrected."""

    event_type = "topics.opinion.deadline_recomputed"

    organ_id: uuid.UUID
    round: int = Field(ge=1)
    previous_due: date
    due: date
    provisional: bool
    unofficial_years: tuple[int, ...] = ()
    recomputed_at: AwareDatetime


class OpinionOverdue(_OpinionEvent):
    """The organ's implementation report was not in by the deadline."""

    event_type = "topics.opinion.overdue"

    committee_id: uuid.UUID
    organ_id: uuid.UUID
    round: int = Field(ge=1)
    due: date
    provisional: bool
    marked_at: AwareDatetime


class OpinionReportSubmitted(_OpinionEvent):
    """The organ submitted its implementation report (落实情况报告)."""

    event_type = "topics.opinion.report_submitted"

    committee_id: uuid.UUID
    organ_id: uuid.UUID
    round: int = Field(ge=1)
    submitted_at: AwareDatetime
    due: date
    on_time: bool


class OpinionEvaluationOpened(_OpinionEvent):
    """Members may now rate the implementation (满意度测评)."""

    event_type = "topics.opinion.evaluation_opened"

    organ_id: uuid.UUID
    round: int = Field(ge=1)
    opened_at: AwareDatetime


class OpinionRated(_OpinionEvent):
    """The satisfaction evaluation of an implementation closed with its tally and verdict.

    Only the tally travels: who voted how stays in the topics service.
    """

    event_type = "topics.opinion.rated"

    committee_id: uuid.UUID
    organ_id: uuid.UUID
    round: int = Field(ge=1)
    satisfied: int = Field(ge=0)
    basically_satisfied: int = Field(ge=0)
    unsatisfied: int = Field(ge=0)
    verdict: SatisfactionLevel
    rated_at: AwareDatetime


class OpinionNoticeCirculated(_OpinionEvent):
    """A notice (情况通报) on an unsatisfied implementation was circulated."""

    event_type = "topics.opinion.notice_circulated"

    committee_id: uuid.UUID
    organ_id: uuid.UUID
    round: int = Field(ge=1)
    circulated_at: AwareDatetime


class OpinionSecondHandlingStarted(_OpinionEvent):
    """The organ must handle the opinion again (二次办理) by a new deadline."""

    event_type = "topics.opinion.second_handling_started"

    committee_id: uuid.UUID
    organ_id: uuid.UUID
    round: int = Field(ge=2)
    started_at: AwareDatetime
    due: date
    provisional: bool
    unofficial_years: tuple[int, ...] = ()


class OpinionFeedbackPublished(_OpinionEvent):
    """The evaluation result of an implemented opinion was fed back and published (反馈)."""

    event_type = "topics.opinion.feedback_published"
    classification = Classification.PUBLIC

    organ_id: uuid.UUID
    title: str = Field(max_length=200)
    rounds: int = Field(ge=1)
    verdict: SatisfactionLevel
    published_at: AwareDatetime


class OpinionClosed(_OpinionEvent):
    """A deliberation opinion's loop is closed; carries the figures statistics need."""

    event_type = "topics.opinion.closed"

    committee_id: uuid.UUID
    organ_id: uuid.UUID
    rounds: int = Field(ge=1)
    first_assigned_at: AwareDatetime
    implemented_at: AwareDatetime
    days_to_implementation: int = Field(ge=0)
    closed_at: AwareDatetime


# --- Special inquiries (专题询问): one question, one answer, one vote (一问一答一测评) ----------


class _InquiryEvent(EventData):
    """Common part of special-inquiry events; not an event type itself."""

    inquiry_id: uuid.UUID

    def aggregate_key(self) -> str:
        return f"inquiry:{self.inquiry_id}"


class InquiryScheduled(_InquiryEvent):
    """A special inquiry (专题询问) was scheduled with its responding departments (应询部门)."""

    event_type = "topics.inquiry.scheduled"

    committee_id: uuid.UUID
    plan_item_id: uuid.UUID | None
    title: str = Field(max_length=200)
    held_on: date
    department_ids: tuple[uuid.UUID, ...]
    scheduled_at: AwareDatetime


class InquirySessionOpened(_InquiryEvent):
    """The inquiry session began: questions may be put."""

    event_type = "topics.inquiry.session_opened"

    opened_at: AwareDatetime


class InquiryQuestionPut(_InquiryEvent):
    """A member put a question to a responding department."""

    event_type = "topics.inquiry.question_put"

    question_id: uuid.UUID
    department_id: uuid.UUID
    asked_by: uuid.UUID  # the standing committee member
    question: str = Field(max_length=1000)
    put_at: AwareDatetime


class InquiryAnswerRecorded(_InquiryEvent):
    """The department's answer was recorded; members rate it at once."""

    event_type = "topics.inquiry.answer_recorded"

    question_id: uuid.UUID
    department_id: uuid.UUID
    answered_at: AwareDatetime


class InquiryAnswerRated(_InquiryEvent):
    """The rating of one answer closed with its tally and verdict (一问一答一测评)."""

    event_type = "topics.inquiry.answer_rated"

    question_id: uuid.UUID
    department_id: uuid.UUID
    satisfied: int = Field(ge=0)
    basically_satisfied: int = Field(ge=0)
    unsatisfied: int = Field(ge=0)
    verdict: SatisfactionLevel
    rated_at: AwareDatetime


class DepartmentSatisfaction(BaseModel):
    """One responding department's pooled result over all answers it gave in an inquiry."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    department_id: uuid.UUID
    answers: int = Field(ge=0)
    satisfied: int = Field(ge=0)
    basically_satisfied: int = Field(ge=0)
    unsatisfied: int = Field(ge=0)
    verdict: SatisfactionLevel | None  # None when the department answered nothing


class InquiryConcluded(_InquiryEvent):
    """The special inquiry ended; results per responding department."""

    event_type = "topics.inquiry.concluded"

    questions: int = Field(ge=0)
    department_results: tuple[DepartmentSatisfaction, ...]
    concluded_at: AwareDatetime
