"""``Idempotency-Key`` on creating POSTs (ARCHITECTURE §5): a retry does not create twice.

The dependency fingerprints method, path and body; when the key was seen with the same
fingerprint it hands the route what the first request created, and the route answers from
it (header ``Idempotent-Replayed: true``). Otherwise the route sets
``uow.idempotency = idempotency.request`` and its application function calls
``uow.record_created(id, ...)``: both are stored in the creating transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Header, Request, Response

from jiandu_shared.storage.idempotency import IdempotentRequest, replay

REPLAYED_HEADER = "Idempotent-Replayed"


@dataclass(frozen=True)
class Idempotency:
    request: IdempotentRequest | None
    created: dict[str, Any] | None  # what the first request with this key created

    def replay(self, response: Response) -> dict[str, Any] | None:
        """What to answer from, marking the response as a replay; None for a new request."""
        if self.created is not None:
            response.headers[REPLAYED_HEADER] = "true"
        return self.created


async def _idempotency(
    request: Request,
    key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            min_length=1,
            max_length=200,
            description="Send the same key when retrying: the request then creates nothing "
            "new and answers with what the first one created (kept 24 hours).",
        ),
    ] = None,
) -> Idempotency:
    if key is None:
        return Idempotency(None, None)
    idempotent = IdempotentRequest.of(
        f"{request.method} {request.url.path}", key, await request.body()
    )
    assert idempotent is not None
    runtime = request.app.state.runtime
    async with runtime.database.session() as session:
        stored = await replay(session, runtime.metadata.tables["idempotency_keys"], idempotent)
    return Idempotency(idempotent, None if stored is None else stored.body)


IdempotencyDep = Annotated[Idempotency, Depends(_idempotency)]
