"""End-to-end benchmark: HTTP submission -> database + outbox -> relay -> RabbitMQ -> consumer +
inbox -> notification stored, with the services run as ``make up`` runs them (``jiandu-up``
processes), on the SQLite default and on PostgreSQL. Prints numbers; asserts nothing.

    uv run python -m tests.benchmarks.end_to_end [--requests 6000] [--rate 300] [--seconds 10]

In one run it prints, for each database:
- the raw broker limit: plain aio-pika publish + consume at once on a quorum queue,
  persistent, confirmed, the same message size as a proposal's event;
- the pipeline's sustained events/s (accepted submissions / time from the first request to the
  last notification stored) and its ratio to that limit;
- submit -> stored latency p50/p95/p99 at a fixed offered load (default 300/s, open loop).

The load comes from a small raw HTTP/1.1 client on keep-alive connections, so that the
generator costs little of the two cores the services share. Stored times are read from the
notifications database afterwards (the row's ``created_at``), not by polling. Every loop is
bounded in count and time; only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import os
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import aio_pika
import httpx
import psycopg

from jiandu_shared.contracts import wrap
from jiandu_shared.contracts.topics import ProposalSource, ProposalSubmitted
from jiandu_shared.web.auth import Role
from tests.support.collection import collection_year, window_for
from tests.support.launched import Platform, launched
from tests.support.servers import PostgresServer, RabbitNode, free_port
from tests.support.services import TEST_SECRET, auth

TIME_LIMIT = 180.0  # seconds, for any one measurement
MAX_CONNECTIONS = 200  # the open-loop generator's cap; beyond it requests wait (and count it)
STAFF = auth(Role.COMMITTEE_STAFF, "bench")


# --- the raw broker limit -------------------------------------------------------------------


def event_body() -> bytes:
    """A proposal's event as the relay publishes it: the size the pipeline carries."""
    event = ProposalSubmitted(
        proposal_id=uuid.uuid4(),
        tracking_code="JD-2027-ABCDEFGH",
        year=2027,
        source=ProposalSource.PUBLIC,
        focus_area="preschool_childcare",
        title="普惠性幼儿园学位不足 (benchmark)",
    )
    return wrap(event, producer="topics").model_dump_json().encode()


async def raw_broker_limit(url: str, n: int, body: bytes) -> float:
    """Messages/s of plain aio-pika publishing (confirms pipelined) while consuming (acks)."""
    publisher = await aio_pika.connect(url)
    consumer = await aio_pika.connect(url)
    try:
        pub_channel = await publisher.channel(publisher_confirms=True)
        sub_channel = await consumer.channel()
        await sub_channel.set_qos(prefetch_count=250)
        queue = await sub_channel.declare_queue(
            f"raw-{uuid.uuid4().hex[:8]}", durable=True, arguments={"x-queue-type": "quorum"}
        )
        received = 0
        done = asyncio.Event()

        async def on_message(message: aio_pika.abc.AbstractIncomingMessage) -> None:
            nonlocal received
            await message.ack()
            received += 1
            if received >= n:
                done.set()

        await queue.consume(on_message)
        in_flight = asyncio.Semaphore(500)

        async def publish_one() -> None:
            async with in_flight:
                await pub_channel.default_exchange.publish(
                    aio_pika.Message(
                        body,
                        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                        content_type="application/json",
                    ),
                    routing_key=queue.name,
                )

        started = time.perf_counter()
        await asyncio.gather(*(publish_one() for _ in range(n)))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(done.wait(), timeout=TIME_LIMIT)
        elapsed = time.perf_counter() - started
        await queue.delete(if_unused=False, if_empty=False)
        return received / elapsed
    finally:
        await publisher.close()
        await consumer.close()


# --- a light HTTP/1.1 client ----------------------------------------------------------------


class Connection:
    """One keep-alive connection; a request at a time."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    @classmethod
    async def open(cls, port: int) -> Connection:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        return cls(reader, writer)

    async def post(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", "Content-Type: application/json"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        lines.append(f"Content-Length: {len(body)}")
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        return status, await self.reader.readexactly(length)

    def close(self) -> None:
        self.writer.close()


@dataclass
class Load:
    """What was submitted: correlation id -> wall-clock send time (epoch seconds)."""

    sent_at: dict[str, float] = field(default_factory=dict)
    accepted: set[str] = field(default_factory=set)
    statuses: dict[int, int] = field(default_factory=dict)
    first: float = 0.0
    last_answer: float = 0.0


def proposal(year: int, label: str) -> bytes:
    return json.dumps(
        {
            "year": year,
            "source": "public",
            "focus_area": "preschool_childcare",
            "title": f"普惠性幼儿园 {label}",
            "rationale": "Too few affordable places near new housing estates.",
            "submitter_name": "李四",
        },
        ensure_ascii=False,
    ).encode()


CLOSED = 0  # status recorded when the server closed the connection instead of answering


async def submit(
    conn: Connection, load: Load, year: int, label: str, scheduled: float | None = None
) -> bool:
    """One proposal; False when the connection is no longer usable. Latency counts from
    ``scheduled`` when given, so a request delayed by the generator still counts its wait."""
    correlation_id = f"{label}-{uuid.uuid4().hex[:12]}"
    load.sent_at[correlation_id] = scheduled or time.time()
    try:
        status, _ = await conn.post(
            "/proposals", proposal(year, correlation_id), {"X-Correlation-ID": correlation_id}
        )
    except (OSError, asyncio.IncompleteReadError):
        status = CLOSED
    load.last_answer = time.time()
    load.statuses[status] = load.statuses.get(status, 0) + 1
    if status == 201:
        load.accepted.add(correlation_id)
    return status != CLOSED


async def closed_loop(port: int, year: int, requests: int, concurrency: int, label: str) -> Load:
    """As fast as the service answers: ``concurrency`` connections, ``requests`` in all."""
    load = Load(first=time.time())
    remaining = iter(range(requests))
    deadline = time.monotonic() + TIME_LIMIT

    async def worker() -> None:
        conn = await Connection.open(port)
        try:
            for _ in remaining:
                if time.monotonic() > deadline:
                    return
                if not await submit(conn, load, year, label):
                    conn.close()
                    conn = await Connection.open(port)
        finally:
            conn.close()

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return load


async def open_loop(port: int, year: int, rate: float, seconds: float, label: str) -> Load:
    """A fixed offered load: one request every 1/rate s, whatever the answers (a free
    connection from a pool, a new one when all are busy)."""
    load = Load(first=time.time())
    # First in, first out: every connection is used in turn, so none sits idle long enough
    # for the server to close it (uvicorn's keep-alive timeout is 5 s).
    idle: deque[Connection] = deque()
    tasks: list[asyncio.Task[None]] = []
    connections = asyncio.Semaphore(MAX_CONNECTIONS)

    async def one(scheduled: float) -> None:
        async with connections:
            conn = idle.popleft() if idle else await Connection.open(port)
            if await submit(conn, load, year, label, scheduled):
                idle.append(conn)
            else:
                conn.close()

    started = time.perf_counter()
    wall = time.time() - started
    count = int(rate * seconds)
    for i in range(count):
        due = started + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(wall + due)))
    await asyncio.wait_for(asyncio.gather(*tasks), timeout=TIME_LIMIT)
    for conn in idle:
        conn.close()
    return load


# --- the platform and its stored notifications ----------------------------------------------


@dataclass
class Target:
    label: str
    notifications_db: str  # a SQLite file path, or a psycopg conninfo
    platform: Platform
    topics_port: int
    cpu: dict[str, float] = field(default_factory=dict)


def stored_times(target: Target, prefix: str) -> dict[str, float]:
    """correlation id -> epoch seconds at which its notification was recorded."""
    query = "SELECT correlation_id, created_at FROM notifications WHERE correlation_id LIKE %s"
    rows: list[tuple[str, Any]]
    if target.notifications_db.endswith(".db"):
        with contextlib.closing(sqlite3.connect(target.notifications_db, timeout=30)) as db:
            rows = db.execute(query.replace("%s", "?"), (prefix + "%",)).fetchall()
    else:
        with psycopg.connect(target.notifications_db) as db:
            rows = db.execute(query, (prefix + "%",)).fetchall()
    times: dict[str, float] = {}
    for correlation_id, created in rows:
        at = created if isinstance(created, datetime) else datetime.fromisoformat(created)
        # One notification per proposal (committee staff); a second would be a duplicate.
        times[correlation_id] = min(at.timestamp(), times.get(correlation_id, float("inf")))
    return times


def wait_stored(target: Target, load: Load, prefix: str, budget: float) -> dict[str, float]:
    deadline = time.monotonic() + budget
    stored: dict[str, float] = {}
    while time.monotonic() < deadline:
        stored = stored_times(target, prefix)
        if load.accepted <= stored.keys():
            break
        time.sleep(0.25)
    return stored


# Which process is which, by its command line: the services, the broker, the database.
_PROCESSES = (
    ("topics", "jiandu_topics."),
    ("notifications", "jiandu_notifications."),
    ("rabbitmq", "beam.smp"),
    ("postgresql", "postgres"),
)


def process_cpu() -> dict[str, float]:
    """CPU seconds used so far by the platform's processes (a service's uvicorn workers count
    as the service), and by this load generator."""
    tick = os.sysconf("SC_CLK_TCK")
    seen: dict[str, tuple[str, str, float]] = {}  # pid -> parent pid, command line, CPU seconds
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            seen[entry.name] = (fields[1], cmdline, (int(fields[11]) + int(fields[12])) / tick)

    def kind(pid: str, depth: int = 0) -> str:
        if pid == str(os.getpid()):
            return "load generator"
        if pid not in seen or depth > 3:
            return ""
        parent, cmdline, _ = seen[pid]
        mark = next((name for name, mark in _PROCESSES if mark in cmdline), "")
        return mark or kind(parent, depth + 1) if "multiprocessing" in cmdline else mark

    found: dict[str, float] = {}
    for pid, (_, _, cpu) in seen.items():
        if name := kind(pid):
            found[name] = found.get(name, 0.0) + cpu
    return found


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


@contextlib.contextmanager
def platform_on(
    label: str, rabbit_url: str, base: Path, postgres: PostgresServer | None, workers: int = 1
) -> Iterator[Target]:
    ports = {"topics": free_port(), "notifications": free_port()}
    data = base / label
    env = {
        **os.environ,
        "JIANDU_RABBIT_URL": rabbit_url,
        "JIANDU_DATA_DIR": str(data),
        "JIANDU_AUTH_SECRET": TEST_SECRET,
        "JIANDU_LOG_LEVEL": "WARNING",
        "JIANDU_NOTIFICATIONS_PROVISION_DIR": str(Path("deploy/notifications").resolve()),
        **{f"JIANDU_{s.upper()}_PORT": str(p) for s, p in ports.items()},
    }
    notifications_db = str(data / "notifications.db")
    if postgres is not None:
        for service in ports:
            name = f"{label}_{service}"
            with psycopg.connect(
                host="127.0.0.1", port=postgres.port, user="postgres", autocommit=True
            ) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            env[f"JIANDU_{service.upper()}_DATABASE_URL"] = postgres.url(name)
        env["JIANDU_TOPICS_WORKERS"] = str(workers)
        notifications_db = (
            f"host=127.0.0.1 port={postgres.port} user=postgres dbname={label}_notifications"
        )
    args = ("--services", *ports, "--no-agency-access")
    with launched(env, ports, *args) as platform:
        yield Target(label, notifications_db, platform, ports["topics"])


async def open_window(topics_url: str) -> int:
    year = collection_year()
    async with httpx.AsyncClient(base_url=topics_url, timeout=30) as client:
        scheduled = await client.post("/collection-windows", json=window_for(year), headers=STAFF)
        opened = await client.post(f"/collection-windows/{year}/open", headers=STAFF)
        if scheduled.status_code not in (201, 409) or opened.status_code not in (200, 409):
            raise SystemExit(f"cannot open the collection window: {opened.text}")
    return year


async def measure_platform(target: Target, args: argparse.Namespace, limit: float) -> None:
    year = await open_window(target.platform.urls["topics"])
    # Warm up (imports, connection pools, JIT-less caches), not counted.
    warm = await closed_loop(target.topics_port, year, 200, 16, f"warm{target.label}")
    wait_stored(target, warm, f"warm{target.label}", 60)

    cpu_before = process_cpu()
    prefix = f"sus{target.label}"
    load = await closed_loop(target.topics_port, year, args.requests, args.concurrency, prefix)
    stored = wait_stored(target, load, prefix, TIME_LIMIT)
    cpu_after = process_cpu()
    done = [t for c, t in stored.items() if c in load.accepted]
    lost = len(load.accepted - stored.keys())
    span = (max(done) - load.first) if done else float("nan")
    rate = len(done) / span if done else 0.0
    accept_rate = len(load.accepted) / max(load.last_answer - load.first, 1e-9)
    cpu = {k: (cpu_after.get(k, 0) - v) * 1000 / max(len(done), 1) for k, v in cpu_before.items()}
    print(
        f"pipeline {target.label:<10} {len(done):>6} of {len(load.accepted)} accepted "
        f"({args.concurrency} concurrent, statuses {dict(sorted(load.statuses.items()))}): "
        f"accepted {accept_rate:7.0f}/s, stored end to end {rate:7.0f} events/s = "
        f"{rate / limit:5.1%} of the broker's limit; not stored: {lost}"
    )
    print(
        "         CPU ms per event: "
        + ", ".join(f"{k} {v:.2f}" for k, v in sorted(cpu.items(), key=lambda kv: str(kv[0])))
    )

    prefix = f"lat{target.label}"
    load = await open_loop(target.topics_port, year, args.rate, args.seconds, prefix)
    stored = wait_stored(target, load, prefix, 60)
    latencies = [(stored[c] - load.sent_at[c]) * 1000 for c in load.accepted if c in stored]
    if not latencies:
        print(f"latency  {target.label:<10} nothing stored")
        return
    print(
        f"latency  {target.label:<10} at {args.rate:.0f}/s offered for {args.seconds:.0f}s "
        f"({len(latencies)} of {len(load.sent_at)} stored, statuses "
        f"{dict(sorted(load.statuses.items()))}): submit -> stored "
        f"p50 {statistics.median(latencies):.0f} ms, p95 {percentile(latencies, 95):.0f} ms, "
        f"p99 {percentile(latencies, 99):.0f} ms, max {max(latencies):.0f} ms"
    )


async def run(args: argparse.Namespace, rabbit: RabbitNode, postgres: PostgresServer) -> None:
    body = event_body()
    limit = await raw_broker_limit(rabbit.vhost_url(rabbit.new_vhost()), args.raw, body)
    print(
        f"broker   raw limit: {limit:7.0f} msgs/s (aio-pika, quorum queue, persistent, "
        f"confirmed, publish + consume at once, {len(body)}-byte messages)"
    )
    base = Path(tempfile.mkdtemp(prefix="jiandu-e2e-bench-"))
    os.chmod(base, 0o755)
    # The generator's own full collections would delay its sends, and count as latency.
    gc.collect()
    gc.freeze()
    for label in args.databases:
        url = rabbit.vhost_url(rabbit.new_vhost())
        on_postgres = label == "postgresql"
        workers = args.topics_workers if on_postgres else 1
        print(f"platform {label}: topics in {workers} worker process(es), notifications in one")
        with platform_on(label, url, base, postgres if on_postgres else None, workers) as target:
            await measure_platform(target, args, limit)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=6000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--rate", type=float, default=300.0)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--raw", type=int, default=20000, help="messages for the raw limit")
    parser.add_argument(
        "--topics-workers",
        type=int,
        default=1,
        help="topics' worker processes on PostgreSQL (JIANDU_TOPICS_WORKERS; SQLite runs one)",
    )
    parser.add_argument(
        "--databases", nargs="+", default=["postgresql", "sqlite"], choices=["postgresql", "sqlite"]
    )
    args = parser.parse_args()
    args.requests = min(args.requests, 50_000)
    args.seconds = min(args.seconds, 60.0)
    args.raw = min(args.raw, 200_000)
    base = Path(tempfile.mkdtemp(prefix="jiandu-e2e-servers-"))
    base.chmod(0o755)
    rabbit = RabbitNode(base / "rabbit")
    postgres = PostgresServer(base / "pg")
    rabbit.start()
    postgres.start()
    try:
        asyncio.run(run(args, rabbit, postgres))
    finally:
        with contextlib.suppress(Exception):
            postgres.stop()
        rabbit.stop()
    sys.stdout.flush()


if __name__ == "__main__":
    main()
