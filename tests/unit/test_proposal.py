"""The proposal aggregate of the topics service."""

from __future__ import annotations

from datetime import UTC, datetime

from jiandu_shared.contracts.topics import ProposalSource, ProposalSubmitted
from jiandu_topics.domain.proposal import Proposal

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def submit() -> tuple[Proposal, str]:
    return Proposal.submit(
        year=2027,
        source=ProposalSource.DEPUTY,
        focus_area="rural revitalisation",
        title="高标准农田建设",
        rationale="Irrigation works lag behind.",
        submitter_name="赵六",
        submitter_contact="zhao@example.cn",
        now=NOW,
    )


def test_submitting_raises_one_event_with_facts_only() -> None:
    proposal, _ = submit()
    (event,) = proposal.events
    assert isinstance(event, ProposalSubmitted)
    assert event.proposal_id == proposal.id
    assert event.source is ProposalSource.DEPUTY
    assert "zhao@example.cn" not in event.model_dump_json()
    assert "赵六" not in event.model_dump_json()


def test_only_the_secret_given_at_submission_opens_the_proposal() -> None:
    proposal, secret = submit()
    assert proposal.verify_secret(secret)
    assert not proposal.verify_secret(secret + "x")
    assert secret not in proposal.secret_hash


def test_tracking_codes_are_distinct_and_readable() -> None:
    codes = {submit()[0].tracking_code for _ in range(200)}
    assert len(codes) == 200
    assert all(code.startswith("JD-") and len(code) == 13 for code in codes)
    assert not any(ch in code for code in codes for ch in "01IO")
