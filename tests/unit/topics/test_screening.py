"""Screening of proposals (筛选): shortlist, merge duplicates, adopt, decline, plan inclusion."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from jiandu_shared.contracts.topics import (
    ProposalAdopted,
    ProposalDeclined,
    ProposalIncludedInPlan,
    ProposalMerged,
    ProposalShortlisted,
    ProposalSource,
)
from jiandu_shared.errors import InvalidTransition, RuleViolation
from jiandu_topics.domain.proposal import TRANSITIONS, Proposal, ProposalAction, ProposalStatus

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)


def proposal(
    source: ProposalSource = ProposalSource.PUBLIC,
    *,
    year: int = 2027,
    submitter_ref: str | None = None,
    name: str = "王五",
) -> Proposal:
    p, _ = Proposal.submit(
        year=year,
        source=source,
        focus_area="preschool_childcare",
        title="普惠性幼儿园",
        rationale="Too few affordable places.",
        submitter_name=name,
        submitter_contact="138-0000-0000",
        submitter_ref=submitter_ref,
        now=NOW,
    )
    p.events.clear()
    return p


def test_shortlist_then_adopt_raises_one_event_each() -> None:
    p = proposal()
    p.shortlist(now=NOW)
    p.adopt(now=NOW)
    shortlisted, adopted = p.events
    assert isinstance(shortlisted, ProposalShortlisted)
    assert isinstance(adopted, ProposalAdopted)
    assert adopted.sources == (ProposalSource.PUBLIC,)
    assert p.status is ProposalStatus.ADOPTED
    assert p.decided_at == NOW


def test_adopting_straight_from_submission_is_allowed() -> None:
    p = proposal(ProposalSource.PARTY_COMMITTEE, submitter_ref="staff-1")
    p.adopt(now=NOW)
    assert p.status is ProposalStatus.ADOPTED


def test_decline_needs_a_reason_and_tells_it() -> None:
    p = proposal(ProposalSource.DEPUTY, submitter_ref="deputy-7")
    with pytest.raises(RuleViolation, match="reason"):
        p.decline(reason="  ", now=NOW)
    assert p.status is ProposalStatus.SUBMITTED
    p.decline(reason="Already covered by the audit plan", now=NOW)
    (event,) = p.events
    assert isinstance(event, ProposalDeclined)
    assert event.reason == "Already covered by the audit plan"
    assert event.submitter_ref == "deputy-7"
    assert p.decline_reason == "Already covered by the audit plan"


@pytest.mark.parametrize(
    ("end", "action"),
    [
        ("decline", "adopt"),
        ("decline", "shortlist"),
        ("adopt", "decline"),
        ("adopt", "shortlist"),
        ("adopt", "adopt"),
    ],
)
def test_invalid_steps_name_the_state_and_the_allowed_actions(end: str, action: str) -> None:
    p = proposal()
    if end == "decline":
        p.decline(reason="no", now=NOW)
    else:
        p.adopt(now=NOW)
    with pytest.raises(InvalidTransition) as raised:
        if action == "adopt":
            p.adopt(now=NOW)
        elif action == "shortlist":
            p.shortlist(now=NOW)
        else:
            p.decline(reason="no", now=NOW)
    assert raised.value.state == str(p.status)
    assert raised.value.allowed == sorted(str(a) for a in TRANSITIONS[p.status])
    assert str(p.status) in str(raised.value)


def test_the_survivor_of_a_merge_keeps_every_source_and_submitter() -> None:
    citizen = proposal(ProposalSource.PUBLIC, name="李四")
    deputy = proposal(ProposalSource.DEPUTY, submitter_ref="deputy-7", name="赵六")
    organ = proposal(ProposalSource.STATE_ORGANS, submitter_ref="staff-1", name="县教育局")
    deputy.merge_into(organ, now=NOW)  # a chain: the deputy's goes into the organ's ...
    organ.merge_into(citizen, now=NOW)  # ... which goes into the citizen's
    assert [r.proposal_id for r in citizen.merged_refs] == [organ.id, deputy.id]
    assert [r.submitter_name for r in citizen.refs] == ["李四", "县教育局", "赵六"]
    assert citizen.sources == (
        ProposalSource.PUBLIC,
        ProposalSource.STATE_ORGANS,
        ProposalSource.DEPUTY,
    )
    assert deputy.status is organ.status is ProposalStatus.MERGED
    assert (deputy.merged_into, organ.merged_into) == (organ.id, citizen.id)
    (merged,) = organ.events
    assert isinstance(merged, ProposalMerged)
    assert merged.merged_into == citizen.id
    citizen.adopt(now=NOW)
    adopted = citizen.events[-1]
    assert isinstance(adopted, ProposalAdopted)
    assert set(adopted.sources) == {
        ProposalSource.PUBLIC,
        ProposalSource.STATE_ORGANS,
        ProposalSource.DEPUTY,
    }


def test_merge_rules() -> None:
    a, b = proposal(), proposal()
    with pytest.raises(RuleViolation, match="itself"):
        a.merge_into(a, now=NOW)
    with pytest.raises(RuleViolation, match="different years"):
        a.merge_into(proposal(year=2028), now=NOW)
    b.decline(reason="no", now=NOW)
    with pytest.raises(InvalidTransition) as raised:
        a.merge_into(b, now=NOW)  # a declined proposal cannot take in a duplicate
    assert raised.value.action == "absorb"
    assert a.status is ProposalStatus.SUBMITTED and a.merged_into is None
    adopted = proposal()
    adopted.adopt(now=NOW)
    a.merge_into(adopted, now=NOW)  # a late duplicate still joins an adopted topic
    assert adopted.status is ProposalStatus.ADOPTED
    with pytest.raises(InvalidTransition):
        adopted.merge_into(proposal(), now=NOW)  # adopted topics are not duplicates


def test_plan_inclusion_tells_the_source_of_the_topic_and_of_each_merged_duplicate() -> None:
    survivor = proposal(ProposalSource.PUBLIC)
    duplicate = proposal(ProposalSource.DEPUTY, submitter_ref="deputy-7")
    duplicate.merge_into(survivor, now=NOW)
    with pytest.raises(InvalidTransition):
        survivor.include_in_plan(
            plan_id=uuid.uuid4(), plan_item_id=uuid.uuid4(), item_title="x", now=NOW
        )
    survivor.adopt(now=NOW)
    survivor.events.clear()
    plan_id, item_id = uuid.uuid4(), uuid.uuid4()
    survivor.include_in_plan(plan_id=plan_id, plan_item_id=item_id, item_title="学前教育", now=NOW)
    own, merged = survivor.events
    assert isinstance(own, ProposalIncludedInPlan)
    assert isinstance(merged, ProposalIncludedInPlan)
    assert (own.proposal_id, own.source, own.merged_into) == (
        survivor.id,
        ProposalSource.PUBLIC,
        None,
    )
    assert (merged.proposal_id, merged.source, merged.submitter_ref, merged.merged_into) == (
        duplicate.id,
        ProposalSource.DEPUTY,
        "deputy-7",
        survivor.id,
    )
    assert merged.tracking_code == duplicate.tracking_code
    assert {own.plan_item_id, merged.plan_item_id} == {item_id}
    assert survivor.status is ProposalStatus.INCLUDED_IN_PLAN
    assert survivor.allowed_actions() == frozenset()


def test_screening_events_carry_no_names_or_contacts() -> None:
    p = proposal(ProposalSource.DEPUTY, submitter_ref="deputy-7", name="赵六")
    p.shortlist(now=NOW)
    p.decline(reason="duplicate of item 3", now=NOW)
    for event in p.events:
        dumped = event.model_dump_json()
        assert "赵六" not in dumped
        assert "138-0000-0000" not in dumped


def test_every_state_is_in_the_table_and_ends_are_final() -> None:
    assert set(TRANSITIONS) == set(ProposalStatus)
    for end in (ProposalStatus.DECLINED, ProposalStatus.MERGED, ProposalStatus.INCLUDED_IN_PLAN):
        assert TRANSITIONS[end] == {}
    assert ProposalAction.INCLUDE_IN_PLAN in TRANSITIONS[ProposalStatus.ADOPTED]
