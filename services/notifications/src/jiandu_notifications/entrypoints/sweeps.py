"""Scheduled work of the notifications service: ladders, digests, joint-meeting digests."""

from __future__ import annotations

from collections.abc import Callable

from jiandu_notifications.service_layer import digests, ladders
from jiandu_notifications.service_layer.context import Context
from jiandu_notifications.service_layer.unit_of_work import NotificationsUnitOfWork
from jiandu_shared.clock import Clock
from jiandu_shared.scheduling import Sweep


def build_sweeps(uow: Callable[[], NotificationsUnitOfWork], clock: Clock) -> list[Sweep]:
    ctx = Context.for_clock(clock)
    settings = ctx.settings

    async def climb_ladders() -> int:
        return await ladders.sweep(uow(), ctx)

    async def send_digests() -> int:
        return await digests.send_due_digests(uow(), ctx)

    async def send_joint_meeting_digests() -> int:
        return await digests.send_joint_meeting_digests(uow(), ctx)

    return [
        Sweep("escalation-ladders", settings.ladder_sweep_seconds, climb_ladders),
        Sweep("digests", settings.digest_sweep_seconds, send_digests),
        Sweep("joint-meeting-digests", settings.digest_sweep_seconds, send_joint_meeting_digests),
    ]
