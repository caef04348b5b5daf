"""Calls to the four services' APIs with the user's token and the request's correlation id.

Each failure becomes an ``UpstreamError`` carrying the service's problem+json, so pages can
show a readable message next to the field a 422 names, and never a stack trace.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from jiandu_shared.correlation import CORRELATION_HEADER


@dataclass
class UpstreamError(Exception):
    """A service answered with an error (or could not be reached: status 503)."""

    service: str
    status: int
    title: str
    detail: str = ""
    # field name -> message, from a 422's validation errors (the last element of ``loc``)
    field_errors: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.service} answered {self.status}: {self.detail or self.title}"


def _field_errors(body: Mapping[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    for error in body.get("errors") or []:
        if not isinstance(error, Mapping):
            continue
        loc = error.get("loc") or error.get("field") or ()
        if isinstance(loc, str):
            name = loc
        else:
            parts = [str(p) for p in loc if p not in ("body", "query", "path")]
            name = ".".join(parts) if parts else ""
        message = str(error.get("msg") or error.get("reason") or error.get("message") or "")
        if name and message and name not in errors:
            errors[name] = message
    return errors


def error_from(service: str, response: httpx.Response) -> UpstreamError:
    try:
        body = response.json()
    except ValueError:
        body = {}
    if not isinstance(body, Mapping):
        body = {}
    return UpstreamError(
        service=service,
        status=response.status_code,
        title=str(body.get("title") or response.reason_phrase),
        detail=str(body.get("detail") or ""),
        field_errors=_field_errors(body),
    )


class Upstream:
    """One user's view of the services for one request."""

    def __init__(
        self,
        clients: Mapping[str, httpx.AsyncClient],
        token: str | None,
        correlation_id: str | None,
    ) -> None:
        self._clients = clients
        self._headers: dict[str, str] = {}
        if token:
            self._headers["Authorization"] = f"Bearer {token}"
        if correlation_id:
            self._headers[CORRELATION_HEADER] = correlation_id

    async def request(
        self,
        service: str,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        client = self._clients[service]
        clean = {k: v for k, v in (params or {}).items() if v is not None and v != ""}
        try:
            response = await client.request(
                method,
                path,
                params=clean,
                json=json,
                content=content,
                headers={**self._headers, **(headers or {})},
            )
        except httpx.HTTPError as exc:
            raise UpstreamError(service, 503, "unreachable", f"{type(exc).__name__}") from exc
        if response.status_code >= 400:
            raise error_from(service, response)
        return response

    async def get(self, service: str, path: str, **params: Any) -> Any:
        return (await self.request(service, "GET", path, params=params)).json()

    async def post(self, service: str, path: str, json: Any = None, **kwargs: Any) -> Any:
        response = await self.request(service, "POST", path, json=json, **kwargs)
        return response.json() if response.content else None

    async def put(self, service: str, path: str, json: Any = None) -> Any:
        response = await self.request(service, "PUT", path, json=json)
        return response.json() if response.content else None
