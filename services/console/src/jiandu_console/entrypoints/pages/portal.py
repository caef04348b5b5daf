"""Citizen portal (no account): proposals in an open window, opinions by a deputy's code, tracking.

The portal calls the services without a token even when someone is signed in: a citizen's
submission is public, and what they see is what any citizen would see.
"""

from __future__ import annotations

import re
import uuid
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

import jiandu_console.domain.labels_portal  # noqa: F401  (registers the labels)
from jiandu_console.adapters.upstream import Upstream, UpstreamError
from jiandu_console.entrypoints.session import Viewer, viewer
from jiandu_console.entrypoints.templating import render
from jiandu_console.service_layer import deputy_search
from jiandu_console.service_layer import portal as view
from jiandu_shared.calendar import local_date
from jiandu_shared.clock import utcnow
from jiandu_shared.correlation import current_correlation_id

# The services' limits, mirrored in the forms' maxlength (the services check them again).
PROPOSAL_LIMITS = {
    "title": 200,
    "rationale": 5000,
    "submitter_name": 100,
    "submitter_contact": 200,
}
OPINION_LIMITS = {"subject": 200, "content": 5000, "name": 50, "contact": 100}
CATEGORIES = (
    "urban_construction",
    "transport",
    "education",
    "health",
    "social_security",
    "employment",
    "environment",
    "agriculture",
    "economy",
    "public_safety",
    "governance",
    "rule_of_law",
    "other",
)
CODE = re.compile(r"^[A-Za-z0-9-]{1,20}$")
TRACKING_CODE = re.compile(r"^[A-Za-z0-9-]{1,40}$")
SECRET = re.compile(r"^[A-Za-z0-9_-]{1,100}$")
MAX_FORM_FIELD = 20_000


def anonymous(request: Request) -> Upstream:
    """The services as a citizen without an account sees them."""
    return Upstream(request.app.state.clients, None, current_correlation_id())


async def form_of(request: Request) -> dict[str, str]:
    """The posted form's text fields (the services check lengths; this only bounds memory)."""
    form = await request.form()
    return {k: v[:MAX_FORM_FIELD] for k, v in form.items() if isinstance(v, str)}


def optional(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def private(
    request: Request, who: Viewer, template: str, status_code: int = 200, **context: Any
) -> Response:
    """A page showing a tracking secret or what it unlocks: kept out of every cache."""
    response = render(request, who, template, status_code=status_code, **context)
    response.headers["Cache-Control"] = "no-store"
    return response


def failure(who: Viewer, error: UpstreamError) -> dict[str, str]:
    """A service's refusal as messages next to the fields (422) or above the form (409…)."""
    errors = view.readable_errors(error.field_errors, who.language.value)
    if not errors:
        errors["_"] = error.detail or error.title
    return errors


Who = Annotated[Viewer, Depends(viewer)]


def build_router() -> APIRouter:
    router = APIRouter(prefix="/portal")

    @router.get("", response_class=HTMLResponse)
    async def home(request: Request, who: Who) -> Response:
        return render(request, who, "portal/index.html", errors={}, code="")

    # --- proposals ----------------------------------------------------------------------------

    async def proposal_page(
        request: Request,
        who: Viewer,
        values: dict[str, str],
        errors: dict[str, str],
        status: int = 200,
    ) -> Response:
        upstream = anonymous(request)
        page = await upstream.get("topics", "/collection-windows", limit=100)
        windows = view.collection_windows(page["items"], local_date(utcnow()))
        focus_areas = await upstream.get("topics", "/focus-areas")
        return render(
            request,
            who,
            "portal/proposal.html",
            status_code=status,
            windows=windows,
            focus_areas=[(a["code"], a["label"]) for a in focus_areas],
            values=values,
            errors=errors,
            limits=PROPOSAL_LIMITS,
            idempotency_key=values.get("idempotency_key") or uuid.uuid4().hex,
        )

    @router.get("/proposals", response_class=HTMLResponse)
    async def proposal_form(request: Request, who: Who) -> Response:
        return await proposal_page(request, who, {}, {})

    @router.post("/proposals", response_class=HTMLResponse)
    async def submit_proposal(request: Request, who: Who) -> Response:
        values = await form_of(request)
        body: dict[str, Any] = {
            "year": int(year) if (year := values.get("year", "")).isdigit() else year,
            "source": "public",
            "focus_area": values.get("focus_area", ""),
            "title": values.get("title", ""),
            "rationale": values.get("rationale", ""),
            "submitter_name": values.get("submitter_name", ""),
            "submitter_contact": optional(values.get("submitter_contact")),
        }
        key = values.get("idempotency_key", "")[:200] or uuid.uuid4().hex
        try:
            receipt = await anonymous(request).post(
                "topics", "/proposals", json=body, headers={"Idempotency-Key": key}
            )
        except UpstreamError as error:
            if error.status >= 500 or error.status in (401, 403):
                raise
            return await proposal_page(request, who, values, failure(who, error), status=422)
        return private(
            request,
            who,
            "portal/receipt.html",
            heading="proposal.received",
            title=receipt["title"],
            tracking_code=receipt["tracking_code"],
            tracking_secret=receipt["tracking_secret"],
            answer_due=None,
        )

    # --- deputies and opinions ------------------------------------------------------------------

    async def search_page(
        request: Request, who: Viewer, search: deputy_search.SearchQuery
    ) -> Response:
        """The deputies whose name or constituency holds the text (找代表), or why not."""
        errors = {name: who.t(key) for name, key in search.errors.items()}
        found: deputy_search.Results | None = None
        if not search.asked and not errors:
            errors["q"] = who.t("search.required")
        if not errors:
            try:
                answer = await anonymous(request).get(
                    "deputies", "/public/deputies", **search.params()
                )
            except UpstreamError as error:
                if error.status != 422:
                    raise
                errors["q"] = who.t("search.refused")
            else:
                found = deputy_search.results(answer, search)
        return render(
            request,
            who,
            "portal/deputy_search.html",
            status_code=422 if errors else 200,
            search=search,
            search_errors=errors,
            found=found,
        )

    @router.get("/deputies", response_class=HTMLResponse)
    async def find_deputy(
        request: Request,
        who: Who,
        code: str = "",
        q: str | None = None,
        level: str = "",
        page: str = "",
    ) -> Response:
        code = code.strip()
        if not code and (q is not None or level):
            return await search_page(request, who, deputy_search.read_query(q, level, page))
        if not code:
            return render(request, who, "portal/index.html", errors={}, code="")
        if not CODE.match(code):
            errors = {"code": who.t("deputy.not_found")}
            return render(
                request, who, "portal/index.html", status_code=404, errors=errors, code=code
            )
        return RedirectResponse(f"/portal/deputies/{quote(code)}", status_code=303)

    async def deputy_page(
        request: Request,
        who: Viewer,
        code: str,
        values: dict[str, str],
        errors: dict[str, str],
        status: int = 200,
    ) -> Response:
        card: dict[str, Any] | None = None
        if CODE.match(code):
            try:
                card = await anonymous(request).get("deputies", f"/public/deputies/{code}")
            except UpstreamError as error:
                if error.status not in (404, 422):
                    raise
        if card is None:
            errors = {"code": who.t("deputy.not_found")}
            return render(
                request, who, "portal/index.html", status_code=404, errors=errors, code=code
            )
        return render(
            request,
            who,
            "portal/deputy.html",
            status_code=status,
            card=card,
            values=values,
            errors=errors,
            limits=OPINION_LIMITS,
            categories=[(c, who.t(f"category.{c}")) for c in CATEGORIES],
            idempotency_key=values.get("idempotency_key") or uuid.uuid4().hex,
        )

    @router.get("/deputies/{code}", response_class=HTMLResponse)
    async def deputy(request: Request, who: Who, code: str) -> Response:
        return await deputy_page(request, who, code, {}, {})

    @router.get("/deputies/{code}/qr.svg")
    async def deputy_qr(request: Request, code: str) -> Response:
        if not CODE.match(code):
            return Response(status_code=404)
        try:
            upstream = await anonymous(request).request(
                "deputies", "GET", f"/public/deputies/{code}/qr.svg"
            )
        except UpstreamError as error:
            if error.status >= 500:
                raise
            return Response(status_code=404)
        return Response(
            upstream.content,
            media_type="image/svg+xml",
            headers={"Cache-Control": upstream.headers.get("cache-control", "no-cache")},
        )

    @router.post("/deputies/{code}/opinions", response_class=HTMLResponse)
    async def submit_opinion(request: Request, who: Who, code: str) -> Response:
        values = await form_of(request)
        if not CODE.match(code):
            return await deputy_page(request, who, code, values, {}, status=404)
        body = {
            "subject": values.get("subject", ""),
            "content": values.get("content", ""),
            "category": values.get("category", ""),
            "name": optional(values.get("name")),
            "contact": optional(values.get("contact")),
        }
        key = values.get("idempotency_key", "")[:200] or uuid.uuid4().hex
        try:
            receipt = await anonymous(request).post(
                "deputies",
                f"/public/deputies/{code}/opinions",
                json=body,
                headers={"Idempotency-Key": key},
            )
        except UpstreamError as error:
            if error.status >= 500 or error.status in (401, 403, 404):
                if error.status == 404:
                    return await deputy_page(request, who, code, values, {})
                raise
            return await deputy_page(request, who, code, values, failure(who, error), status=422)
        return private(
            request,
            who,
            "portal/receipt.html",
            heading="opinion.received",
            title=body["subject"],
            tracking_code=receipt["tracking_code"],
            tracking_secret=receipt["tracking_secret"],
            answer_due=receipt.get("answer_due"),
        )

    # --- tracking ----------------------------------------------------------------------------

    @router.get("/track", response_class=HTMLResponse)
    async def track_form(request: Request, who: Who, code: str = "") -> Response:
        values = {"code": code[:40]}
        return render(request, who, "portal/track.html", values=values, errors={}, timeline=None)

    async def lookup(request: Request, code: str, secret: str) -> view.Timeline | None:
        upstream = anonymous(request)
        headers = {"X-Tracking-Secret": secret}
        kind = view.tracking_kind(code)
        kinds = [kind] if kind else ["proposal", "opinion", "micro_project"]
        for each in kinds:
            try:
                if each == "proposal":
                    response = await upstream.request(
                        "topics", "GET", f"/proposals/track/{code}", headers=headers
                    )
                    return view.proposal_timeline(response.json())
                if each == "opinion":
                    response = await upstream.request(
                        "deputies", "GET", f"/public/opinions/{code}", headers=headers
                    )
                    return view.opinion_timeline(response.json())
                response = await upstream.request(
                    "deputies", "GET", f"/micro-projects/track/{code}", headers=headers
                )
                return view.micro_project_timeline(response.json())
            except UpstreamError as error:
                if error.status not in (404, 422):
                    raise
        return None

    @router.post("/track", response_class=HTMLResponse)
    async def track(request: Request, who: Who) -> Response:
        values = await form_of(request)
        code = values.get("code", "").strip().upper()
        secret = values.get("secret", "").strip()
        values = {"code": code}
        errors: dict[str, str] = {}
        if not code:
            errors["code"] = who.t("track.required")
        if not secret:
            errors["secret"] = who.t("track.required")
        timeline = None
        if not errors:
            if TRACKING_CODE.match(code) and SECRET.match(secret):
                timeline = await lookup(request, code, secret)
            if timeline is None:
                errors["_"] = who.t("track.not_found")
        status = 200 if timeline is not None else (404 if "_" in errors else 422)
        return private(
            request,
            who,
            "portal/track.html",
            status_code=status,
            values=values,
            errors=errors,
            timeline=timeline,
        )

    return router
