"""The topics service as the kernel wires it."""

from __future__ import annotations

from jiandu_shared.service import ServiceSpec
from jiandu_topics import SERVICE_NAME
from jiandu_topics.adapters import orm
from jiandu_topics.entrypoints import consumers, http, sweeps
from jiandu_topics.service_layer.unit_of_work import TopicsUnitOfWork

SPEC = ServiceSpec(
    name=SERVICE_NAME,
    title="Jiandu topics",
    description="Supervision topics, annual plan, special inquiries and the closed loop on "
    "deliberation opinions (监督议题、年度计划、专题询问、审议意见闭环).",
    metadata=orm.metadata,
    migrations="jiandu_topics:migrations",
    start_mappers=orm.start_mappers,
    unit_of_work=TopicsUnitOfWork,
    register_consumers=consumers.register,
    routers=http.build_routers,
    sweeps=sweeps.build_sweeps,
)
