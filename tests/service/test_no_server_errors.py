"""No input makes a service answer 500: every route of every service is called with garbage.

A crude fuzzer over the OpenAPI routes: odd path values, odd bodies and every role. Anything
but a 5xx is acceptable here; the specific 4xx answers are tested where the behaviour lives.
"""

from __future__ import annotations

import itertools
import re
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from jiandu_deputies.bootstrap import SPEC as DEPUTIES
from jiandu_finance.bootstrap import SPEC as FINANCE
from jiandu_notifications.bootstrap import SPEC as NOTIFICATIONS
from jiandu_shared.clock import FixedClock
from jiandu_shared.service import ServiceSpec
from jiandu_shared.web.auth import Role
from jiandu_topics.bootstrap import SPEC as TOPICS
from tests.service.topics.conftest import NOW
from tests.support.collection import in_memory
from tests.support.services import auth

PATH_VALUES = [str(uuid.uuid4()), "0", "-1", "99999999999999999999", "not-a-uuid", "%00", "2027"]
BODIES: list[Any] = [
    None,
    {},
    [],
    "text",
    {"year": 99999999999999999999, "title": "x" * 10_000},
    {"id": None, "limit": -1, "state": "nonsense", "opens_on": "2026-02-30"},
]
ROLES = [None, Role.COMMITTEE_STAFF, Role.DEPARTMENT, Role.OPERATOR]
SKIP = {"/ops/dead-letters/{queue}", "/ops/dead-letters/{queue}/replay", "/ops/dead-letters"}


def calls(openapi: dict[str, Any]) -> list[tuple[str, str]]:
    found = []
    for path, operations in openapi["paths"].items():
        if path in SKIP:  # need the broker, which this in-memory test has not
            continue
        for method in operations:
            found.append((method.upper(), path))
    return found


@pytest.mark.parametrize("spec", [TOPICS, NOTIFICATIONS, DEPUTIES, FINANCE], ids=lambda s: s.name)
async def test_no_route_answers_500(spec: ServiceSpec[Any], data_dir: Path) -> None:
    await assert_no_server_errors(spec, data_dir)


async def assert_no_server_errors(
    spec: ServiceSpec[Any], data_dir: Path, database_url: str | None = None
) -> None:
    async with in_memory(spec, data_dir, FixedClock(NOW), database_url=database_url) as (
        _,
        client,
    ):
        openapi = (await client.get("/openapi.json")).json()
        failures: list[str] = []
        for method, path in calls(openapi):
            names = re.findall(r"{(\w+)}", path)
            for values in itertools.islice(
                itertools.product(PATH_VALUES, repeat=len(names)), len(PATH_VALUES)
            ):
                url = path
                for name, value in zip(names, values, strict=True):
                    url = url.replace("{" + name + "}", value)
                for role, body in itertools.product(ROLES, BODIES if method != "GET" else [None]):
                    headers = {} if role is None else auth(role, str(uuid.uuid4()))
                    response = await _call(client, method, url, body, headers)
                    if response.status_code >= 500:
                        failures.append(
                            f"{method} {url} as {role} with {body!r:.60}: "
                            f"{response.status_code} {response.text[:200]}"
                        )
        assert not failures, "\n".join(failures[:20])


async def _call(
    client: httpx.AsyncClient, method: str, url: str, body: Any, headers: dict[str, str]
) -> httpx.Response:
    if body is None:
        return await client.request(method, url, headers=headers)
    return await client.request(method, url, json=body, headers=headers)
