"""The OpenAPI document states the platform-wide text rule the middleware enforces.

``RequestContext`` refuses NUL (U+0000) in every text of a request, since PostgreSQL cannot
store it. A client or fuzzer built from the document must know that, so every string schema
that does not already constrain its characters (a pattern, a format, an enum or a constant)
gets ``NO_NUL``; the shared patterns of ``web.text`` exclude NUL themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

from jiandu_shared.web.text import NO_NUL

_CONSTRAINED = ("pattern", "format", "enum", "const", "contentMediaType")


def state_text_rules(app: FastAPI) -> None:
    """Make ``app.openapi()`` add ``NO_NUL`` to the string schemas, once, when first built."""
    build: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        first = app.openapi_schema is None
        document = build()
        if first:
            refuse_nul(document)
        return document

    app.openapi = openapi  # type: ignore[method-assign]


def refuse_nul(node: Any) -> None:
    """Add ``NO_NUL`` to every unconstrained string schema under ``node``, in place."""
    if isinstance(node, dict):
        if node.get("type") == "string" and not any(key in node for key in _CONSTRAINED):
            node["pattern"] = NO_NUL
        for value in node.values():
            refuse_nul(value)
    elif isinstance(node, list):
        for value in node:
            refuse_nul(value)
