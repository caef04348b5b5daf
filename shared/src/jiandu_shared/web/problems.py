"""RFC 9457 problem+json for every error; never a bare 500 for bad input.

An error that means the database cannot be reached (PostgreSQL stopped or restarting,
refusing connections, a connection dropped mid-request, SQLite's write lock timing out) is a
``503`` with ``Retry-After``: the client should come back, and the next request gets a fresh
connection (``pool_pre_ping``). Every other database error stays what it was (a programming
error is a 500; an integrity error the service did not turn into a 409 too).
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from typing import Any

import asyncpg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import exc as sa_exc
from starlette.exceptions import HTTPException as StarletteHTTPException

from jiandu_shared.correlation import current_correlation_id
from jiandu_shared.errors import Conflict, DomainError, InvalidTransition, NotFound, RuleViolation

logger = logging.getLogger("jiandu.http")

PROBLEM_JSON = "application/problem+json"

DATABASE_RETRY_AFTER_SECONDS = 2
DATABASE_UNAVAILABLE = "the database is unavailable; retry later"

# asyncpg errors that say the server cannot be reached or is going away, not that the SQL is
# wrong: connection refused/lost/rejected, starting up or shutting down, out of connections.
_ASYNCPG_UNAVAILABLE: tuple[type[BaseException], ...] = (
    asyncpg.exceptions.PostgresConnectionError,  # incl. ConnectionDoesNotExistError
    asyncpg.exceptions.CannotConnectNowError,
    asyncpg.exceptions.AdminShutdownError,
    asyncpg.exceptions.CrashShutdownError,
    asyncpg.exceptions.TooManyConnectionsError,
)
# Where a raw OSError (refused, reset, timed out, unknown host) must come from to count.
_DRIVER_MODULES = ("asyncpg", "sqlalchemy", "aiosqlite", "psycopg")
# Errors of the database layer itself.
_DRIVER_ERRORS: tuple[type[Exception], ...] = (
    sa_exc.SQLAlchemyError,
    asyncpg.exceptions.PostgresError,
    asyncpg.exceptions.InterfaceError,
    asyncpg.exceptions.InternalClientError,
    sqlite3.Error,
)
# The exception classes whose handler decides between 503 and "not ours".
_DATABASE_ERROR_CLASSES: tuple[type[Exception], ...] = (*_DRIVER_ERRORS, OSError)


def problem(status: int, title: str, detail: str, request: Request, **extra: Any) -> JSONResponse:
    body = {
        "type": f"https://jiandu.example/problems/{title.lower().replace(' ', '-')}",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
        "correlation_id": current_correlation_id(),
        **extra,
    }
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


def _readable(errors: list[Any]) -> tuple[str, list[dict[str, Any]]]:
    lines: list[dict[str, Any]] = []
    for error in errors:
        location = ".".join(str(part) for part in error.get("loc", ()) if part != "body")
        if error.get("type") == "json_invalid":
            reason = error.get("ctx", {}).get("error", "malformed")
            message = f"the body is not valid JSON: {reason} (at character {location or 0})"
            location = "body"
        else:
            message = str(error.get("msg", "invalid"))
        lines.append({"field": location or "body", "message": message})
    detail = "; ".join(f"{line['field']}: {line['message']}" for line in lines)
    return detail, lines


def database_unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` (or what it was raised from) means the database cannot be reached now."""
    return any(_unavailable(error) for error in _causes(exc))


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """``exc``, what it was explicitly raised from, the members of exception groups, and for a
    database error also what it was raised while handling (a rollback failing on a connection
    the server just dropped); a bug in an ``except`` block still counts as the bug it is."""
    seen: set[int] = set()
    pending = [exc]
    while pending:
        error = pending.pop()
        if id(error) in seen:
            continue
        seen.add(id(error))
        yield error
        if isinstance(error, BaseExceptionGroup):
            pending.extend(error.exceptions)
        if error.__cause__ is not None:
            pending.append(error.__cause__)
        if isinstance(error, sa_exc.DBAPIError) and isinstance(error.orig, BaseException):
            pending.append(error.orig)  # the driver's error (asyncpg's chained below it)
        if isinstance(error, _DRIVER_ERRORS) and error.__context__ is not None:
            pending.append(error.__context__)


def _unavailable(error: BaseException) -> bool:
    if isinstance(error, sa_exc.IntegrityError):
        return False  # the data, not the connection
    if isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated:
        return True  # the dialect recognised a disconnect
    if isinstance(error, sa_exc.DisconnectionError | sa_exc.TimeoutError):
        return True  # pre-ping found the connection dead; no pooled connection came free
    if isinstance(error, _ASYNCPG_UNAVAILABLE):
        return True
    if isinstance(error, sqlite3.OperationalError):
        return "is locked" in str(error)  # the busy timeout ran out waiting for the write lock
    if isinstance(error, OSError):
        return _raised_in_driver(error)
    return False


def _raised_in_driver(error: BaseException) -> bool:
    traceback = error.__traceback__
    while traceback is not None:
        module = str(traceback.tb_frame.f_globals.get("__name__", ""))
        if module.split(".", 1)[0] in _DRIVER_MODULES:
            return True
        traceback = traceback.tb_next
    return False


def database_unavailable_problem(request: Request) -> JSONResponse:
    response = problem(503, "Database unavailable", DATABASE_UNAVAILABLE, request)
    response.headers["Retry-After"] = str(DATABASE_RETRY_AFTER_SECONDS)
    return response


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        detail, errors = _readable(list(exc.errors()))
        return problem(422, "Invalid request", detail, request, errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        titles = {401: "Unauthorized", 403: "Forbidden", 404: "Not found", 405: "Not allowed"}
        response = problem(
            exc.status_code, titles.get(exc.status_code, "HTTP error"), str(exc.detail), request
        )
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> JSONResponse:
        return problem(404, "Not found", str(exc), request)

    @app.exception_handler(InvalidTransition)
    async def invalid_transition(request: Request, exc: InvalidTransition) -> JSONResponse:
        return problem(
            409,
            "Invalid transition",
            str(exc),
            request,
            current_state=exc.state,
            allowed_actions=exc.allowed,
        )

    @app.exception_handler(Conflict)
    async def conflict(request: Request, exc: Conflict) -> JSONResponse:
        return problem(409, "Conflict", str(exc), request)

    @app.exception_handler(RuleViolation)
    async def rule_violation(request: Request, exc: RuleViolation) -> JSONResponse:
        return problem(422, "Rule violated", str(exc), request)

    @app.exception_handler(DomainError)
    async def domain_error(request: Request, exc: DomainError) -> JSONResponse:
        return problem(400, "Bad request", str(exc), request)

    async def database_error(request: Request, exc: Exception) -> JSONResponse:
        if not database_unavailable(exc):
            raise exc  # not an outage: the 500 below answers it, as before
        logger.warning(
            "database unavailable on %s %s: %s: %s",
            request.method,
            request.url.path,
            type(exc).__name__,
            exc,
        )
        return database_unavailable_problem(request)

    for error_class in _DATABASE_ERROR_CLASSES:
        app.add_exception_handler(error_class, database_error)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        if database_unavailable(exc):  # e.g. wrapped by a middleware, or raised outside routes
            logger.warning("database unavailable on %s %s", request.method, request.url.path)
            return database_unavailable_problem(request)
        logger.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem(500, "Internal error", "an unexpected error occurred", request)
