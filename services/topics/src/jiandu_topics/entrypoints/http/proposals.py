"""HTTP API of the topics service."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Header, status
from pydantic import BaseModel, ConfigDict, Field

from jiandu_shared.clock import Clock
from jiandu_shared.contracts.topics import ProposalSource
from jiandu_shared.web.auth import Principal, Role, require
from jiandu_topics.domain.model import Proposal, ProposalStatus
from jiandu_topics.service_layer import handlers
from jiandu_topics.service_layer.unit_of_work import TopicsUnitOfWork

Text = Annotated[str, Field(min_length=1)]


class ProposalIn(BaseModel):
    """A supervision-topic proposal (监督议题建议)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    year: int = Field(ge=2000, le=2100, description="Collection year")
    source: ProposalSource = ProposalSource.PUBLIC
    focus_area: Annotated[str, Field(min_length=1, max_length=100)]
    title: Annotated[str, Field(min_length=1, max_length=200)]
    rationale: Annotated[str, Field(min_length=1, max_length=5000)]
    submitter_name: Annotated[str, Field(min_length=1, max_length=100)]
    submitter_contact: Annotated[str | None, Field(max_length=200)] = None


class ProposalOut(BaseModel):
    id: uuid.UUID
    year: int
    source: ProposalSource
    focus_area: str
    title: str
    rationale: str
    status: ProposalStatus
    tracking_code: str
    submitted_at: datetime

    @classmethod
    def of(cls, p: Proposal) -> ProposalOut:
        return cls(
            id=p.id,
            year=p.year,
            source=p.source,
            focus_area=p.focus_area,
            title=p.title,
            rationale=p.rationale,
            status=p.status,
            tracking_code=p.tracking_code,
            submitted_at=p.submitted_at,
        )


class ProposalReceipt(ProposalOut):
    tracking_secret: str = Field(
        description="Shown once: with the tracking code it lets the submitter follow the proposal"
    )


def build_router(uow: Callable[[], TopicsUnitOfWork], clock: Clock) -> APIRouter:
    router = APIRouter(tags=["proposals"])

    @router.post(
        "/proposals",
        status_code=status.HTTP_201_CREATED,
        summary="Submit a supervision-topic proposal (public: 面向社会征题)",
    )
    async def submit_proposal(body: ProposalIn) -> ProposalReceipt:
        submitted = await handlers.submit_proposal(
            handlers.SubmitProposal(**body.model_dump()), uow(), clock
        )
        return ProposalReceipt(
            **ProposalOut.of(submitted.proposal).model_dump(),
            tracking_secret=submitted.tracking_secret,
        )

    @router.get("/proposals/track/{tracking_code}", summary="A citizen tracks their proposal")
    async def track_proposal(
        tracking_code: str,
        secret: Annotated[str, Header(alias="X-Tracking-Secret", min_length=1)],
    ) -> ProposalOut:
        return ProposalOut.of(await handlers.track_proposal(tracking_code, secret, uow()))

    @router.get("/proposals/{proposal_id}", summary="One proposal (committee staff)")
    async def get_proposal(
        proposal_id: uuid.UUID,
        _: Annotated[Principal, Depends(require(Role.COMMITTEE_STAFF, Role.COMMITTEE_MEMBER))],
    ) -> ProposalOut:
        return ProposalOut.of(await handlers.get_proposal(proposal_id, uow()))

    return router
