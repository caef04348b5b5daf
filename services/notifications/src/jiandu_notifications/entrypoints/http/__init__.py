"""HTTP API of the notifications service, one router module per area."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter

from jiandu_notifications.entrypoints.http import deliveries, directory, inbox, subscribers
from jiandu_notifications.service_layer.context import Context
from jiandu_notifications.service_layer.unit_of_work import NotificationsUnitOfWork
from jiandu_shared.clock import Clock


def build_routers(uow: Callable[[], NotificationsUnitOfWork], clock: Clock) -> list[APIRouter]:
    ctx = Context.for_clock(clock)
    return [
        inbox.build_router(uow, ctx),
        directory.build_router(uow, ctx),
        subscribers.build_router(uow, ctx),
        deliveries.build_router(uow, ctx),
    ]
