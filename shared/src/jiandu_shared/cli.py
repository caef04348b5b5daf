"""``jiandu``: operator commands against a running platform.

``jiandu trace <correlation-id>`` asks every service for its records of one flow
(``GET /ops/trace/{id}``) and prints them as one timeline: the request, the outbox rows and
their publication, each consumption, the notifications and every delivery attempt. It reads
only the services' own databases, so it works with no trace backend running.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence
from datetime import datetime, timedelta
from urllib.parse import quote

import httpx
from pydantic import TypeAdapter, ValidationError

from jiandu_shared.settings import DEFAULT_PORTS, PlatformSettings, service_settings
from jiandu_shared.tracing import TraceEntry, timeline
from jiandu_shared.web.auth import Role, mint_token

# The services that keep records of a flow (the console keeps none).
SERVICES = tuple(name for name in DEFAULT_PORTS if name != "console")
ENTRIES = TypeAdapter(list[TraceEntry])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="jiandu", description="Jiandu operator commands")
    commands = parser.add_subparsers(dest="command", required=True)
    trace = commands.add_parser(
        "trace",
        help="one flow's timeline across the four services, from their own records",
        description="Ask every service for its records of a correlation id and print them as "
        "one timeline. Service URLs default to http://JIANDU_HOST:JIANDU_<SERVICE>_PORT; the "
        "operator token is minted with JIANDU_AUTH_SECRET.",
    )
    trace.add_argument("correlation_id", help="the X-Correlation-ID of the flow")
    trace.add_argument(
        "--url",
        action="append",
        default=[],
        metavar="SERVICE=URL",
        help="where a service answers, e.g. topics=http://10.0.0.5:8001 (repeatable)",
    )
    trace.add_argument("--json", action="store_true", help="print JSON instead of a table")
    trace.add_argument("--timeout", type=float, default=10.0, help="seconds per service")
    args = parser.parse_args(argv)
    urls = default_urls()
    for override in args.url:
        service, _, url = override.partition("=")
        if service not in urls or not url:
            parser.error(f"--url takes SERVICE=URL with SERVICE one of {', '.join(SERVICES)}")
        urls[service] = url.rstrip("/")
    return asyncio.run(
        trace_flow(args.correlation_id, urls, json_output=args.json, seconds=args.timeout)
    )


def default_urls() -> dict[str, str]:
    host = PlatformSettings().host
    host = "127.0.0.1" if host in ("0.0.0.0", "") else host
    return {name: f"http://{host}:{service_settings(name).port}" for name in SERVICES}


async def trace_flow(
    correlation_id: str, urls: dict[str, str], *, json_output: bool, seconds: float
) -> int:
    """Print the timeline; 1 when no service answered, else 0 (missing ones are warned of)."""
    token = mint_token(
        PlatformSettings().auth_secret, "jiandu-trace", Role.OPERATOR, ttl=timedelta(minutes=5)
    )
    async with httpx.AsyncClient(
        timeout=seconds, headers={"Authorization": f"Bearer {token}"}
    ) as client:
        answers = await asyncio.gather(
            *(_ask(client, url, correlation_id) for url in urls.values())
        )
    entries: list[TraceEntry] = []
    unanswered: dict[str, str] = {}
    for (service, url), answer in zip(urls.items(), answers, strict=True):
        if isinstance(answer, str):
            unanswered[service] = f"{url}: {answer}"
        else:
            entries.extend(answer)
    merged = timeline(entries)
    for service, reason in unanswered.items():
        print(
            f"warning: {service} did not answer ({reason}); its records are missing",
            file=sys.stderr,
        )
    if json_output:
        print(json.dumps(_document(correlation_id, merged, unanswered), indent=2))
    else:
        print(render(correlation_id, merged))
    return 1 if len(unanswered) == len(urls) else 0


async def _ask(client: httpx.AsyncClient, url: str, correlation_id: str) -> list[TraceEntry] | str:
    """A service's entries, or why there are none."""
    try:
        response = await client.get(f"{url}/ops/trace/{quote(correlation_id, safe='')}")
    except httpx.HTTPError as exc:
        return f"{type(exc).__name__}: {exc}".rstrip(": ")
    if response.status_code != 200:
        return f"HTTP {response.status_code}: {response.text[:200]}"
    try:
        return ENTRIES.validate_json(response.content)
    except ValidationError as exc:
        return f"not a trace: {exc.error_count()} errors"


def render(correlation_id: str, entries: list[TraceEntry]) -> str:
    if not entries:
        return f"No records of flow {correlation_id!r} in the services that answered."
    start = entries[0].at
    services = ", ".join(dict.fromkeys(e.service for e in entries))
    lines = [
        f"Flow {correlation_id}: {len(entries)} records in {services}, "
        f"from {start.isoformat().replace('+00:00', 'Z')}"
    ]
    for e in entries:
        event = f"{e.event_type or '-'} {e.event_id[:8] if e.event_id else ''}".rstrip()
        detail = " ".join(e.detail.split())  # one line per record, whatever a server said
        offset = _offset_ms(e.at, start)
        lines.append(f"{offset:>+10.1f} ms  {e.service:<13} {e.kind:<19} {event:<42} {detail}")
    return "\n".join(lines)


def _offset_ms(at: datetime, start: datetime) -> float:
    return (at - start).total_seconds() * 1000


def _document(
    correlation_id: str, entries: list[TraceEntry], unanswered: dict[str, str]
) -> dict[str, object]:
    start = entries[0].at if entries else None
    return {
        "correlation_id": correlation_id,
        "entries": [
            {
                **e.model_dump(mode="json"),
                "offset_ms": round(_offset_ms(e.at, start), 3) if start else 0.0,
            }
            for e in entries
        ],
        "unanswered": unanswered,
    }


if __name__ == "__main__":
    sys.exit(main())
