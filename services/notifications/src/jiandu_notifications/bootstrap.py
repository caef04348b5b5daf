"""The notifications service as the kernel wires it."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from jiandu_notifications import SERVICE_NAME
from jiandu_notifications.adapters import orm, tracing
from jiandu_notifications.adapters.channels import Senders
from jiandu_notifications.adapters.channels.settings import ChannelSettings
from jiandu_notifications.entrypoints import consumers, http, sweeps
from jiandu_notifications.service_layer.context import Context
from jiandu_notifications.service_layer.delivering import DeliveryDispatcher, Sender
from jiandu_notifications.service_layer.provisioning import provision
from jiandu_notifications.service_layer.unit_of_work import NotificationsUnitOfWork
from jiandu_shared.clock import Clock
from jiandu_shared.messaging.broker import declare_agency_topology
from jiandu_shared.messaging.consumer import EventRouter
from jiandu_shared.runtime import ServiceRuntime, Worker
from jiandu_shared.service import ServiceSpec

logger = logging.getLogger("jiandu.notifications")


class Provisioner:
    """At start, apply the directory and subscriber files an operator declared, once."""

    name = "provisioning"

    def __init__(self, uow: Callable[[], NotificationsUnitOfWork], ctx: Context) -> None:
        self._uow, self._ctx = uow, ctx

    async def run(self) -> None:
        directory = self._ctx.settings.provision_dir
        if directory is None:
            return
        try:
            done = await provision(directory, self._uow(), self._ctx)
        except Exception:
            logger.exception("provisioning from %s failed; fix the files and restart", directory)
            return
        logger.info("provisioned from %s: %s", directory, done)

    def stop(self) -> None:
        pass


def _register(
    events: EventRouter, uow: Callable[[], NotificationsUnitOfWork], clock: Clock
) -> None:
    consumers.register(events, uow, Context.for_clock(clock))


def _workers(
    runtime: ServiceRuntime, uow: Callable[[], NotificationsUnitOfWork], clock: Clock
) -> Sequence[Worker]:
    ctx = Context.for_clock(clock)
    senders: list[Senders] = []

    async def sender() -> Sender:
        if not senders:
            senders.append(Senders.build(ChannelSettings(), runtime.broker))
        return senders[0]

    return [Provisioner(uow, ctx), DeliveryDispatcher(uow, sender, ctx)]


SPEC = ServiceSpec(
    name=SERVICE_NAME,
    title="Jiandu notifications",
    description="Delivery of notifications, reminders and escalations on every channel; "
    "partner-agency subscriptions for coordinated supervision (贯通协同).",
    metadata=orm.metadata,
    migrations="jiandu_notifications:migrations",
    start_mappers=orm.start_mappers,
    unit_of_work=NotificationsUnitOfWork,
    register_consumers=_register,
    routers=http.build_routers,
    sweeps=sweeps.build_sweeps,
    topology=declare_agency_topology,
    workers=_workers,
    trace=tracing.trace_source,
)
