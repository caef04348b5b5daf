"""Operators: a flow's timeline by correlation id; dead-letter queues with peek and replay."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from jiandu_console.adapters.upstream import UpstreamError
from jiandu_console.config import UPSTREAMS
from jiandu_console.domain import labels_members_finance_ops  # noqa: F401  (registers labels)
from jiandu_console.entrypoints.session import Viewer, viewer
from jiandu_console.entrypoints.templating import render
from jiandu_shared.tracing import TraceEntry, timeline
from jiandu_shared.web.auth import Role

QUEUE = r"^[0-9A-Za-z_.:\-]{1,200}$"
Queue = Annotated[str, Path(pattern=QUEUE)]


def _service(name: str) -> str:
    if name not in UPSTREAMS:
        raise HTTPException(404)
    return name


async def _each_service(
    who: Viewer, path: str, **params: Any
) -> tuple[dict[str, Any], dict[str, str]]:
    """Every service's answer to ``path``; those that failed, with why."""
    answers: dict[str, Any] = {}
    failed: dict[str, str] = {}
    for service in UPSTREAMS:
        try:
            answers[service] = await who.upstream.get(service, path, **params)
        except UpstreamError as exc:
            if exc.status == 401:
                raise
            failed[service] = f"{exc.status} {exc.detail or exc.title}"
    return answers, failed


def build_router() -> APIRouter:
    router = APIRouter()

    @router.get("/operator", response_class=HTMLResponse)
    async def trace(
        request: Request,
        who: Annotated[Viewer, Depends(viewer)],
        cid: Annotated[str, Query(max_length=128)] = "",
    ) -> Response:
        who.require(Role.OPERATOR)
        cid = cid.strip()
        entries: list[TraceEntry] = []
        failed: dict[str, str] = {}
        if cid:
            answers, failed = await _each_service(who, f"/ops/trace/{quote(cid, safe='')}")
            for service_entries in answers.values():
                entries.extend(TraceEntry.model_validate(e) for e in service_entries)
        queues, queue_failures = await _each_service(who, "/ops/dead-letters")
        return render(
            request,
            who,
            "operator/index.html",
            cid=cid,
            entries=timeline(entries),
            services=sorted({e.service for e in entries}),
            failed=failed,
            queues=queues,
            queue_failures=queue_failures,
        )

    @router.get("/operator/dead-letters/{service}/{queue}", response_class=HTMLResponse)
    async def peek(
        request: Request,
        service: str,
        queue: Queue,
        who: Annotated[Viewer, Depends(viewer)],
        replayed: Annotated[int | None, Query(ge=0)] = None,
    ) -> Response:
        who.require(Role.OPERATOR)
        service = _service(service)
        messages = await who.upstream.get(service, f"/ops/dead-letters/{queue}", limit=20)
        return render(
            request,
            who,
            "operator/dead_letters.html",
            service=service,
            queue=queue,
            messages=messages,
            replayed=replayed,
        )

    @router.post("/operator/dead-letters/{service}/{queue}/replay")
    async def replay(
        service: str, queue: Queue, who: Annotated[Viewer, Depends(viewer)]
    ) -> Response:
        who.require(Role.OPERATOR)
        service = _service(service)
        done = await who.upstream.post(service, f"/ops/dead-letters/{queue}/replay")
        count = int((done or {}).get("replayed", 0))
        return RedirectResponse(
            f"/operator/dead-letters/{service}/{queue}?replayed={count}", status_code=303
        )

    return router
