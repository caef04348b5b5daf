"""Deliberation opinions (审议意见) and their closed loop: 交办 + 跟踪 + 落实 + 测评 + 反馈.

After deliberating a report the standing committee issues opinions, assigns each to the
responsible organ with a deadline, tracks it, the organ reports how it implemented it, the
members rate that implementation and the result is fed back. An unsatisfied result leads to
a circulated notice (情况通报) and second handling (二次办理) with a new deadline, again and
again until the members are satisfied (Binchuan article of the seed).

Pure domain: no framework imports. Aggregates collect the events they raise in ``events``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from fractions import Fraction

from jiandu_shared.calendar import (
    Deadline,
    DeadlineRules,
    Period,
    WorkingCalendar,
    aware_utc,
    local_date,
)
from jiandu_shared.contracts import EventData
from jiandu_shared.contracts.topics import (
    OpinionAcknowledged,
    OpinionAssigned,
    OpinionClosed,
    OpinionDeadlineRecomputed,
    OpinionDrafted,
    OpinionDueSoon,
    OpinionEvaluationOpened,
    OpinionFeedbackPublished,
    OpinionNoticeCirculated,
    OpinionOrigin,
    OpinionOverdue,
    OpinionRated,
    OpinionReportSubmitted,
    OpinionResultReported,
    OpinionSecondHandlingStarted,
    SatisfactionLevel,
)
from jiandu_shared.errors import Conflict, RuleViolation
from jiandu_shared.state_machine import TransitionTable

_HALF = Fraction(1, 2)


# --- Satisfaction evaluation (满意度测评), shared with special inquiries -----------------------


@dataclass(frozen=True)
class SatisfactionThresholds:
    """How a tally of votes becomes a verdict (测评结果): configuration, not constants.

    Every committee writes its own rule in its 满意度测评办法. With shares taken of the votes
    cast, the verdict is:

    1. unsatisfied (不满意) when the share of 'unsatisfied' votes is above
       ``unsatisfied_above`` (or exactly at it, when ``unsatisfied_at_threshold``);
    2. otherwise satisfied (满意) when the share of 'satisfied' votes is above
       ``satisfied_above``;
    3. otherwise basically satisfied (基本满意).

    Satisfied and basically satisfied both pass; only unsatisfied leads to a notice and
    second handling. Fewer than ``min_votes`` votes give no verdict at all.

    The defaults read "不满意票超过半数的为不满意，满意票超过半数的为满意". A rule written
    "满意和基本满意票之和未超过半数的为不满意" (a tie fails) is ``unsatisfied_above=1/2`` with
    ``unsatisfied_at_threshold=True``.
    """

    unsatisfied_above: Fraction = _HALF
    satisfied_above: Fraction = _HALF
    unsatisfied_at_threshold: bool = False
    min_votes: int = 1

    def __post_init__(self) -> None:
        for name in ("unsatisfied_above", "satisfied_above"):
            share = getattr(self, name)
            if not 0 <= share < 1:
                raise ValueError(f"{name} must be a share in [0, 1), not {share}")
        if self.min_votes < 1:
            raise ValueError("a verdict needs at least one vote")

    def verdict(
        self, satisfied: int, basically_satisfied: int, unsatisfied: int
    ) -> SatisfactionLevel:
        total = satisfied + basically_satisfied + unsatisfied
        if total < self.min_votes:
            raise RuleViolation(
                f"a satisfaction verdict needs at least {self.min_votes} vote(s); {total} cast"
            )
        unsatisfied_share = Fraction(unsatisfied, total)
        if unsatisfied_share > self.unsatisfied_above or (
            self.unsatisfied_at_threshold and unsatisfied_share == self.unsatisfied_above
        ):
            return SatisfactionLevel.UNSATISFIED
        if Fraction(satisfied, total) > self.satisfied_above:
            return SatisfactionLevel.SATISFIED
        return SatisfactionLevel.BASICALLY_SATISFIED


@dataclass(frozen=True)
class EvaluationResult:
    """The tally of one satisfaction evaluation and the verdict the thresholds gave it."""

    satisfied: int
    basically_satisfied: int
    unsatisfied: int
    verdict: SatisfactionLevel

    @classmethod
    def tally(
        cls, ratings: Iterable[SatisfactionLevel], thresholds: SatisfactionThresholds
    ) -> EvaluationResult:
        counts = dict.fromkeys(SatisfactionLevel, 0)
        for rating in ratings:
            counts[rating] += 1
        return cls.from_counts(
            counts[SatisfactionLevel.SATISFIED],
            counts[SatisfactionLevel.BASICALLY_SATISFIED],
            counts[SatisfactionLevel.UNSATISFIED],
            thresholds,
        )

    @classmethod
    def from_counts(
        cls,
        satisfied: int,
        basically_satisfied: int,
        unsatisfied: int,
        thresholds: SatisfactionThresholds,
    ) -> EvaluationResult:
        verdict = thresholds.verdict(satisfied, basically_satisfied, unsatisfied)
        return cls(satisfied, basically_satisfied, unsatisfied, verdict)

    @property
    def total(self) -> int:
        return self.satisfied + self.basically_satisfied + self.unsatisfied

    @property
    def passed(self) -> bool:
        return self.verdict is not SatisfactionLevel.UNSATISFIED

    def share(self, level: SatisfactionLevel) -> Fraction:
        count = {
            SatisfactionLevel.SATISFIED: self.satisfied,
            SatisfactionLevel.BASICALLY_SATISFIED: self.basically_satisfied,
            SatisfactionLevel.UNSATISFIED: self.unsatisfied,
        }[level]
        return Fraction(count, self.total) if self.total else Fraction(0)


@dataclass
class Vote:
    """One member's rating in one evaluation; kept here only, the bus sees the tally."""

    member_id: uuid.UUID
    rating: SatisfactionLevel
    round: int
    cast_at: datetime


# --- Kinds of opinion and their periods -----------------------------------------------------


class OpinionKind(StrEnum):
    """What report an opinion was issued on; decides the period the rules give the organ."""

    GENERAL = "general"  # a special work report (专项工作报告) and the like
    STATE_ASSETS = "state_assets"  # 国有资产管理情况报告: 6 months in the seed
    AUDIT_RECTIFICATION = "audit_rectification"  # 审计查出问题整改情况报告
    BUDGET_EXECUTION = "budget_execution"  # 预算执行情况报告


def assignment_period(rules: DeadlineRules, kind: OpinionKind) -> Period:
    """The period the deadline rules give an organ to report on an opinion of ``kind``."""
    return {
        OpinionKind.GENERAL: rules.opinion_implementation,
        OpinionKind.STATE_ASSETS: rules.state_asset_opinion,
        OpinionKind.AUDIT_RECTIFICATION: rules.audit_rectification_opinion,
        OpinionKind.BUDGET_EXECUTION: rules.budget_execution_opinion,
    }[kind]


# --- The state machine ----------------------------------------------------------------------


class OpinionState(StrEnum):
    DRAFTED = "drafted"
    ASSIGNED = "assigned"  # 交办: waiting for the organ (again, in second handling)
    IN_PROGRESS = "in_progress"  # the organ acknowledged and is implementing (落实)
    OVERDUE = "overdue"  # the deadline passed without a report
    REPORTED = "reported"  # implementation report (落实情况报告) in
    UNDER_EVALUATION = "under_evaluation"  # members are rating (测评)
    SATISFACTORY = "satisfactory"  # verdict satisfied or basically satisfied
    UNSATISFACTORY = "unsatisfactory"  # verdict unsatisfied
    NOTICE_CIRCULATED = "notice_circulated"  # 情况通报 out; second handling next
    FEEDBACK_PUBLISHED = "feedback_published"  # 反馈
    CLOSED = "closed"


class OpinionAction(StrEnum):
    ASSIGN = "assign"
    ACKNOWLEDGE = "acknowledge"
    RECOMPUTE_DEADLINE = "recompute_deadline"
    MARK_OVERDUE = "mark_overdue"
    SUBMIT_REPORT = "submit_report"
    OPEN_EVALUATION = "open_evaluation"
    RATE = "rate"
    CLOSE_EVALUATION = "close_evaluation"
    CIRCULATE_NOTICE = "circulate_notice"
    REOPEN_FOR_SECOND_HANDLING = "reopen_for_second_handling"
    PUBLISH_FEEDBACK = "publish_feedback"
    CLOSE = "close"


_S, _A = OpinionState, OpinionAction

# The one transition table: state -> action -> the states that action may lead to.
TRANSITIONS: TransitionTable[OpinionState, OpinionAction] = TransitionTable(
    "deliberation opinion",
    {
        _S.DRAFTED: {_A.ASSIGN: frozenset({_S.ASSIGNED})},
        _S.ASSIGNED: {
            _A.ACKNOWLEDGE: frozenset({_S.IN_PROGRESS}),
            # An organ may report without acknowledging first.
            _A.SUBMIT_REPORT: frozenset({_S.REPORTED}),
            _A.MARK_OVERDUE: frozenset({_S.OVERDUE}),
            _A.RECOMPUTE_DEADLINE: frozenset({_S.ASSIGNED}),
        },
        _S.IN_PROGRESS: {
            _A.SUBMIT_REPORT: frozenset({_S.REPORTED}),
            _A.MARK_OVERDUE: frozenset({_S.OVERDUE}),
            _A.RECOMPUTE_DEADLINE: frozenset({_S.IN_PROGRESS}),
        },
        # A passed deadline is a recorded fact: a later calendar correction does not undo it.
        _S.OVERDUE: {_A.SUBMIT_REPORT: frozenset({_S.REPORTED})},
        _S.REPORTED: {_A.OPEN_EVALUATION: frozenset({_S.UNDER_EVALUATION})},
        _S.UNDER_EVALUATION: {
            _A.RATE: frozenset({_S.UNDER_EVALUATION}),
            _A.CLOSE_EVALUATION: frozenset({_S.SATISFACTORY, _S.UNSATISFACTORY}),
        },
        _S.SATISFACTORY: {_A.PUBLISH_FEEDBACK: frozenset({_S.FEEDBACK_PUBLISHED})},
        # Binchuan: an unsatisfied result is always notified before second handling.
        _S.UNSATISFACTORY: {_A.CIRCULATE_NOTICE: frozenset({_S.NOTICE_CIRCULATED})},
        _S.NOTICE_CIRCULATED: {_A.REOPEN_FOR_SECOND_HANDLING: frozenset({_S.ASSIGNED})},
        _S.FEEDBACK_PUBLISHED: {_A.CLOSE: frozenset({_S.CLOSED})},
        _S.CLOSED: {},
    },
)


def allowed_actions(state: OpinionState) -> frozenset[OpinionAction]:
    return TRANSITIONS.allowed(state)


# States in which the organ owes an implementation report by the current deadline.
AWAITING_REPORT: frozenset[OpinionState] = frozenset(
    {OpinionState.ASSIGNED, OpinionState.IN_PROGRESS}
)


@dataclass
class HandlingRound:
    """One pass of the organ through the loop: 1 is the first handling, 2+ second handling."""

    number: int
    assigned_at: datetime
    starts_on: date  # the day in China the period counts from (not itself counted)
    period: Period
    deadline: Deadline
    acknowledged_at: datetime | None = None
    overdue_at: datetime | None = None
    report_submitted_at: datetime | None = None
    report_summary: str | None = None
    evaluation_opened_at: datetime | None = None
    evaluation_closed_at: datetime | None = None
    result: EvaluationResult | None = None
    notice_circulated_at: datetime | None = None

    @property
    def is_second_handling(self) -> bool:
        return self.number > 1

    @property
    def reported_on_time(self) -> bool | None:
        if self.report_submitted_at is None:
            return None
        return local_date(self.report_submitted_at) <= self.deadline.due


class DeliberationOpinion:
    """A deliberation opinion (审议意见) of the standing committee, tracked until implemented.

    ``committee_id`` is the committee office (专(工)委室) that tracks it; ``organ_id`` the organ
    of "one government, one commission, two courts" (一府一委两院) that must implement it.
    ``year`` is the year of the deliberation (follow-up reviews look back at earlier years);
    ``origin`` names the report in another service the opinion was issued on, if any;
    ``follows_opinion_id`` the earlier opinion whose problem a follow-up review found back.
    """

    WHAT = "deliberation opinion"

    def __init__(
        self,
        *,
        id: uuid.UUID,
        committee_id: uuid.UUID,
        title: str,
        plan_item_id: uuid.UUID | None,
        drafted_at: datetime,
        state: OpinionState = OpinionState.DRAFTED,
        organ_id: uuid.UUID | None = None,
        rounds: list[HandlingRound] | None = None,
        votes: list[Vote] | None = None,
        feedback_published_at: datetime | None = None,
        closed_at: datetime | None = None,
        year: int | None = None,
        kind: OpinionKind = OpinionKind.GENERAL,
        origin: OpinionOrigin | None = None,
        follows_opinion_id: uuid.UUID | None = None,
    ) -> None:
        self.id = id
        self.committee_id = committee_id
        self.title = title
        self.plan_item_id = plan_item_id
        self.drafted_at = drafted_at
        self.year = year if year is not None else local_date(drafted_at).year
        self.kind = kind
        # Flat, so that storage needs no composite that could be half empty.
        self.origin_service = origin.service if origin else None
        self.origin_report_id = origin.report_id if origin else None
        self.origin_report_kind = origin.report_kind if origin else None
        self.origin_ref = origin.opinion_ref if origin else None
        self.follows_opinion_id = follows_opinion_id
        self.state = state
        self.organ_id = organ_id
        self.rounds: list[HandlingRound] = rounds if rounds is not None else []
        self.votes: list[Vote] = votes if votes is not None else []
        self.feedback_published_at = feedback_published_at
        self.closed_at = closed_at
        self.events: list[EventData] = []

    # --- creation -----------------------------------------------------------------------

    @classmethod
    def draft(
        cls,
        *,
        committee_id: uuid.UUID,
        title: str,
        plan_item_id: uuid.UUID | None = None,
        now: datetime,
        year: int | None = None,
        kind: OpinionKind = OpinionKind.GENERAL,
        origin: OpinionOrigin | None = None,
        follows_opinion_id: uuid.UUID | None = None,
    ) -> DeliberationOpinion:
        title = title.strip()
        if not title or len(title) > 200:
            raise RuleViolation("a deliberation opinion needs a title of 1 to 200 characters")
        now = aware_utc(now)
        if year is not None and year > local_date(now).year:
            raise RuleViolation(f"an opinion cannot be of a future year ({year})")
        opinion = cls(
            id=uuid.uuid4(),
            committee_id=committee_id,
            title=title,
            plan_item_id=plan_item_id,
            drafted_at=now,
            year=year,
            kind=OpinionKind(kind),
            origin=origin,
            follows_opinion_id=follows_opinion_id,
        )
        opinion.events.append(
            OpinionDrafted(
                opinion_id=opinion.id,
                committee_id=committee_id,
                plan_item_id=plan_item_id,
                title=title,
                drafted_at=opinion.drafted_at,
            )
        )
        return opinion

    # --- the state machine --------------------------------------------------------------

    def allowed_actions(self) -> frozenset[OpinionAction]:
        return allowed_actions(self.state)

    def _require(self, action: OpinionAction) -> None:
        TRANSITIONS.require(self.state, action)

    def _move(self, action: OpinionAction, target: OpinionState) -> None:
        self.state = TRANSITIONS.move(self.state, action, target)

    # --- queries ------------------------------------------------------------------------

    @property
    def current_round(self) -> HandlingRound | None:
        return self.rounds[-1] if self.rounds else None

    def _round(self) -> HandlingRound:
        if not self.rounds:
            raise RuntimeError(f"{self.WHAT} {self.id} has not been assigned")
        return self.rounds[-1]

    def _organ(self) -> uuid.UUID:
        if self.organ_id is None:
            raise RuntimeError(f"{self.WHAT} {self.id} has no organ")
        return self.organ_id

    @property
    def deadline(self) -> Deadline | None:
        current = self.current_round
        return current.deadline if current else None

    @property
    def origin(self) -> OpinionOrigin | None:
        if (
            self.origin_service is None
            or self.origin_report_id is None
            or self.origin_report_kind is None
            or self.origin_ref is None
        ):
            return None
        return OpinionOrigin(
            service=self.origin_service,
            report_id=self.origin_report_id,
            report_kind=self.origin_report_kind,
            opinion_ref=self.origin_ref,
        )

    @property
    def awaiting_report(self) -> bool:
        return self.state in AWAITING_REPORT

    def past_due(self, today: date) -> bool:
        """Whether the organ's report is late on ``today`` (the due day itself is in time)."""
        if self.state is OpinionState.OVERDUE:
            return True
        deadline = self.deadline
        return self.awaiting_report and deadline is not None and today > deadline.due

    def due_soon_reminder_on(self, rules: DeadlineRules, calendar: WorkingCalendar) -> date | None:
        """The working day from which to remind the organ; None when no report is owed."""
        deadline = self.deadline
        if not self.awaiting_report or deadline is None:
            return None
        return rules.due_soon_on(calendar, deadline).due

    @property
    def handling_rounds(self) -> int:
        return len(self.rounds)

    @property
    def needed_second_handling(self) -> bool:
        return len(self.rounds) > 1

    @property
    def first_assigned_at(self) -> datetime | None:
        return self.rounds[0].assigned_at if self.rounds else None

    @property
    def implemented_at(self) -> datetime | None:
        """When the members found the implementation satisfactory (the loop's real end)."""
        for handling in self.rounds:
            if handling.result is not None and handling.result.passed:
                return handling.evaluation_closed_at
        return None

    @property
    def days_to_implementation(self) -> int | None:
        """Calendar days (in China) from the first assignment to a passing evaluation."""
        start, end = self.first_assigned_at, self.implemented_at
        if start is None or end is None:
            return None
        return (local_date(end) - local_date(start)).days

    def working_days_to_implementation(self, calendar: WorkingCalendar) -> int | None:
        start, end = self.first_assigned_at, self.implemented_at
        if start is None or end is None:
            return None
        return calendar.working_days_between(local_date(start), local_date(end))

    def votes_in_round(self, number: int) -> list[Vote]:
        return [v for v in self.votes if v.round == number]

    # --- transitions --------------------------------------------------------------------

    def assign(
        self,
        *,
        organ_id: uuid.UUID,
        period: Period,
        calendar: WorkingCalendar,
        now: datetime,
    ) -> Deadline:
        """交办: give the opinion to the organ, due ``period`` after today (in China)."""
        self._require(OpinionAction.ASSIGN)
        now = aware_utc(now)
        handling = self._new_round(period, calendar, now)
        self.organ_id = organ_id
        self._move(OpinionAction.ASSIGN, OpinionState.ASSIGNED)
        self.events.append(
            OpinionAssigned(
                opinion_id=self.id,
                committee_id=self.committee_id,
                organ_id=organ_id,
                round=handling.number,
                title=self.title,
                assigned_at=now,
                due=handling.deadline.due,
                provisional=handling.deadline.provisional,
                unofficial_years=handling.deadline.unofficial_years,
            )
        )
        return handling.deadline

    def _new_round(self, period: Period, calendar: WorkingCalendar, now: datetime) -> HandlingRound:
        starts_on = local_date(now)
        handling = HandlingRound(
            number=len(self.rounds) + 1,
            assigned_at=now,
            starts_on=starts_on,
            period=period,
            deadline=calendar.deadline(starts_on, period),
        )
        self.rounds.append(handling)
        return handling

    def acknowledge(self, *, now: datetime) -> None:
        """The organ confirms receipt and starts implementing."""
        self._require(OpinionAction.ACKNOWLEDGE)
        handling = self._round()
        handling.acknowledged_at = aware_utc(now)
        self._move(OpinionAction.ACKNOWLEDGE, OpinionState.IN_PROGRESS)
        self.events.append(
            OpinionAcknowledged(
                opinion_id=self.id,
                organ_id=self._organ(),
                round=handling.number,
                acknowledged_at=handling.acknowledged_at,
            )
        )

    def recompute_deadline(self, *, calendar: WorkingCalendar, now: datetime) -> bool:
        """Recount the open deadline after a calendar was loaded or corrected; True if it moved."""
        self._require(OpinionAction.RECOMPUTE_DEADLINE)
        handling = self._round()
        recomputed = calendar.deadline(handling.starts_on, handling.period)
        if recomputed == handling.deadline:
            return False
        previous, handling.deadline = handling.deadline, recomputed
        self._move(OpinionAction.RECOMPUTE_DEADLINE, self.state)
        self.events.append(
            OpinionDeadlineRecomputed(
                opinion_id=self.id,
                organ_id=self._organ(),
                round=handling.number,
                previous_due=previous.due,
                due=recomputed.due,
                provisional=recomputed.provisional,
                unofficial_years=recomputed.unofficial_years,
                recomputed_at=aware_utc(now),
            )
        )
        return True

    def remind_due_soon(
        self, *, rules: DeadlineRules, calendar: WorkingCalendar, now: datetime
    ) -> None:
        """临期提醒: tell the organ its report is due soon. Not a transition: nothing changes.

        Raising it once per deadline is the caller's job (a sweep claims it in storage).
        """
        now = aware_utc(now)
        remind_on = self.due_soon_reminder_on(rules, calendar)
        handling = self.current_round
        today = local_date(now)
        if remind_on is None or handling is None:
            raise RuleViolation(f"{self.WHAT} {self.id} owes no report in state '{self.state}'")
        if not remind_on <= today <= handling.deadline.due:
            raise RuleViolation(
                f"{self.WHAT} {self.id} is due on {handling.deadline.due}; reminders are sent "
                f"from {remind_on} up to that day, not on {today}"
            )
        self.events.append(
            OpinionDueSoon(
                opinion_id=self.id,
                committee_id=self.committee_id,
                organ_id=self._organ(),
                round=handling.number,
                due=handling.deadline.due,
                provisional=handling.deadline.provisional,
                working_days_left=calendar.working_days_between(today, handling.deadline.due),
                reminded_at=now,
            )
        )

    def mark_overdue(self, *, now: datetime) -> None:
        """Record that the deadline passed without an implementation report."""
        self._require(OpinionAction.MARK_OVERDUE)
        now = aware_utc(now)
        handling = self._round()
        # The due day itself is still in time: a report that day is not late.
        if local_date(now) <= handling.deadline.due:
            raise RuleViolation(
                f"{self.WHAT} {self.id} is due on {handling.deadline.due}; not overdue yet"
            )
        handling.overdue_at = now
        self._move(OpinionAction.MARK_OVERDUE, OpinionState.OVERDUE)
        self.events.append(
            OpinionOverdue(
                opinion_id=self.id,
                committee_id=self.committee_id,
                organ_id=self._organ(),
                round=handling.number,
                due=handling.deadline.due,
                provisional=handling.deadline.provisional,
                marked_at=now,
            )
        )

    def submit_report(self, *, summary: str, now: datetime) -> None:
        """落实: the organ reports how it implemented the opinion (落实情况报告)."""
        self._require(OpinionAction.SUBMIT_REPORT)
        summary = summary.strip()
        if not summary:
            raise RuleViolation("an implementation report needs a summary")
        handling = self._round()
        handling.report_submitted_at = aware_utc(now)
        handling.report_summary = summary
        self._move(OpinionAction.SUBMIT_REPORT, OpinionState.REPORTED)
        self.events.append(
            OpinionReportSubmitted(
                opinion_id=self.id,
                committee_id=self.committee_id,
                organ_id=self._organ(),
                round=handling.number,
                submitted_at=handling.report_submitted_at,
                due=handling.deadline.due,
                on_time=bool(handling.reported_on_time),
            )
        )

    def open_evaluation(self, *, now: datetime) -> None:
        """测评 begins: members may rate the implementation."""
        self._require(OpinionAction.OPEN_EVALUATION)
        handling = self._round()
        handling.evaluation_opened_at = aware_utc(now)
        self._move(OpinionAction.OPEN_EVALUATION, OpinionState.UNDER_EVALUATION)
        self.events.append(
            OpinionEvaluationOpened(
                opinion_id=self.id,
                organ_id=self._organ(),
                round=handling.number,
                opened_at=handling.evaluation_opened_at,
            )
        )

    def rate(self, *, member_id: uuid.UUID, rating: SatisfactionLevel, now: datetime) -> None:
        """One member, one vote per evaluation round.

        No event: the ballot is secret (无记名), only the closing tally is published.
        """
        self._require(OpinionAction.RATE)
        number = self._round().number
        if any(v.member_id == member_id for v in self.votes_in_round(number)):
            raise Conflict(f"member {member_id} has already rated round {number} of this opinion")
        self.votes.append(Vote(member_id, SatisfactionLevel(rating), number, aware_utc(now)))
        self._move(OpinionAction.RATE, OpinionState.UNDER_EVALUATION)

    def close_evaluation(
        self, *, thresholds: SatisfactionThresholds, now: datetime
    ) -> EvaluationResult:
        """Tally the votes; satisfied or basically satisfied pass, unsatisfied goes round again."""
        self._require(OpinionAction.CLOSE_EVALUATION)
        now = aware_utc(now)
        handling = self._round()
        result = EvaluationResult.tally(
            (v.rating for v in self.votes_in_round(handling.number)), thresholds
        )
        handling.evaluation_closed_at = now
        handling.result = result
        target = OpinionState.SATISFACTORY if result.passed else OpinionState.UNSATISFACTORY
        self._move(OpinionAction.CLOSE_EVALUATION, target)
        self.events.append(
            OpinionRated(
                opinion_id=self.id,
                committee_id=self.committee_id,
                organ_id=self._organ(),
                round=handling.number,
                satisfied=result.satisfied,
                basically_satisfied=result.basically_satisfied,
                unsatisfied=result.unsatisfied,
                verdict=result.verdict,
                rated_at=now,
            )
        )
        origin = self.origin
        if origin is not None:
            self.events.append(
                OpinionResultReported(
                    opinion_id=self.id,
                    origin=origin,
                    committee_id=self.committee_id,
                    organ_id=self._organ(),
                    round=handling.number,
                    satisfied=result.satisfied,
                    basically_satisfied=result.basically_satisfied,
                    unsatisfied=result.unsatisfied,
                    verdict=result.verdict,
                    passed=result.passed,
                    rated_at=now,
                )
            )
        return result

    def circulate_notice(self, *, now: datetime) -> None:
        """情况通报: make the unsatisfied result known before second handling."""
        self._require(OpinionAction.CIRCULATE_NOTICE)
        handling = self._round()
        handling.notice_circulated_at = aware_utc(now)
        self._move(OpinionAction.CIRCULATE_NOTICE, OpinionState.NOTICE_CIRCULATED)
        self.events.append(
            OpinionNoticeCirculated(
                opinion_id=self.id,
                committee_id=self.committee_id,
                organ_id=self._organ(),
                round=handling.number,
                circulated_at=handling.notice_circulated_at,
            )
        )

    def reopen_for_second_handling(
        self, *, period: Period, calendar: WorkingCalendar, now: datetime
    ) -> Deadline:
        """二次办理: the same organ handles the opinion again, due ``period`` after today."""
        self._require(OpinionAction.REOPEN_FOR_SECOND_HANDLING)
        now = aware_utc(now)
        handling = self._new_round(period, calendar, now)
        self._move(OpinionAction.REOPEN_FOR_SECOND_HANDLING, OpinionState.ASSIGNED)
        self.events.append(
            OpinionSecondHandlingStarted(
                opinion_id=self.id,
                committee_id=self.committee_id,
                organ_id=self._organ(),
                round=handling.number,
                started_at=now,
                due=handling.deadline.due,
                provisional=handling.deadline.provisional,
                unofficial_years=handling.deadline.unofficial_years,
            )
        )
        return handling.deadline

    def publish_feedback(self, *, now: datetime) -> None:
        """反馈: publish the (passing) evaluation result."""
        self._require(OpinionAction.PUBLISH_FEEDBACK)
        result = self._round().result
        assert result is not None  # SATISFACTORY is only reached through close_evaluation
        self.feedback_published_at = aware_utc(now)
        self._move(OpinionAction.PUBLISH_FEEDBACK, OpinionState.FEEDBACK_PUBLISHED)
        self.events.append(
            OpinionFeedbackPublished(
                opinion_id=self.id,
                organ_id=self._organ(),
                title=self.title,
                rounds=self.handling_rounds,
                verdict=result.verdict,
                published_at=self.feedback_published_at,
            )
        )

    def close(self, *, now: datetime) -> None:
        """End the loop once the feedback is out."""
        self._require(OpinionAction.CLOSE)
        first, implemented, days = (
            self.first_assigned_at,
            self.implemented_at,
            self.days_to_implementation,
        )
        assert first is not None and implemented is not None and days is not None
        self.closed_at = aware_utc(now)
        self._move(OpinionAction.CLOSE, OpinionState.CLOSED)
        self.events.append(
            OpinionClosed(
                opinion_id=self.id,
                committee_id=self.committee_id,
                organ_id=self._organ(),
                rounds=self.handling_rounds,
                first_assigned_at=first,
                implemented_at=implemented,
                days_to_implementation=days,
                closed_at=self.closed_at,
            )
        )
