"""The finance service as the kernel wires it."""

from __future__ import annotations

from jiandu_finance import SERVICE_NAME
from jiandu_finance.adapters import orm
from jiandu_finance.entrypoints import consumers, http, sweeps
from jiandu_finance.service_layer.unit_of_work import FinanceUnitOfWork
from jiandu_shared.service import ServiceSpec

SPEC = ServiceSpec(
    name=SERVICE_NAME,
    title="Jiandu finance",
    description="Full-scope budgets, execution monitoring, audit rectification, state assets, government debt, performance evaluation (全口径预算、预算联网监督、审计整改、国有资产、政府债务、绩效评价).",
    metadata=orm.metadata,
    migrations="jiandu_finance:migrations",
    start_mappers=orm.start_mappers,
    unit_of_work=FinanceUnitOfWork,
    register_consumers=consumers.register,
    routers=http.build_routers,
    sweeps=sweeps.build_sweeps,
)
