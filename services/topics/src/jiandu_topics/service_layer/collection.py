"""Topic collection (年度监督议题征集): windows, submissions from five sources, screening."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.exc import IntegrityError

from jiandu_shared.calendar import local_date
from jiandu_shared.clock import Clock
from jiandu_shared.contracts import Envelope
from jiandu_shared.contracts.deputies import OpinionRaisedAsTopic
from jiandu_shared.contracts.topics import ProposalSource
from jiandu_shared.errors import Conflict, NotFound
from jiandu_shared.storage.group_commit import GroupCommit
from jiandu_shared.storage.idempotency import IdempotentRequest
from jiandu_topics import SERVICE_NAME
from jiandu_topics.domain.collection import CollectionWindow, FocusAreas
from jiandu_topics.domain.plan import PlanItem
from jiandu_topics.domain.proposal import Proposal, ProposalStatus
from jiandu_topics.service_layer.conflicts import commit
from jiandu_topics.service_layer.unit_of_work import TopicsUnitOfWork

logger = logging.getLogger("jiandu.topics")

# Merges chain (A into B, B into C); a citizen of A is shown C. Bounded against bad data.
MAX_MERGE_CHAIN = 32


# --- collection windows (征集窗口) ------------------------------------------------------------


async def schedule_window(
    *, year: int, opens_on: date, closes_on: date, uow: TopicsUnitOfWork, clock: Clock
) -> CollectionWindow:
    async with uow:
        existing = await uow.collection_windows.by_year(year)
        if existing is not None:
            raise Conflict(f"{existing} already exists; reschedule it instead")
        window = CollectionWindow.schedule(
            year=year, opens_on=opens_on, closes_on=closes_on, now=clock.now()
        )
        uow.collection_windows.add(window)
        await commit(uow, duplicate=f"a collection window for {year} already exists")
    return window


async def open_window(year: int, uow: TopicsUnitOfWork, clock: Clock) -> CollectionWindow:
    async with uow:
        window = await _window(year, uow)
        window.open(now=clock.now())
        await commit(uow, duplicate="unexpected duplicate")
    return window


async def close_window(year: int, uow: TopicsUnitOfWork, clock: Clock) -> CollectionWindow:
    async with uow:
        window = await _window(year, uow)
        window.close(now=clock.now())
        await commit(uow, duplicate="unexpected duplicate")
    return window


async def reschedule_window(
    year: int, *, opens_on: date, closes_on: date, uow: TopicsUnitOfWork
) -> CollectionWindow:
    async with uow:
        window = await _window(year, uow)
        window.reschedule(opens_on=opens_on, closes_on=closes_on)
        await commit(uow, duplicate="unexpected duplicate")
    return window


async def get_window(year: int, uow: TopicsUnitOfWork) -> CollectionWindow:
    async with uow:
        return await _window(year, uow)


async def list_windows(
    uow: TopicsUnitOfWork, *, limit: int, offset: int
) -> tuple[Sequence[CollectionWindow], int]:
    async with uow:
        return await uow.collection_windows.find(limit=limit, offset=offset)


async def _window(year: int, uow: TopicsUnitOfWork) -> CollectionWindow:
    window = await uow.collection_windows.by_year(year)
    if window is None:
        raise NotFound("collection window for year", year)
    return window


# --- submissions --------------------------------------------------------------------------


@dataclass(frozen=True)
class SubmitProposal:
    year: int
    source: ProposalSource
    focus_area: str
    title: str
    rationale: str
    submitter_name: str
    submitter_contact: str | None = None
    # Who submitted, as an identifier (a deputy's id, a staff account); None for the public.
    submitter_ref: str | None = None


@dataclass(frozen=True)
class Submitted:
    proposal: Proposal
    tracking_secret: str


async def submit_proposal(
    command: SubmitProposal,
    group: GroupCommit[TopicsUnitOfWork],
    clock: Clock,
    focus_areas: FocusAreas,
    idempotency: IdempotentRequest | None = None,
) -> Submitted:
    """Record a proposal while the year's collection window takes it.

    Submissions are many and small (面向社会征题): concurrent ones share a transaction.
    """
    focus_areas.require(command.focus_area)

    async def submit(uow: TopicsUnitOfWork) -> Submitted:
        now = clock.now()
        window = await uow.collection_windows.by_year(command.year)
        if window is None:
            raise Conflict(
                f"no collection window for {command.year} exists: "
                f"supervision topics for {command.year} are not being collected"
            )
        window.require_accepting(local_date(now))
        proposal, secret = Proposal.submit(
            year=command.year,
            source=command.source,
            focus_area=command.focus_area,
            title=command.title,
            rationale=command.rationale,
            submitter_name=command.submitter_name,
            submitter_contact=command.submitter_contact,
            submitter_ref=command.submitter_ref,
            now=now,
        )
        uow.proposals.add(proposal)
        # A retry with the same Idempotency-Key must get the secret shown once.
        uow.record_created(proposal.id, tracking_secret=secret)
        return Submitted(proposal, secret)

    try:
        return await group.run(submit, idempotency=idempotency)
    except IntegrityError as exc:
        raise Conflict("a proposal with this tracking code exists; submit again") from exc


async def record_deputy_topic(
    envelope: Envelope[OpinionRaisedAsTopic],
    uow: TopicsUnitOfWork,
    clock: Clock,
    focus_areas: FocusAreas,
) -> bool:
    """A deputy raised a citizen's opinion as a topic (人大代表出题): record it as a proposal.

    Recorded whatever the window: the deputies service decided, and refusing an event would
    only send it to a dead-letter queue. Staff screen it like any other proposal. False when
    the event (or another raising the same opinion) was already recorded.
    """
    data = envelope.data
    async with uow:
        if not await uow.first_delivery(f"{SERVICE_NAME}.record_deputy_topic", envelope):
            return False
        if await uow.proposals.by_citizen_opinion(data.citizen_opinion_id) is not None:
            await uow.commit()  # keeps the inbox row: this delivery is done
            return False
        if data.focus_area not in focus_areas.labels:
            logger.warning(
                "deputy topic from citizen opinion %s names unknown focus area %r; recorded as is",
                data.citizen_opinion_id,
                data.focus_area,
            )
        proposal, _secret = Proposal.submit(
            year=data.year,
            source=ProposalSource.DEPUTY,
            focus_area=data.focus_area,
            title=data.title,
            rationale=data.rationale,
            # The event carries no names: the deputy is identified by id only.
            submitter_name=f"deputy {data.deputy_id}",
            submitter_contact=None,
            submitter_ref=str(data.deputy_id),
            citizen_opinion_id=data.citizen_opinion_id,
            now=clock.now(),
        )
        uow.proposals.add(proposal)
        await uow.commit()
    return True


# --- screening (筛选) --------------------------------------------------------------------------


async def get_proposal(proposal_id: uuid.UUID, uow: TopicsUnitOfWork) -> Proposal:
    async with uow:
        return await uow.proposals.get(proposal_id)


async def list_proposals(
    uow: TopicsUnitOfWork,
    *,
    year: int | None,
    source: ProposalSource | None,
    status: ProposalStatus | None,
    focus_area: str | None,
    limit: int,
    offset: int,
) -> tuple[Sequence[Proposal], int]:
    async with uow:
        return await uow.proposals.find(
            year=year,
            source=source,
            status=status,
            focus_area=focus_area,
            limit=limit,
            offset=offset,
        )


async def shortlist(proposal_id: uuid.UUID, uow: TopicsUnitOfWork, clock: Clock) -> Proposal:
    async with uow:
        proposal = await uow.proposals.get(proposal_id)
        proposal.shortlist(now=clock.now())
        await commit(uow, duplicate="unexpected duplicate")
    return proposal


async def merge(
    proposal_id: uuid.UUID, into: uuid.UUID, uow: TopicsUnitOfWork, clock: Clock
) -> tuple[Proposal, Proposal]:
    """Merge a duplicate into ``into``; returns (the merged one, the survivor)."""
    async with uow:
        duplicate = await uow.proposals.get(proposal_id)
        survivor = await uow.proposals.get(into)
        duplicate.merge_into(survivor, now=clock.now())
        await commit(uow, duplicate="unexpected duplicate")
    return duplicate, survivor


async def adopt(proposal_id: uuid.UUID, uow: TopicsUnitOfWork, clock: Clock) -> Proposal:
    async with uow:
        proposal = await uow.proposals.get(proposal_id)
        proposal.adopt(now=clock.now())
        await commit(uow, duplicate="unexpected duplicate")
    return proposal


async def decline(
    proposal_id: uuid.UUID, reason: str, uow: TopicsUnitOfWork, clock: Clock
) -> Proposal:
    async with uow:
        proposal = await uow.proposals.get(proposal_id)
        proposal.decline(reason=reason, now=clock.now())
        await commit(uow, duplicate="unexpected duplicate")
    return proposal


# --- the citizen's view ------------------------------------------------------------------------


@dataclass(frozen=True)
class Tracked:
    """A proposal as its submitter follows it: where it ended up and whether it is planned."""

    proposal: Proposal
    survivor: Proposal | None  # the proposal it was merged into (at the end of a chain)
    plan_item: PlanItem | None  # the plan item of the topic, once the plan is published


async def track_proposal(code: str, secret: str, uow: TopicsUnitOfWork) -> Tracked:
    """A citizen's view of their own proposal: code and secret must both match."""
    async with uow:
        proposal = await uow.proposals.by_tracking_code(code)
        if proposal is None or not proposal.verify_secret(secret):
            # Same answer for a wrong code and a wrong secret: codes cannot be probed.
            raise NotFound("proposal with tracking code", code)
        outcome, survivor = proposal, None
        for _ in range(MAX_MERGE_CHAIN):
            if outcome.merged_into is None:
                break
            outcome = survivor = await uow.proposals.get(outcome.merged_into)
        plan_item = (
            None if outcome.plan_item_id is None else await uow.plans.item(outcome.plan_item_id)
        )
        return Tracked(proposal, survivor, plan_item)
