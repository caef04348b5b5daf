"""The FastAPI app of a service: lifespan, health, correlation ids, problems, telemetry."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.responses import JSONResponse

from jiandu_shared import telemetry
from jiandu_shared.contracts import CATALOGUE
from jiandu_shared.runtime import ServiceRuntime
from jiandu_shared.tracing import TraceSource
from jiandu_shared.web import operations
from jiandu_shared.web.middleware import RequestContext
from jiandu_shared.web.openapi import state_text_rules
from jiandu_shared.web.problems import install_problem_handlers

logger = logging.getLogger("jiandu.http")

# Set on ``app.state`` by ``jiandu_shared.service.serve``: the app is the process's server.
SERVING = "serving"


def create_app(
    runtime: ServiceRuntime,
    routers: Sequence[APIRouter],
    *,
    title: str,
    description: str,
    trace: TraceSource | None = None,
) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await runtime.start()
        if getattr(app.state, SERVING, False):
            # Start-up made most of what the process will hold (modules, models, migrations,
            # the catalogue): frozen, they are no longer walked by every full collection, which
            # under load paused a service for 100-230 ms every few seconds (issue 9). Only in a
            # served process: tests start many apps in one.
            gc.collect()
            gc.freeze()
        try:
            yield
        finally:
            await runtime.stop()

    app = FastAPI(
        title=title,
        description=description,
        version="0.1.0",
        lifespan=lifespan,
        # FastAPI's native telemetry asks the global providers on every request (env lookups,
        # ~5% of a request in issue 9's profile); spans come from the instrumentor below when
        # they are exported, and from nowhere otherwise.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.runtime = runtime
    app.state.auth_secret = runtime.settings.platform.auth_secret
    install_problem_handlers(app)
    state_text_rules(app)

    app.add_middleware(RequestContext)

    @app.get("/healthz", tags=["operations"], summary="The process is alive")
    async def healthz() -> dict[str, str]:
        return {"status": "ok", "service": runtime.name}

    @app.get("/readyz", tags=["operations"], summary="Database and broker are reachable")
    async def readyz() -> JSONResponse:
        checks: dict[str, Any] = {}
        try:
            await runtime.database.ping()
            checks["database"] = "ok"
        except Exception as exc:
            checks["database"] = f"unreachable: {type(exc).__name__}"
        if await _broker_ready(runtime):
            checks["broker"] = "ok"
        else:
            checks["broker"] = f"not connected: {runtime.broker_error or 'connecting'}"
        ready = all(v == "ok" for v in checks.values())
        return JSONResponse(
            {"status": "ready" if ready else "not ready", "service": runtime.name, **checks},
            status_code=200 if ready else 503,
        )

    @app.get("/events/catalogue", tags=["operations"], summary="The contracts catalogue")
    async def catalogue() -> list[dict[str, Any]]:
        return CATALOGUE.describe()

    for router in [*routers, operations.build_router(runtime, trace)]:
        app.include_router(router)
    if runtime.exporting:
        telemetry.instrument_app(app, runtime.tracer_provider)
    return app


async def _broker_ready(runtime: ServiceRuntime) -> bool:
    try:
        return await runtime.broker_ready()
    except Exception:
        return False
