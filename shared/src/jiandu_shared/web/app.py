"""The FastAPI app of a service: lifespan, health, correlation ids, problems, telemetry."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import JSONResponse

from jiandu_shared import telemetry
from jiandu_shared.contracts import CATALOGUE
from jiandu_shared.correlation import CORRELATION_HEADER, correlation_scope, new_correlation_id
from jiandu_shared.runtime import ServiceRuntime
from jiandu_shared.tracing import TraceSource
from jiandu_shared.web import operations
from jiandu_shared.web.problems import install_problem_handlers, problem

logger = logging.getLogger("jiandu.http")


def create_app(
    runtime: ServiceRuntime,
    routers: Sequence[APIRouter],
    *,
    title: str,
    description: str,
    trace: TraceSource | None = None,
) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await runtime.start()
        try:
            yield
        finally:
            await runtime.stop()

    app = FastAPI(title=title, description=description, version="0.1.0", lifespan=lifespan)
    app.state.runtime = runtime
    app.state.auth_secret = runtime.settings.platform.auth_secret
    install_problem_handlers(app)

    @app.middleware("http")
    async def correlation(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        incoming = request.headers.get(CORRELATION_HEADER, "").strip()
        correlation_id = incoming if 0 < len(incoming) <= 128 else new_correlation_id()
        with correlation_scope(correlation_id, origin=f"{request.method} {request.url.path}"):
            response = await call_next(request)
        response.headers[CORRELATION_HEADER] = correlation_id
        return response

    @app.middleware("http")
    async def refuse_nul_characters(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        # PostgreSQL cannot store NUL in text; refuse it up front rather than fail at commit.
        if _has_nul(request.url.path) or "%00" in request.url.query:
            return problem(422, "Invalid request", NUL_MESSAGE, request)
        if request.method in {"POST", "PUT", "PATCH"}:
            body = await request.body()
            if b"\x00" in body or (b"\\u0000" in body and _json_has_nul(body)):
                return problem(422, "Invalid request", NUL_MESSAGE, request)
        return await call_next(request)

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
    telemetry.instrument_app(app, runtime.tracer_provider)
    return app


NUL_MESSAGE = "text must not contain NUL characters (\\u0000)"


def _has_nul(text: str) -> bool:
    return "\x00" in text


def _json_has_nul(body: bytes) -> bool:
    try:
        document = json.loads(body)
    except ValueError:
        return False  # not JSON: validation answers it

    def walk(value: Any) -> bool:
        if isinstance(value, str):
            return _has_nul(value)
        if isinstance(value, dict):
            return any(walk(k) or walk(v) for k, v in value.items())
        if isinstance(value, list):
            return any(walk(v) for v in value)
        return False

    return walk(document)


async def _broker_ready(runtime: ServiceRuntime) -> bool:
    try:
        return await runtime.broker_ready()
    except Exception:
        return False
