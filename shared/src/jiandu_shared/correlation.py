"""The correlation id and causation id of the work in progress, carried in context variables.

An HTTP request or a consumed event sets them; every event raised while handling it takes them,
so one citizen's proposal can be followed across services without a trace backend.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_correlation_id: ContextVar[str | None] = ContextVar("jiandu_correlation_id", default=None)
_causation_id: ContextVar[str | None] = ContextVar("jiandu_causation_id", default=None)
# What started the work, e.g. "POST /proposals": kept on the outbox row, so a flow's timeline
# shows the request behind its first event (a consumed event's origin is its causation).
_origin: ContextVar[str | None] = ContextVar("jiandu_origin", default=None)

CORRELATION_HEADER = "X-Correlation-ID"


def new_correlation_id() -> str:
    return uuid.uuid4().hex


def current_correlation_id() -> str:
    """The id of the flow in progress; a fresh one when nothing set it (e.g. a scheduled sweep)."""
    value = _correlation_id.get()
    if value is None:
        value = new_correlation_id()
        _correlation_id.set(value)
    return value


def current_causation_id() -> str | None:
    return _causation_id.get()


def current_origin() -> str | None:
    return _origin.get()


@contextmanager
def correlation_scope(
    correlation_id: str, causation_id: str | None = None, origin: str | None = None
) -> Iterator[None]:
    token = _correlation_id.set(correlation_id)
    cause_token = _causation_id.set(causation_id)
    origin_token = _origin.set(origin)
    try:
        yield
    finally:
        _correlation_id.reset(token)
        _causation_id.reset(cause_token)
        _origin.reset(origin_token)
