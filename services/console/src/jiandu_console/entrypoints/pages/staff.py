"""Committee staff: screening proposals, the annual plan, the opinions board, reports, statistics.

Every page asks for ``committee_staff`` (operators too); topics enforces the same roles again.
Forms post here, the console calls topics, then redirects (Post/Redirect/Get); a refusal
(422 or 409) re-renders the page with the message next to the field it is about.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Annotated, Any
from urllib.parse import parse_qs, urlparse

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from jiandu_console.adapters.upstream import UpstreamError
from jiandu_console.domain import labels_staff  # noqa: F401  (registers the labels)
from jiandu_console.entrypoints.pages.core import safe_next
from jiandu_console.entrypoints.session import Viewer, viewer
from jiandu_console.entrypoints.templating import render
from jiandu_console.service_layer import staff as views
from jiandu_shared.calendar import local_date
from jiandu_shared.web.auth import Role

Who = Annotated[Viewer, Depends(viewer)]
YearQuery = Annotated[int | None, Query(ge=2000, le=2100)]
Errors = dict[str, str]
Year = Annotated[int, Form(ge=2000, le=2100)]
Back = Annotated[str, Form(max_length=500)]

PROPOSAL_STATUSES = (
    "submitted",
    "shortlisted",
    "adopted",
    "declined",
    "merged",
    "included_in_plan",
)
PROPOSAL_SOURCES = ("party_committee", "state_organs", "committee_liaison", "deputy", "public")
METHODS = (
    "work_report_deliberation",
    "law_enforcement_inspection",
    "special_inquiry",
    "inspection_visit",
    "special_deliberation",
    "work_supervision_three_questions",
    "performance_review",
)
# The board's one-click staff steps of the loop: topics' action -> its endpoint under the opinion.
OPINION_STEPS: dict[str, str] = {
    "open_evaluation": "evaluation/open",
    "close_evaluation": "evaluation/close",
    "circulate_notice": "notice",
    "reopen_for_second_handling": "second-handling",
    "publish_feedback": "feedback",
    "close": "close",
}
MERGE_TARGETS = frozenset({"submitted", "shortlisted", "adopted"})
PAGE = 100
BOARD_PAGES = 3  # topics answers 100 opinions a page: the board shows up to 300


def _today() -> date:
    today: date = local_date(datetime.now(UTC))  # the date in China
    return today


def _refusal(exc: UpstreamError) -> Errors:
    """What to show for a refused change: field messages, or the service's sentence."""
    if exc.status not in (409, 422):
        raise exc
    errors = {k.split(".")[0]: v for k, v in exc.field_errors.items()}
    if not errors:
        errors["_"] = exc.detail or exc.title
    return errors


async def _organs(who: Viewer) -> dict[str, str]:
    """Organ id -> name from the notifications directory's department entries (best effort:
    without it the pages show ids, and staff type them)."""
    try:
        found = await who.upstream.get("notifications", "/recipients", role="department", limit=500)
    except UpstreamError:
        return {}
    return {
        str(r["ref"]): str(r["name"])
        for r in found.get("items", [])
        if r.get("ref") and r.get("active", True)
    }


def _back(target: str, fallback: str) -> str:
    target = safe_next(target)
    return target if target.startswith("/staff") else fallback


def build_router() -> APIRouter:
    router = APIRouter(prefix="/staff")

    @router.get("", response_class=HTMLResponse)
    async def staff_home(request: Request, who: Who) -> Response:
        who.require(Role.COMMITTEE_STAFF)
        return render(request, who, "staff/index.html", section="")

    # --- proposals ------------------------------------------------------------------------

    async def proposals_page(
        request: Request,
        who: Viewer,
        *,
        year: int,
        status: str | None,
        source: str | None,
        focus_area: str | None,
        offset: int,
        errors: dict[str, Errors] | None = None,
        kept: dict[str, dict[str, str]] | None = None,
        status_code: int = 200,
        back: str | None = None,
    ) -> Response:
        listed = await who.upstream.get(
            "topics",
            "/proposals",
            year=year,
            status=status,
            source=source,
            focus_area=focus_area,
            limit=PAGE,
            offset=offset,
        )
        everything = await who.upstream.get("topics", "/proposals", year=year, limit=200)
        areas = await who.upstream.get("topics", "/focus-areas")
        titles = {p["id"]: p["title"] for p in everything["items"]}
        targets = [
            (p["id"], p["title"]) for p in everything["items"] if p["status"] in MERGE_TARGETS
        ]
        if back is None:  # where a form sends the staff back to: this very list
            back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return render(
            request,
            who,
            "staff/proposals.html",
            status_code=status_code,
            section="proposals",
            year=year,
            status=status or "",
            source=source or "",
            focus_area=focus_area or "",
            page=listed,
            offset=offset,
            limit=PAGE,
            statuses=PROPOSAL_STATUSES,
            sources=PROPOSAL_SOURCES,
            areas={a["code"]: a["label"] for a in areas},
            titles=titles,
            targets=targets,
            errors=errors or {},
            kept=kept or {},
            back=back,
        )

    @router.get("/proposals", response_class=HTMLResponse)
    async def proposals(
        request: Request,
        who: Who,
        year: YearQuery = None,
        status: Annotated[str | None, Query(max_length=40)] = None,
        source: Annotated[str | None, Query(max_length=40)] = None,
        focus_area: Annotated[str | None, Query(max_length=100)] = None,
        offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    ) -> Response:
        who.require(Role.COMMITTEE_STAFF)
        return await proposals_page(
            request,
            who,
            year=year or _today().year + 1,
            status=status if status in PROPOSAL_STATUSES else None,
            source=source if source in PROPOSAL_SOURCES else None,
            focus_area=focus_area or None,
            offset=offset,
        )

    async def screen(
        request: Request,
        who: Viewer,
        proposal_id: uuid.UUID,
        action: str,
        back: str,
        year: int,
        body: dict[str, Any] | None = None,
        errors: Errors | None = None,
    ) -> Response:
        target = _back(back, f"/staff/proposals?year={year}")
        kept = {str(proposal_id): {k: str(v) for k, v in (body or {}).items()}}
        if not errors:
            try:
                await who.upstream.post("topics", f"/proposals/{proposal_id}/{action}", json=body)
                return RedirectResponse(target, status_code=303)
            except UpstreamError as exc:
                errors = _refusal(exc)
                status_code = exc.status
        else:
            status_code = 422
        query = {k: v[0] for k, v in parse_qs(urlparse(target).query).items()}
        return await proposals_page(
            request,
            who,
            year=year,
            status=query.get("status") if query.get("status") in PROPOSAL_STATUSES else None,
            source=query.get("source") if query.get("source") in PROPOSAL_SOURCES else None,
            focus_area=query.get("focus_area") or None,
            offset=int(query["offset"]) if query.get("offset", "").isdigit() else 0,
            errors={str(proposal_id): errors},
            kept=kept,
            status_code=status_code,
            back=target,
        )

    @router.post("/proposals/{proposal_id}/shortlist", response_class=HTMLResponse)
    async def shortlist(
        request: Request, who: Who, proposal_id: uuid.UUID, year: Year, back: Back = ""
    ) -> Response:
        who.require(Role.COMMITTEE_STAFF)
        return await screen(request, who, proposal_id, "shortlist", back, year)

    @router.post("/proposals/{proposal_id}/adopt", response_class=HTMLResponse)
    async def adopt(
        request: Request, who: Who, proposal_id: uuid.UUID, year: Year, back: Back = ""
    ) -> Response:
        who.require(Role.COMMITTEE_STAFF)
        return await screen(request, who, proposal_id, "adopt", back, year)

    @router.post("/proposals/{proposal_id}/merge", response_class=HTMLResponse)
    async def merge(
        request: Request,
        who: Who,
        proposal_id: uuid.UUID,
        year: Year,
        into: Annotated[str, Form(max_length=100)] = "",
        back: Back = "",
    ) -> Response:
        who.require(Role.COMMITTEE_STAFF)
        target = views.parse_uuid(into)
        errors = {"into": who.t("staff.error.required")} if target is None else None
        return await screen(
            request, who, proposal_id, "merge", back, year, {"into": target or into}, errors
        )

    @router.post("/proposals/{proposal_id}/decline", response_class=HTMLResponse)
    async def decline(
        request: Request,
        who: Who,
        proposal_id: uuid.UUID,
        year: Year,
        reason: Annotated[str, Form(max_length=1000)] = "",
        back: Back = "",
    ) -> Response:
        who.require(Role.COMMITTEE_STAFF)
        reason = reason.strip()
        errors = {"reason": who.t("staff.error.required")} if not reason else None
        return await screen(
            request, who, proposal_id, "decline", back, year, {"reason": reason}, errors
        )

    # --- the annual plan ------------------------------------------------------------------

    async def plan_page(
        request: Request,
        who: Viewer,
        year: int,
        *,
        errors: Errors | None = None,
        form: dict[str, Any] | None = None,
        status_code: int = 200,
    ) -> Response:
        found = await who.upstream.get("topics", "/plans", year=year, limit=1)
        plan = None
        if found["items"]:
            plan = await who.upstream.get("topics", f"/plans/{found['items'][0]['id']}")
        adopted = await who.upstream.get(
            "topics", "/proposals", year=year, status="adopted", limit=200
        )
        areas = await who.upstream.get("topics", "/focus-areas")
        in_plan = {i["proposal_id"] for i in (plan or {}).get("items", [])}
        waiting = [p for p in adopted["items"] if p["id"] not in in_plan]
        return render(
            request,
            who,
            "staff/plan.html",
            status_code=status_code,
            section="plan",
            year=year,
            plan=plan,
            waiting=waiting,
            methods=METHODS,
            areas={a["code"]: a["label"] for a in areas},
            errors=errors or {},
            form=form or {"methods": []},
            organs=await _organs(who),
        )

    @router.get("/plan", response_class=HTMLResponse)
    async def plan(request: Request, who: Who, year: YearQuery = None) -> Response:
        who.require(Role.COMMITTEE_STAFF)
        return await plan_page(request, who, year or _today().year + 1)

    @router.post("/plan", response_class=HTMLResponse)
    async def draft_plan(
        request: Request,
        who: Who,
        year: Year,
        title: Annotated[str, Form(max_length=200)] = "",
    ) -> Response:
        who.require(Role.COMMITTEE_STAFF)
        body: dict[str, Any] = {"year": year}
        if title.strip():
            body["title"] = title.strip()
        try:
            await who.upstream.post("topics", "/plans", json=body)
        except UpstreamError as exc:
            return await plan_page(request, who, year, errors=_refusal(exc), status_code=exc.status)
        return RedirectResponse(f"/staff/plan?year={year}", status_code=303)

    @router.post("/plan/{plan_id}/items", response_class=HTMLResponse)
    async def add_item(
        request: Request,
        who: Who,
        plan_id: uuid.UUID,
        year: Year,
        proposal_id: Annotated[str, Form(max_length=100)] = "",
        committee_id: Annotated[str, Form(max_length=100)] = "",
        target_organ_ids: Annotated[str, Form(max_length=4000)] = "",
        methods: Annotated[list[str] | None, Form()] = None,
        planned_month: Annotated[str, Form(max_length=2)] = "",
        planned_quarter: Annotated[str, Form(max_length=1)] = "",
    ) -> Response:
        who.require(Role.COMMITTEE_STAFF)
        chosen = [m for m in (methods or []) if m in METHODS]
        form = {
            "proposal_id": proposal_id,
            "committee_id": committee_id,
            "target_organ_ids": target_organ_ids,
            "methods": chosen,
            "planned_month": planned_month,
            "planned_quarter": planned_quarter,
        }
        errors: Errors = {}
        proposal = views.parse_uuid(proposal_id)
        if proposal is None:
            errors["proposal_id"] = who.t("staff.error.required")
        committee = views.parse_uuid(committee_id)
        if committee is None:
            errors["committee_id"] = who.t("staff.error.uuid")
        organs, bad = views.parse_uuid_list(target_organ_ids)
        if bad or not organs:
            errors["target_organ_ids"] = who.t("staff.error.uuid") + (
                f": {', '.join(bad[:3])}" if bad else ""
            )
        if not chosen:
            errors["methods"] = who.t("staff.error.methods")
        body: dict[str, Any] = {
            "proposal_id": proposal,
            "committee_id": committee,
            "target_organ_ids": organs,
            "methods": chosen,
        }
        if planned_month.isdigit():
            body["planned_month"] = int(planned_month)
        if planned_quarter.isdigit():
            body["planned_quarter"] = int(planned_quarter)
        if "planned_month" not in body and "planned_quarter" not in body:
            errors["planned_month"] = who.t("staff.error.required")
        if not errors:
            try:
                await who.upstream.post("topics", f"/plans/{plan_id}/items", json=body)
                return RedirectResponse(f"/staff/plan?year={year}", status_code=303)
            except UpstreamError as exc:
                errors = _refusal(exc)
                return await plan_page(
                    request, who, year, errors=errors, form=form, status_code=exc.status
                )
        return await plan_page(request, who, year, errors=errors, form=form, status_code=422)

    @router.post("/plan/{plan_id}/publish", response_class=HTMLResponse)
    async def publish_plan(request: Request, who: Who, plan_id: uuid.UUID, year: Year) -> Response:
        who.require(Role.COMMITTEE_STAFF)
        try:
            await who.upstream.post("topics", f"/plans/{plan_id}/publish")
        except UpstreamError as exc:
            return await plan_page(request, who, year, errors=_refusal(exc), status_code=exc.status)
        return RedirectResponse(f"/staff/plan?year={year}", status_code=303)

    # --- the opinions board ---------------------------------------------------------------

    async def board_page(
        request: Request,
        who: Viewer,
        year: int,
        *,
        errors: dict[str, Errors] | None = None,
        kept: dict[str, dict[str, str]] | None = None,
        status_code: int = 200,
    ) -> Response:
        items: list[dict[str, Any]] = []
        total = 0
        for n in range(BOARD_PAGES):
            page = await who.upstream.get(
                "topics", "/opinions", year=year, limit=100, offset=n * 100
            )
            items.extend(page["items"])
            total = page["total"]
            if len(items) >= total:
                break
        today = _today()
        return render(
            request,
            who,
            "staff/opinions.html",
            status_code=status_code,
            section="opinions",
            year=year,
            board=views.board(items, today),
            today=today,
            shown=len(items),
            total=total,
            errors=errors or {},
            kept=kept or {},
            organs=await _organs(who),
            steps=OPINION_STEPS,
        )

    @router.get("/opinions", response_class=HTMLResponse)
    async def opinions(request: Request, who: Who, year: YearQuery = None) -> Response:
        who.require(Role.COMMITTEE_STAFF)
        return await board_page(request, who, year or _today().year)

    @router.post("/opinions/{opinion_id}/assign", response_class=HTMLResponse)
    async def assign(
        request: Request,
        who: Who,
        opinion_id: uuid.UUID,
        year: Year,
        organ_id: Annotated[str, Form(max_length=100)] = "",
        period: Annotated[str, Form(max_length=10)] = "",
    ) -> Response:
        who.require(Role.COMMITTEE_STAFF)
        key = str(opinion_id)
        kept = {key: {"organ_id": organ_id, "period": period}}
        errors: Errors = {}
        organ = views.parse_uuid(organ_id)
        if organ is None:
            errors["organ_id"] = who.t("staff.error.uuid")
        body: dict[str, Any] = {"organ_id": organ}
        if period.strip():
            if period.strip().isdigit() and 1 <= int(period) <= 1000:
                body["period"] = {"amount": int(period), "unit": "working_days"}
            else:
                errors["period"] = who.t("staff.error.period")
        if not errors:
            try:
                await who.upstream.post("topics", f"/opinions/{opinion_id}/assign", json=body)
                return RedirectResponse(f"/staff/opinions?year={year}", status_code=303)
            except UpstreamError as exc:
                status_code = exc.status
                errors = _refusal(exc)
        else:
            status_code = 422
        return await board_page(
            request, who, year, errors={key: errors}, kept=kept, status_code=status_code
        )

    @router.post("/opinions/{opinion_id}/steps/{action}", response_class=HTMLResponse)
    async def opinion_step(
        request: Request, who: Who, opinion_id: uuid.UUID, action: str, year: Year
    ) -> Response:
        who.require(Role.COMMITTEE_STAFF)
        endpoint = OPINION_STEPS.get(action)
        if endpoint is None:
            raise HTTPException(404)
        try:
            await who.upstream.post("topics", f"/opinions/{opinion_id}/{endpoint}")
        except UpstreamError as exc:
            return await board_page(
                request,
                who,
                year,
                errors={str(opinion_id): _refusal(exc)},
                status_code=exc.status,
            )
        return RedirectResponse(f"/staff/opinions?year={year}#opinion-{opinion_id}", 303)

    # --- supervision reports --------------------------------------------------------------

    @router.get("/reports", response_class=HTMLResponse)
    async def reports(
        request: Request,
        who: Who,
        year: YearQuery = None,
        offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    ) -> Response:
        who.require(Role.COMMITTEE_STAFF)
        year = year or _today().year
        page = await who.upstream.get(
            "topics", "/supervision-reports", year=year, limit=20, offset=offset
        )
        return render(
            request,
            who,
            "staff/reports.html",
            section="reports",
            year=year,
            page=page,
            offset=offset,
            limit=20,
            china_time=views.china_time,
        )

    @router.get("/reports/{report_id}", response_class=HTMLResponse)
    async def report(request: Request, who: Who, report_id: uuid.UUID) -> Response:
        who.require(Role.COMMITTEE_STAFF)
        found = await who.upstream.get("topics", f"/supervision-reports/{report_id}")
        opinion = None
        if found.get("opinion_id"):
            try:
                opinion = await who.upstream.get("topics", f"/opinions/{found['opinion_id']}")
            except UpstreamError as exc:
                if exc.status != 404:
                    raise
        return render(
            request,
            who,
            "staff/report.html",
            section="reports",
            report=found,
            opinion=opinion,
            organs=await _organs(who),
            china_time=views.china_time,
        )

    # --- statistics -----------------------------------------------------------------------

    @router.get("/statistics", response_class=HTMLResponse)
    async def statistics(request: Request, who: Who, year: YearQuery = None) -> Response:
        who.require(Role.COMMITTEE_STAFF)
        year = year or _today().year
        figures = await who.upstream.get("topics", f"/statistics/{year}")
        t = who.t

        def bars(prefix: str, counts: dict[str, int]) -> views.BarChart:
            # The table lists every figure; the chart draws the ones that are not zero.
            return views.bar_chart([(t(prefix + k), v) for k, v in counts.items() if v])

        charts = {
            "by_source": bars("staff.source.", figures["proposals_by_source"]),
            "by_status": bars("staff.status.", figures["proposals_by_status"]),
            "by_state": bars("staff.opinion.state.", figures["opinions"]["by_state"]),
            "by_method": bars("staff.method.", figures["plan"]["items_by_method"]),
        }
        return render(
            request,
            who,
            "staff/statistics.html",
            section="statistics",
            year=year,
            figures=figures,
            charts=charts,
        )

    return router
