"""Subscribers (订阅方): partner agencies and departments receiving events as data.

Operators register a subscriber with its entitlement; the subscriber (a partner-agency token
whose organisation is the subscriber's code) may change its own subscriptions within it.
Secrets are shown once, when created, and never again.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Response, status
from pydantic import BaseModel, ConfigDict, Field, HttpUrl

from jiandu_notifications.domain.subscriber import (
    DeliveryMethod,
    Subscriber,
    SubscriberKind,
)
from jiandu_notifications.service_layer import digests, subscribers
from jiandu_notifications.service_layer.context import Context
from jiandu_notifications.service_layer.definitions import (
    Pattern,
    Secret,
    SubscriberIn,
    SubscriptionIn,
)
from jiandu_notifications.service_layer.unit_of_work import NotificationsUnitOfWork
from jiandu_shared.agencies import Agency
from jiandu_shared.contracts import Classification
from jiandu_shared.web.auth import Principal, Role, require
from jiandu_shared.web.idempotency import IdempotencyDep

Operator = Annotated[Principal, Depends(require())]
OperatorOrAgency = Annotated[Principal, Depends(require(Role.PARTNER_AGENCY))]
StaffOrAgency = Annotated[Principal, Depends(require(Role.COMMITTEE_STAFF, Role.PARTNER_AGENCY))]
CodePath = Annotated[str, Path(min_length=2, max_length=64, pattern=r"^[a-z0-9][a-z0-9_-]*$")]


class SubscriptionOut(BaseModel):
    pattern: str
    focus_areas: list[str]
    organ_ids: list[str]
    classifications: list[Classification]


class SecretOut(BaseModel):
    id: uuid.UUID
    created_at: datetime


class SubscriberOut(BaseModel):
    id: uuid.UUID
    code: str
    name: str
    kind: SubscriberKind
    method: DeliveryMethod
    agency: Agency | None
    webhook_url: str | None
    entitled_types: list[str]
    entitled_classifications: list[Classification]
    subscriptions: list[SubscriptionOut]
    secrets: list[SecretOut]
    active: bool
    created_at: datetime

    @classmethod
    def of(cls, s: Subscriber) -> SubscriberOut:
        return cls(
            id=s.id,
            code=s.code,
            name=s.name,
            kind=s.kind,
            method=s.method,
            agency=s.agency,
            webhook_url=s.webhook_url,
            entitled_types=s.entitled_types,
            entitled_classifications=s.entitled_classifications,
            subscriptions=[
                SubscriptionOut(
                    pattern=x.pattern,
                    focus_areas=list(x.focus_areas),
                    organ_ids=list(x.organ_ids),
                    classifications=list(x.classifications),
                )
                for x in s.subscriptions
            ],
            secrets=[SecretOut(id=k.id, created_at=k.created_at) for k in s.secrets],
            active=s.active,
            created_at=s.created_at,
        )


class CreatedSubscriber(SubscriberOut):
    secret: str = Field(description="The first signing secret: shown this once")


class SubscriberPage(BaseModel):
    items: list[SubscriberOut]
    total: int
    limit: int
    offset: int


class SubscriptionsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subscriptions: list[SubscriptionIn] = Field(min_length=1, max_length=100)


class EntitlementIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    entitled_types: list[Pattern] = Field(min_length=1, max_length=100)
    entitled_classifications: list[Classification] = Field(min_length=1, max_length=3)


class SecretIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    secret: Secret | None = Field(default=None, description="Generated when omitted")


class NewSecret(BaseModel):
    id: uuid.UUID
    secret: str = Field(description="Shown this once; sign with it beside the older ones")
    created_at: datetime


class WebhookChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    webhook_url: HttpUrl = Field(max_length=2000)


class JointMeetingOut(BaseModel):
    subscriber: str
    agency: Agency | None
    year: int
    quarter: int
    total: int
    delivered: int
    failed: int
    by_type: list[dict[str, object]]
    referrals: list[dict[str, str]]


def _own(who: Principal, code: str) -> None:
    """A partner agency manages only its own subscriber (its token's organisation)."""
    if who.role is Role.PARTNER_AGENCY and who.organisation != code:
        raise HTTPException(403, f"a partner agency manages its own subscriber only, not '{code}'")


def build_router(uow: Callable[[], NotificationsUnitOfWork], ctx: Context) -> APIRouter:
    router = APIRouter(tags=["subscribers"])

    @router.post(
        "/subscribers", status_code=status.HTTP_201_CREATED, summary="Register a subscriber"
    )
    async def register(
        body: SubscriberIn, _: Operator, response: Response, idempotency: IdempotencyDep
    ) -> CreatedSubscriber:
        created = idempotency.replay(response)
        if created is not None:
            async with uow() as unit:
                found = await unit.subscribers.get(uuid.UUID(created["id"]))
            return CreatedSubscriber(**SubscriberOut.of(found).model_dump(), secret="(shown once)")
        secret = body.secret or subscribers.new_secret(ctx).value
        unit = uow()
        unit.idempotency = idempotency.request
        subscriber = await subscribers.register(
            body.to_subscriber(ctx.clock.now(), secret), unit, ctx
        )
        return CreatedSubscriber(**SubscriberOut.of(subscriber).model_dump(), secret=secret)

    @router.get("/subscribers", summary="Subscribers")
    async def list_subscribers(
        _: Operator,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
        offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    ) -> SubscriberPage:
        async with uow() as unit:
            items, total = await unit.subscribers.all(limit=limit, offset=offset)
        return SubscriberPage(
            items=[SubscriberOut.of(s) for s in items], total=total, limit=limit, offset=offset
        )

    @router.get("/subscribers/{code}", summary="One subscriber")
    async def get_subscriber(code: CodePath, who: OperatorOrAgency) -> SubscriberOut:
        _own(who, code)
        async with uow() as unit:
            return SubscriberOut.of(await unit.subscribers.by_code(code))

    @router.put("/subscribers/{code}/subscriptions", summary="Replace the subscriptions")
    async def replace_subscriptions(
        code: CodePath, body: SubscriptionsIn, who: OperatorOrAgency
    ) -> SubscriberOut:
        _own(who, code)
        wanted = [s.to_subscription() for s in body.subscriptions]
        return SubscriberOut.of(await subscribers.replace_subscriptions(code, wanted, uow(), ctx))

    @router.put("/subscribers/{code}/entitlement", summary="Change what it may receive")
    async def entitle(code: CodePath, body: EntitlementIn, _: Operator) -> SubscriberOut:
        return SubscriberOut.of(
            await subscribers.entitle(
                code,
                list(body.entitled_types),
                list(body.entitled_classifications),
                uow(),
                ctx,
            )
        )

    @router.put("/subscribers/{code}/webhook", summary="Move the webhook")
    async def move_webhook(code: CodePath, body: WebhookChange, _: Operator) -> SubscriberOut:
        async with uow() as unit:
            subscriber = await unit.subscribers.by_code(code)
            subscriber.webhook_url = str(body.webhook_url)
            subscriber.check(ctx.catalogue_types)
            await unit.commit()
            return SubscriberOut.of(subscriber)

    @router.post("/subscribers/{code}/activate", summary="Resume deliveries")
    async def activate(code: CodePath, _: Operator) -> SubscriberOut:
        return SubscriberOut.of(await subscribers.set_active(code, True, uow()))

    @router.post("/subscribers/{code}/deactivate", summary="Pause deliveries")
    async def deactivate(code: CodePath, _: Operator) -> SubscriberOut:
        return SubscriberOut.of(await subscribers.set_active(code, False, uow()))

    @router.post(
        "/subscribers/{code}/secrets",
        status_code=status.HTTP_201_CREATED,
        summary="Add a signing secret (rotation: both sign until the old one is retired)",
    )
    async def add_secret(code: CodePath, body: SecretIn, _: Operator) -> NewSecret:
        _subscriber, secret = await subscribers.add_secret(code, uow(), ctx, body.secret)
        return NewSecret(id=secret.id, secret=secret.value, created_at=secret.created_at)

    @router.delete("/subscribers/{code}/secrets/{secret_id}", summary="Retire a signing secret")
    async def retire_secret(code: CodePath, secret_id: uuid.UUID, _: Operator) -> SubscriberOut:
        return SubscriberOut.of(await subscribers.retire_secret(code, secret_id, uow()))

    @router.get(
        "/joint-meetings/{code}/{year}/{quarter}",
        summary="Joint-meeting digest (联席会议): what was shared with an agency in a quarter",
    )
    async def joint_meeting(
        code: CodePath,
        year: Annotated[int, Path(ge=2000, le=2100)],
        quarter: Annotated[int, Path(ge=1, le=4)],
        who: StaffOrAgency,
    ) -> JointMeetingOut:
        _own(who, code)
        summary = await digests.joint_meeting(code, digests.Quarter(year, quarter), uow())
        return JointMeetingOut.model_validate(summary)

    return router
