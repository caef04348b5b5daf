"""Committee members: voting in a special inquiry, one question at a time, on a phone."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from jiandu_console.adapters.upstream import UpstreamError
from jiandu_console.domain import labels_members_finance_ops  # noqa: F401  (registers labels)
from jiandu_console.domain.members_finance_ops_voting import (
    RATINGS,
    VOTED_COOKIE,
    inquiry_view,
    remember_vote,
    voted_on,
)
from jiandu_console.entrypoints.session import Viewer, viewer
from jiandu_console.entrypoints.templating import render
from jiandu_shared.web.auth import Role

OPEN_STATES = ("rating", "question_put", "in_session", "scheduled")


def build_router() -> APIRouter:
    router = APIRouter()

    @router.get("/members", response_class=HTMLResponse)
    async def inquiries(request: Request, who: Annotated[Viewer, Depends(viewer)]) -> Response:
        who.require(Role.COMMITTEE_MEMBER)
        open_items: list[dict[str, Any]] = []
        for state in OPEN_STATES:
            found = await who.upstream.get("topics", "/inquiries", state=state, limit=50)
            open_items.extend(found["items"])
        concluded = await who.upstream.get("topics", "/inquiries", state="concluded", limit=20)
        return render(
            request,
            who,
            "members/inquiries.html",
            open_items=open_items,
            concluded=sorted(concluded["items"], key=lambda i: i["held_on"], reverse=True),
        )

    @router.get("/members/inquiries/{inquiry_id}", response_class=HTMLResponse)
    async def inquiry(
        request: Request, inquiry_id: uuid.UUID, who: Annotated[Viewer, Depends(viewer)]
    ) -> Response:
        principal = who.require(Role.COMMITTEE_MEMBER)
        found = await who.upstream.get("topics", f"/inquiries/{inquiry_id}")
        results = None
        if found["state"] == "concluded":
            results = await who.upstream.get("topics", f"/inquiries/{inquiry_id}/results")
        view = inquiry_view(found, voted_on(request.cookies.get(VOTED_COOKIE), principal.subject))
        return render(
            request,
            who,
            "members/inquiry.html",
            inquiry=found,
            view=view,
            results=results,
            ratings=RATINGS,
            error="",
        )

    @router.post("/members/inquiries/{inquiry_id}/questions/{question_id}/vote")
    async def vote(
        request: Request,
        inquiry_id: uuid.UUID,
        question_id: uuid.UUID,
        who: Annotated[Viewer, Depends(viewer)],
        rating: Annotated[str, Form(max_length=40)] = "",
    ) -> Response:
        principal = who.require(Role.COMMITTEE_MEMBER)
        back = f"/members/inquiries/{inquiry_id}"
        cookie = request.cookies.get(VOTED_COOKIE)
        try:
            await who.upstream.post(
                "topics",
                f"/inquiries/{inquiry_id}/questions/{question_id}/votes",
                json={"rating": rating},
            )
        except UpstreamError as exc:
            if exc.status == 422:
                found = await who.upstream.get("topics", f"/inquiries/{inquiry_id}")
                view = inquiry_view(found, voted_on(cookie, principal.subject))
                return render(
                    request,
                    who,
                    "members/inquiry.html",
                    status_code=422,
                    inquiry=found,
                    view=view,
                    results=None,
                    ratings=RATINGS,
                    error=exc.field_errors.get("rating") or exc.detail or exc.title,
                )
            if exc.status != 409:
                raise
            if "already" not in exc.detail:
                # The rating closed meanwhile: show the inquiry as it is now.
                return RedirectResponse(back, status_code=303)
        response = RedirectResponse(back, status_code=303)
        response.set_cookie(
            VOTED_COOKIE,
            remember_vote(cookie, principal.subject, str(question_id)),
            max_age=2 * 86400,
            httponly=True,
            samesite="lax",
            path="/members",
        )
        return response

    return router
