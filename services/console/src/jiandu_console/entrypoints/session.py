"""Who is looking at a page: the token in the session cookie, the language, the upstream view.

The token is the same bearer token the services check; the console only reads its role to
choose what to show (the services enforce every rule again on their side).
"""

from __future__ import annotations

from dataclasses import dataclass

import jwt
from fastapi import Request

from jiandu_console.adapters.upstream import Upstream
from jiandu_console.domain.i18n import Language, label, language_of
from jiandu_shared.correlation import current_correlation_id
from jiandu_shared.web.auth import ALGORITHM, Principal, Role

TOKEN_COOKIE = "jiandu_token"
LANGUAGE_COOKIE = "jiandu_lang"


class SignInRequired(Exception):
    """The page needs a signed-in user; the handler redirects to the sign-in page."""


class RoleRefused(Exception):
    """The signed-in role may not see the page."""


@dataclass(frozen=True)
class Viewer:
    principal: Principal | None
    token: str | None
    language: Language
    upstream: Upstream

    @property
    def role(self) -> Role | None:
        return None if self.principal is None else self.principal.role

    def t(self, key: str) -> str:
        return label(key, self.language)

    def require(self, *roles: Role) -> Principal:
        """The principal when signed in with one of ``roles`` (operators see every page)."""
        if self.principal is None:
            raise SignInRequired
        if self.principal.role not in {*roles, Role.OPERATOR}:
            raise RoleRefused
        return self.principal


def principal_of(secret: str, token: str | None) -> Principal | None:
    if not token:
        return None
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], options={"require": ["exp"]})
        return Principal(str(claims["sub"]), Role(claims["role"]), claims.get("org"))
    except (jwt.PyJWTError, KeyError, ValueError):
        return None  # an expired or foreign token: treated as signed out


def viewer(request: Request) -> Viewer:
    """FastAPI dependency: the viewer of this request."""
    state = request.app.state
    token = request.cookies.get(TOKEN_COOKIE)
    principal = principal_of(state.auth_secret, token)
    correlation_id = current_correlation_id()  # the middleware's: echoed to the browser too
    return Viewer(
        principal=principal,
        token=token if principal is not None else None,
        language=language_of(request.cookies.get(LANGUAGE_COOKIE)),
        upstream=Upstream(state.clients, token if principal else None, correlation_id),
    )
