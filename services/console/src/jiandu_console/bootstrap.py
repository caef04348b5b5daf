"""The console as a FastAPI app: pages, static files, upstream clients, readable errors."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from jiandu_console.adapters.upstream import UpstreamError
from jiandu_console.config import UPSTREAMS, ConsoleSettings
from jiandu_console.entrypoints.pages import build_routers
from jiandu_console.entrypoints.session import RoleRefused, SignInRequired, viewer
from jiandu_console.entrypoints.templating import render
from jiandu_shared.web.middleware import RequestContext

logger = logging.getLogger("jiandu.console")
STATIC = Path(__file__).resolve().parent / "static"


def bootstrap(
    settings: ConsoleSettings | None = None,
    transports: dict[str, httpx.AsyncBaseTransport] | None = None,
) -> FastAPI:
    """``transports`` lets tests route upstream calls to in-process apps."""
    settings = settings or ConsoleSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        clients = {
            name: httpx.AsyncClient(
                base_url=settings.upstream_url(name),
                timeout=settings.upstream_timeout_seconds,
                transport=(transports or {}).get(name),
            )
            for name in UPSTREAMS
        }
        app.state.clients = clients
        try:
            yield
        finally:
            for client in clients.values():
                await client.aclose()

    app = FastAPI(
        title="Jiandu console",
        description="Pages for citizens, staff, members, departments, finance and operators.",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.auth_secret = settings.platform.auth_secret
    app.add_middleware(RequestContext)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok", "service": "console"}

    @app.get("/readyz", include_in_schema=False)
    async def readyz() -> JSONResponse:
        # The console holds nothing itself; each page says when a service is unreachable.
        return JSONResponse({"status": "ready", "service": "console"})

    for router in build_routers():
        app.include_router(router)
    _install_error_pages(app)
    return app


def _error_page(request: Request, status: int, key: str, detail: str = "") -> Response:
    who = viewer(request)
    return render(request, who, "error.html", status_code=status, message=who.t(key), detail=detail)


def _install_error_pages(app: FastAPI) -> None:
    @app.exception_handler(SignInRequired)
    async def sign_in(request: Request, _exc: SignInRequired) -> Response:
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)

    @app.exception_handler(RoleRefused)
    async def refused(request: Request, _exc: RoleRefused) -> Response:
        return _error_page(request, 403, "error.forbidden")

    @app.exception_handler(UpstreamError)
    async def upstream(request: Request, exc: UpstreamError) -> Response:
        if exc.status == 401:
            return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
        if exc.status == 403:
            return _error_page(request, 403, "error.forbidden", exc.detail)
        if exc.status == 404:
            return _error_page(request, 404, "error.not_found")
        if exc.status >= 500:
            logger.warning("upstream failure: %s", exc)
            return _error_page(request, 503, "error.unavailable")
        return _error_page(request, exc.status, "error.title", exc.detail or exc.title)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        key = {404: "error.not_found", 403: "error.forbidden"}.get(exc.status_code, "error.title")
        return _error_page(
            request, exc.status_code, key, "" if exc.status_code == 404 else str(exc.detail)
        )

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        fields = ", ".join(
            ".".join(str(p) for p in e.get("loc", ()) if p not in ("body", "query", "path"))
            + f": {e.get('msg', '')}"
            for e in exc.errors()
        )
        return _error_page(request, 422, "form.fix_errors", fields)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        logger.exception("console page failed", exc_info=exc)
        return _error_page(request, 500, "error.title")


__all__ = ["bootstrap"]
