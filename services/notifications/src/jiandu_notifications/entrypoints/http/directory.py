"""The directory (通讯录) of organs, committees, members and deputies: who is reached how.

Contact data lives here and nowhere else on the platform; only staff and operators see it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status
from pydantic import BaseModel, ConfigDict, Field

from jiandu_notifications.domain.directory import DigestFrequency, Locale, Recipient
from jiandu_notifications.domain.notification import RecipientRole
from jiandu_notifications.domain.outgoing import ChannelKind
from jiandu_notifications.service_layer import directory
from jiandu_notifications.service_layer.context import Context
from jiandu_notifications.service_layer.definitions import Email, Phone, RecipientIn
from jiandu_notifications.service_layer.unit_of_work import NotificationsUnitOfWork
from jiandu_shared.web.auth import Principal, Role, require
from jiandu_shared.web.idempotency import IdempotencyDep

Staff = Annotated[Principal, Depends(require(Role.COMMITTEE_STAFF))]


class RecipientOut(BaseModel):
    id: uuid.UUID
    role: RecipientRole
    ref: str | None
    name: str
    email: str | None
    phone: str | None
    channels: list[ChannelKind]
    locale: Locale
    digest: DigestFrequency
    active: bool

    @classmethod
    def of(cls, r: Recipient) -> RecipientOut:
        return cls.model_validate(r, from_attributes=True)


class RecipientPage(BaseModel):
    items: list[RecipientOut]
    total: int
    limit: int
    offset: int


class RecipientChange(BaseModel):
    """Fields to change; the ones left out keep their values."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=200)
    email: Email | None = None
    phone: Phone | None = None
    channels: list[ChannelKind] | None = Field(default=None, max_length=2)
    locale: Locale | None = None
    digest: DigestFrequency | None = None
    active: bool | None = None


def build_router(uow: Callable[[], NotificationsUnitOfWork], ctx: Context) -> APIRouter:
    router = APIRouter(tags=["directory"])

    @router.post(
        "/recipients", status_code=status.HTTP_201_CREATED, summary="Add a directory entry"
    )
    async def add_recipient(
        body: RecipientIn, _: Staff, response: Response, idempotency: IdempotencyDep
    ) -> RecipientOut:
        created = idempotency.replay(response)
        if created is not None:
            return RecipientOut.of(await directory.get(uuid.UUID(created["id"]), uow()))
        unit = uow()
        unit.idempotency = idempotency.request
        return RecipientOut.of(await directory.add(body.to_recipient(), unit))

    @router.get("/recipients", summary="Directory entries, by role and ref")
    async def list_recipients(
        _: Staff,
        role: RecipientRole | None = None,
        ref: Annotated[str | None, Query(min_length=1, max_length=128)] = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 50,
        offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    ) -> RecipientPage:
        items, total = await directory.find(uow(), role=role, ref=ref, limit=limit, offset=offset)
        return RecipientPage(
            items=[RecipientOut.of(r) for r in items], total=total, limit=limit, offset=offset
        )

    @router.get("/recipients/{recipient_id}", summary="One directory entry")
    async def get_recipient(recipient_id: uuid.UUID, _: Staff) -> RecipientOut:
        return RecipientOut.of(await directory.get(recipient_id, uow()))

    @router.patch("/recipients/{recipient_id}", summary="Change a directory entry")
    async def change_recipient(
        recipient_id: uuid.UUID, body: RecipientChange, _: Staff
    ) -> RecipientOut:
        changes = body.model_dump(exclude_unset=True)
        return RecipientOut.of(await directory.update(recipient_id, changes, uow()))

    return router
