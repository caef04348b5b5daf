"""Schema-driven fuzzing: every operation of every service, called with data its OpenAPI allows.

schemathesis builds requests from each service's own OpenAPI document (the one clients and the
console read) and the service answers them in memory, exactly as in ``test_no_server_errors``:
SQLite, FastStream's test broker, a fixed clock. Each operation gets a few deterministic
examples (``derandomize``; ``JIANDU_FUZZ_EXAMPLES`` for more), sent as committee staff
(``/ops/*`` as the operator), once with valid data and once with invalid data. Checked:

1. no answer is a 5xx (nor an exception through the transport), and every error answer is
   ``application/problem+json`` — valid and invalid data alike;
2. valid data is never refused by request validation: a 422 titled "Invalid request" (the
   kernel's answer to a validation error, see ``jiandu_shared.web.problems``) for a body a JSON
   Schema validator also finds valid means the service enforces a constraint its OpenAPI does
   not state. Domain answers (404, 409, 403 and the rule 422 "Rule violated") are fine: the
   data were valid, the state did not allow them;
3. a successful answer to valid data conforms to the response schema the OpenAPI declares.

Hypothesis runs in a worker thread; each generated request is sent on the test's event loop,
where the service's database and broker live.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import jsonschema_rs
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import response_schema_conformance

from jiandu_deputies.bootstrap import SPEC as DEPUTIES
from jiandu_finance.bootstrap import SPEC as FINANCE
from jiandu_notifications.bootstrap import SPEC as NOTIFICATIONS
from jiandu_shared.clock import FixedClock
from jiandu_shared.service import ServiceSpec
from jiandu_shared.web.auth import Role
from jiandu_shared.web.problems import PROBLEM_JSON
from jiandu_topics.bootstrap import SPEC as TOPICS
from tests.service.topics.conftest import NOW
from tests.support.collection import in_memory
from tests.support.services import auth

# A few per operation keeps the file near a minute; JIANDU_FUZZ_EXAMPLES=50 digs deeper.
MAX_EXAMPLES = int(os.environ.get("JIANDU_FUZZ_EXAMPLES", "10"))
INVALID_REQUEST = "Invalid request"  # the title of the kernel's request-validation 422

# Operations not fuzzed here, with the reason.
EXCLUDED: dict[tuple[str, str], str] = {
    # They read RabbitMQ's management API, which the in-memory test broker has not.
    ("GET", "/ops/dead-letters"): "needs the broker",
    ("GET", "/ops/dead-letters/{queue}"): "needs the broker",
    ("POST", "/ops/dead-letters/{queue}/replay"): "needs the broker",
}

# Operations that still fail a check, by service: (method, path) -> why. Keep it short.
KNOWN_FAILURES: dict[str, dict[tuple[str, str], str]] = {
    "topics": {},
    "deputies": {},
    "finance": {},
    "notifications": {},
}


def role_for(path: str) -> Role:
    return Role.OPERATOR if path.startswith("/ops/") else Role.COMMITTEE_STAFF


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=str)
@pytest.mark.parametrize("spec", [TOPICS, DEPUTIES, FINANCE, NOTIFICATIONS], ids=lambda s: s.name)
async def test_every_operation_answers_by_its_schema(
    spec: ServiceSpec[Any], mode: GenerationMode, data_dir: Path
) -> None:
    async with in_memory(spec, data_dir, FixedClock(NOW)) as (_, client):
        document = (await client.get("/openapi.json")).json()
        schema = schemathesis.openapi.from_dict(_headers_never_null(document))
        # NUL, refused in every text by the kernel's middleware, is left out by the document's
        # own patterns (``web.openapi``): the generator is free to try it.
        loop = asyncio.get_running_loop()

        def send(kwargs: dict[str, Any]) -> httpx.Response:
            future = asyncio.run_coroutine_threadsafe(_request(client, kwargs), loop)
            return future.result(timeout=60)

        failures = await asyncio.to_thread(_fuzz, schema, mode, send)

    known = KNOWN_FAILURES[spec.name]
    unexpected = {op: found for op, found in failures.items() if op not in known}
    assert not unexpected, _report(unexpected)


def _headers_never_null(document: dict[str, Any]) -> dict[str, Any]:
    """An optional header is said ``anyOf: [string, null]`` (FastAPI's rendering of
    ``str | None``), but a header has no null: it is absent. schemathesis would send the text
    ``null``; leave that branch out so an absent header is how "none" is said."""
    for operations in document["paths"].values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                branches = parameter.get("schema", {}).get("anyOf")
                if parameter["in"] == "header" and branches:
                    kept = [b for b in branches if b.get("type") != "null"]
                    parameter["schema"]["anyOf"] = kept
    return document


def _fuzz(
    schema: Any, mode: GenerationMode, send: Callable[[dict[str, Any]], httpx.Response]
) -> dict[tuple[str, str], list[str]]:
    failures: dict[tuple[str, str], list[str]] = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        key = (operation.method.upper(), operation.path)
        if key in EXCLUDED:
            continue
        found = _fuzz_operation(operation, mode, send)
        if found:
            failures[key] = found
    return failures


def _fuzz_operation(
    operation: Any, mode: GenerationMode, send: Callable[[dict[str, Any]], httpx.Response]
) -> list[str]:
    found: list[str] = []
    headers = auth(role_for(operation.path), f"fuzz-{uuid.uuid4()}")

    @settings(
        # Invalid data is slower to build and only checked for 5xx and problem+json: fewer.
        max_examples=MAX_EXAMPLES if mode is GenerationMode.POSITIVE else MAX_EXAMPLES // 2,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],  # no shrinking: every failure is recorded
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        kwargs = case.as_transport_kwargs(base_url="http://test", headers=headers)
        try:
            response = send(kwargs)
        except Exception as error:  # raised through the ASGI transport: a 500 and worse
            problem: str | None = f"crash: {type(error).__name__}: {error}"
        else:
            problem = _check(case, response, mode)
        if problem and len(found) < 3:
            found.append(f"{problem}\n      request: {_describe(kwargs)}")

    try:
        run()
    except Unsatisfiable:  # negative mode, and nothing in the operation can be made invalid
        assert mode is GenerationMode.NEGATIVE
    return found


def _check(case: Any, response: httpx.Response, mode: GenerationMode) -> str | None:
    status = response.status_code
    content_type = response.headers.get("content-type", "")
    if status >= 500:
        return f"{status} server error: {response.text[:300]}"
    if status >= 400:
        if not content_type.startswith(PROBLEM_JSON):
            return f"{status} is not problem+json ({content_type}): {response.text[:200]}"
        if (
            mode is GenerationMode.POSITIVE
            and status == 422
            and response.json().get("title") == INVALID_REQUEST
            and _body_is_schema_valid(case)
        ):
            return f"schema-valid request refused: {response.json().get('detail', '')[:300]}"
        return None
    if mode is GenerationMode.NEGATIVE:
        return None  # invalid data let through is not this test's business
    try:
        case.validate_response(response, checks=[response_schema_conformance])
    except FailureGroup as error:  # the answer breaks its declared schema
        return f"{status} answer does not match its schema: {error.exceptions[0]!s:.600}"
    return None


def _body_is_schema_valid(case: Any) -> bool:
    """Whether a JSON body really conforms to the operation's schema, checked by a JSON Schema
    validator: the generator's reading of a pattern can differ from the standard one (it takes
    ``\\x85`` for a non-space in ``\\S``; Unicode, pydantic and the whitespace stripping do not)."""
    if not isinstance(case.body, dict | list) or case.media_type != "application/json":
        return True  # nothing to second-guess: not a JSON body
    schema = case.operation.definition.raw["requestBody"]["content"]["application/json"]["schema"]
    document = case.operation.schema.raw_schema
    validator = jsonschema_rs.Draft202012Validator({**schema, "components": document["components"]})
    return bool(validator.is_valid(case.body))


async def _request(client: httpx.AsyncClient, kwargs: dict[str, Any]) -> httpx.Response:
    return await client.request(
        kwargs["method"],
        kwargs["url"],
        params=kwargs.get("params"),
        headers=kwargs.get("headers"),
        json=kwargs.get("json"),
        content=kwargs.get("data") if not kwargs.get("files") else None,
        data=kwargs.get("data") if kwargs.get("files") else None,
        files=_httpx_files(kwargs.get("files")),
    )


def _httpx_files(files: Any) -> Any:
    """requests' multipart parts as httpx takes them: httpx wants text or bytes where
    requests turns any value into text (schemathesis builds the parts for requests)."""
    if not files:
        return None
    parts = []
    for name, (filename, value, *rest) in files:
        if not isinstance(value, str | bytes):
            value = str(value)
        parts.append((name, (filename, value, *rest)))
    return parts


def _describe(kwargs: dict[str, Any]) -> str:
    parts = [kwargs["method"], kwargs["url"]]
    if kwargs.get("params"):
        parts.append(f"params={kwargs['params']!r:.200}")
    if "json" in kwargs:
        parts.append(f"json={kwargs['json']!r:.300}")
    return " ".join(parts)


def _report(failures: dict[tuple[str, str], list[str]]) -> str:
    lines = [f"{len(failures)} operations fail:"]
    for (method, path), found in failures.items():
        lines.append(f"  {method} {path}")
        lines.extend(f"    - {line}" for line in found)
    return "\n".join(lines)
