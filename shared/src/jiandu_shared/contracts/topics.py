"""Events of the topics service (supervision topics, plans, inquiries, deliberation opinions)."""

from __future__ import annotations

import uuid
from datetime import date
from enum import StrEnum
from typing import Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

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


# --- Topic collection (年度监督议题征集) and the annual supervision plan (年度监督计划) -----------


class _CollectionWindowEvent(EventData):
    """Common part of collection-window events; not an event type itself."""

    window_id: uuid.UUID
    year: int
    opens_on: date
    closes_on: date

    def aggregate_key(self) -> str:
        return f"collection_window:{self.window_id}"


class CollectionWindowOpened(_CollectionWindowEvent):
    """A yearly collection window (征集窗口) for supervision topics opened."""

    event_type = "topics.collection_window.opened"
    classification = Classification.PUBLIC

    opened_at: AwareDatetime


class CollectionWindowClosed(_CollectionWindowEvent):
    """A yearly collection window for supervision topics closed."""

    event_type = "topics.collection_window.closed"
    classification = Classification.PUBLIC

    closed_at: AwareDatetime


class _ProposalScreeningEvent(EventData):
    """Common part of the screening events of a proposal; not an event type itself.

    ``submitter_ref`` identifies who submitted (a deputy's id, a staff account, an organ's
    reference), never a name or contact; None for the public, who are told by tracking code.
    """

    proposal_id: uuid.UUID
    tracking_code: str
    year: int
    source: ProposalSource
    submitter_ref: str | None = Field(default=None, max_length=128)

    def aggregate_key(self) -> str:
        return f"proposal:{self.proposal_id}"


class ProposalShortlisted(_ProposalScreeningEvent):
    """A proposal was shortlisted in the screening of the year's topics."""

    event_type = "topics.proposal.shortlisted"

    shortlisted_at: AwareDatetime


class ProposalMerged(_ProposalScreeningEvent):
    """A duplicate proposal was merged into another that keeps its source and submitter."""

    event_type = "topics.proposal.merged"

    merged_into: uuid.UUID
    merged_at: AwareDatetime


class ProposalAdopted(_ProposalScreeningEvent):
    """A proposal was adopted as a supervision topic of the year (立项)."""

    event_type = "topics.proposal.adopted"

    focus_area: str
    title: str = Field(max_length=200)
    # Every source the topic came from, merged duplicates included.
    sources: tuple[ProposalSource, ...]
    adopted_at: AwareDatetime


class ProposalDeclined(_ProposalScreeningEvent):
    """A proposal was declined, with the reason its submitter is told."""

    event_type = "topics.proposal.declined"

    title: str = Field(max_length=200)
    reason: str = Field(max_length=1000)
    declined_at: AwareDatetime


class ProposalIncludedInPlan(_ProposalScreeningEvent):
    """A proposal's topic is in the published annual supervision plan; tells its source.

    Raised once for the adopted proposal and once for each duplicate merged into it
    (``merged_into`` then names the adopted one), so every source learns the outcome.
    """

    event_type = "topics.proposal.included_in_plan"

    title: str = Field(max_length=200)
    plan_id: uuid.UUID
    plan_item_id: uuid.UUID
    merged_into: uuid.UUID | None = None
    included_at: AwareDatetime


class SupervisionMethod(StrEnum):
    """How a plan item is supervised (监督方式); an item may use several."""

    WORK_REPORT_DELIBERATION = "work_report_deliberation"  # 听取审议专项工作报告
    LAW_ENFORCEMENT_INSPECTION = "law_enforcement_inspection"  # 执法检查
    SPECIAL_INQUIRY = "special_inquiry"  # 专题询问
    INSPECTION_VISIT = "inspection_visit"  # 视察调研
    SPECIAL_DELIBERATION = "special_deliberation"  # 专题审议
    WORK_SUPERVISION_THREE_QUESTIONS = "work_supervision_three_questions"  # 三问一评
    PERFORMANCE_REVIEW = "performance_review"  # 履职评议


class PlannedItem(BaseModel):
    """One item of a published annual supervision plan."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    plan_item_id: uuid.UUID
    number: int = Field(ge=1)
    title: str = Field(max_length=200)
    focus_area: str
    proposal_id: uuid.UUID | None  # None for an item that did not come from the collection
    committee_id: uuid.UUID  # the responsible committee (专(工)委室)
    target_organ_ids: tuple[uuid.UUID, ...]
    methods: tuple[SupervisionMethod, ...]
    planned_quarter: int = Field(ge=1, le=4)
    planned_month: int | None = Field(default=None, ge=1, le=12)


class PlanPublished(EventData):
    """The annual supervision plan (年度监督计划) of a year was published."""

    event_type = "topics.plan.published"
    classification = Classification.PUBLIC

    plan_id: uuid.UUID
    year: int
    item_count: int = Field(ge=1)
    items: tuple[PlannedItem, ...]
    published_at: AwareDatetime

    def aggregate_key(self) -> str:
        return f"plan:{self.plan_id}"


# --- Deliberation opinions: reminders, results for the originating service, calendar ---------


class OpinionOrigin(BaseModel):
    """Where an opinion came from when another service deliberated the report (e.g. finance)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    service: str = Field(min_length=1, max_length=40)
    report_id: uuid.UUID
    report_kind: str = Field(min_length=1, max_length=40)
    opinion_ref: str = Field(min_length=1, max_length=100)


class OpinionDueSoon(_OpinionEvent):
    """The implementation report on an opinion is due soon (临期提醒); sent once per deadline."""

    event_type = "topics.opinion.due_soon"

    committee_id: uuid.UUID
    organ_id: uuid.UUID
    round: int = Field(ge=1)
    due: date
    provisional: bool
    working_days_left: int = Field(ge=0)
    reminded_at: AwareDatetime


class OpinionResultReported(_OpinionEvent):
    """The evaluation result of an opinion deliberated in another service, for that service.

    Raised beside ``topics.opinion.rated`` for every evaluation round of an opinion with an
    origin, so the originating service (e.g. finance) learns each verdict without knowing ours.
    """

    event_type = "topics.opinion.result_reported"

    origin: OpinionOrigin
    committee_id: uuid.UUID
    organ_id: uuid.UUID
    round: int = Field(ge=1)
    satisfied: int = Field(ge=0)
    basically_satisfied: int = Field(ge=0)
    unsatisfied: int = Field(ge=0)
    verdict: SatisfactionLevel
    passed: bool  # satisfied or basically satisfied; unsatisfied means second handling
    rated_at: AwareDatetime


class CalendarYearLoaded(EventData):
    """An operator loaded or corrected a year's official holiday arrangement (节假日安排)."""

    event_type = "topics.calendar.year_loaded"

    year: int
    holidays: int = Field(ge=0)
    makeup_workdays: int = Field(ge=0)
    # The days themselves, so every other service keeps its own copy of the year as data
    # (ARCHITECTURE §10a; jiandu_shared.calendar_follower). Empty in events from before.
    holiday_dates: tuple[date, ...] = ()
    makeup_workday_dates: tuple[date, ...] = ()
    source: str = Field(max_length=200)
    replaced: bool  # a correction of a year loaded before
    deadlines_recomputed: int = Field(ge=0)
    loaded_at: AwareDatetime

    @model_validator(mode="after")
    def _days_agree_with_counts(self) -> Self:
        if (self.holiday_dates or self.makeup_workday_dates) and not self.carries_days:
            raise ValueError("the days carried must be as many as the counts, without repeats")
        return self

    @property
    def carries_days(self) -> bool:
        """Whether the event has the days themselves (always, since they were added)."""
        return (
            len(set(self.holiday_dates)) == len(self.holiday_dates) == self.holidays
            and len(set(self.makeup_workday_dates))
            == len(self.makeup_workday_dates)
            == self.makeup_workdays
        )

    def aggregate_key(self) -> str:
        return f"calendar:{self.year}"


class SupervisionReportFiled(EventData):
    """A committee filed a supervision report (督办报告) on an opinion or a plan item."""

    event_type = "topics.supervision_report.filed"

    report_id: uuid.UUID
    committee_id: uuid.UUID
    opinion_id: uuid.UUID | None
    plan_item_id: uuid.UUID | None
    organ_id: uuid.UUID | None
    year: int
    title: str = Field(max_length=200)
    filed_at: AwareDatetime

    def aggregate_key(self) -> str:
        return f"supervision_report:{self.report_id}"


class ReviewOutcome(StrEnum):
    """What a follow-up review (回头看) found."""

    RESOLVED = "resolved"  # the problem stayed solved
    RELAPSED = "relapsed"  # it came back: a new opinion is assigned to the organ


class _ReviewEvent(EventData):
    """Common part of follow-up review events; not an event type itself."""

    review_id: uuid.UUID

    def aggregate_key(self) -> str:
        return f"review:{self.review_id}"


class ReviewOpened(_ReviewEvent):
    """A follow-up review (回头看) of a previous year's implemented opinion was opened."""

    event_type = "topics.review.opened"

    opinion_id: uuid.UUID
    opinion_year: int
    year: int
    committee_id: uuid.UUID
    organ_id: uuid.UUID
    opened_at: AwareDatetime


class ReviewConcluded(_ReviewEvent):
    """A follow-up review concluded; a relapse names the new opinion assigned to the organ."""

    event_type = "topics.review.concluded"

    opinion_id: uuid.UUID
    committee_id: uuid.UUID
    organ_id: uuid.UUID
    outcome: ReviewOutcome
    findings: int = Field(ge=1)
    new_opinion_id: uuid.UUID | None
    concluded_at: AwareDatetime
