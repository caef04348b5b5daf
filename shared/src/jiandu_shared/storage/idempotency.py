"""Idempotency keys on creating requests: a retried request gets what the first one created.

What was created (its id, and anything shown only once, such as a citizen's tracking secret)
is stored in the same transaction as the creation, so a retry after a lost response neither
creates twice nor loses the first result. Reusing a key for another request is a conflict.
Records are kept for ``RETENTION`` and then purged (``storage.retention``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import Table, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from jiandu_shared.clock import utcnow
from jiandu_shared.errors import Conflict

RETENTION = timedelta(hours=24)


@dataclass(frozen=True)
class IdempotentRequest:
    scope: str  # e.g. "topics.submit_proposal"
    key: str
    fingerprint: str  # of the request body: the same key with another body is refused

    @staticmethod
    def of(scope: str, key: str | None, body: bytes | str) -> IdempotentRequest | None:
        if not key:
            return None
        raw = body.encode() if isinstance(body, str) else body
        return IdempotentRequest(scope, key, hashlib.sha256(raw).hexdigest())


@dataclass(frozen=True)
class StoredResponse:
    status_code: int
    body: Any
    replayed: bool


async def replay(
    session: AsyncSession, table: Table, request: IdempotentRequest
) -> StoredResponse | None:
    row = (
        await session.execute(
            select(table.c.fingerprint, table.c.status_code, table.c.response).where(
                table.c.scope == request.scope, table.c.key == request.key
            )
        )
    ).first()
    if row is None:
        return None
    if row.fingerprint != request.fingerprint:
        raise Conflict(
            f"Idempotency-Key '{request.key}' was already used for a different request; "
            "use a new key for a new request"
        )
    return StoredResponse(row.status_code, row.response, replayed=True)


async def remember(
    session: AsyncSession, table: Table, request: IdempotentRequest, status_code: int, body: Any
) -> None:
    await session.execute(
        insert(table).values(
            scope=request.scope,
            key=request.key,
            fingerprint=request.fingerprint,
            status_code=status_code,
            response=body,
            created_at=utcnow(),
        )
    )
