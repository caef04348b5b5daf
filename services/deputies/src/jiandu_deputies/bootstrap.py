"""The deputies service as the kernel wires it."""

from __future__ import annotations

from jiandu_deputies import SERVICE_NAME
from jiandu_deputies.adapters import orm
from jiandu_deputies.entrypoints import consumers, http, sweeps
from jiandu_deputies.service_layer.unit_of_work import DeputiesUnitOfWork
from jiandu_shared.service import ServiceSpec

SPEC = ServiceSpec(
    name=SERVICE_NAME,
    title="Jiandu deputies",
    description="Deputy liaison, citizens' opinions, deputy suggestions, liaison stations, legislative contact points, micro projects (代表联络、民情民意、代表建议、联络站、基层立法联系点、微实事).",
    metadata=orm.metadata,
    migrations="jiandu_deputies:migrations",
    start_mappers=orm.start_mappers,
    unit_of_work=DeputiesUnitOfWork,
    register_consumers=consumers.register,
    routers=http.build_routers,
    sweeps=sweeps.build_sweeps,
)
