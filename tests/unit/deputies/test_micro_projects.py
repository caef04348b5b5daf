"""Micro projects (微实事) in the domain: vote counting, the state machine, money."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from fractions import Fraction

import pytest

from jiandu_deputies.domain.micro_projects import (
    AcceptanceResult,
    MicroProject,
    MicroProjectState,
    Tally,
    VoteChoice,
    VoteRule,
)
from jiandu_shared.contracts.deputies.micro_projects import (
    MicroProjectAccepted,
    MicroProjectApproved,
    MicroProjectRejected,
    MicroProjectSpendingRecorded,
)
from jiandu_shared.errors import Conflict, InvalidTransition, RuleViolation

NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
DEPARTMENT = uuid.UUID("00000000-0000-4000-8000-0000000b0001")


def voting(budget: str = "1234.56") -> MicroProject:
    project, _secret = MicroProject.propose(
        year=2026, title="路灯", category="照明", description="No street lights.", now=NOW
    )
    project.admit(budget_amount=Decimal(budget), implementing_department_id=DEPARTMENT, now=NOW)
    project.open_vote(now=NOW)
    project.events.clear()
    return project


def vote(project: MicroProject, *choices: VoteChoice) -> None:
    for choice in choices:
        project.cast_vote(deputy_id=uuid.uuid4(), choice=choice, now=NOW)


F, A, X = VoteChoice.FOR, VoteChoice.AGAINST, VoteChoice.ABSTAIN


@pytest.mark.parametrize(
    ("choices", "rule", "approved"),
    [
        ((F, F, A), VoteRule(), True),
        ((F, A), VoteRule(), False),  # a tie is not a majority
        ((F, A), VoteRule(approve_at_threshold=True), True),
        ((F, F, X, X), VoteRule(), False),  # abstentions are votes cast
        ((F, F, F, A, X), VoteRule(), True),
        ((F, F, A), VoteRule(approve_above=Fraction(2, 3)), False),
        ((F, F, A), VoteRule(approve_above=Fraction(2, 3), approve_at_threshold=True), True),
        ((F,), VoteRule(), True),
        ((X,), VoteRule(), False),
    ],
)
def test_approval_is_the_configured_majority_of_votes_cast(
    choices: tuple[VoteChoice, ...], rule: VoteRule, approved: bool
) -> None:
    project = voting()
    vote(project, *choices)
    assert project.close_vote(rule=rule, now=NOW) is approved
    tally = Tally.of(list(choices))
    assert (project.votes_for, project.votes_against, project.votes_abstain) == (
        tally.votes_for,
        tally.votes_against,
        tally.votes_abstain,
    )
    (event,) = project.events[-1:]
    if approved:
        assert project.state is MicroProjectState.APPROVED
        assert isinstance(event, MicroProjectApproved)
        assert event.budget_amount == Decimal("1234.56")
    else:
        assert project.state is MicroProjectState.REJECTED
        assert isinstance(event, MicroProjectRejected)
    assert (event.votes_for, event.votes_against, event.votes_abstain) == (
        tally.votes_for,
        tally.votes_against,
        tally.votes_abstain,
    )


def test_too_few_votes_decide_nothing() -> None:
    project = voting()
    vote(project, F, F)
    with pytest.raises(RuleViolation, match="at least 3"):
        project.close_vote(rule=VoteRule(min_votes=3), now=NOW)
    assert project.state is MicroProjectState.VOTING


def test_a_deputy_votes_once() -> None:
    project = voting()
    deputy = uuid.uuid4()
    project.cast_vote(deputy_id=deputy, choice=F, now=NOW)
    with pytest.raises(Conflict):
        project.cast_vote(deputy_id=deputy, choice=A, now=NOW)
    assert project.tally == Tally(votes_for=1)


def test_rules_refuse_impossible_shares() -> None:
    with pytest.raises(ValueError):
        VoteRule(approve_above=Fraction(1))
    with pytest.raises(ValueError):
        VoteRule(min_votes=0)


def test_votes_only_while_voting_and_no_spending_before_start() -> None:
    project, _ = MicroProject.propose(year=2026, title="t", category="c", description="d", now=NOW)
    with pytest.raises(InvalidTransition):
        project.cast_vote(deputy_id=uuid.uuid4(), choice=F, now=NOW)
    approved = voting()
    vote(approved, F)
    approved.close_vote(rule=VoteRule(), now=NOW)
    with pytest.raises(InvalidTransition):
        approved.record_spending(
            amount=Decimal("1"),
            spent_on=date(2026, 12, 7),
            description="x",
            now=NOW,
            recorded_by="d",
        )


def test_spending_sums_exactly_and_acceptance_carries_the_final_cost() -> None:
    project = voting("0.30")
    vote(project, F)
    project.close_vote(rule=VoteRule(), now=NOW)
    project.start(now=NOW)
    for amount in ("0.10", "0.20"):
        project.record_spending(
            amount=Decimal(amount),
            spent_on=date(2026, 12, 7),
            description="x",
            now=NOW,
            recorded_by="dept",
        )
    assert project.spent_to_date == Decimal("0.30")
    spent = [e for e in project.events if isinstance(e, MicroProjectSpendingRecorded)]
    assert [e.spent_to_date for e in spent] == [Decimal("0.10"), Decimal("0.30")]
    with pytest.raises(RuleViolation, match="two decimals"):
        project.record_spending(
            amount=Decimal("0.001"),
            spent_on=date(2026, 12, 7),
            description="x",
            now=NOW,
            recorded_by="dept",
        )
    project.complete(report="done", now=NOW)
    project.check_acceptance(result=AcceptanceResult.PASSED, final_cost=None, now=NOW)
    accepted = project.events[-1]
    assert isinstance(accepted, MicroProjectAccepted)
    assert (accepted.final_cost, accepted.result) == (Decimal("0.30"), AcceptanceResult.PASSED)
    assert project.state is MicroProjectState.ACCEPTED
    assert project.allowed_actions() == frozenset()


def test_the_tracking_secret_is_stored_hashed() -> None:
    project, secret = MicroProject.propose(
        year=2026, title="t", category="c", description="d", now=NOW, proposer_contact="139"
    )
    assert secret not in project.secret_hash
    assert project.verify_secret(secret) and not project.verify_secret("guess")
    assert "139" not in project.events[0].model_dump_json()
