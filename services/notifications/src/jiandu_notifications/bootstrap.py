"""The notifications service as the kernel wires it."""

from __future__ import annotations

from jiandu_notifications import SERVICE_NAME
from jiandu_notifications.adapters import orm
from jiandu_notifications.entrypoints import consumers, http
from jiandu_notifications.service_layer.unit_of_work import NotificationsUnitOfWork
from jiandu_shared.service import ServiceSpec

SPEC = ServiceSpec(
    name=SERVICE_NAME,
    title="Jiandu notifications",
    description="Delivery of notifications, reminders and escalations; partner-agency "
    "subscriptions for coordinated supervision (贯通协同).",
    metadata=orm.metadata,
    migrations="jiandu_notifications:migrations",
    start_mappers=orm.start_mappers,
    unit_of_work=NotificationsUnitOfWork,
    register_consumers=consumers.register,
    routers=lambda uow, clock: [http.build_router(uow, clock)],
)
