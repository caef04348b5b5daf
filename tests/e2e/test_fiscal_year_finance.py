"""A county's fiscal year replayed through the finance HTTP API as a new user would, on the
platform as an operator runs it (issue 8, "how it will be checked").

``jiandu-up`` runs the four services as processes on a private RabbitMQ node (SQLite
defaults), with the shipped partner-agency subscribers. The journey:

- the four budgets (全口径预算) with their lines;
- about 20,000 payment rows with one planted anomaly of every monitoring rule: each flagged
  exactly once and nothing else; the same file again (through the operator's CLI) flags
  nothing; a malformed file and a file with bad amounts are refused with row numbers and
  leave nothing behind;
- an audit report whose findings are rectified in full, in part or not at all: the
  rectification rate is what the entered figures give; one finding referred to discipline
  inspection reaches the agency's own queue, signed;
- government debt crossing a warning level once through several input changes and sweeps,
  then falling back clears it;
- a state-asset report deliberated, its opinion tracked in topics, reported on, rated, and
  the rating back on finance's report;
- malformed amounts refused with 422 naming the field.

A queue bound to ``finance.#`` before the journey counts what finance announces.
"""

from __future__ import annotations

import asyncio
import csv
import json
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import aio_pika
import httpx
import pytest

from jiandu_shared.agencies import Agency
from jiandu_shared.calendar import CHINA_TZ
from jiandu_shared.messaging.topology import EVENTS_EXCHANGE_NAME
from jiandu_shared.web.auth import Role
from jiandu_shared.webhooks import verify
from tests.support.execution import FIELDS, PlantedYear, department, line
from tests.support.execution import STAFF as FINANCE_STAFF
from tests.support.launched import Platform, launched
from tests.support.opinions import COMMITTEE, DEPARTMENT, ORGAN, STAFF, headers, member
from tests.support.servers import RABBIT_BIN, RabbitNode, free_port
from tests.support.services import TEST_SECRET, eventually

pytestmark = [pytest.mark.e2e, pytest.mark.connected]

SERVICES = ("topics", "deputies", "finance", "notifications")
DEPLOY = Path(__file__).resolve().parents[2] / "deploy" / "notifications"
DISCIPLINE_SECRET = "local-discipline-secret-change-me"  # deploy/notifications, a local run
CSV = {"Content-Type": "text/csv", **FINANCE_STAFF}
REGION = "330481"
BUREAU = headers(Role.DEPARTMENT, "finance-bureau")  # the finance bureau reports debt figures
YEAR = 2026

# The three other budgets: each line spends 90% from January to November (clean).
OTHER_BUDGETS: dict[str, list[tuple[str, str]]] = {
    "government_fund": [("F001", "D000"), ("F002", "D005"), ("F003", "D007")],
    "state_capital_operation": [("C001", "D008"), ("C002", "D009")],
    "social_insurance_fund": [("I001", "D010"), ("I002", "D011")],
}
OTHER_LINE_YUAN = "2000000.00"
OTHER_ROWS_PER_LINE = 20


# --- the platform ----------------------------------------------------------------------------


def provisioning(folder: Path) -> Path:
    """The shipped partner-agency subscribers (deploy/notifications), without the example
    address book (its e-mail recipients have no mail server here)."""
    folder.mkdir(parents=True)
    (folder / "subscribers.yaml").write_text(
        (DEPLOY / "subscribers.yaml").read_text("utf-8"), "utf-8"
    )
    return folder


@pytest.fixture
def county(
    rabbit: RabbitNode, rabbit_url: str, tmp_path: Path
) -> Iterator[tuple[Platform, dict[str, str]]]:
    ports = {name: free_port() for name in SERVICES}
    env = {
        **rabbit.env,  # rabbitmqctl reaches this node: jiandu-up grants the agencies' users
        "JIANDU_RABBITMQ_BIN": str(RABBIT_BIN),
        "JIANDU_RABBIT_URL": rabbit_url,
        "JIANDU_DATA_DIR": str(tmp_path / "data"),
        "JIANDU_AUTH_SECRET": TEST_SECRET,
        "JIANDU_LOG_LEVEL": "WARNING",
        "JIANDU_NOTIFICATIONS_PROVISION_DIR": str(provisioning(tmp_path / "deploy")),
        "JIANDU_NOTIFICATIONS_DISPATCH_POLL_SECONDS": "0.2",
        "JIANDU_FINANCE_DEBT_SWEEP_SECONDS": "0.5",
        **{f"JIANDU_{name.upper()}_PORT": str(port) for name, port in ports.items()},
    }
    env.pop("JIANDU_FINANCE_DATABASE_URL", None)
    with launched(env, ports) as platform:
        yield platform, env


@asynccontextmanager
async def finance_events(rabbit_url: str) -> AsyncIterator[list[dict[str, Any]]]:
    """Every envelope finance publishes while the block runs, in arrival order."""
    seen: list[dict[str, Any]] = []
    connection = await aio_pika.connect(rabbit_url)
    try:
        channel = await connection.channel()
        exchange = await channel.get_exchange(EVENTS_EXCHANGE_NAME, ensure=True)
        queue = await channel.declare_queue(exclusive=True, auto_delete=True)
        await queue.bind(exchange, routing_key="finance.#")

        async def keep(message: aio_pika.abc.AbstractIncomingMessage) -> None:
            async with message.process():
                seen.append(json.loads(message.body))

        await queue.consume(keep)
        yield seen
    finally:
        await connection.close()


def types(seen: list[dict[str, Any]]) -> Counter[str]:
    return Counter(e["type"] for e in seen)


def today_in_china() -> date:
    return datetime.now(UTC).astimezone(CHINA_TZ).date()


# --- the execution file ----------------------------------------------------------------------


def budgets(planted: PlantedYear) -> list[dict[str, Any]]:
    general = planted.budget()
    general["title"] = f"{YEAR}年一般公共预算"
    others = [
        {
            "year": YEAR,
            "kind": kind,
            "lines": [line(code, dept, OTHER_LINE_YUAN) for code, dept in lines],
        }
        for kind, lines in OTHER_BUDGETS.items()
    ]
    return [general, *others]


def other_rows() -> Iterator[list[str]]:
    """90% of every line of the three other budgets, January to November, in whole fen."""
    start = date(YEAR, 1, 1).toordinal()
    n = OTHER_ROWS_PER_LINE
    spent = Decimal(OTHER_LINE_YUAN) * Decimal("0.9")
    fen = int(spent * 100)
    base, rest = divmod(fen, n)
    serial = 0
    for lines in OTHER_BUDGETS.values():
        for code, dept in lines:
            for i in range(n):
                serial += 1
                amount = base + (1 if i < rest else 0)
                day = date.fromordinal(start + (i * 334) // n)
                yield [
                    f"X{serial:08d}", day.isoformat(), dept, code, "", "2050202", "30201",
                    f"{amount // 100}.{amount % 100:02d}", "enterprise", "", "",
                ]  # fmt: skip


def write_year(planted: PlantedYear, path: Path) -> int:
    count = 0
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(FIELDS)
        for record in [*planted.rows(), *other_rows()]:
            writer.writerow(record)
            count += 1
    return count


def csv_bytes(records: list[list[str]]) -> bytes:
    lines = [",".join(FIELDS), *(",".join(r) for r in records)]
    return ("\n".join(lines) + "\n").encode()


def payment(row_id: str, amount: str, day: str = f"{YEAR}-11-20") -> list[str]:
    return [row_id, day, "D000", "L000-00", "", "2050202", "30201", amount, "enterprise", "", ""]


async def all_findings(client: httpx.AsyncClient, finance: str) -> list[dict[str, Any]]:
    page = await client.get(
        f"{finance}/execution/findings", params={"limit": 200}, headers=FINANCE_STAFF
    )
    assert page.status_code == 200, page.text
    assert page.json()["total"] <= 200
    items: list[dict[str, Any]] = page.json()["items"]
    return items


async def imports_total(client: httpx.AsyncClient, finance: str) -> tuple[int, int]:
    """(imports recorded, rows imported by all of them)."""
    page = await client.get(
        f"{finance}/execution/imports", params={"limit": 200}, headers=FINANCE_STAFF
    )
    assert page.status_code == 200, page.text
    body = page.json()
    return body["total"], sum(i["rows_imported"] for i in body["items"])


# --- the journey -----------------------------------------------------------------------------


async def test_a_county_fiscal_year_through_the_finance_api(
    county: tuple[Platform, dict[str, str]], rabbit_url: str, tmp_path: Path
) -> None:
    platform, env = county
    finance, topics = platform.urls["finance"], platform.urls["topics"]
    async with finance_events(rabbit_url) as seen, httpx.AsyncClient(timeout=60) as client:
        for url in platform.urls.values():
            assert (await client.get(f"{url}/readyz")).status_code == 200

        await budgets_and_execution(client, finance, env, tmp_path)
        await audit_rectification_and_referral(client, finance, tmp_path)
        await debt_crossing_a_warning_level_once(client, finance, seen)
        await state_assets_rated_in_topics(client, finance, topics)
        await malformed_amounts_name_the_field(client, finance)

        # What finance announced over the year, counted on the bus.
        async def settled() -> Counter[str]:
            counted = types(seen)
            return counted if counted["finance.report.deliberated"] >= 1 else Counter()

        counted = await eventually(settled, timeout=20)
        await asyncio.sleep(1.5)  # a duplicate would arrive now
        counted = types(seen)
        planted = PlantedYear(20_000, year=YEAR)
        assert counted["finance.execution_finding.flagged"] == len(planted.expected)
        assert counted["finance.audit_finding.referred"] == 1
        assert counted["finance.debt_risk.alert_raised"] == 1
        assert counted["finance.debt_risk.alert_cleared"] == 1
        assert counted["finance.debt_risk.alert_lowered"] == 0
        assert counted["finance.report.deliberated"] == 1
        assert counted["finance.budget.created"] == 4
        # the file, twice again (HTTP, CLI), the corrected rest
        assert counted["finance.execution.imported"] == 4
        flagged = [
            (e["data"]["rule"], e["data"]["subject"])
            for e in seen
            if e["type"] == "finance.execution_finding.flagged"
        ]
        assert sorted(flagged) == sorted(planted.expected)


async def budgets_and_execution(
    client: httpx.AsyncClient, finance: str, env: dict[str, str], tmp_path: Path
) -> None:
    planted = PlantedYear(20_000, year=YEAR)
    for body in budgets(planted):
        created = await client.post(f"{finance}/budgets", json=body, headers=FINANCE_STAFF)
        assert created.status_code == 201, created.text
        budget = created.json()
        expected_total = sum(Decimal(x["amount"]) for x in body["lines"])
        assert (budget["kind"], budget["line_count"]) == (body["kind"], len(body["lines"]))
        assert Decimal(budget["total"]) == expected_total
        lines = await client.get(
            f"{finance}/budgets/{budget['id']}/lines", params={"limit": 5}, headers=FINANCE_STAFF
        )
        assert lines.status_code == 200, lines.text
        assert lines.json()["total"] == len(body["lines"])
    listed = await client.get(f"{finance}/budgets", params={"year": YEAR}, headers=FINANCE_STAFF)
    assert sorted(b["kind"] for b in listed.json()["items"]) == sorted(
        ["general_public", *OTHER_BUDGETS]
    )

    # The finance bureau's year of payments: one planted anomaly of every rule.
    path = tmp_path / "payments-2026.csv"
    count = write_year(planted, path)
    assert count >= 20_000
    content = path.read_bytes()
    started = time.monotonic()
    imported = await client.post(
        f"{finance}/execution/imports", content=content, headers=CSV, params={"filename": path.name}
    )
    assert imported.status_code == 201, imported.text[:2000]
    print(f"import of {count} rows: {time.monotonic() - started:.1f}s")
    report = imported.json()
    assert (report["status"], report["rows_read"], report["rows_imported"]) == (
        "completed",
        count,
        count,
    )
    assert (report["rows_rejected"], report["as_of"]) == (0, f"{YEAR}-12-05")
    assert report["findings_flagged"] == len(planted.expected)
    rules = {r for r, _ in planted.expected}
    assert rules == {
        "behind_time_progress",
        "no_budget_line",
        "large_reallocation",
        "year_end_rush",
        "idle_special_fund",
    }
    findings = await all_findings(client, finance)
    flagged = Counter((f["rule"], f["subject"]) for f in findings)
    assert set(flagged) == planted.expected, "every planted anomaly, nothing on clean rows"
    assert set(flagged.values()) == {1}, "each flagged exactly once"

    # A department sees and explains only its own findings (线上发现, 线下处理).
    behind = next(f for f in findings if f["subject"] == planted.behind)
    own = department(behind["department_code"])
    mine = await client.get(f"{finance}/execution/findings", headers=own)
    assert {f["department_code"] for f in mine.json()["items"]} == {behind["department_code"]}
    explained = await client.post(
        f"{finance}/execution/findings/{behind['id']}/explain",
        json={"explanation": "项目招标延期，已于11月完成招标"},
        headers=own,
    )
    assert explained.status_code == 200, explained.text
    assert explained.json()["state"] != behind["state"]

    # The same file posted again: every row a duplicate, no second flag.
    again_http = await client.post(f"{finance}/execution/imports", content=content, headers=CSV)
    assert again_http.status_code == 201, again_http.text[:2000]
    assert (again_http.json()["rows_imported"], again_http.json()["rows_duplicate"]) == (0, count)
    assert again_http.json()["findings_flagged"] == 0

    # And once more by the operator with the CLI, into the running service's database.
    cli = Path(sys.executable).parent / "jiandu-finance"
    again = await asyncio.to_thread(
        subprocess.run,
        [str(cli), "import-execution", str(path), "--json", "--by", "operator"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert again.returncode == 0, again.stdout[-2000:] + again.stderr[-2000:]
    document = json.loads(again.stdout[again.stdout.index("{") :])
    assert (document["rows_imported"], document["rows_duplicate"]) == (0, count)
    assert document["findings_flagged"] == 0
    assert (
        Counter((f["rule"], f["subject"]) for f in await all_findings(client, finance)) == flagged
    )
    before = await imports_total(client, finance)
    assert before == (3, count)

    # A malformed file: refused, with the line where reading stopped; nothing imported.
    fresh = [payment(f"N{i:04d}", "10.00") for i in range(40)]
    broken = csv_bytes(fresh[:5]) + b'N9999,"2026-11-20,D000\n' + csv_bytes(fresh[5:])
    refused = await client.post(f"{finance}/execution/imports", content=broken, headers=CSV)
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    problem = refused.json()
    assert (problem["status"], problem["import_status"]) == (422, "rejected")
    assert problem["rows_imported"] == 0 and "nothing was imported" in problem["detail"]
    assert problem["rejections"] == [{"line": 7, "reason": "expected 11 fields, found 2"}]
    # A broken NDJSON record: its line named; nothing of the file imported.
    keys = list(FIELDS)
    records = [json.dumps(dict(zip(keys, r, strict=True))) for r in fresh]
    ndjson = [*records[:3], '{"row_id": "N9999", "amount": ', *records[3:]]
    refused = await client.post(
        f"{finance}/execution/imports",
        content=("\n".join(ndjson) + "\n").encode(),
        headers={"Content-Type": "application/x-ndjson", **FINANCE_STAFF},
    )
    assert refused.status_code == 422, refused.text
    problem = refused.json()
    assert (problem["rows_imported"], problem["rows_rejected"]) == (0, 1)
    (rejection,) = problem["rejections"]
    assert rejection["line"] == 4 and "not valid JSON" in rejection["reason"], rejection
    # A file cut short in transfer (a JSON array that never closes): cannot be read on.
    truncated = ("[\n" + ",\n".join(records[:10]) + ',\n{"row_id": "N0010", "pa').encode()
    refused = await client.post(
        f"{finance}/execution/imports",
        content=truncated,
        headers={"Content-Type": "application/json", **FINANCE_STAFF},
    )
    assert refused.status_code == 422, refused.text
    problem = refused.json()
    assert problem["rows_imported"] == 0
    assert problem["malformed"].startswith("line 12: not valid JSON"), problem
    assert problem["detail"] == f"nothing was imported: {problem['malformed']}"
    assert await imports_total(client, finance) == (before[0] + 3, before[1])

    # Bad amounts: each rejected row named by its line and why; nothing of the file lands.
    bad = list(fresh)
    bad[3] = payment("N0003", "10.001")  # three decimals: line 5 (header is line 1)
    bad[10] = payment("N0010", "abc")  # not a number: line 12
    bad[20] = payment("N0020", "1000000000000000.00")  # out of range: line 22
    refused = await client.post(f"{finance}/execution/imports", content=csv_bytes(bad), headers=CSV)
    assert refused.status_code == 422, refused.text
    problem = refused.json()
    assert (problem["rows_imported"], problem["rows_rejected"]) == (0, 3)
    assert [r["line"] for r in problem["rejections"]] == [5, 12, 22]
    reasons = [r["reason"] for r in problem["rejections"]]
    assert reasons[0].startswith("amount:") and "more than two decimals" in reasons[0]
    assert reasons[1].startswith("amount:") and "not an amount" in reasons[1]
    assert reasons[2].startswith("amount:") and "out of range" in reasons[2]
    after = await imports_total(client, finance)
    assert after[1] == before[1], "rows imported unchanged"
    assert (
        Counter((f["rule"], f["subject"]) for f in await all_findings(client, finance)) == flagged
    )

    # The corrected file then imports every one of its rows: none was half-imported before.
    fixed = await client.post(f"{finance}/execution/imports", content=csv_bytes(fresh), headers=CSV)
    assert fixed.status_code == 201, fixed.text
    assert (fixed.json()["rows_imported"], fixed.json()["rows_duplicate"]) == (len(fresh), 0)
    assert fixed.json()["findings_flagged"] == 0


UNITS = {
    "education": uuid.UUID("00000000-0000-4000-8000-0000000000e1"),
    "health": uuid.UUID("00000000-0000-4000-8000-0000000000e2"),
    "transport": uuid.UUID("00000000-0000-4000-8000-0000000000e3"),
}

# (unit, category, amount, the unit's rectification reports in order: status and cumulative
# rectified amount, referred to discipline inspection)
FINDINGS: list[tuple[str, str, str, list[tuple[str, str]], bool]] = [
    ("education", "special_funds", "120000.00", [("rectified", "120000.00")], False),
    (
        "education",
        "budget_management",
        "45000.50",
        [("in_progress", "10000.00"), ("partly_rectified", "20000.25")],
        False,
    ),
    ("health", "state_assets", "300000.00", [("in_progress", "50000.00")], False),
    ("health", "other", "0.00", [("rectified", "0.00")], False),
    ("transport", "violations", "88000.00", [], True),
    (
        "transport",
        "projects",
        "10000.01",
        [("partly_rectified", "5000.00"), ("rectified", "10000.01")],
        False,
    ),
]


def share(numerator: Decimal, denominator: Decimal) -> Decimal:
    return (numerator / denominator).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


async def audit_rectification_and_referral(
    client: httpx.AsyncClient, finance: str, tmp_path: Path
) -> None:
    report = await client.post(
        f"{finance}/audit-reports",
        json={
            "year": 2025,
            "auditor_office": "县审计局",
            "title": "关于2025年度县级预算执行的审计工作报告",
        },
        headers=STAFF,
    )
    assert report.status_code == 201, report.text
    report_id = report.json()["id"]
    deadline = (today_in_china() + timedelta(days=180)).isoformat()
    referred_id = ""
    for n, (unit, category, amount, reports, refer) in enumerate(FINDINGS, start=1):
        recorded = await client.post(
            f"{finance}/audit-reports/{report_id}/findings",
            json={
                "unit_id": str(UNITS[unit]),
                "category": category,
                "amount": amount,
                "description": f"审计查出问题 {n}",
                "deadline": deadline,
            },
            headers=STAFF,
        )
        assert recorded.status_code == 201, recorded.text
        finding_id = recorded.json()["id"]
        unit_token = headers(Role.DEPARTMENT, f"unit-{unit}", str(UNITS[unit]))
        for status, rectified in reports:
            done = await client.post(
                f"{finance}/audit-findings/{finding_id}/rectifications",
                json={"status": status, "rectified_amount": rectified, "summary": "整改情况"},
                headers=unit_token,
            )
            assert done.status_code == 200, done.text
            assert (done.json()["status"], done.json()["rectified_amount"]) == (status, rectified)
        if refer:
            referred_id = finding_id
            referred = await client.post(
                f"{finance}/audit-findings/{finding_id}/referral",
                json={"agencies": ["discipline_inspection"], "reason": "涉嫌违规，移送纪委监委"},
                headers=STAFF,
            )
            assert referred.status_code == 200, referred.text
    # A unit cannot report on another unit's finding.
    other = headers(Role.DEPARTMENT, "unit-health", str(UNITS["health"]))
    refused = await client.post(
        f"{finance}/audit-findings/{referred_id}/rectifications",
        json={"status": "rectified", "rectified_amount": "88000.00", "summary": "-"},
        headers=other,
    )
    assert refused.status_code in (403, 404), refused.text

    # The rate from what was entered, worked out here: latest report of each finding.
    latest = [(amount, reports[-1] if reports else ("not_rectified", "0.00"))
              for _, _, amount, reports, _ in FINDINGS]  # fmt: skip
    total = sum((Decimal(a) for a, _ in latest), Decimal(0))
    rectified_total = sum((Decimal(r) for _, (_, r) in latest), Decimal(0))
    in_full = sum(1 for _, (s, _) in latest if s == "rectified")
    statuses = Counter(s for _, (s, _) in latest)
    rates = await client.get(
        f"{finance}/audit/rectification-rates",
        params={"audit_report_id": report_id},
        headers=STAFF,
    )
    assert rates.status_code == 200, rates.text
    overall = rates.json()["overall"]
    assert overall["findings"] == len(FINDINGS)
    assert (overall["rectified"], overall["partly_rectified"]) == (
        statuses["rectified"],
        statuses["partly_rectified"],
    )
    assert (overall["in_progress"], overall["not_rectified"]) == (
        statuses["in_progress"],
        statuses["not_rectified"],
    )
    assert Decimal(overall["amount"]) == total
    assert Decimal(overall["rectified_amount"]) == rectified_total
    assert Decimal(overall["count_rate"]) == share(Decimal(in_full), Decimal(len(FINDINGS)))
    assert Decimal(overall["amount_rate"]) == share(rectified_total, total)
    by_unit = await client.get(
        f"{finance}/audit/rectification-rates",
        params={"audit_report_id": report_id, "group_by": "unit"},
        headers=STAFF,
    )
    assert by_unit.status_code == 200, by_unit.text
    for group in by_unit.json()["groups"]:
        name = next(k for k, v in UNITS.items() if str(v) == group["key"])
        mine = [entry for f, entry in zip(FINDINGS, latest, strict=True) if f[0] == name]
        unit_amount = sum((Decimal(a) for a, _ in mine), Decimal(0))
        unit_done = sum((Decimal(r) for _, (_, r) in mine), Decimal(0))
        assert Decimal(group["rate"]["rectified_amount"]) == unit_done
        assert Decimal(group["rate"]["amount_rate"]) == share(unit_done, unit_amount)

    # The referral reaches discipline inspection's own queue: its user, signed, once.
    agency = Agency.DISCIPLINE_INSPECTION
    url = env_value(
        tmp_path / "data" / "agencies" / f"{agency.value}.env", "JIANDU_AGENCY_AMQP_URL"
    )
    (message,) = await drain(url, agency, expect=1)
    header_values = {
        k: str(v.decode() if isinstance(v, bytes) else v) for k, v in (message[0]).items()
    }
    verify(header_values, message[1], [DISCIPLINE_SECRET], now=time.time())
    envelope = json.loads(message[1])
    assert envelope["type"] == "finance.audit_finding.referred"
    assert envelope["classification"] == "restricted"
    assert envelope["data"]["finding_id"] == referred_id
    assert envelope["data"]["amount"] == "88000.00"


def env_value(env_file: Path, name: str) -> str:
    for entry in env_file.read_text("utf-8").splitlines():
        if entry.startswith(f"{name}="):
            return entry.split("=", 1)[1]
    raise AssertionError(f"{name} not in {env_file}")


async def drain(url: str, agency: Agency, *, expect: int) -> list[tuple[dict[str, Any], bytes]]:
    """Read the agency's queue as the agency does: its own user, a plain AMQP client."""
    received: list[tuple[dict[str, Any], bytes]] = []
    connection = await aio_pika.connect(url)
    try:
        channel = await connection.channel()
        queue = await channel.get_queue(agency.queue_name, ensure=False)

        async def take() -> bool:
            while (message := await queue.get(fail=False, no_ack=False)) is not None:
                received.append((dict(message.headers or {}), message.body))
                await message.ack()
            return len(received) >= expect

        await eventually(take, timeout=30, interval=0.2)
        await asyncio.sleep(1.0)  # a duplicate would arrive now
        await take()
    finally:
        await connection.close()
    return received


async def debt_crossing_a_warning_level_once(
    client: httpx.AsyncClient, finance: str, seen: list[dict[str, Any]]
) -> None:
    """债务率 = balance / 综合财力 against the default thresholds (yellow 80%, orange 100%)."""
    issued_on = today_in_china()
    year = issued_on.year
    base = f"{finance}/debt"
    limits = await client.put(
        f"{base}/years/{REGION}/{year}/limits",
        json={"general_limit": "5000000.00", "special_limit": "3000000.00"},
        headers=STAFF,
    )
    assert limits.status_code == 200, limits.text

    async def issue(code: str, amount: str) -> dict[str, Any]:
        bond = await client.post(
            f"{base}/bonds",
            json={
                "region": REGION,
                "code": code,
                "name": f"一般债券 {code}",
                "kind": "general",
                "amount": amount,
                "rate": "2.85",
                "term_years": 5,
                "issue_date": issued_on.isoformat(),
                "standard_schedule": True,
            },
            headers=BUREAU,
        )
        assert bond.status_code == 201, bond.text
        created: dict[str, Any] = bond.json()
        return created

    async def capacity(amount: str) -> None:
        done = await client.put(
            f"{base}/years/{REGION}/{year}/fiscal-capacity", json={"amount": amount}, headers=BUREAU
        )
        assert done.status_code == 200, done.text

    async def ratio() -> tuple[str | None, str]:
        found = await client.get(f"{base}/years/{REGION}/{year}/position", headers=STAFF)
        assert found.status_code == 200, found.text
        reading = next(r for r in found.json()["indicators"] if r["indicator"] == "debt_ratio")
        return reading["value"], reading["level"]

    async def active() -> list[tuple[str, str]]:
        page = await client.get(
            f"{base}/alerts", params={"region": REGION, "active": "true"}, headers=STAFF
        )
        assert page.status_code == 200, page.text
        return [(a["indicator"], a["level"]) for a in page.json()["items"]]

    def raised() -> list[dict[str, Any]]:
        return [e for e in seen if e["type"].startswith("finance.debt_risk.")]

    first = await issue("G-2026-01", "1000000.00")
    allocated = await client.post(
        f"{base}/bonds/{first['id']}/allocations",
        json={
            "project_ref": "XM-001",
            "project_name": "城乡供水一体化",
            "amount": "600000.00",
            "allocated_on": issued_on.isoformat(),
        },
        headers=BUREAU,
    )
    assert allocated.status_code == 201, allocated.text
    assert allocated.json()["unallocated"] == "400000.00"
    await capacity("2000000.00")  # 50.00%
    assert await ratio() == ("50.00", "none")
    await issue("G-2026-02", "700000.00")  # 1,700,000 / 2,000,000 = 85.00%: yellow
    assert await ratio() == ("85.00", "yellow")

    async def alerted() -> list[tuple[str, str]]:
        return await active()

    assert await eventually(alerted, timeout=10) == [("debt_ratio", "yellow")]
    await capacity("1900000.00")  # 89.47%: still yellow
    assert await ratio() == ("89.47", "yellow")
    await asyncio.sleep(2.0)  # four sweeps at 0.5 s re-assess without announcing again
    assert await active() == [("debt_ratio", "yellow")]

    async def one_raised() -> bool:
        return [e["type"] for e in raised()] == ["finance.debt_risk.alert_raised"]

    await eventually(one_raised, timeout=10)
    (alert,) = raised()
    assert alert["data"]["indicator"] == "debt_ratio" and alert["data"]["level"] == "yellow"

    await capacity("2500000.00")  # 68.00%: below every level
    assert await ratio() == ("68.00", "none")

    async def cleared() -> bool:
        return not await active() and len(raised()) == 2

    await eventually(cleared, timeout=10)
    assert [e["type"] for e in raised()] == [
        "finance.debt_risk.alert_raised",
        "finance.debt_risk.alert_cleared",
    ]
    await asyncio.sleep(1.5)  # sweeps again: nothing more
    assert len(raised()) == 2


FIGURES: list[dict[str, Any]] = [
    {"ledger": "enterprise", "item": "资产总额", "amount": "8765432.10"},
    {"ledger": "enterprise", "item": "负债总额", "amount": "1234567.89"},
    {"ledger": "financial_enterprise", "item": "资产总额", "amount": "300000.00"},
    {"ledger": "administrative_institutional", "item": "资产总额", "amount": "4500000.50"},
    {"ledger": "natural_resource", "item": "国有土地", "quantity": "12345.6789", "unit": "亩"},
]


async def state_assets_rated_in_topics(
    client: httpx.AsyncClient, finance: str, topics: str
) -> None:
    created = await client.post(
        f"{finance}/asset-reports",
        json={
            "year": 2025,
            "kind": "comprehensive",
            "title": "关于2025年度国有资产管理情况的综合报告",
            "figures": FIGURES,
        },
        headers=STAFF,
    )
    assert created.status_code == 201, created.text
    report = created.json()
    totals = {t["ledger"]: Decimal(t["amount"]) for t in report["totals"]}
    assert totals["enterprise"] == Decimal("8765432.10") + Decimal("1234567.89")
    assert totals["administrative_institutional"] == Decimal("4500000.50")
    deliberated = await client.post(
        f"{finance}/asset-reports/{report['id']}/deliberation",
        json={
            "committee_id": str(COMMITTEE),
            "opinions": [{"title": "完善国有资产台账，盘活闲置资产", "organ_id": str(ORGAN)}],
        },
        headers=STAFF,
    )
    assert deliberated.status_code == 200, deliberated.text
    again = await client.post(
        f"{finance}/asset-reports/{report['id']}/deliberation",
        json={"committee_id": str(COMMITTEE), "opinions": [{"title": "x", "organ_id": str(ORGAN)}]},
        headers=STAFF,
    )
    assert again.status_code == 409, again.text

    # Topics tracks the opinion: the organ reports within six months, members rate it.
    async def tracked() -> dict[str, Any] | None:
        page = await client.get(f"{topics}/opinions", headers=STAFF, params={"limit": 100})
        assert page.status_code == 200, page.text
        found = [
            o for o in page.json()["items"] if (o["origin"] or {}).get("report_id") == report["id"]
        ]
        return found[0] if found else None

    opinion: dict[str, Any] = await eventually(tracked, timeout=20)
    assert opinion["kind"] == "state_assets"
    assert opinion["organ_id"] == str(ORGAN)
    assert opinion["rounds"][0]["period"] == "6 months"
    path = f"{topics}/opinions/{opinion['id']}"
    steps: list[tuple[str, dict[str, Any] | None, dict[str, str]]] = []
    if opinion["state"] != "assigned":
        steps.append(("assign", {"organ_id": str(ORGAN)}, STAFF))
    steps += [
        ("report", {"summary": "已建立资产台账，闲置资产已盘活"}, DEPARTMENT),
        ("evaluation/open", None, STAFF),
        ("ratings", {"rating": "satisfied"}, member(1)),
        ("ratings", {"rating": "basically_satisfied"}, member(2)),
        ("ratings", {"rating": "satisfied"}, member(3)),
        ("ratings", {"rating": "unsatisfied"}, member(4)),
        ("evaluation/close", None, STAFF),
    ]
    for step, body, who in steps:
        done = await client.post(f"{path}/{step}", json=body, headers=who)
        assert done.status_code in (200, 201), (step, done.text)

    async def rated() -> dict[str, Any] | None:
        found = await client.get(f"{finance}/asset-reports/{report['id']}", headers=STAFF)
        result: dict[str, Any] | None = found.json()["opinions"][0]["latest_result"]
        return result

    result = await eventually(rated, timeout=20)
    assert (result["round"], result["satisfied"]) == (1, 2)
    assert (result["basically_satisfied"], result["unsatisfied"]) == (1, 1)
    assert result["verdict"] in ("satisfied", "basically_satisfied")
    assert result["passed"] is True


async def malformed_amounts_name_the_field(client: httpx.AsyncClient, finance: str) -> None:
    """Three decimals, out of range, not a number: 422 problem+json naming the field."""
    year = today_in_china().year
    bad_amounts = ["1.001", "100000000000000000.00", "-5.00", "abc", "1e3", "NaN"]
    findings = await client.get(f"{finance}/audit-findings", params={"limit": 1}, headers=STAFF)
    finding = findings.json()["items"][0]
    cases: list[tuple[str, str, dict[str, str], Any, str]] = []
    for amount in bad_amounts:
        cases += [
            (
                "PUT",
                f"/debt/years/{REGION}/{year}/fiscal-capacity",
                BUREAU,
                {"amount": amount},
                "amount",
            ),
            (
                "POST",
                f"/audit-reports/{finding['audit_report_id']}/findings",
                STAFF,
                {
                    "unit_id": str(UNITS["health"]),
                    "category": "other",
                    "amount": amount,
                    "description": "-",
                    "deadline": (today_in_china() + timedelta(days=30)).isoformat(),
                },
                "amount",
            ),
            (
                "POST",
                "/budgets",
                FINANCE_STAFF,
                {"year": YEAR + 1, "kind": "general_public", "lines": [line("Z1", "D1", amount)]},
                "lines.0.amount",
            ),
            (
                "POST",
                "/debt/bonds",
                BUREAU,
                {
                    "region": REGION,
                    "code": "BAD-1",
                    "name": "-",
                    "kind": "special",
                    "amount": amount,
                    "rate": "3.00",
                    "term_years": 3,
                    "issue_date": today_in_china().isoformat(),
                },
                "amount",
            ),
        ]
    for method, path, who, body, field in cases:
        response = await client.request(method, f"{finance}{path}", json=body, headers=who)
        assert response.status_code == 422, (path, body, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        named = {e["field"] for e in response.json()["errors"]}
        assert field in named, (path, body, response.json())
    # And nothing of it was recorded.
    listed = await client.get(f"{finance}/budgets", params={"year": YEAR + 1}, headers=STAFF)
    assert listed.json()["total"] == 0
    bonds = await client.get(f"{finance}/debt/bonds", params={"region": REGION}, headers=STAFF)
    assert {b["code"] for b in bonds.json()["items"]} == {"G-2026-01", "G-2026-02"}
