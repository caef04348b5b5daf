"""RFC 9457 problem+json for every error; never a bare 500 for bad input.

An error that means the database cannot be reached (PostgreSQL stopped or restarting,
refusing connections, a connection dropped mid-request, SQLite's write lock timing out) is a
``503`` with ``Retry-After``: the client should come back, and the next request gets a fresh
connection (a failed connection drops the pool). Every other database error stays what it was (a programming
error is a 500; an integrity error the service did not turn into a 409 too).
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from jiandu_shared.correlation import current_correlation_id
from jiandu_shared.errors import Conflict, DomainError, InvalidTransition, NotFound, RuleViolation
from jiandu_shared.storage.availability import DATABASE_ERROR_CLASSES, database_unavailable

logger = logging.getLogger("jiandu.http")

PROBLEM_JSON = "application/problem+json"

DATABASE_RETRY_AFTER_SECONDS = 2
DATABASE_UNAVAILABLE = "the database is unavailable; retry later"


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

    for error_class in DATABASE_ERROR_CLASSES:
        app.add_exception_handler(error_class, database_error)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        if database_unavailable(exc):  # e.g. wrapped by a middleware, or raised outside routes
            logger.warning("database unavailable on %s %s", request.method, request.url.path)
            return database_unavailable_problem(request)
        logger.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem(500, "Internal error", "an unexpected error occurred", request)
