"""Home, sign-in and sign-out, and the language switch."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated
from urllib.parse import urlparse

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from jiandu_console.entrypoints.session import (
    LANGUAGE_COOKIE,
    TOKEN_COOKIE,
    Viewer,
    principal_of,
    viewer,
)
from jiandu_console.entrypoints.templating import render
from jiandu_shared.web.auth import Role, mint_token

AREAS_BY_ROLE: dict[Role, list[tuple[str, str]]] = {
    Role.COMMITTEE_STAFF: [("/staff", "nav.staff"), ("/finance", "nav.finance")],
    Role.COMMITTEE_MEMBER: [("/members", "nav.members"), ("/finance", "nav.finance")],
    Role.DEPARTMENT: [("/department", "nav.department")],
    Role.OPERATOR: [
        ("/staff", "nav.staff"),
        ("/members", "nav.members"),
        ("/department", "nav.department"),
        ("/finance", "nav.finance"),
        ("/operator", "nav.operator"),
    ],
}
SESSION = timedelta(hours=12)


def safe_next(target: str | None) -> str:
    """Only a path on this site: never redirect a signed-in user elsewhere."""
    if not target:
        return "/"
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def _signed_in(target: str, token: str) -> RedirectResponse:
    response = RedirectResponse(safe_next(target), status_code=303)
    response.set_cookie(
        TOKEN_COOKIE,
        token,
        max_age=int(SESSION.total_seconds()),
        httponly=True,
        samesite="lax",
    )
    return response


def build_router() -> APIRouter:
    router = APIRouter()

    @router.get("/", response_class=HTMLResponse)
    async def home(request: Request, who: Annotated[Viewer, Depends(viewer)]) -> Response:
        areas = AREAS_BY_ROLE.get(who.role, []) if who.role else []
        return render(request, who, "home.html", areas=areas)

    def login_page(
        request: Request, who: Viewer, next_url: str, errors: dict[str, str], status: int = 200
    ) -> Response:
        roles = [(str(r), who.t(f"role.{r}")) for r in Role]
        return render(
            request,
            who,
            "login.html",
            status_code=status,
            next=safe_next(next_url),
            errors=errors,
            demo=request.app.state.settings.demo_login_enabled,
            roles=roles,
        )

    @router.get("/login", response_class=HTMLResponse)
    async def login(
        request: Request, who: Annotated[Viewer, Depends(viewer)], next: str = "/"
    ) -> Response:
        return login_page(request, who, next, {})

    @router.post("/login", response_class=HTMLResponse)
    async def login_with_token(
        request: Request,
        who: Annotated[Viewer, Depends(viewer)],
        token: Annotated[str, Form(max_length=4000)] = "",
        next: Annotated[str, Form(max_length=500)] = "/",
    ) -> Response:
        token = token.strip()
        if principal_of(request.app.state.auth_secret, token) is None:
            message = "令牌无效或已过期" if who.language == "zh" else "The token is not valid"
            return login_page(request, who, next, {"token": message}, status=422)
        return _signed_in(next, token)

    @router.post("/login/demo", response_class=HTMLResponse)
    async def demo_login(
        request: Request,
        who: Annotated[Viewer, Depends(viewer)],
        role: Annotated[str, Form(max_length=40)] = "",
        subject: Annotated[str, Form(max_length=128)] = "",
        organisation: Annotated[str, Form(max_length=128)] = "",
        next: Annotated[str, Form(max_length=500)] = "/",
    ) -> Response:
        if not request.app.state.settings.demo_login_enabled:
            return login_page(request, who, next, {"_": "demo sign-in is off"}, status=403)
        errors: dict[str, str] = {}
        if role not in {str(r) for r in Role}:
            errors["role"] = "请选择角色" if who.language == "zh" else "Choose a role"
        subject = subject.strip()
        if not subject or not all(c.isalnum() or c in "_.:@-" for c in subject):
            errors["subject"] = (
                "用户标识只能包含字母、数字和 _ . : @ -"
                if who.language == "zh"
                else "Use letters, digits and _ . : @ - only"
            )
        if errors:
            return login_page(request, who, next, errors, status=422)
        token = mint_token(
            request.app.state.auth_secret,
            subject,
            Role(role),
            organisation.strip() or None,
            SESSION,
        )
        return _signed_in(next, token)

    @router.post("/logout")
    async def logout() -> Response:
        response = RedirectResponse("/", status_code=303)
        response.delete_cookie(TOKEN_COOKIE)
        return response

    @router.get("/lang/{language}")
    async def switch_language(language: str, next: str = "/") -> Response:
        response = RedirectResponse(safe_next(next), status_code=303)
        response.set_cookie(
            LANGUAGE_COOKIE, "en" if language == "en" else "zh", max_age=365 * 86400
        )
        return response

    return router
