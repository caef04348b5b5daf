"""The deputies service as the kernel wires it."""

from __future__ import annotations

from jiandu_deputies import SERVICE_NAME
from jiandu_deputies.adapters import orm
from jiandu_deputies.entrypoints import consumers, http
from jiandu_deputies.service_layer.unit_of_work import DeputiesUnitOfWork
from jiandu_shared.service import ServiceSpec

SPEC = ServiceSpec(
    name=SERVICE_NAME,
    title="Jiandu deputies",
    description="Deputy liaison, citizens' opinions, deputy suggestions (代表联络、民情民意、代表建议).",
    metadata=orm.metadata,
    migrations="jiandu_deputies:migrations",
    start_mappers=orm.start_mappers,
    unit_of_work=DeputiesUnitOfWork,
    register_consumers=consumers.register,
    routers=lambda uow, clock: [http.build_router(uow, clock)],
)
