"""The fault suite's tools: services as processes, a stream of submissions, effects counted.

A scenario starts the services as ``jiandu-up`` runs them (one uvicorn process each, see
``jiandu_shared.launcher``) with :class:`ServiceProcess`, so it can SIGKILL and restart one of
them; sends a paced stream of ``POST /proposals`` with :class:`Submitter` (a distinct
``X-Correlation-ID`` each, the same value as ``Idempotency-Key`` so that retries after a 503 or
a dropped connection never create twice); injects its fault; then :func:`drain` waits (bounded)
until every accepted proposal has its notification, the outbox is empty and the queues are
empty, and :func:`figures` counts, against the 201s, what is lost and what is duplicated by
reading the services' databases directly.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from abc import ABC, abstractmethod
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psycopg

from jiandu_shared.web.auth import Role
from tests.support.collection import collection_year
from tests.support.services import TEST_SECRET, auth

SUBMITTED = "topics.proposal.submitted"
OPERATOR = auth(Role.OPERATOR, "chaos")
STAFF = auth(Role.COMMITTEE_STAFF, "chaos")
PR_SET_PDEATHSIG = 1


# --- scale ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scale:
    """How much work a scenario submits, and over how long it spreads it (so the fault lands
    in the middle of the stream)."""

    name: str
    submissions: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.submissions / self.seconds

    @property
    def drain_timeout(self) -> float:
        return 90.0 + self.submissions * 0.06


SCALES = {
    "short": Scale("short", 200, 12.0),
    "full": Scale("full", 2000, 40.0),
}


def chaos_scale() -> Scale:
    """``JIANDU_CHAOS_SCALE``: ``short`` (default, CI), ``full`` (``make chaos``), or a number
    of submissions per scenario."""
    value = os.environ.get("JIANDU_CHAOS_SCALE", "short").strip().lower() or "short"
    if value in SCALES:
        return SCALES[value]
    count = int(value)
    return Scale(value, count, max(12.0, count / 50))


# --- service processes -----------------------------------------------------------------------


_LIBC = ctypes.CDLL("libc.so.6", use_errno=True)  # loaded here: no dlopen between fork and exec


def _die_with_parent() -> None:
    """A service gets SIGTERM if the test process dies without stopping it."""
    _LIBC.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class ServiceProcess:
    """One service as ``jiandu-up`` runs it: ``python -m uvicorn --factory ...`` on its port.

    Started from the event loop's (main) thread: the death signal follows the thread that
    forked, and the services must outlive no worker thread.
    """

    def __init__(
        self, name: str, port: int, env: Mapping[str, str], log: Path, *, app: str | None = None
    ) -> None:
        self.name = name
        self.port = port
        self.env = dict(env)
        self.log = log
        self.app = app or name
        self.process: subprocess.Popen[bytes] | None = None
        self.kills = 0
        self.starts = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, **extra_env: str) -> None:
        assert self.process is None or self.process.poll() is not None, f"{self.name} runs"
        env = {
            **self.env,
            "PYTHONUNBUFFERED": "1",
            f"JIANDU_{self.app.upper()}_PORT": str(self.port),
            **extra_env,
        }
        with self.log.open("ab") as log:
            log.write(f"\n--- start {self.starts + 1} of {self.name} ---\n".encode())
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "uvicorn",
                    "--factory",
                    f"jiandu_{self.app}.entrypoints.app:create",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--log-level",
                    "warning",
                    "--no-access-log",
                ],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )
        self.starts += 1

    async def ready(self, timeout: float = 90.0) -> None:  # noqa: ASYNC109 - polling deadline
        """Wait until ``/readyz`` answers 200 (database and broker reachable)."""
        deadline = time.monotonic() + timeout
        async with httpx.AsyncClient(timeout=2) as client:
            while time.monotonic() < deadline:
                if self.process is None or self.process.poll() is not None:
                    raise AssertionError(f"{self.name} exited:\n{self.log_tail()}")
                with contextlib.suppress(httpx.HTTPError):
                    if (await client.get(f"{self.url}/readyz")).status_code == 200:
                        return
                await asyncio.sleep(0.2)
        raise AssertionError(f"{self.name} not ready within {timeout}s:\n{self.log_tail()}")

    def exit_code(self) -> int | None:
        return None if self.process is None else self.process.poll()

    def kill(self) -> None:
        """SIGKILL: no shutdown, no acks, no commits after this instant."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)
        self.kills += 1

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def log_tail(self, lines: int = 40) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        return ""

    def log_text(self) -> str:
        with contextlib.suppress(OSError):
            return self.log.read_text(errors="replace")
        return ""


async def wait_exit(process: ServiceProcess, timeout: float) -> int:  # noqa: ASYNC109
    """Wait (bounded) until the process ends, e.g. killed by its own fault point."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        code = process.exit_code()
        if code is not None:
            return code
        await asyncio.sleep(0.05)
    raise AssertionError(f"{process.name} still runs after {timeout}s:\n{process.log_tail()}")


@contextlib.asynccontextmanager
async def stopped_after(*processes: ServiceProcess) -> AsyncIterator[None]:
    """Stop (SIGTERM, then SIGKILL) every process at the end, whatever happened."""
    try:
        yield
    finally:
        for process in processes:
            process.stop()


def service_env(
    rabbit_url: str, data_dir: Path, databases: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The environment of the platform's processes; ``databases`` maps a service to its URL
    (PostgreSQL), others keep the SQLite default under ``data_dir``."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("JIANDU_") and not key.startswith("OTEL_")
    }
    env.update(
        {
            "JIANDU_RABBIT_URL": rabbit_url,
            "JIANDU_DATA_DIR": str(data_dir),
            "JIANDU_AUTH_SECRET": TEST_SECRET,
            "JIANDU_LOG_LEVEL": "WARNING",
        }
    )
    for name, url in (databases or {}).items():
        env[f"JIANDU_{name.upper()}_DATABASE_URL"] = url
    return env


# --- the services' databases, read directly --------------------------------------------------


class Store(ABC):
    """A service's database, read with a plain driver (not through the service)."""

    @abstractmethod
    def rows(self, sql: str) -> list[tuple[Any, ...]]: ...

    def counts(self, sql: str) -> Counter[str]:
        return Counter({str(key): int(n) for key, n in self.rows(sql)})

    def scalar(self, sql: str) -> int:
        return int(self.rows(sql)[0][0] or 0)


class SqliteStore(Store):
    def __init__(self, path: Path) -> None:
        self.path = path

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        with contextlib.closing(
            sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=30)
        ) as db:
            return list(db.execute(sql).fetchall())


class PostgresStore(Store):
    def __init__(self, port: int, database: str) -> None:
        self.port = port
        self.database = database

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        with psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname=self.database
        ) as conn:
            return list(conn.execute(sql).fetchall())


def create_database(port: int, name: str) -> str:
    """A new database on a PostgreSQL server; its SQLAlchemy URL."""
    with psycopg.connect(
        host="127.0.0.1", port=port, user="postgres", dbname="postgres", autocommit=True
    ) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql+asyncpg://postgres@127.0.0.1:{port}/{name}"


NOTIFICATIONS_PER_CORRELATION = (
    "SELECT correlation_id, COUNT(*) FROM notifications GROUP BY correlation_id"
)
PROPOSALS_PER_CORRELATION = (
    f"SELECT correlation_id, COUNT(*) FROM outbox WHERE event_type = '{SUBMITTED}' "
    "GROUP BY correlation_id"
)
OUTBOX_PENDING = "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL AND unroutable_at IS NULL"


async def read(store: Store, sql: str) -> Counter[str]:
    return await asyncio.to_thread(store.counts, sql)


# --- the stream of work ----------------------------------------------------------------------


@dataclass
class Tally:
    """What the client saw: every answer, by kind, and what was accepted."""

    submitted: int = 0
    accepted: dict[str, str] = field(default_factory=dict)  # correlation id -> proposal id
    expected: dict[str, int] = field(default_factory=dict)  # correlation id -> notifications
    replayed: int = 0  # 201 with Idempotent-Replayed: a retry answered from the first request
    unavailable: int = 0  # 503
    retry_after: set[str] = field(default_factory=set)  # Retry-After values of those 503s
    server_errors: int = 0  # any other 5xx
    server_error_samples: list[str] = field(default_factory=list)
    transport_errors: int = 0  # refused, reset, timed out: the process was down
    refused: Counter[int] = field(default_factory=Counter)  # 4xx: final, not retried
    gave_up: int = 0

    def notes(self) -> dict[str, object]:
        return {
            "503": self.unavailable,
            "5xx": self.server_errors,
            "connection errors": self.transport_errors,
            "replayed": self.replayed,
            "gave up": self.gave_up,
            **({"refused": dict(self.refused)} if self.refused else {}),
        }


class Submitter:
    """Sends proposals as a citizen would, retrying what may be retried: a 503 after its
    Retry-After, a dropped or refused connection after a pause; always with the same
    ``Idempotency-Key``, so a retry can never create a second proposal."""

    def __init__(
        self, client: httpx.AsyncClient, year: int, tag: str, *, retry_for: float = 120.0
    ) -> None:
        self.client = client
        self.year = year
        self.tag = tag
        self.retry_for = retry_for
        self.tally = Tally()
        self.accepted_order: list[str] = []

    def correlation(self, n: int) -> str:
        return f"{self.tag}-{n:05d}"

    async def _post(
        self, url: str, correlation: str, body: dict[str, Any] | None, headers: dict[str, str]
    ) -> httpx.Response | None:
        """POST until an answer that is not a 503 or a 5xx (bounded); None when given up."""
        tally = self.tally
        deadline = time.monotonic() + self.retry_for
        while time.monotonic() < deadline:
            try:
                response = await self.client.post(
                    url,
                    json=body,
                    headers={"X-Correlation-ID": correlation, **headers},
                )
            except httpx.TransportError:
                tally.transport_errors += 1
                await asyncio.sleep(0.3)
                continue
            if response.status_code == 503:
                tally.unavailable += 1
                retry_after = response.headers.get("Retry-After", "")
                tally.retry_after.add(retry_after)
                try:
                    pause = float(retry_after)
                except ValueError:
                    pause = 1.0
                await asyncio.sleep(min(max(pause, 0.1), 5.0))
                continue
            if response.status_code >= 500:
                tally.server_errors += 1
                if len(tally.server_error_samples) < 5:
                    tally.server_error_samples.append(
                        f"{response.status_code} {url}: {response.text[:300]}"
                    )
                await asyncio.sleep(0.5)
                continue
            return response
        tally.gave_up += 1
        return None

    async def submit(self, base: str, n: int) -> str | None:
        """Submit proposal ``n``; its correlation id when accepted (201)."""
        correlation = self.correlation(n)
        self.tally.submitted += 1
        body = {
            "year": self.year,
            "source": "public",
            "focus_area": "preschool_childcare",
            "title": f"普惠性幼儿园 #{n}",
            "rationale": "Too few affordable kindergarten places in the county town.",
            "submitter_name": "李四",
        }
        response = await self._post(
            f"{base}/proposals", correlation, body, {"Idempotency-Key": correlation}
        )
        if response is None:
            return None
        if response.status_code != 201:
            self.tally.refused[response.status_code] += 1
            return None
        if response.headers.get("Idempotent-Replayed") == "true":
            self.tally.replayed += 1
        self.tally.accepted[correlation] = str(response.json()["id"])
        self.tally.expected[correlation] = 1  # the committee staff's notification
        self.accepted_order.append(correlation)
        return correlation

    async def act(self, base: str, proposal_id: str, action: str, correlation: str) -> bool:
        """Staff screen a proposal (``shortlist``, ``adopt``): one notification to its source."""
        response = await self._post(
            f"{base}/proposals/{proposal_id}/{action}", correlation, None, STAFF
        )
        if response is None or response.status_code != 200:
            if response is not None:
                self.tally.refused[response.status_code] += 1
            return False
        self.tally.expected[correlation] = 1
        return True

    async def stream(
        self,
        bases: Sequence[str],
        count: int,
        rate: float,
        *,
        concurrency: int = 16,
        after: Callable[[int, str], Awaitable[None]] | None = None,
    ) -> None:
        """Submit ``count`` proposals at ``rate`` per second (paced, at most ``concurrency`` at
        once), spread over ``bases`` in turn; ``after(n, correlation)`` follows each 201."""
        gate = asyncio.Semaphore(concurrency)
        started = time.monotonic()

        async def one(n: int) -> None:
            async with gate:
                base = bases[n % len(bases)]
                correlation = await self.submit(base, n)
                if correlation is not None and after is not None:
                    await after(n, correlation)

        tasks: list[asyncio.Task[None]] = []
        for n in range(count):
            delay = started + n / rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(n)))
        await asyncio.gather(*tasks)


async def open_window(client: httpx.AsyncClient, topics: str, year: int) -> None:
    """Schedule and open the year's collection window (retrying while the service warms up)."""
    window = {"year": year, "opens_on": f"{year - 1}-01-01", "closes_on": f"{year}-12-31"}
    scheduled = await client.post(f"{topics}/collection-windows", json=window, headers=STAFF)
    assert scheduled.status_code in (201, 409), scheduled.text
    opened = await client.post(f"{topics}/collection-windows/{year}/open", headers=STAFF)
    assert opened.status_code in (200, 409), opened.text


@dataclass
class Streaming:
    """A scenario's running flow: its client, its submitter and the stream in the background."""

    client: httpx.AsyncClient
    submitter: Submitter
    stream: asyncio.Task[None]

    async def finished(self, scale: Scale) -> None:
        """Wait (bounded) until every submission has been answered."""
        await asyncio.wait_for(self.stream, timeout=scale.seconds * 3 + 120)


@contextlib.asynccontextmanager
async def streaming(
    topics: ServiceProcess,
    notifications: ServiceProcess,
    scenario: str,
    scale: Scale,
    **notifications_env: str,
) -> AsyncIterator[Streaming]:
    """Start both services, open the collection window and stream submissions to topics in the
    background; both processes are stopped at the end, whatever happened."""
    async with stopped_after(topics, notifications):
        topics.start()
        notifications.start(**notifications_env)
        await asyncio.gather(topics.ready(), notifications.ready())
        async with httpx.AsyncClient(timeout=30) as client:
            year = collection_year()
            await open_window(client, topics.url, year)
            submitter = Submitter(client, year, scenario)
            stream = asyncio.create_task(
                submitter.stream([topics.url], scale.submissions, scale.rate)
            )
            try:
                yield Streaming(client, submitter, stream)
            finally:
                if not stream.done():
                    stream.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await stream


async def outbox_state(client: httpx.AsyncClient, topics: str) -> dict[str, Any]:
    """``GET /ops/outbox`` as an operator: pending, unroutable, sent, last error."""
    response = await client.get(f"{topics}/ops/outbox", headers=OPERATOR)
    response.raise_for_status()
    state: dict[str, Any] = response.json()
    return state


# --- draining and counting -------------------------------------------------------------------


@dataclass
class Drained:
    notifications: Counter[str]
    created: Counter[str]
    pending: int
    live_messages: int | None
    dead_lettered: int | None
    waited: float
    complete: bool


async def drain(
    tally: Tally,
    notifications: Store,
    topics: Store,
    *,
    timeout: float,  # noqa: ASYNC109 - a polling deadline
    queue_depths: Callable[[], Mapping[str, int]] | None = None,
    settle: float = 1.0,
) -> Drained:
    """Wait until every accepted piece of work has its notifications, the topics outbox has
    nothing pending and (when ``queue_depths`` is given) no queue holds a message, so no
    duplicate can still arrive; bounded by ``timeout``. Then count."""
    started = time.monotonic()
    deadline = started + timeout
    live: int | None = None
    dead: int | None = None
    complete = False
    last_depths = 0.0
    while time.monotonic() < deadline:
        counts = await read(notifications, NOTIFICATIONS_PER_CORRELATION)
        pending = await asyncio.to_thread(topics.scalar, OUTBOX_PENDING)
        missing = sum(1 for c, n in tally.expected.items() if counts[c] < n)
        if not missing and not pending and queue_depths is None:
            complete = True
            break
        # Nothing pending in the outbox and no message in any queue (ready or unacked, so
        # none in a consumer's hands): what is missing now never comes. Asked every few
        # seconds at most while something is missing (rabbitmqctl is slow).
        if (
            not pending
            and queue_depths is not None
            and (not missing or time.monotonic() - last_depths > 3.0)
        ):
            depths = await asyncio.to_thread(queue_depths)
            last_depths = time.monotonic()
            live = sum(n for q, n in depths.items() if not q.endswith(".dlq"))
            dead = sum(n for q, n in depths.items() if q.endswith(".dlq"))
            if not live:
                complete = not missing
                break
        await asyncio.sleep(0.5)
    await asyncio.sleep(settle)  # anything still in flight lands before the count
    if queue_depths is not None:
        depths = await asyncio.to_thread(queue_depths)
        live = sum(n for q, n in depths.items() if not q.endswith(".dlq"))
        dead = sum(n for q, n in depths.items() if q.endswith(".dlq"))
    return Drained(
        notifications=await read(notifications, NOTIFICATIONS_PER_CORRELATION),
        created=await read(topics, PROPOSALS_PER_CORRELATION),
        pending=await asyncio.to_thread(topics.scalar, OUTBOX_PENDING),
        live_messages=live,
        dead_lettered=dead,
        waited=time.monotonic() - started,
        complete=complete,
    )


@dataclass
class Figures:
    scenario: str
    submitted: int
    accepted: int
    lost: int
    duplicated: int
    seconds: float
    notes: dict[str, object]
    lost_ids: list[str]
    duplicated_ids: list[str]

    def line(self) -> str:
        extra = ", ".join(f"{k} {v}" for k, v in self.notes.items())
        return (
            f"scenario {self.scenario}: submitted {self.submitted} accepted {self.accepted} "
            f"lost {self.lost} duplicated {self.duplicated} ({self.seconds:.1f}s)"
            + (f" [{extra}]" if extra else "")
        )


def figures(
    scenario: str, tally: Tally, drained: Drained, started: float, **notes: object
) -> Figures:
    """Lost: accepted work whose notifications are missing. Duplicated: notifications beyond
    the expected number for a correlation id, and proposals created more than once."""
    lost_ids = [c for c, n in tally.expected.items() if drained.notifications[c] < n]
    extra_notifications = {
        c: drained.notifications[c] - n
        for c, n in tally.expected.items()
        if drained.notifications[c] > n
    }
    created_twice = {c: drained.created[c] - 1 for c in tally.accepted if drained.created[c] > 1}
    duplicated_ids = sorted(set(extra_notifications) | set(created_twice))
    return Figures(
        scenario=scenario,
        submitted=tally.submitted,
        accepted=len(tally.accepted),
        lost=sum(tally.expected[c] - drained.notifications[c] for c in lost_ids),
        duplicated=sum(extra_notifications.values()) + sum(created_twice.values()),
        seconds=time.monotonic() - started,
        notes={
            **notes,
            **tally.notes(),
            "outbox pending": drained.pending,
            **(
                {"dead-lettered": drained.dead_lettered}
                if drained.dead_lettered is not None
                else {}
            ),
            "drained in": f"{drained.waited:.1f}s",
        },
        lost_ids=lost_ids,
        duplicated_ids=duplicated_ids,
    )


def report(result: Figures, tally: Tally, *, allow_503: bool = True) -> None:
    """Print the scenario's line and assert its promises: nothing lost, nothing duplicated,
    no 5xx other than 503, no submission left unanswered."""
    print(result.line(), flush=True)
    assert result.accepted > 0, "nothing was accepted"
    assert result.lost == 0, f"lost: {result.lost_ids[:10]}"
    assert result.duplicated == 0, f"duplicated: {result.duplicated_ids[:10]}"
    assert tally.server_errors == 0, f"5xx answers: {tally.server_error_samples}"
    assert tally.gave_up == 0, "submissions never answered"
    assert not tally.refused, f"refused: {dict(tally.refused)}"
    if not allow_503:
        assert tally.unavailable == 0


def out_of_order(messages: Sequence[Mapping[str, Any]], order: Sequence[str]) -> list[str]:
    """Aggregates whose events reached the exchange in another order than ``order`` (event
    types, first arrival of each event id counted)."""
    rank = {event_type: i for i, event_type in enumerate(order)}
    seen: set[str] = set()
    by_aggregate: dict[str, list[int]] = defaultdict(list)
    for message in messages:
        if message["event_id"] in seen or message["type"] not in rank:
            continue
        seen.add(message["event_id"])
        by_aggregate[str(message["data"]["proposal_id"])].append(rank[message["type"]])
    return [key for key, ranks in by_aggregate.items() if ranks != sorted(ranks)]


def seeded_random(scenario: str) -> random.Random:
    """A random source whose seed is printed, so a failing run can be replayed with
    ``JIANDU_CHAOS_SEED``."""
    seed = int(os.environ.get("JIANDU_CHAOS_SEED") or random.SystemRandom().randrange(2**32))
    print(f"scenario {scenario}: seed {seed} (JIANDU_CHAOS_SEED={seed} replays it)", flush=True)
    return random.Random(seed)
