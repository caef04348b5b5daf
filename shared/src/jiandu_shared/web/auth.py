"""Bearer tokens (HMAC-signed JWT) and roles (ARCHITECTURE §8).

Public citizen endpoints take no token; every other endpoint names the roles it admits.
``jiandu-token --role committee_staff --subject alice`` mints a token for a deployment's secret.
"""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

import jwt
from fastapi import HTTPException, Request

from jiandu_shared.clock import utcnow
from jiandu_shared.settings import PlatformSettings

ALGORITHM = "HS256"


class Role(StrEnum):
    CITIZEN = "citizen"
    DEPUTY = "deputy"
    COMMITTEE_STAFF = "committee_staff"
    COMMITTEE_MEMBER = "committee_member"
    DEPARTMENT = "department"
    PARTNER_AGENCY = "partner_agency"
    OPERATOR = "operator"


@dataclass(frozen=True)
class Principal:
    subject: str
    role: Role
    organisation: str | None = None


def mint_token(
    secret: str,
    subject: str,
    role: Role,
    organisation: str | None = None,
    ttl: timedelta = timedelta(hours=12),
) -> str:
    now = utcnow()
    claims: dict[str, object] = {"sub": subject, "role": str(role), "iat": now, "exp": now + ttl}
    if organisation:
        claims["org"] = organisation
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def read_token(secret: str, token: str) -> Principal:
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], options={"require": ["exp"]})
        return Principal(str(claims["sub"]), Role(claims["role"]), claims.get("org"))
    except (jwt.PyJWTError, KeyError, ValueError) as exc:
        raise _unauthorized(f"the bearer token is not valid: {exc}") from exc


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(401, detail, headers={"WWW-Authenticate": "Bearer"})


def require(*roles: Role) -> Callable[[Request], Awaitable[Principal]]:
    """A FastAPI dependency admitting the given roles (operators are admitted everywhere)."""
    admitted = {*roles, Role.OPERATOR}

    async def principal(request: Request) -> Principal:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise _unauthorized(
                "this endpoint needs 'Authorization: Bearer <token>'; "
                "mint one with `make token ROLE=<role>`"
            )
        secret: str = request.app.state.auth_secret
        who = read_token(secret, token.strip())
        if who.role not in admitted:
            allowed = ", ".join(sorted(str(r) for r in admitted))
            raise HTTPException(403, f"role '{who.role}' may not do this; allowed: {allowed}")
        return who

    return principal


def main() -> None:
    parser = argparse.ArgumentParser(description="Mint a Jiandu bearer token")
    parser.add_argument("--role", required=True, choices=[str(r) for r in Role])
    parser.add_argument("--subject", default="dev")
    parser.add_argument("--organisation", default=None)
    parser.add_argument("--hours", type=float, default=12)
    args = parser.parse_args()
    secret = PlatformSettings().auth_secret
    print(
        mint_token(
            secret, args.subject, Role(args.role), args.organisation, timedelta(hours=args.hours)
        )
    )


if __name__ == "__main__":
    main()
