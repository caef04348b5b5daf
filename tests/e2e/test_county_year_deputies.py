"""A county's year of deputy liaison replayed through the HTTP API as a new user would, on the
platform as an operator runs it (issue 7, "how it will be checked").

``jiandu-up`` runs the four services as one process on a private RabbitMQ node and SQLite.
The journey: 300 deputies imported from a roster with deliberate bad rows (all or nothing
refuses naming every bad row, the valid rows import, a fixed file fills the gaps and a
re-import updates instead of duplicating; the operator's CLI imports more into the same
database); citizens' opinions through a deputy's code (short link, QR code) answered,
transferred to a department that replies, raised as a suggestion and as a topic that arrives
in topics, each tracked by the citizen step by step; a draft law consulted at two contact
points and forwarded as one package; micro projects proposed, voted, implemented, accepted and
seen in finance with exact decimal strings; dual contact assigned and the quarter's
uncontacted report shrinking as contacts are recorded; a station's activities, six haves and
star rating, and a deputy's yearly score, each worked out by hand from what was entered.

Throughout, a private queue bound to ``deputies.#`` keeps every event the deputies service
publishes: none may carry any phone, address or e-mail used in the journey. Departments and
citizens read deputies, opinions and voters and never see contact data they are not entitled
to.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from jiandu_shared.calendar import local_date
from jiandu_shared.web.auth import Role, mint_token
from tests.support.deputies_files import DeputyRoster
from tests.support.launched import Platform, launched
from tests.support.probe import Probe, probe
from tests.support.servers import free_port
from tests.support.services import TEST_SECRET, auth, eventually

pytestmark = [pytest.mark.e2e, pytest.mark.connected]

SERVICES = ("topics", "deputies", "finance", "notifications")
PROBLEM_JSON = "application/problem+json"

STAFF = auth(Role.COMMITTEE_STAFF, "staff-e2e")
CITIZEN = auth(Role.CITIZEN, "citizen-e2e")
DEPARTMENT_ID = uuid.UUID("00000000-0000-4000-8000-00000000a001")  # 民政局
ROADS_ID = uuid.UUID("00000000-0000-4000-8000-00000000a002")  # 住建局 (micro projects)
DEPARTMENT = {
    "Authorization": "Bearer "
    + mint_token(TEST_SECRET, "dept-user", Role.DEPARTMENT, organisation=str(DEPARTMENT_ID))
}
ROADS = {
    "Authorization": "Bearer "
    + mint_token(TEST_SECRET, "roads-user", Role.DEPARTMENT, organisation=str(ROADS_ID))
}

BAD_ROWS: dict[int, Any] = {
    5: "bad_phone",
    17: "missing_name",
    42: "bad_level",
    99: "duplicate_key",
    150: "bad_email",
    201: "bad_birth_year",
    250: "bad_gender",
    280: "unknown_published",
    290: "missing_registry_number",
}
CONTACT_KEYS = ("phone", "address", "email", "wechat")


def deputy(deputy_id: str) -> dict[str, str]:
    return auth(Role.DEPUTY, deputy_id)


@dataclass
class Journey:
    client: httpx.AsyncClient
    urls: dict[str, str]
    env: dict[str, str]
    tmp: Path
    today: date
    events: Probe  # deputies.#
    everything: Probe  # every service's events
    # Every personal contact value entered along the way: never on the bus.
    secrets: set[str] = field(default_factory=set)
    deputies: list[dict[str, Any]] = field(default_factory=list)  # staff's view

    @property
    def year(self) -> int:
        return self.today.year

    def url(self, service: str, path: str) -> str:
        return f"{self.urls[service]}{path}"

    async def call(
        self,
        method: str,
        service: str,
        path: str,
        expect: int,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> Any:
        response = await self.client.request(
            method, self.url(service, path), headers=headers, **kwargs
        )
        assert response.status_code == expect, (method, path, response.status_code, response.text)
        assert response.status_code < 500
        if response.status_code >= 400:
            assert response.headers["content-type"].startswith(PROBLEM_JSON), response.text
        if response.headers.get("content-type", "").startswith(("application/json", PROBLEM_JSON)):
            return response.json()
        return response

    async def get(
        self,
        service: str,
        path: str,
        headers: dict[str, str] | None = None,
        expect: int = 200,
        **kwargs: Any,
    ) -> Any:
        return await self.call("GET", service, path, expect, headers, **kwargs)

    async def post(
        self,
        service: str,
        path: str,
        headers: dict[str, str] | None = None,
        expect: int = 200,
        **kwargs: Any,
    ) -> Any:
        return await self.call("POST", service, path, expect, headers, **kwargs)


# --- the platform ---------------------------------------------------------------------------


@pytest.fixture
def county(rabbit_url: str, tmp_path: Path) -> Iterator[tuple[Platform, dict[str, str]]]:
    ports = {name: free_port() for name in SERVICES}
    deputies_url = f"http://127.0.0.1:{ports['deputies']}"
    env = {
        **os.environ,
        "JIANDU_RABBIT_URL": rabbit_url,
        "JIANDU_DATA_DIR": str(tmp_path / "data"),
        "JIANDU_AUTH_SECRET": TEST_SECRET,
        "JIANDU_LOG_LEVEL": "WARNING",
        "JIANDU_DEPUTIES_PUBLIC_BASE_URL": deputies_url,
        "JIANDU_DEPUTIES_CITIZEN_PAGE_URL": deputies_url + "/public/deputies/{code}",
        **{f"JIANDU_{name.upper()}_PORT": str(port) for name, port in ports.items()},
    }
    env.pop("JIANDU_OTLP_ENDPOINT", None)
    with launched(env, ports) as platform:
        yield platform, env


async def test_a_county_year_of_deputy_liaison(
    county: tuple[Platform, dict[str, str]], rabbit_url: str, tmp_path: Path
) -> None:
    platform, env = county
    async with (
        probe(rabbit_url, "deputies.#") as events,
        probe(rabbit_url, "#") as everything,
        httpx.AsyncClient(timeout=30) as client,
    ):
        journey = Journey(
            client=client,
            urls=platform.urls,
            env=env,
            tmp=tmp_path,
            today=local_date(datetime.now(UTC)),
            events=events,
            everything=everything,
        )
        await import_the_roster(journey)
        await import_more_with_the_cli(journey)
        opinions = await citizens_opinions(journey)
        await legislative_consultation(journey)
        await micro_projects(journey)
        contacts = await dual_contact(journey)
        await station_and_scores(journey, opinions, contacts)
        await nothing_personal_where_it_does_not_belong(journey, opinions)
        await no_contact_data_on_the_bus(journey)


# --- 1. the roster --------------------------------------------------------------------------


async def import_the_roster(j: Journey) -> None:
    roster = DeputyRoster.generate(300, bad=BAD_ROWS)
    assert len(roster.bad_lines) == 10  # the duplicate rejects the row it repeats too

    # All or nothing: every bad row named with its line and reasons, nothing imported.
    refused = await j.post("deputies", "/deputies/imports", STAFF, 422, files=roster.upload("xlsx"))
    assert {e["line"] for e in refused["errors"]} == roster.bad_lines
    assert all(e["reasons"] for e in refused["errors"])
    assert refused["report"]["committed"] is False
    assert refused["report"]["created"] == 0
    page = await j.get("deputies", "/deputies", STAFF, params={"limit": 1})
    assert page["total"] == 0
    # A new user's mistakes: a picture instead of a roster, an empty file, a citizen importing.
    picture = {"file": ("roster.xlsx", b"\x89PNG\r\n\x1a\n" + bytes(64), "image/png")}
    await j.post("deputies", "/deputies/imports", STAFF, 422, files=picture)
    await j.post("deputies", "/deputies/imports", STAFF, 422, files={"file": ("a.csv", b"")})
    await j.post("deputies", "/deputies/imports", CITIZEN, 403, files=roster.upload("csv"))

    # The valid rows: imported, the bad ones reported.
    partial = await j.post(
        "deputies",
        "/deputies/imports",
        STAFF,
        files=roster.upload("csv"),
        params={"mode": "valid_rows"},
    )
    assert partial["committed"] is True
    assert partial["created"] == roster.valid_count == 290
    assert partial["rejected"] == 10
    assert {e["line"] for e in partial["errors"]} == roster.bad_lines

    # The fixed file, with one deputy's position changed: the gaps filled, one updated,
    # nobody registered twice.
    fixed = DeputyRoster.generate(300)
    fixed.rows[0]["position"] = "主任委员"
    for row in fixed.rows:
        j.secrets |= {row[k] for k in ("phone", "address", "email") if row[k]}
    report = await j.post("deputies", "/deputies/imports", STAFF, files=fixed.upload("xlsx"))
    assert (report["created"], report["updated"], report["unchanged"], report["rejected"]) == (
        10,
        1,
        289,
        0,
    )
    j.deputies = await all_deputies(j, STAFF)
    assert len(j.deputies) == 300
    assert len({d["registry_number"] for d in j.deputies}) == 300
    first = next(d for d in j.deputies if d["registry_number"] == "XZ-00001")
    assert first["position"] == "主任委员"
    # The same roster saved by an older Excel as GBK: recognised, nothing changes.
    again = await j.post(
        "deputies", "/deputies/imports", STAFF, files=fixed.upload("csv", encoding="gbk")
    )
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 300)
    assert (await j.get("deputies", "/deputies", STAFF, params={"limit": 1}))["total"] == 300
    j.deputies.sort(key=lambda d: d["registry_number"])


async def all_deputies(j: Journey, headers: dict[str, str] | None) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    while True:
        page = await j.get(
            "deputies", "/deputies", headers, params={"limit": 200, "offset": len(found)}
        )
        found.extend(page["items"])
        if len(found) >= page["total"]:
            return found


async def cli(j: Journey, *args: str) -> subprocess.CompletedProcess[str]:
    """``jiandu-deputies`` as the operator runs it, with the platform's environment."""
    command = Path(sys.executable).parent / "jiandu-deputies"
    return await asyncio.to_thread(
        subprocess.run,
        [str(command), *args],
        env=j.env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


async def import_more_with_the_cli(j: Journey) -> None:
    """The operator's command against the running platform's database."""
    extra = DeputyRoster.generate(5, start=301, seed=11)
    for row in extra.rows:
        j.secrets |= {row[k] for k in ("phone", "address", "email") if row[k]}
    # First with a bad row: all or nothing, the command exits 1 and imports nothing.
    bad = extra.with_bad_row(2, "bad_phone").write(j.tmp / "补录代表-有误.csv")
    refused = await cli(j, "import-deputies", str(bad), "--json", "--by", "operator-e2e")
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert [e["line"] for e in json.loads(refused.stdout)["errors"]] == [4]
    assert (await j.get("deputies", "/deputies", STAFF, params={"limit": 1}))["total"] == 300

    path = extra.write(j.tmp / "补录代表.xlsx")
    done = await cli(j, "import-deputies", str(path), "--json", "--by", "operator-e2e")
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)["created"] == 5
    page = await j.get("deputies", "/deputies", STAFF, params={"limit": 1})
    assert page["total"] == 305

    async def announced() -> bool:  # the running service's relay publishes the CLI's events
        registered = {
            m["data"]["deputy_id"]
            for m in j.events.messages
            if m["type"] == "deputies.deputy.registered"
        }
        return len(registered) == 305

    await eventually(announced, timeout=30, interval=0.2)


# --- 2. citizens' opinions by a deputy's code ----------------------------------------------


@dataclass
class Opinions:
    deputy_id: str
    code: str
    receipts: dict[str, dict[str, Any]]  # name -> receipt
    ids: dict[str, str]  # name -> opinion id
    contacts: list[str]


async def citizens_opinions(j: Journey) -> Opinions:
    d1 = j.deputies[0]
    code = d1["public_code"]

    # The deputy's QR code encodes the short link, which leads to the citizen page.
    svg = await j.get("deputies", f"/public/deputies/{code}/qr.svg")
    short = j.url("deputies", f"/d/{code}")
    assert short in svg.text
    png = await j.get("deputies", f"/public/deputies/{code}/qr.png")
    assert png.content.startswith(b"\x89PNG")
    redirect = await j.client.get(short)
    assert redirect.status_code == 302
    page = await j.client.get(redirect.headers["location"])
    assert page.status_code == 200, page.text
    card = page.json()
    assert card["public_code"] == code and card["name"] == d1["name"]
    assert (await j.client.get(j.url("deputies", "/d/NOSUCHCODE"))).status_code == 404

    # A deputy who left office takes no more opinions by their code.
    gone = j.deputies[299]
    await j.post(
        "deputies",
        f"/deputies/{gone['id']}/leave-office",
        STAFF,
        json={"left_on": str(j.today), "reason": "resigned"},
    )
    assert (await j.client.get(j.url("deputies", f"/d/{gone['public_code']}"))).status_code == 404
    await j.post(
        "deputies",
        f"/public/deputies/{gone['public_code']}/opinions",
        None,
        404,
        json={"subject": "x", "content": "y", "category": "other"},
    )

    contacts = [f"1360000{n:04d}" for n in range(1, 7)]
    j.secrets |= set(contacts)
    receipts: dict[str, dict[str, Any]] = {}
    for n, name in enumerate(("answer", "transfer", "topic", "suggestion", "pending")):
        receipts[name] = await j.post(
            "deputies",
            f"/public/deputies/{code}/opinions",
            None,
            201,
            json={
                "subject": f"村口路灯不亮 ({name})",
                "content": "晚上出行不便，请协调修复。",
                "category": "urban_construction",
                "name": "张三",
                "contact": contacts[n],
            },
        )
    bad = await j.client.post(
        j.url("deputies", f"/public/deputies/{code}/opinions"),
        json={"subject": "", "content": "x", "category": "nonsense"},
    )
    assert bad.status_code == 422

    mine = await j.get("deputies", "/citizen-opinions", deputy(d1["id"]), params={"limit": 100})
    assert mine["total"] == 5
    ids = {
        name: next(o["id"] for o in mine["items"] if o["tracking_code"] == r["tracking_code"])
        for name, r in receipts.items()
    }
    me = deputy(d1["id"])
    await j.post(
        "deputies", f"/citizen-opinions/{ids['answer']}/answer", me, json={"answer": "已联系供电所"}
    )
    await j.post(
        "deputies",
        f"/citizen-opinions/{ids['transfer']}/transfer",
        me,
        json={"department_id": str(DEPARTMENT_ID), "note": "转民政局办理"},
    )
    # Another deputy cannot answer it.
    other = deputy(j.deputies[1]["id"])
    await j.post(
        "deputies",
        f"/citizen-opinions/{ids['pending']}/answer",
        other,
        404,
        json={"answer": "x"},
    )
    # The department sees what was sent to it, without the citizen's name or contact.
    sent = await j.get("deputies", "/citizen-opinions", DEPARTMENT)
    assert [o["id"] for o in sent["items"]] == [ids["transfer"]]
    assert sent["items"][0]["citizen_contact"] is None
    assert sent["items"][0]["citizen_name"] is None
    await j.post(
        "deputies",
        f"/citizen-opinions/{ids['transfer']}/department-reply",
        DEPARTMENT,
        json={"reply": "已更换路灯三盏"},
    )
    await j.post(
        "deputies",
        f"/citizen-opinions/{ids['transfer']}/department-reply",
        DEPARTMENT,
        409,
        json={"reply": "again"},
    )
    await j.post(
        "deputies", f"/citizen-opinions/{ids['suggestion']}/raise-as-suggestion", me, json={}
    )
    raised = await j.post(
        "deputies",
        f"/citizen-opinions/{ids['topic']}/raise-as-topic",
        me,
        json={"focus_area": "elderly_care_social_security", "rationale": "多处反映，值得监督"},
    )
    assert raised["state"] == "raised_as_topic"

    # The topic arrives in topics as a deputy's proposal naming the opinion.
    async def arrived_in_topics() -> list[dict[str, Any]]:
        found = await j.get("topics", "/proposals", STAFF, params={"source": "deputy"})
        return [p for p in found["items"] if p["citizen_opinion_id"] == ids["topic"]]

    (proposal,) = await eventually(arrived_in_topics, timeout=20, interval=0.2)
    assert proposal["focus_area"] == "elderly_care_social_security"
    assert proposal["title"] == "村口路灯不亮 (topic)"
    assert raised["topic_year"] == proposal["year"]
    assert proposal["submitter_contact"] is None

    # The citizen follows each opinion with code and secret and sees every step.
    expected = {
        "answer": ("answered", ["submitted", "answered"]),
        "transfer": ("handled", ["submitted", "transferred", "department_replied"]),
        "topic": ("raised_as_topic", ["submitted", "raised_as_topic"]),
        "suggestion": ("raised_as_suggestion", ["submitted", "raised_as_suggestion"]),
        "pending": ("submitted", ["submitted"]),
    }
    for name, (state, steps) in expected.items():
        receipt = receipts[name]
        tracked = await j.get(
            "deputies",
            f"/public/opinions/{receipt['tracking_code']}",
            {"X-Tracking-Secret": receipt["tracking_secret"]},
        )
        assert tracked["state"] == state, name
        assert [s["kind"] for s in tracked["steps"]] == steps, name
        assert contacts[0] not in json.dumps(tracked, ensure_ascii=False)
    handled = await j.get(
        "deputies",
        f"/public/opinions/{receipts['transfer']['tracking_code']}",
        {"X-Tracking-Secret": receipts["transfer"]["tracking_secret"]},
    )
    assert handled["steps"][-1]["text"] == "已更换路灯三盏"
    wrong = await j.client.get(
        j.url("deputies", f"/public/opinions/{receipts['answer']['tracking_code']}"),
        headers={"X-Tracking-Secret": "wrong-secret-123"},
    )
    assert wrong.status_code == 404
    return Opinions(d1["id"], code, receipts, ids, contacts)


# --- 3. a legislative consultation ----------------------------------------------------------


async def legislative_consultation(j: Journey) -> None:
    points = []
    for name in ("程河镇基层立法联系点", "张家集镇基层立法联系点"):
        points.append(
            await j.post(
                "deputies",
                "/contact-points",
                STAFF,
                201,
                json={
                    "name": name,
                    "level": "provincial",
                    "legislature": "湖北省人大常委会法制工作委员会",
                },
            )
        )
    law = await j.post(
        "deputies",
        "/draft-laws",
        STAFF,
        201,
        json={
            "title": "湖北省养老服务条例(草案)",
            "legislature": "湖北省人大常委会",
            "level": "provincial",
            "opinion_deadline": str(j.today + timedelta(days=30)),
            "articles": [
                {"number": 1, "text": "为了规范养老服务……"},
                {"number": 2, "text": "本省行政区域内的养老服务……"},
                {"number": 3, "text": "县级以上人民政府……"},
            ],
            "contact_point_ids": [p["id"] for p in points],
        },
    )
    assert [a["number"] for a in law["articles"]] == [1, 2, 3]
    public = await j.get("deputies", f"/draft-laws/{law['id']}")  # citizens read it, no account
    assert [a["number"] for a in public["articles"]] == [1, 2, 3]
    package = {p["contact_point_id"]: p["id"] for p in law["packages"]}
    a, b = package[points[0]["id"]], package[points[1]["id"]]

    contributors = ["legal1@example.org", "13300000001", "13300000002", "13300000003"]
    j.secrets |= set(contributors)
    given = [
        (a, 1, "citizen", contributors[0], None),
        (a, 1, "citizen", contributors[1], None),
        (a, 1, "expert", contributors[2], None),
        (a, 2, "deputy", None, deputy(j.deputies[2]["id"])),
        (a, None, "citizen", contributors[3], None),
        (b, 3, "citizen", None, None),
    ]
    for package_id, article, kind, contact, headers in given:
        body: dict[str, Any] = {"text": "建议明确……", "contributor_kind": kind}
        if article is not None:
            body["article_number"] = article
        if contact is not None:
            body |= {"contributor_name": "李四", "contributor_contact": contact}
        await j.post(
            "deputies", f"/opinion-packages/{package_id}/opinions", headers, 201, json=body
        )

    # Deputies read the package without the contributors' contact; staff forward it once.
    seen = await j.get("deputies", f"/opinion-packages/{a}", deputy(j.deputies[2]["id"]))
    assert all(o["contributor_contact"] is None for o in seen["opinions"])
    forwarded = await j.post(
        "deputies", f"/opinion-packages/{a}/forward", STAFF, json={"note": "汇总报送"}
    )
    assert forwarded["state"] == "forwarded"
    assert forwarded["total_opinions"] == 5
    counts = {c["article_number"]: c["opinions"] for c in forwarded["per_article"]}
    assert {k: v for k, v in counts.items() if v} == {1: 3, 2: 1, None: 1}
    await j.post(
        "deputies",
        f"/opinion-packages/{a}/opinions",
        None,
        409,
        json={"text": "迟到的意见", "article_number": 1},
    )
    report = await j.get("deputies", "/legislation/report", STAFF)
    (per_law,) = report["per_law"]
    assert (per_law["points"], per_law["opinions"], per_law["packages_forwarded"]) == (2, 6, 1)
    per_point = {p["contact_point_id"]: p for p in report["per_point"]}
    assert (per_point[points[0]["id"]]["opinions"], per_point[points[1]["id"]]["opinions"]) == (
        5,
        1,
    )
    assert per_point[points[0]["id"]]["packages_forwarded"] == 1
    assert per_point[points[1]["id"]]["packages_forwarded"] == 0
    assert report["opinions"] == 6


# --- 4. micro projects ----------------------------------------------------------------------


async def micro_projects(j: Journey) -> None:
    proposer = "13500000001"
    j.secrets.add(proposer)
    ideas = {}
    for title in ("修复幸福巷路面", "增设健身器材", "村口装监控", "更换路灯"):
        ideas[title] = await j.post(
            "deputies",
            "/micro-projects",
            None,
            201,
            json={
                "year": j.year,
                "title": title,
                "category": "道路维修",
                "description": "群众反映多年",
                "estimated_cost": "85000.00",
                "proposer_name": "王五",
                "proposer_contact": proposer,
            },
        )
    too_precise = await j.client.post(
        j.url("deputies", "/micro-projects"),
        json={
            "year": j.year,
            "title": "x",
            "category": "y",
            "description": "z",
            "estimated_cost": "1.001",
        },
    )
    assert too_precise.status_code == 422
    road, gym, camera, lights = (ideas[t]["id"] for t in ideas)

    for project, budget in ((road, "80000.00"), (gym, "30000.00"), (lights, "10000.00")):
        await j.post(
            "deputies",
            f"/micro-projects/{project}/admit",
            STAFF,
            json={"budget_amount": budget, "implementing_department_id": str(ROADS_ID)},
        )
        await j.post("deputies", f"/micro-projects/{project}/open-vote", STAFF)
    await j.post("deputies", f"/micro-projects/{camera}/decline", STAFF, json={"reason": "重复"})

    voters = [d["id"] for d in j.deputies[:5]]
    for n, deputy_id in enumerate(voters):
        await j.post(
            "deputies",
            f"/micro-projects/{road}/votes",
            deputy(deputy_id),
            201,
            json={"choice": "abstain" if n == 4 else "for"},
        )
        await j.post(
            "deputies",
            f"/micro-projects/{gym}/votes",
            deputy(deputy_id),
            201,
            json={"choice": "for" if n == 0 else "against"},
        )
        if n < 3:
            await j.post(
                "deputies",
                f"/micro-projects/{lights}/votes",
                deputy(deputy_id),
                201,
                json={"choice": "for"},
            )
    await j.post(
        "deputies", f"/micro-projects/{road}/votes", deputy(voters[0]), 409, json={"choice": "for"}
    )
    approved = await j.post("deputies", f"/micro-projects/{road}/close-vote", STAFF)
    assert approved["state"] == "approved", approved
    rejected = await j.post("deputies", f"/micro-projects/{gym}/close-vote", STAFF)
    assert rejected["state"] == "rejected", rejected

    await j.post("deputies", f"/micro-projects/{road}/start", ROADS)
    stranger = await j.client.post(
        j.url("deputies", f"/micro-projects/{road}/spendings"),
        headers=DEPARTMENT,
        json={"amount": "1.00", "spent_on": str(j.today), "description": "not ours"},
    )
    assert stranger.status_code in (403, 404), stranger.text
    unregistered = await j.client.post(
        j.url("deputies", f"/micro-projects/{gym}/votes"),
        headers=deputy(str(uuid.uuid4())),
        json={"choice": "for"},
    )
    assert 400 <= unregistered.status_code < 500, unregistered.text
    today = str(j.today)
    for amount in ("30000.50", "45999.25"):
        spent = await j.post(
            "deputies",
            f"/micro-projects/{road}/spendings",
            ROADS,
            201,
            json={"amount": amount, "spent_on": today, "description": "沥青铺设"},
        )
    assert spent["spent_to_date"] == "75999.75"
    assert spent["budget_remaining"] == "4000.25"
    assert spent["proposer_contact"] is None  # the department never sees the proposer
    await j.post("deputies", f"/micro-projects/{road}/complete", ROADS, json={"report": "完工"})
    accepted = await j.post(
        "deputies", f"/micro-projects/{road}/acceptance", STAFF, json={"result": "passed"}
    )
    assert accepted["state"] == "accepted"
    assert accepted["final_cost"] == "75999.75"

    followed = await j.get(
        "deputies",
        f"/micro-projects/track/{ideas['修复幸福巷路面']['tracking_code']}",
        {"X-Tracking-Secret": ideas["修复幸福巷路面"]["tracking_secret"]},
    )
    assert (followed["state"], followed["final_cost"]) == ("accepted", "75999.75")
    assert proposer not in json.dumps(followed)

    # The street lights: overspent by a fen, failed at acceptance, reworked, accepted.
    await j.post("deputies", f"/micro-projects/{lights}/close-vote", STAFF)
    await j.post("deputies", f"/micro-projects/{lights}/start", ROADS)
    for amount in ("6000.00", "4000.01"):
        over = await j.post(
            "deputies",
            f"/micro-projects/{lights}/spendings",
            ROADS,
            201,
            json={"amount": amount, "spent_on": today, "description": "灯具"},
        )
    assert (over["spent_to_date"], over["budget_remaining"]) == ("10000.01", "-0.01")
    await j.post("deputies", f"/micro-projects/{lights}/complete", ROADS, json={"report": "完工"})
    failed = await j.post(
        "deputies",
        f"/micro-projects/{lights}/acceptance",
        STAFF,
        json={"result": "failed", "note": "照度不足，返工"},
    )
    assert (failed["state"], failed["failed_checks"]) == ("in_progress", 1)
    await j.post(
        "deputies",
        f"/micro-projects/{lights}/spendings",
        ROADS,
        201,
        json={"amount": "0.99", "spent_on": today, "description": "返工"},
    )
    await j.post(
        "deputies", f"/micro-projects/{lights}/complete", ROADS, json={"report": "返工完成"}
    )
    passed = await j.post(
        "deputies",
        f"/micro-projects/{lights}/acceptance",
        STAFF,
        json={"result": "passed", "final_cost": "10001.00"},
    )
    assert (passed["state"], passed["final_cost"], passed["spent_to_date"]) == (
        "accepted",
        "10001.00",
        "10001.00",
    )

    totals = await j.get("deputies", "/micro-projects/totals", STAFF, params={"year": j.year})
    assert totals["projects"] == 4
    assert (totals["budget_approved"], totals["spent"], totals["final_cost_accepted"]) == (
        "90000.00",
        "86000.75",
        "86000.75",
    )

    # Finance follows the money trail from the events.
    async def settled_in_finance() -> dict[str, dict[str, Any]]:
        page = await j.get("finance", "/micro-projects", STAFF, params={"year": j.year})
        trails = {t["id"]: t for t in page["items"]}
        done = gym in trails and all(
            trails.get(p, {}).get("status") == "accepted" for p in (road, lights)
        )
        return trails if done else {}

    trails = await eventually(settled_in_finance, timeout=20, interval=0.2)
    assert camera not in trails
    trail = trails[road]
    assert trail["budget_amount"] == "80000.00"
    assert trail["spent_to_date"] == "75999.75"
    assert trail["final_cost"] == "75999.75"
    assert trail["remaining_budget"] == "4000.25"
    assert trail["variance"] == "-4000.25"
    assert trail["acceptance_result"] == "passed"
    assert trail["overspent"] is False
    assert sorted(s["amount"] for s in trail["spendings"]) == ["30000.50", "45999.25"]
    assert trails[gym]["status"] == "rejected"
    over_trail = trails[lights]
    assert (over_trail["spent_to_date"], over_trail["final_cost"]) == ("10001.00", "10001.00")
    assert (over_trail["remaining_budget"], over_trail["variance"]) == ("-1.00", "1.00")
    assert over_trail["overspent"] is True
    assert over_trail["acceptance_result"] == "passed"
    assert sorted(s["amount"] for s in over_trail["spendings"]) == ["0.99", "4000.01", "6000.00"]


# --- 5. dual contact ------------------------------------------------------------------------


@dataclass
class Contacts:
    deputy_ids: list[str]
    voter_contacts: int  # recorded by the first deputy


async def dual_contact(j: Journey) -> Contacts:
    members = [
        await j.post(
            "deputies", "/committee-members", STAFF, 201, json={"name": name, "title": "委员"}
        )
        for name in ("赵一", "钱二", "孙三")
    ]
    linked_deputies = [d["id"] for d in j.deputies[:15]]
    assigned = await j.post(
        "deputies",
        "/dual-contact/assignments/members",
        STAFF,
        json={
            "member_ids": [m["id"] for m in members],
            "deputy_ids": linked_deputies,
            "capacity": 5,
        },
    )
    assert len(assigned["placed"]) == 15 and assigned["unplaced"] == []
    per_member: dict[str, list[str]] = {}
    for placed in assigned["placed"]:
        per_member.setdefault(placed["contactor_id"], []).append(placed["contactee_id"])
    assert sorted(len(v) for v in per_member.values()) == [5, 5, 5]

    voters = []
    for n in range(30):
        phone, address = f"1370000{n:04d}", f"某某县幸福路{n + 1}号"
        j.secrets |= {phone, address}
        voters.append(
            await j.post(
                "deputies",
                "/voters",
                STAFF,
                201,
                json={
                    "name": f"选民{n}",
                    "phone": phone,
                    "address": address,
                    "gender": "male" if n % 2 else "female",
                    "birth_year": 1940 + n,
                    "vulnerable": ["disabled"] if n % 10 == 0 else [],
                },
            )
        )
    contacting = [d["id"] for d in j.deputies[:3]]
    placed = await j.post(
        "deputies",
        "/dual-contact/assignments/voters",
        STAFF,
        json={"deputy_ids": contacting, "capacity": 10},
    )
    assert len(placed["placed"]) == 30 and placed["unplaced"] == []

    quarter_before = await j.get("deputies", "/dual-contact/uncontacted", STAFF)
    assert (quarter_before["links_checked"], quarter_before["uncontacted_count"]) == (45, 45)

    d1 = contacting[0]
    own_links = await j.get(
        "deputies", "/dual-contact/links", deputy(d1), params={"kind": "deputy_voter"}
    )
    assert own_links["total"] == 10
    recorded = 0
    for link in own_links["items"][:4]:
        await j.post(
            "deputies",
            f"/dual-contact/links/{link['id']}/contacts",
            deputy(d1),
            201,
            json={"contacted_on": str(j.today), "channel": "visit"},
        )
        recorded += 1
    member_links = await j.get(
        "deputies", "/dual-contact/links", STAFF, params={"contactor_id": members[0]["id"]}
    )
    for link in member_links["items"][:2]:
        await j.post(
            "deputies",
            f"/dual-contact/links/{link['id']}/contacts",
            STAFF,
            201,
            json={"contacted_on": str(j.today), "channel": "meeting"},
        )
    # Contacting someone twice does not make the report shrink twice.
    await j.post(
        "deputies",
        f"/dual-contact/links/{own_links['items'][0]['id']}/contacts",
        deputy(d1),
        201,
        json={"contacted_on": str(j.today), "channel": "phone"},
    )
    recorded += 1

    after = await j.get("deputies", "/dual-contact/uncontacted", STAFF)
    assert (after["links_checked"], after["uncontacted_count"]) == (45, 39)
    summary = {(s["kind"], s["contactor_id"]): s for s in after["by_contactor"]}
    assert summary[("deputy_voter", d1)]["uncontacted"] == 6
    assert summary[("member_deputy", members[0]["id"])]["uncontacted"] == 3
    own = await j.get("deputies", "/dual-contact/uncontacted", deputy(d1))
    assert own["uncontacted_count"] == 6
    return Contacts(contacting, recorded)


# --- 6. a station, its rating, a deputy's score ---------------------------------------------


async def station_and_scores(j: Journey, opinions: Opinions, contacts: Contacts) -> None:
    d1, d2, d3 = (d["id"] for d in j.deputies[:3])
    station = await j.post(
        "deputies",
        "/stations",
        STAFF,
        201,
        json={"name": "腾飞社区代表联络站", "kind": "liaison_station", "level": "community"},
    )
    quiet = await j.post(
        "deputies",
        "/stations",
        STAFF,
        201,
        json={"name": "新华社区代表联络站", "kind": "liaison_station", "level": "community"},
    )
    await j.call(
        "PUT",
        "deputies",
        f"/stations/{station['id']}/deputies",
        200,
        STAFF,
        json={"deputy_ids": [d1, d2, d3]},
    )
    today = str(j.today)
    log = [
        ("reception", [d1, d2], (30, 10, 8, 6, 10, 9)),
        ("deliberation_day", [d1], (12, 6, 6, 6, 5, 4)),
        ("consultation", [d3], (8, 4, 2, 2, 5, 5)),
    ]
    for kind, present, (received, collected, handled, in_time, asked, satisfied) in log:
        await j.post(
            "deputies",
            f"/stations/{station['id']}/activities",
            STAFF,
            201,
            json={
                "kind": kind,
                "held_on": today,
                "title": f"{kind} 活动",
                "deputy_ids": present,
                "citizens_received": received,
                "opinions_collected": collected,
                "opinions_handled": handled,
                "opinions_replied_in_time": in_time,
                "satisfaction_responses": asked,
                "satisfied_responses": satisfied,
            },
        )
    await j.post(
        "deputies",
        f"/stations/{station['id']}/activities",
        STAFF,
        422,
        json={
            "kind": "reception",
            "held_on": today,
            "title": "handled more than collected",
            "opinions_collected": 1,
            "opinions_handled": 2,
        },
    )
    for item, met in (
        ("venue", True),
        ("sign", True),
        ("rules", True),
        ("staff", True),
        ("activities", True),
        ("records", False),
    ):
        checked = await j.post(
            "deputies",
            f"/stations/{station['id']}/checklist",
            STAFF,
            json={"item": item, "met": met, "checked_on": today},
        )
    assert checked["six_haves_met"] == 5 and checked["six_haves_complete"] is False

    index = {
        "criteria": {
            "activities_held": {"weight": 20, "floor": "0", "target": "4"},
            "opinions_handled": {"weight": 25, "floor": "0.5", "target": "1"},
            "reply_timeliness": {"weight": 20, "floor": "0.5", "target": "1"},
            "satisfaction": {"weight": 20, "floor": "0.6", "target": "1"},
            "six_haves": {"weight": 15, "floor": "0.5", "target": "1"},
        },
        "star_thresholds": ["60", "70", "80", "90", "95"],
    }
    lopsided = json.loads(json.dumps(index))
    lopsided["criteria"]["six_haves"]["weight"] = 30
    await j.post("deputies", "/station-rating-index", STAFF, 422, json=lopsided)
    await j.post("deputies", "/station-rating-index", STAFF, 201, json=index)
    rated = await j.post("deputies", f"/station-ratings/{j.year}", STAFF)
    by_station = {r["station_id"]: r for r in rated["published"]}
    assert set(by_station) == {station["id"], quiet["id"]}
    rating = by_station[station["id"]]
    # By hand: 3 activities of 4 -> 0.75 x 20 = 15; handled 16/20 = 0.8 -> 0.6 x 25 = 15;
    # in time 14/16 = 0.875 -> 0.75 x 20 = 15; satisfied 18/20 = 0.9 -> 0.75 x 20 = 15;
    # six haves 5/6 = 0.8333 -> 0.6666 x 15 = 9.999 -> 10.00. Total 70.00: two stars.
    points = {line["criterion"]: Decimal(line["points"]) for line in rating["lines"]}
    assert points == {
        "activities_held": Decimal("15.00"),
        "opinions_handled": Decimal("15.00"),
        "reply_timeliness": Decimal("15.00"),
        "satisfaction": Decimal("15.00"),
        "six_haves": Decimal("10.00"),
    }
    assert Decimal(rating["total_points"]) == Decimal("70.00")
    assert rating["stars"] == 2
    assert rating["inputs"] == {
        "activities_held": 3,
        "opinions_collected": 20,
        "opinions_handled": 16,
        "opinions_replied_in_time": 14,
        "satisfaction_responses": 20,
        "satisfied_responses": 18,
        "six_haves_met": 5,
    }
    assert by_station[quiet["id"]]["stars"] == 0
    await j.post("deputies", f"/stations/{station['id']}/ratings/{j.year}", STAFF, 409)

    # The county's scoring rules (履职五个一) and the first deputy's year.
    rules = {
        "kinds": {
            "voter_visit": {"points": "2", "cap": "20", "required": 1, "shortfall": "5"},
            "inspection": {"points": "3", "cap": "15", "required": 1, "shortfall": "5"},
            "report_to_voters": {"points": "10", "cap": "10", "required": 1, "shortfall": "10"},
            "suggestion": {"points": "5", "cap": "20", "required": 1, "shortfall": "5"},
            "station_duty": {"points": "2", "cap": "20", "required": 1, "shortfall": "5"},
            "voter_contact": {"points": "1", "cap": "3"},
            "opinion_answered": {"points": "1", "cap": "10"},
            "absence": {"points": "-5", "cap": "20"},
        },
        "max_total": "100",
    }
    await j.post("deputies", "/performance-rules", STAFF, 201, json=rules)
    for kind, n in (("voter_visit", 2), ("inspection", 1), ("absence", 1)):
        for i in range(n):
            await j.post(
                "deputies",
                "/deputy-activities",
                STAFF,
                201,
                json={"deputy_id": d1, "kind": kind, "held_on": today, "title": f"{kind} {i}"},
            )
    await j.post(
        "deputies",
        "/deputy-activities",
        STAFF,
        422,
        json={"deputy_id": d1, "kind": "station_duty", "held_on": today, "title": "by hand"},
    )
    score = await j.post("deputies", f"/deputy-performance/{d1}/{j.year}", STAFF, 201)
    by_kind: dict[str | None, Decimal] = {}
    for line in score["lines"]:
        by_kind[line["kind"]] = by_kind.get(line["kind"], Decimal(0)) + Decimal(line["points"])
    # By hand: 2 visits x 2 = 4; 1 inspection x 3 = 3; no report to voters: -10; one absence
    # -5; present at 2 station activities x 2 = 4; 5 voter contacts capped at 3; 4 opinions
    # responded to (answer, transfer, suggestion, topic) x 1 = 4; 1 suggestion (from the
    # opinion) x 5 = 5. Total 8.
    assert contacts.voter_contacts == 5
    assert by_kind == {
        "voter_visit": Decimal(4),
        "inspection": Decimal(3),
        "report_to_voters": Decimal(-10),
        "absence": Decimal(-5),
        "station_duty": Decimal(4),
        "voter_contact": Decimal(3),
        "opinion_answered": Decimal(4),
        "suggestion": Decimal(5),
    }
    assert Decimal(score["total_points"]) == Decimal(8)
    await j.post("deputies", f"/deputy-performance/{d1}/{j.year}", STAFF, 409)
    mine = await j.get("deputies", f"/deputy-performance/{d1}/{j.year}", deputy(d1))
    assert mine["total_points"] == score["total_points"]
    assert score["rules_version"] == 1
    assert opinions.deputy_id == d1
    # A deputy with nothing recorded: every "one" missing, clamped at zero.
    idle = j.deputies[200]["id"]
    nothing = await j.post("deputies", f"/deputy-performance/{idle}/{j.year}", STAFF, 201)
    assert Decimal(nothing["total_points"]) == 0
    scores = await j.get("deputies", "/performance-scores", STAFF, params={"year": j.year})
    assert scores["total"] == 2


# --- 7. who sees contact data ---------------------------------------------------------------


def contact_values(item: dict[str, Any]) -> set[str]:
    return {item[k] for k in CONTACT_KEYS if item.get(k)}


async def nothing_personal_where_it_does_not_belong(j: Journey, opinions: Opinions) -> None:
    staff_view = {d["id"]: d for d in await all_deputies(j, STAFF)}
    every_contact = set().union(*(contact_values(d) for d in staff_view.values()))
    assert len(every_contact) > 300

    # A department: never any contact field, whatever the consent.
    as_department = await all_deputies(j, DEPARTMENT)
    assert len(as_department) == 305
    assert not any(k in d for d in as_department for k in CONTACT_KEYS)
    one = await j.get("deputies", f"/deputies/{opinions.deputy_id}", DEPARTMENT)
    assert not set(CONTACT_KEYS) & set(one)

    # A citizen: only what each deputy consented to publish.
    as_citizen = await all_deputies(j, CITIZEN)
    for d in as_citizen:
        published = set(staff_view[d["id"]]["published"])
        assert {k for k in CONTACT_KEYS if k in d} <= published, d
    # ... and what they did consent to is there (the check above is not vacuous).
    consenting = [d for d in as_citizen if "phone" in staff_view[d["id"]]["published"]]
    assert consenting and all(d["phone"] == staff_view[d["id"]]["phone"] for d in consenting)
    assert len(consenting) < len(as_citizen)
    # Another deputy (a colleague) likewise sees only consented contact fields.
    colleague = deputy(j.deputies[1]["id"])
    for d in await all_deputies(j, colleague):
        if d["id"] != j.deputies[1]["id"]:  # their own entry they see in full
            assert {k for k in CONTACT_KEYS if k in d} <= set(staff_view[d["id"]]["published"])
    assert (await j.client.get(j.url("deputies", "/deputies"))).status_code == 401
    card = await j.get("deputies", f"/public/deputies/{opinions.code}")
    published = set(staff_view[opinions.deputy_id]["published"])
    assert {k for k in CONTACT_KEYS if k in card} <= published

    # Opinions: the department sees only what was sent to it, without the citizen.
    sent = await j.get("deputies", "/citizen-opinions", DEPARTMENT, params={"limit": 100})
    text = json.dumps(sent, ensure_ascii=False)
    assert not [c for c in opinions.contacts if c in text]
    other = await j.client.get(
        j.url("deputies", f"/citizen-opinions/{opinions.ids['answer']}"), headers=DEPARTMENT
    )
    assert other.status_code == 404
    assert (await j.client.get(j.url("deputies", "/citizen-opinions"))).status_code == 401
    as_colleague = await j.get("deputies", "/citizen-opinions", colleague, params={"limit": 100})
    assert as_colleague["total"] == 0  # another deputy's citizens stay with that deputy
    # Staff and the deputy do see the citizen's contact.
    own = await j.get("deputies", f"/citizen-opinions/{opinions.ids['answer']}", STAFF)
    assert own["citizen_contact"] == opinions.contacts[0]

    # Voters: not for departments nor citizens; a member sees no names or phones.
    voters_as_department = await j.client.get(j.url("deputies", "/voters"), headers=DEPARTMENT)
    assert voters_as_department.status_code == 403
    assert (await j.client.get(j.url("deputies", "/voters"))).status_code == 401
    assert (await j.client.get(j.url("deputies", "/voters"), headers=CITIZEN)).status_code == 403
    own_voters = await j.get("deputies", "/voters", deputy(opinions.deputy_id))
    assert own_voters["total"] == 10
    assert all(v["personal_data_shown"] and v["phone"] for v in own_voters["items"])
    someone_elses = own_voters["items"][0]["id"]
    unlinked = await j.get("deputies", f"/voters/{someone_elses}", deputy(j.deputies[5]["id"]))
    assert unlinked["phone"] is None and unlinked["address"] is None
    member = auth(Role.COMMITTEE_MEMBER, str(uuid.uuid4()))
    as_member = await j.get("deputies", "/voters", member, params={"limit": 100})
    assert as_member["total"] == 30
    assert all(v["phone"] is None and v["address"] is None for v in as_member["items"])
    # Micro projects: a department never sees the proposer.
    projects = await j.get("deputies", "/micro-projects", ROADS, params={"limit": 50})
    assert all(p["proposer_contact"] is None for p in projects["items"])


async def no_contact_data_on_the_bus(j: Journey) -> None:
    # The last steps' events are in flight: wait for the score published last.
    async def scored() -> bool:
        return any(m["type"] == "deputies.performance_score.published" for m in j.events.messages)

    await eventually(scored, timeout=20, interval=0.2)
    kinds = {m["type"] for m in j.events.messages}
    for expected in (
        "deputies.deputy.registered",
        "deputies.opinion.submitted",
        "deputies.opinion.transferred",
        "deputies.opinion.raised_as_topic",
        "deputies.micro_project.accepted",
    ):
        assert expected in kinds, sorted(kinds)
    assert len(j.secrets) > 600
    leaks: list[tuple[str, str]] = []
    for raw in j.events.raw:
        body = raw.body.decode()
        decoded = json.dumps(json.loads(body), ensure_ascii=False)
        leaks.extend(
            (json.loads(body)["type"], value)
            for value in j.secrets
            if value in body or value in decoded
        )
    assert not leaks, leaks[:10]

    # Nor in any other service's events (topics' proposal, finance's trail, notifications).
    async def every_service_spoke() -> bool:
        producers = {m["type"].split(".")[0] for m in j.everything.messages}
        return {"topics", "finance"} <= producers

    await eventually(every_service_spoke, timeout=20, interval=0.2)
    texts = [json.dumps(json.loads(raw.body), ensure_ascii=False) for raw in j.everything.raw]
    elsewhere = {value for value in j.secrets for text in texts if value in text}
    assert not elsewhere, sorted(elsewhere)[:10]
