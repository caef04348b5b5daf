"""Departments: what is assigned to them, with deadlines, and implementation reports.

Each service filters by the token's ``org`` (the department's organisation id): topics'
deliberation opinions assigned to the organ, deputies' citizen opinions transferred to it and
suggestions it leads or co-handles, finance's audit findings it must rectify. The console only
shows what the services return for this token.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

import jiandu_console.domain.labels_department
import jiandu_console.domain.labels_portal  # noqa: F401  (state labels shared with the portal)
from jiandu_console.adapters.upstream import UpstreamError
from jiandu_console.entrypoints.pages.portal import failure, form_of, optional
from jiandu_console.entrypoints.session import Viewer, viewer
from jiandu_console.entrypoints.templating import render
from jiandu_console.service_layer import portal as view
from jiandu_shared.calendar import local_date
from jiandu_shared.clock import utcnow
from jiandu_shared.web.auth import Role

LIST_LIMIT = 100
REPORT_LIMIT = 20_000  # topics: an implementation report's summary
REPLY_LIMIT = 5000  # deputies: a department's reply, a suggestion's reply or input
RECTIFICATION_LIMIT = 5000
RECT_STATUSES = ("not_rectified", "in_progress", "partly_rectified", "rectified")


Who = Annotated[Viewer, Depends(viewer)]


def build_router() -> APIRouter:
    router = APIRouter(prefix="/department")

    def today() -> Any:
        return local_date(utcnow())

    def organisation(who: Viewer) -> str:
        principal = who.require(Role.DEPARTMENT)
        return principal.organisation or ""

    @router.get("", response_class=HTMLResponse)
    async def worklist(request: Request, who: Who) -> Response:
        org = organisation(who)
        if not org and who.role is Role.DEPARTMENT:
            return render(
                request, who, "department/index.html", items=[], failed=[], truncated=[], org=""
            )
        day = today()
        items: list[view.WorkItem] = []
        failed: list[str] = []
        truncated: list[str] = []
        sources = (
            ("opinion", "topics", "/opinions"),
            ("citizen_opinion", "deputies", "/citizen-opinions"),
            ("suggestion", "deputies", "/suggestions"),
            ("finding", "finance", "/audit-findings"),
        )
        for kind, service, path in sources:
            try:
                page = await who.upstream.get(service, path, limit=LIST_LIMIT)
            except UpstreamError as error:
                if error.status == 401:
                    raise
                failed.append(kind)
                continue
            if int(page.get("total") or 0) > len(page["items"]):
                truncated.append(kind)
            for raw in page["items"]:
                if kind == "opinion":
                    items.append(view.topic_opinion_item(raw, day))
                elif kind == "citizen_opinion":
                    items.append(view.citizen_opinion_item(raw, day))
                elif kind == "suggestion":
                    items.append(view.suggestion_item(raw, day, org))
                else:
                    items.append(view.finding_item(raw, day))
        return render(
            request,
            who,
            "department/index.html",
            items=view.worklist(items),
            failed=failed,
            truncated=truncated,
            limit=LIST_LIMIT,
            org=org,
        )

    # --- deliberation opinions (topics) ---------------------------------------------------------

    async def opinion_page(
        request: Request,
        who: Viewer,
        opinion_id: uuid.UUID,
        values: dict[str, str],
        errors: dict[str, str],
        status: int = 200,
    ) -> Response:
        opinion = await who.upstream.get("topics", f"/opinions/{opinion_id}")
        due, provisional = view.deadline_of(opinion)
        item = view.topic_opinion_item(opinion, today())
        return render(
            request,
            who,
            "department/opinion.html",
            status_code=status,
            opinion=opinion,
            item=item,
            due=due,
            provisional=provisional,
            values=values,
            errors=errors,
            day=view.day,
            limit=REPORT_LIMIT,
        )

    @router.get("/opinions/{opinion_id}", response_class=HTMLResponse)
    async def opinion(request: Request, who: Who, opinion_id: uuid.UUID) -> Response:
        organisation(who)
        return await opinion_page(request, who, opinion_id, {}, {})

    @router.post("/opinions/{opinion_id}/acknowledge", response_class=HTMLResponse)
    async def acknowledge(request: Request, who: Who, opinion_id: uuid.UUID) -> Response:
        organisation(who)
        try:
            await who.upstream.post("topics", f"/opinions/{opinion_id}/acknowledge")
        except UpstreamError as error:
            if error.status != 409:
                raise
            return await opinion_page(request, who, opinion_id, {}, failure(who, error), 409)
        return RedirectResponse(f"/department/opinions/{opinion_id}?done=ack", status_code=303)

    @router.post("/opinions/{opinion_id}/report", response_class=HTMLResponse)
    async def report(request: Request, who: Who, opinion_id: uuid.UUID) -> Response:
        organisation(who)
        values = await form_of(request)
        try:
            await who.upstream.post(
                "topics",
                f"/opinions/{opinion_id}/report",
                json={"summary": values.get("summary", "")},
            )
        except UpstreamError as error:
            if error.status not in (409, 422):
                raise
            return await opinion_page(request, who, opinion_id, values, failure(who, error), 422)
        return RedirectResponse(f"/department/opinions/{opinion_id}?done=report", status_code=303)

    # --- citizens' opinions transferred (deputies) --------------------------------------------

    async def citizen_page(
        request: Request,
        who: Viewer,
        opinion_id: uuid.UUID,
        values: dict[str, str],
        errors: dict[str, str],
        status: int = 200,
    ) -> Response:
        opinion = await who.upstream.get("deputies", f"/citizen-opinions/{opinion_id}")
        return render(
            request,
            who,
            "department/citizen_opinion.html",
            status_code=status,
            opinion=opinion,
            item=view.citizen_opinion_item(opinion, today()),
            timeline=view.opinion_timeline(opinion),
            values=values,
            errors=errors,
            day=view.day,
            limit=REPLY_LIMIT,
        )

    @router.get("/citizen-opinions/{opinion_id}", response_class=HTMLResponse)
    async def citizen_opinion(request: Request, who: Who, opinion_id: uuid.UUID) -> Response:
        organisation(who)
        return await citizen_page(request, who, opinion_id, {}, {})

    @router.post("/citizen-opinions/{opinion_id}/reply", response_class=HTMLResponse)
    async def citizen_reply(request: Request, who: Who, opinion_id: uuid.UUID) -> Response:
        organisation(who)
        values = await form_of(request)
        try:
            await who.upstream.post(
                "deputies",
                f"/citizen-opinions/{opinion_id}/department-reply",
                json={"reply": values.get("reply", "")},
            )
        except UpstreamError as error:
            if error.status not in (409, 422):
                raise
            return await citizen_page(request, who, opinion_id, values, failure(who, error), 422)
        return RedirectResponse(
            f"/department/citizen-opinions/{opinion_id}?done=reply", status_code=303
        )

    # --- deputy suggestions (deputies) ----------------------------------------------------------

    async def suggestion_page(
        request: Request,
        who: Viewer,
        suggestion_id: uuid.UUID,
        values: dict[str, str],
        errors: dict[str, str],
        status: int = 200,
    ) -> Response:
        org = organisation(who)
        suggestion = await who.upstream.get("deputies", f"/suggestions/{suggestion_id}")
        return render(
            request,
            who,
            "department/suggestion.html",
            status_code=status,
            suggestion=suggestion,
            item=view.suggestion_item(suggestion, today(), org),
            role=view.suggestion_role(suggestion, org),
            values=values,
            errors=errors,
            day=view.day,
            limit=REPLY_LIMIT,
        )

    @router.get("/suggestions/{suggestion_id}", response_class=HTMLResponse)
    async def suggestion(request: Request, who: Who, suggestion_id: uuid.UUID) -> Response:
        return await suggestion_page(request, who, suggestion_id, {}, {})

    @router.post("/suggestions/{suggestion_id}/{action}", response_class=HTMLResponse)
    async def suggestion_action(
        request: Request, who: Who, suggestion_id: uuid.UUID, action: str
    ) -> Response:
        organisation(who)
        path = {"reply": "reply", "input": "co-handling-input"}.get(action)
        if path is None:
            return RedirectResponse(f"/department/suggestions/{suggestion_id}", status_code=303)
        values = await form_of(request)
        try:
            await who.upstream.post(
                "deputies",
                f"/suggestions/{suggestion_id}/{path}",
                json={"content": values.get("content", "")},
            )
        except UpstreamError as error:
            if error.status not in (409, 422):
                raise
            return await suggestion_page(
                request, who, suggestion_id, values, failure(who, error), 422
            )
        return RedirectResponse(
            f"/department/suggestions/{suggestion_id}?done={action}", status_code=303
        )

    # --- audit findings (finance) -------------------------------------------------------------

    async def finding_page(
        request: Request,
        who: Viewer,
        finding_id: uuid.UUID,
        values: dict[str, str],
        errors: dict[str, str],
        status: int = 200,
    ) -> Response:
        finding = await who.upstream.get("finance", f"/audit-findings/{finding_id}")
        return render(
            request,
            who,
            "department/finding.html",
            status_code=status,
            finding=finding,
            item=view.finding_item(finding, today()),
            statuses=[(s, who.t(f"rect.{s}")) for s in RECT_STATUSES],
            values=values,
            errors=errors,
            day=view.day,
            limit=RECTIFICATION_LIMIT,
        )

    @router.get("/findings/{finding_id}", response_class=HTMLResponse)
    async def finding(request: Request, who: Who, finding_id: uuid.UUID) -> Response:
        organisation(who)
        return await finding_page(request, who, finding_id, {}, {})

    @router.post("/findings/{finding_id}/rectifications", response_class=HTMLResponse)
    async def rectify(request: Request, who: Who, finding_id: uuid.UUID) -> Response:
        organisation(who)
        values = await form_of(request)
        body = {
            "status": values.get("status", ""),
            "rectified_amount": values.get("rectified_amount", "").strip(),
            "recovered_amount": optional(values.get("recovered_amount")) or "0.00",
            "summary": values.get("summary", ""),
        }
        try:
            await who.upstream.post(
                "finance", f"/audit-findings/{finding_id}/rectifications", json=body
            )
        except UpstreamError as error:
            if error.status not in (409, 422):
                raise
            return await finding_page(request, who, finding_id, values, failure(who, error), 422)
        return RedirectResponse(f"/department/findings/{finding_id}?done=rectify", status_code=303)

    return router
