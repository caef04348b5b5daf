"""Supervision-topic proposals (监督议题建议) collected each year from five sources and screened.

Screening (筛选) shortlists proposals, merges duplicates into one that keeps every source and
submitter, adopts topics (立项) or declines them with a reason; the annual plan then includes
the adopted ones. Every step is a transition of one table, so an action the current state does
not allow fails with the state and the actions it does allow.

Pure domain: no framework imports. Aggregates collect the events they raise in ``events``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TypedDict

from jiandu_shared.contracts import EventData
from jiandu_shared.contracts.topics import (
    ProposalAdopted,
    ProposalDeclined,
    ProposalIncludedInPlan,
    ProposalMerged,
    ProposalShortlisted,
    ProposalSource,
    ProposalSubmitted,
)
from jiandu_shared.errors import RuleViolation
from jiandu_shared.state_machine import TransitionTable


class ProposalStatus(StrEnum):
    SUBMITTED = "submitted"
    SHORTLISTED = "shortlisted"  # 初选入围
    ADOPTED = "adopted"  # 立项: a topic of the year, waiting for the plan
    DECLINED = "declined"  # 未采纳, with a reason
    MERGED = "merged"  # a duplicate, merged into another proposal
    INCLUDED_IN_PLAN = "included_in_plan"  # in the published annual supervision plan


class ProposalAction(StrEnum):
    SHORTLIST = "shortlist"
    MERGE = "merge"  # this proposal is a duplicate of another
    ABSORB = "absorb"  # this proposal takes in a duplicate
    ADOPT = "adopt"
    DECLINE = "decline"
    INCLUDE_IN_PLAN = "include_in_plan"


_S, _A = ProposalStatus, ProposalAction

# The one transition table: state -> action -> the state it leads to.
TRANSITIONS: TransitionTable[ProposalStatus, ProposalAction] = TransitionTable(
    "proposal",
    {
        _S.SUBMITTED: {
            _A.SHORTLIST: _S.SHORTLISTED,
            _A.MERGE: _S.MERGED,
            _A.ABSORB: _S.SUBMITTED,
            _A.ADOPT: _S.ADOPTED,
            _A.DECLINE: _S.DECLINED,
        },
        _S.SHORTLISTED: {
            _A.MERGE: _S.MERGED,
            _A.ABSORB: _S.SHORTLISTED,
            _A.ADOPT: _S.ADOPTED,
            _A.DECLINE: _S.DECLINED,
        },
        # A late duplicate of an adopted topic still joins it, so its submitter hears the outcome.
        _S.ADOPTED: {_A.ABSORB: _S.ADOPTED, _A.INCLUDE_IN_PLAN: _S.INCLUDED_IN_PLAN},
        _S.DECLINED: {},
        _S.MERGED: {},
        _S.INCLUDED_IN_PLAN: {},
    },
)

MAX_REASON = 1000


class _Facts(TypedDict):
    """What every screening event says about the proposal it concerns."""

    proposal_id: uuid.UUID
    tracking_code: str
    year: int
    source: ProposalSource
    submitter_ref: str | None


def new_tracking_code() -> str:
    """Short, unambiguous code a citizen can read out on the phone (no 0/O, 1/I)."""
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    return "JD-" + "".join(secrets.choice(alphabet) for _ in range(10))


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class ProposalRef:
    """A source and submitter a proposal speaks for: its own, or a merged duplicate's."""

    proposal_id: uuid.UUID
    source: ProposalSource
    tracking_code: str
    submitter_name: str
    submitter_ref: str | None


class Proposal:
    """A proposed supervision topic (监督议题建议) with its source and submitter."""

    WHAT = "proposal"

    def __init__(
        self,
        *,
        id: uuid.UUID,
        year: int,
        source: ProposalSource,
        focus_area: str,
        title: str,
        rationale: str,
        submitter_name: str,
        submitter_contact: str | None,
        tracking_code: str,
        secret_hash: str,
        submitted_at: datetime,
        status: ProposalStatus = ProposalStatus.SUBMITTED,
        submitter_ref: str | None = None,
        citizen_opinion_id: uuid.UUID | None = None,
        merged_refs: tuple[ProposalRef, ...] = (),
    ) -> None:
        self.id = id
        self.year = year
        self.source = source
        self.focus_area = focus_area
        self.title = title
        self.rationale = rationale
        self.submitter_name = submitter_name
        self.submitter_contact = submitter_contact
        # Who submitted, as an identifier (deputy id, staff account); None for the public.
        self.submitter_ref = submitter_ref
        self.tracking_code = tracking_code
        self.secret_hash = secret_hash
        self.submitted_at = submitted_at
        self.status = status
        # The citizen's opinion a deputy raised as this topic (deputies service), if any.
        self.citizen_opinion_id = citizen_opinion_id
        self.merged_refs: tuple[ProposalRef, ...] = merged_refs
        self.merged_into: uuid.UUID | None = None
        self.decline_reason: str | None = None
        self.decided_at: datetime | None = None
        self.plan_id: uuid.UUID | None = None
        self.plan_item_id: uuid.UUID | None = None
        self.included_at: datetime | None = None
        self.events: list[EventData] = []

    @classmethod
    def submit(
        cls,
        *,
        year: int,
        source: ProposalSource,
        focus_area: str,
        title: str,
        rationale: str,
        submitter_name: str,
        submitter_contact: str | None,
        now: datetime,
        submitter_ref: str | None = None,
        citizen_opinion_id: uuid.UUID | None = None,
        id: uuid.UUID | None = None,
    ) -> tuple[Proposal, str]:
        """Record a new proposal; returns it with the tracking secret shown once to the submitter."""
        secret = secrets.token_urlsafe(12)
        proposal = cls(
            id=id or uuid.uuid4(),
            year=year,
            source=source,
            focus_area=focus_area,
            title=title,
            rationale=rationale,
            submitter_name=submitter_name,
            submitter_contact=submitter_contact,
            tracking_code=new_tracking_code(),
            secret_hash=hash_secret(secret),
            submitted_at=now,
            submitter_ref=submitter_ref,
            citizen_opinion_id=citizen_opinion_id,
        )
        # Facts and identifiers only: the submitter's name and contact stay in this service.
        proposal.events.append(
            ProposalSubmitted(
                proposal_id=proposal.id,
                tracking_code=proposal.tracking_code,
                year=year,
                source=source,
                focus_area=focus_area,
                title=title,
            )
        )
        return proposal, secret

    def verify_secret(self, secret: str) -> bool:
        return hmac.compare_digest(self.secret_hash, hash_secret(secret))

    # --- queries ------------------------------------------------------------------------

    @property
    def own_ref(self) -> ProposalRef:
        return ProposalRef(
            self.id, self.source, self.tracking_code, self.submitter_name, self.submitter_ref
        )

    @property
    def refs(self) -> tuple[ProposalRef, ...]:
        """Every source and submitter this proposal speaks for, its own first."""
        return (self.own_ref, *self.merged_refs)

    @property
    def sources(self) -> tuple[ProposalSource, ...]:
        return tuple(dict.fromkeys(ref.source for ref in self.refs))

    def allowed_actions(self) -> frozenset[ProposalAction]:
        return TRANSITIONS.allowed(self.status)

    # --- the state machine --------------------------------------------------------------

    def _require(self, action: ProposalAction) -> None:
        TRANSITIONS.require(self.status, action)

    def _move(self, action: ProposalAction) -> None:
        self.status = TRANSITIONS.move(self.status, action)

    def _facts(self) -> _Facts:
        return {
            "proposal_id": self.id,
            "tracking_code": self.tracking_code,
            "year": self.year,
            "source": self.source,
            "submitter_ref": self.submitter_ref,
        }

    def shortlist(self, *, now: datetime) -> None:
        self._require(ProposalAction.SHORTLIST)
        self._move(ProposalAction.SHORTLIST)
        self.decided_at = now
        self.events.append(ProposalShortlisted(**self._facts(), shortlisted_at=now))

    def merge_into(self, survivor: Proposal, *, now: datetime) -> None:
        """This proposal duplicates ``survivor``, which keeps every source and submitter of it."""
        if survivor.id == self.id:
            raise RuleViolation("a proposal cannot be merged into itself")
        if survivor.year != self.year:
            raise RuleViolation(
                f"proposals of different years cannot be merged ({self.year} into {survivor.year})"
            )
        self._require(ProposalAction.MERGE)
        survivor._require(ProposalAction.ABSORB)
        # A new tuple, not an append: the stored value changes only by assignment.
        survivor.merged_refs = (*survivor.merged_refs, *self.refs)
        survivor._move(ProposalAction.ABSORB)
        self._move(ProposalAction.MERGE)
        self.merged_into = survivor.id
        self.decided_at = now
        self.events.append(ProposalMerged(**self._facts(), merged_into=survivor.id, merged_at=now))

    def adopt(self, *, now: datetime) -> None:
        self._require(ProposalAction.ADOPT)
        self._move(ProposalAction.ADOPT)
        self.decided_at = now
        self.events.append(
            ProposalAdopted(
                **self._facts(),
                focus_area=self.focus_area,
                title=self.title,
                sources=self.sources,
                adopted_at=now,
            )
        )

    def decline(self, *, reason: str, now: datetime) -> None:
        reason = reason.strip()
        if not reason or len(reason) > MAX_REASON:
            raise RuleViolation(
                f"declining a proposal needs a reason of 1 to {MAX_REASON} characters"
            )
        self._require(ProposalAction.DECLINE)
        self._move(ProposalAction.DECLINE)
        self.decline_reason = reason
        self.decided_at = now
        self.events.append(
            ProposalDeclined(**self._facts(), title=self.title, reason=reason, declined_at=now)
        )

    def include_in_plan(
        self, *, plan_id: uuid.UUID, plan_item_id: uuid.UUID, item_title: str, now: datetime
    ) -> None:
        """The published plan holds this topic: tell its own source and every merged one."""
        self._require(ProposalAction.INCLUDE_IN_PLAN)
        self._move(ProposalAction.INCLUDE_IN_PLAN)
        self.plan_id = plan_id
        self.plan_item_id = plan_item_id
        self.included_at = now
        for ref in self.refs:
            self.events.append(
                ProposalIncludedInPlan(
                    proposal_id=ref.proposal_id,
                    tracking_code=ref.tracking_code,
                    year=self.year,
                    source=ref.source,
                    submitter_ref=ref.submitter_ref,
                    title=item_title,
                    plan_id=plan_id,
                    plan_item_id=plan_item_id,
                    merged_into=None if ref.proposal_id == self.id else self.id,
                    included_at=now,
                )
            )
