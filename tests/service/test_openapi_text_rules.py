"""Every service's OpenAPI document states that no text may hold NUL (the middleware refuses it):
no string is left unconstrained, and no stated pattern lets NUL through."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jiandu_deputies.bootstrap import SPEC as DEPUTIES
from jiandu_finance.bootstrap import SPEC as FINANCE
from jiandu_notifications.bootstrap import SPEC as NOTIFICATIONS
from jiandu_shared.clock import FixedClock
from jiandu_shared.service import ServiceSpec
from jiandu_shared.web.openapi import refuse_nul
from jiandu_shared.web.text import NO_NUL, NOT_BLANK
from jiandu_topics.bootstrap import SPEC as TOPICS
from tests.service.topics.conftest import NOW
from tests.support.collection import in_memory

CONSTRAINING = ("pattern", "format", "enum", "const", "contentMediaType")


def strings(node: Any, where: str = "") -> list[tuple[str, dict[str, Any]]]:
    """Every string schema in a document, with where it is."""
    found: list[tuple[str, dict[str, Any]]] = []
    if isinstance(node, dict):
        if node.get("type") == "string":
            found.append((where, node))
        for key, value in node.items():
            found += strings(value, f"{where}/{key}")
    elif isinstance(node, list):
        for n, value in enumerate(node):
            found += strings(value, f"{where}/{n}")
    return found


@pytest.mark.parametrize("spec", [TOPICS, DEPUTIES, FINANCE, NOTIFICATIONS], ids=lambda s: s.name)
async def test_no_string_of_the_document_admits_nul(spec: ServiceSpec[Any], data_dir: Path) -> None:
    async with in_memory(spec, data_dir, FixedClock(NOW)) as (_, client):
        document = (await client.get("/openapi.json")).json()
    schemas = strings(document)
    assert len(schemas) > 20
    free = [where for where, schema in schemas if not any(k in schema for k in CONSTRAINING)]
    assert not free, f"strings a client may fill with NUL: {free}"
    # A pattern beside a format (e.g. the years of a date) only narrows what the format allows.
    patterns = sorted(
        {
            schema["pattern"]
            for _, schema in schemas
            if "pattern" in schema and "format" not in schema
        }
    )
    letting_nul = [p for p in patterns if _admits_nul(p)]
    assert not letting_nul, f"patterns that let NUL through: {letting_nul}"


def _admits_nul(pattern: str) -> bool:
    """Whether a text matching ``pattern`` still matches with a NUL put in it: texts drawn from
    the pattern (deterministically), each with NUL inserted at, or replacing, each position."""
    regex = re.compile(pattern)
    drawn: list[str] = []

    @settings(
        max_examples=30, database=None, derandomize=True, suppress_health_check=list(HealthCheck)
    )
    @given(st.from_regex(regex))
    def draw(text: str) -> None:
        drawn.append(text)

    draw()
    return any(
        regex.search(text[:i] + "\x00" + text[i + skip :])
        for text in drawn
        for i in range(len(text) + 1)
        for skip in (0, 1)
    )


def test_the_check_can_tell_a_pattern_that_lets_nul_through() -> None:
    assert _admits_nul(r"^https?://\S+$")
    assert not _admits_nul(NO_NUL) and not _admits_nul(NOT_BLANK)


def test_refuse_nul_leaves_constrained_strings_alone() -> None:
    document: dict[str, Any] = {
        "free": {"type": "string", "maxLength": 5},
        "day": {"type": "string", "format": "date"},
        "code": {"type": "string", "pattern": "^[A-Z]+$"},
        "kind": {"type": "string", "enum": ["a", "b"]},
        "nested": {"anyOf": [{"type": "string"}, {"type": "null"}]},
    }
    refuse_nul(document)
    assert document["free"] == {"type": "string", "maxLength": 5, "pattern": NO_NUL}
    assert "pattern" not in document["day"] and "pattern" not in document["kind"]
    assert document["code"]["pattern"] == "^[A-Z]+$"
    assert document["nested"]["anyOf"][0]["pattern"] == NO_NUL
