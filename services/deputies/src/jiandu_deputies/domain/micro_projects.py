"""Micro projects (微实事): "the public proposes, deputies decide, government does, congress
supervises" (群众提、代表定、政府办、人大督; Changji article of the seed).

A citizen (no account needed) or a liaison station proposes a small livelihood project; staff
screen it (初审) and give it a budget and an implementing department; the deputies vote on it
(代表票决, one vote each: for, against or abstain), and it is approved by the configured
majority of the votes cast; the department carries it out and records what it spends; an
acceptance check (验收) passes it with its final cost, or fails it back to the department.

Money is exact ``Decimal`` yuan with fen, never a float. Pure domain: no framework imports.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from jiandu_shared.calendar import aware_utc, local_date
from jiandu_shared.contracts import EventData
from jiandu_shared.contracts.deputies.micro_projects import (
    AcceptanceResult,
    MicroProjectAccepted,
    MicroProjectApproved,
    MicroProjectCompleted,
    MicroProjectImplementationStarted,
    MicroProjectProposed,
    MicroProjectRejected,
    MicroProjectScreened,
    MicroProjectSpendingRecorded,
    MicroProjectVoteCast,
    MicroProjectVoteOpened,
    ScreeningDecision,
    VoteChoice,
)
from jiandu_shared.errors import Conflict, RuleViolation
from jiandu_shared.money import FEN, MAX_YUAN
from jiandu_shared.state_machine import TransitionTable

__all__ = [
    "AcceptanceResult",
    "MicroProject",
    "MicroProjectAction",
    "MicroProjectState",
    "Spending",
    "Tally",
    "VoteChoice",
    "VoteRecord",
    "VoteRule",
]


# --- The vote (代表票决) -------------------------------------------------------------------------


@dataclass(frozen=True)
class VoteRule:
    """How the deputies' votes decide a micro project: configuration, not constants.

    Approved when the votes for are more than ``approve_above`` of the votes cast (or exactly
    that share, when ``approve_at_threshold``); abstentions are votes cast. Fewer than
    ``min_votes`` votes cast decide nothing. The default reads "赞成票超过所投票数的半数".
    """

    approve_above: Fraction = Fraction(1, 2)
    approve_at_threshold: bool = False
    min_votes: int = 1

    def __post_init__(self) -> None:
        if not 0 <= self.approve_above < 1:
            raise ValueError(f"approve_above must be a share in [0, 1), not {self.approve_above}")
        if self.min_votes < 1:
            raise ValueError("a vote needs at least one vote cast")

    def approves(self, tally: Tally) -> bool:
        if tally.cast < self.min_votes:
            raise RuleViolation(
                f"the vote needs at least {self.min_votes} vote(s) cast; {tally.cast} cast"
            )
        share = Fraction(tally.votes_for, tally.cast)
        return share > self.approve_above or (
            self.approve_at_threshold and share == self.approve_above
        )


@dataclass(frozen=True)
class Tally:
    votes_for: int = 0
    votes_against: int = 0
    votes_abstain: int = 0

    @property
    def cast(self) -> int:
        return self.votes_for + self.votes_against + self.votes_abstain

    @classmethod
    def of(cls, choices: list[VoteChoice]) -> Tally:
        return cls(
            votes_for=sum(1 for c in choices if c is VoteChoice.FOR),
            votes_against=sum(1 for c in choices if c is VoteChoice.AGAINST),
            votes_abstain=sum(1 for c in choices if c is VoteChoice.ABSTAIN),
        )


@dataclass
class VoteRecord:
    """One deputy's one vote on one micro project."""

    deputy_id: uuid.UUID
    choice: VoteChoice
    cast_at: datetime


@dataclass
class Spending:
    """Money the implementing department spent on the project (资金使用), as it reported it."""

    id: uuid.UUID
    amount: Decimal
    spent_on: date
    description: str
    recorded_at: datetime
    recorded_by: str


# --- The state machine -----------------------------------------------------------------------


class MicroProjectState(StrEnum):
    PROPOSED = "proposed"  # 群众提
    DECLINED = "declined"  # 初审未通过
    SCREENED = "screened"  # 初审通过: budget and department set, waiting for the vote
    VOTING = "voting"  # 代表票决
    APPROVED = "approved"
    REJECTED = "rejected"
    IN_PROGRESS = "in_progress"  # 政府办
    COMPLETED = "completed"  # reported finished, acceptance due
    ACCEPTED = "accepted"  # 验收合格


class MicroProjectAction(StrEnum):
    SCREEN = "screen"
    OPEN_VOTE = "open_vote"
    CAST_VOTE = "cast_vote"
    CLOSE_VOTE = "close_vote"
    START = "start"
    RECORD_SPENDING = "record_spending"
    COMPLETE = "complete"
    CHECK_ACCEPTANCE = "check_acceptance"


_S, _A = MicroProjectState, MicroProjectAction

TRANSITIONS: TransitionTable[MicroProjectState, MicroProjectAction] = TransitionTable(
    "micro project",
    {
        _S.PROPOSED: {_A.SCREEN: frozenset({_S.SCREENED, _S.DECLINED})},
        _S.DECLINED: {},
        _S.SCREENED: {_A.OPEN_VOTE: frozenset({_S.VOTING})},
        _S.VOTING: {
            _A.CAST_VOTE: frozenset({_S.VOTING}),
            _A.CLOSE_VOTE: frozenset({_S.APPROVED, _S.REJECTED}),
        },
        _S.REJECTED: {},
        _S.APPROVED: {_A.START: frozenset({_S.IN_PROGRESS})},
        _S.IN_PROGRESS: {
            _A.RECORD_SPENDING: frozenset({_S.IN_PROGRESS}),
            _A.COMPLETE: frozenset({_S.COMPLETED}),
        },
        # A failed acceptance check sends the work back to the department (rework).
        _S.COMPLETED: {_A.CHECK_ACCEPTANCE: frozenset({_S.ACCEPTED, _S.IN_PROGRESS})},
        _S.ACCEPTED: {},
    },
)


def new_tracking_code() -> str:
    """Short code a citizen can read out on the phone (no 0/O, 1/I)."""
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    return "WSS-" + "".join(secrets.choice(alphabet) for _ in range(10))


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _text(value: str, what: str, limit: int) -> str:
    value = value.strip()
    if not value or len(value) > limit:
        raise RuleViolation(f"{what} must have 1 to {limit} characters")
    return value


def _money(amount: Decimal, what: str) -> Decimal:
    if not amount.is_finite() or amount < 0 or amount > MAX_YUAN:
        raise RuleViolation(f"{what} must be between 0 and {MAX_YUAN} yuan")
    if amount != amount.quantize(FEN):
        raise RuleViolation(f"{what} has more than two decimals (fen)")
    return amount.quantize(FEN)


class MicroProject:
    """A micro project (微实事) from proposal to acceptance, with its votes and spending.

    ``proposer_name``/``proposer_contact`` are the citizen's: stored for staff to follow up,
    never put in an event. ``station_id`` names the liaison station it came through, if any.
    """

    WHAT = "micro project"

    def __init__(
        self,
        *,
        id: uuid.UUID,
        year: int,
        title: str,
        category: str,
        description: str,
        location: str | None,
        estimated_cost: Decimal | None,
        proposer_name: str | None,
        proposer_contact: str | None,
        station_id: uuid.UUID | None,
        proposed_by: str | None,
        tracking_code: str,
        secret_hash: str,
        proposed_at: datetime,
        state: MicroProjectState = MicroProjectState.PROPOSED,
    ) -> None:
        self.id = id
        self.year = year
        self.title = title
        self.category = category
        self.description = description
        self.location = location
        self.estimated_cost = estimated_cost
        self.proposer_name = proposer_name
        self.proposer_contact = proposer_contact
        self.station_id = station_id
        self.proposed_by = proposed_by
        self.tracking_code = tracking_code
        self.secret_hash = secret_hash
        self.proposed_at = proposed_at
        self.state = state
        self.budget_amount: Decimal | None = None
        self.implementing_department_id: uuid.UUID | None = None
        self.screened_at: datetime | None = None
        self.screening_note: str | None = None
        self.vote_opened_at: datetime | None = None
        self.vote_closed_at: datetime | None = None
        self.votes_for = 0
        self.votes_against = 0
        self.votes_abstain = 0
        self.started_on: date | None = None
        self.completed_on: date | None = None
        self.completion_report: str | None = None
        self.accepted_on: date | None = None
        self.final_cost: Decimal | None = None
        self.acceptance_note: str | None = None
        self.failed_checks = 0
        self.votes: list[VoteRecord] = []
        self.spendings: list[Spending] = []
        self.events: list[EventData] = []

    # --- creation ----------------------------------------------------------------------------

    @classmethod
    def propose(
        cls,
        *,
        year: int,
        title: str,
        category: str,
        description: str,
        now: datetime,
        location: str | None = None,
        estimated_cost: Decimal | None = None,
        proposer_name: str | None = None,
        proposer_contact: str | None = None,
        station_id: uuid.UUID | None = None,
        proposed_by: str | None = None,
    ) -> tuple[MicroProject, str]:
        """Record a proposal; returns it with the tracking secret shown once to the proposer."""
        now = aware_utc(now)
        if not local_date(now).year - 1 <= year <= local_date(now).year + 1:
            raise RuleViolation(
                f"a micro project is proposed for this year or the next, not {year}"
            )
        secret = secrets.token_urlsafe(12)
        project = cls(
            id=uuid.uuid4(),
            year=year,
            title=_text(title, "the title", 200),
            category=_text(category, "the category", 50),
            description=_text(description, "the description", 5000),
            location=location.strip() or None if location else None,
            estimated_cost=None
            if estimated_cost is None
            else _money(estimated_cost, "the estimated cost"),
            proposer_name=proposer_name.strip() or None if proposer_name else None,
            proposer_contact=proposer_contact.strip() or None if proposer_contact else None,
            station_id=station_id,
            proposed_by=proposed_by,
            tracking_code=new_tracking_code(),
            secret_hash=hash_secret(secret),
            proposed_at=now,
        )
        project.events.append(
            MicroProjectProposed(
                micro_project_id=project.id,
                year=year,
                title=project.title,
                category=project.category,
                station_id=station_id,
                estimated_cost=project.estimated_cost,
                tracking_code=project.tracking_code,
            )
        )
        return project, secret

    def verify_secret(self, secret: str) -> bool:
        return hmac.compare_digest(self.secret_hash, hash_secret(secret))

    # --- queries -----------------------------------------------------------------------------

    def allowed_actions(self) -> frozenset[MicroProjectAction]:
        return TRANSITIONS.allowed(self.state)

    @property
    def tally(self) -> Tally:
        return Tally.of([v.choice for v in self.votes])

    @property
    def spent_to_date(self) -> Decimal:
        return sum((s.amount for s in self.spendings), Decimal("0.00")).quantize(FEN)

    def vote_of(self, deputy_id: uuid.UUID) -> VoteRecord | None:
        return next((v for v in self.votes if v.deputy_id == deputy_id), None)

    def _budget(self) -> Decimal:
        if self.budget_amount is None:
            raise RuntimeError(f"{self.WHAT} {self.id} has no budget")
        return self.budget_amount

    def _department(self) -> uuid.UUID:
        if self.implementing_department_id is None:
            raise RuntimeError(f"{self.WHAT} {self.id} has no implementing department")
        return self.implementing_department_id

    def _move(self, action: MicroProjectAction, target: MicroProjectState | None = None) -> None:
        self.state = TRANSITIONS.move(self.state, action, target)

    # --- screening (初审) ----------------------------------------------------------------------

    def admit(
        self,
        *,
        budget_amount: Decimal,
        implementing_department_id: uuid.UUID,
        now: datetime,
        note: str | None = None,
        title: str | None = None,
        category: str | None = None,
    ) -> None:
        """Admit the proposal to the deputies' vote with its budget and implementing department."""
        TRANSITIONS.require(self.state, MicroProjectAction.SCREEN)
        budget = _money(budget_amount, "the budget")
        if budget == 0:
            raise RuleViolation("a micro project admitted to the vote needs a budget above zero")
        if title is not None:
            self.title = _text(title, "the title", 200)
        if category is not None:
            self.category = _text(category, "the category", 50)
        self.budget_amount = budget
        self.implementing_department_id = implementing_department_id
        self.screened_at = aware_utc(now)
        self.screening_note = note
        self._move(MicroProjectAction.SCREEN, MicroProjectState.SCREENED)
        self.events.append(
            MicroProjectScreened(
                micro_project_id=self.id,
                year=self.year,
                decision=ScreeningDecision.ADMITTED,
                title=self.title,
                budget_amount=budget,
                implementing_department_id=implementing_department_id,
                reason=note,
            )
        )

    def decline(self, *, reason: str, now: datetime) -> None:
        TRANSITIONS.require(self.state, MicroProjectAction.SCREEN)
        reason = _text(reason, "the reason", 1000)
        self.screened_at = aware_utc(now)
        self.screening_note = reason
        self._move(MicroProjectAction.SCREEN, MicroProjectState.DECLINED)
        self.events.append(
            MicroProjectScreened(
                micro_project_id=self.id,
                year=self.year,
                decision=ScreeningDecision.DECLINED,
                title=self.title,
                reason=reason,
            )
        )

    # --- the vote (代表定) ---------------------------------------------------------------------

    def open_vote(self, *, now: datetime) -> None:
        self._move(MicroProjectAction.OPEN_VOTE)
        self.vote_opened_at = aware_utc(now)
        self.events.append(
            MicroProjectVoteOpened(
                micro_project_id=self.id,
                year=self.year,
                title=self.title,
                budget_amount=self._budget(),
                implementing_department_id=self._department(),
            )
        )

    def cast_vote(self, *, deputy_id: uuid.UUID, choice: VoteChoice, now: datetime) -> VoteRecord:
        """One deputy, one vote: a second vote by the same deputy is refused (409)."""
        TRANSITIONS.require(self.state, MicroProjectAction.CAST_VOTE)
        if self.vote_of(deputy_id) is not None:
            raise Conflict(f"deputy {deputy_id} has already voted on {self.WHAT} {self.id}")
        record = VoteRecord(deputy_id=deputy_id, choice=VoteChoice(choice), cast_at=aware_utc(now))
        self.votes.append(record)
        self.events.append(
            MicroProjectVoteCast(
                micro_project_id=self.id, year=self.year, deputy_id=deputy_id, choice=record.choice
            )
        )
        return record

    def close_vote(self, *, rule: VoteRule, now: datetime) -> bool:
        """Count the votes; True when the project is approved."""
        TRANSITIONS.require(self.state, MicroProjectAction.CLOSE_VOTE)
        tally = self.tally
        approved = rule.approves(tally)
        self.votes_for, self.votes_against = tally.votes_for, tally.votes_against
        self.votes_abstain = tally.votes_abstain
        self.vote_closed_at = aware_utc(now)
        counts = {
            "votes_for": tally.votes_for,
            "votes_against": tally.votes_against,
            "votes_abstain": tally.votes_abstain,
        }
        if approved:
            self._move(MicroProjectAction.CLOSE_VOTE, MicroProjectState.APPROVED)
            self.events.append(
                MicroProjectApproved(
                    micro_project_id=self.id,
                    year=self.year,
                    title=self.title,
                    category=self.category,
                    budget_amount=self._budget(),
                    implementing_department_id=self._department(),
                    **counts,
                )
            )
        else:
            self._move(MicroProjectAction.CLOSE_VOTE, MicroProjectState.REJECTED)
            self.events.append(
                MicroProjectRejected(
                    micro_project_id=self.id, year=self.year, title=self.title, **counts
                )
            )
        return approved

    # --- implementation (政府办) ---------------------------------------------------------------

    def start(self, *, now: datetime) -> None:
        self._move(MicroProjectAction.START)
        self.started_on = local_date(aware_utc(now))
        self.events.append(
            MicroProjectImplementationStarted(
                micro_project_id=self.id,
                year=self.year,
                implementing_department_id=self._department(),
                started_on=self.started_on,
            )
        )

    def record_spending(
        self,
        *,
        amount: Decimal,
        spent_on: date,
        description: str,
        now: datetime,
        recorded_by: str,
    ) -> Spending:
        TRANSITIONS.require(self.state, MicroProjectAction.RECORD_SPENDING)
        amount = _money(amount, "the amount spent")
        if amount == 0:
            raise RuleViolation("a spending must be above zero")
        today = local_date(aware_utc(now))
        if spent_on > today:
            raise RuleViolation(f"money cannot be spent in the future ({spent_on})")
        if self.started_on is not None and spent_on < self.started_on:
            raise RuleViolation(
                f"the work started on {self.started_on}; a spending on {spent_on} is before it"
            )
        if self.spent_to_date + amount > MAX_YUAN:
            raise RuleViolation("the total spent is out of range")
        spending = Spending(
            id=uuid.uuid4(),
            amount=amount,
            spent_on=spent_on,
            description=_text(description, "the description", 1000),
            recorded_at=aware_utc(now),
            recorded_by=recorded_by,
        )
        self.spendings.append(spending)
        self._move(MicroProjectAction.RECORD_SPENDING)
        self.events.append(
            MicroProjectSpendingRecorded(
                micro_project_id=self.id,
                year=self.year,
                spending_id=spending.id,
                amount=amount,
                spent_on=spent_on,
                spent_to_date=self.spent_to_date,
                budget_amount=self._budget(),
                implementing_department_id=self._department(),
            )
        )
        return spending

    def complete(self, *, report: str, now: datetime) -> None:
        """The department reports the work finished; acceptance (验收) is next."""
        TRANSITIONS.require(self.state, MicroProjectAction.COMPLETE)
        self.completion_report = _text(report, "the completion report", 5000)
        self.completed_on = local_date(aware_utc(now))
        self._move(MicroProjectAction.COMPLETE)
        self.events.append(
            MicroProjectCompleted(
                micro_project_id=self.id,
                year=self.year,
                implementing_department_id=self._department(),
                completed_on=self.completed_on,
                spent_to_date=self.spent_to_date,
                budget_amount=self._budget(),
            )
        )

    # --- acceptance (人大督) -------------------------------------------------------------------

    def check_acceptance(
        self,
        *,
        result: AcceptanceResult,
        final_cost: Decimal | None,
        now: datetime,
        note: str | None = None,
    ) -> None:
        """验收: passed closes the project with its final cost; failed sends it back for rework.

        The final cost defaults to what the department recorded as spent.
        """
        TRANSITIONS.require(self.state, MicroProjectAction.CHECK_ACCEPTANCE)
        result = AcceptanceResult(result)
        cost = self.spent_to_date if final_cost is None else _money(final_cost, "the final cost")
        checked_on = local_date(aware_utc(now))
        self.acceptance_note = note
        if result is AcceptanceResult.PASSED:
            self.final_cost = cost
            self.accepted_on = checked_on
            self._move(MicroProjectAction.CHECK_ACCEPTANCE, MicroProjectState.ACCEPTED)
        else:
            if not note:
                raise RuleViolation("a failed acceptance check needs a note saying what to rework")
            self.failed_checks += 1
            self.completed_on = None
            self._move(MicroProjectAction.CHECK_ACCEPTANCE, MicroProjectState.IN_PROGRESS)
        self.events.append(
            MicroProjectAccepted(
                micro_project_id=self.id,
                year=self.year,
                result=result,
                final_cost=cost,
                budget_amount=self._budget(),
                implementing_department_id=self._department(),
                accepted_on=checked_on,
            )
        )
