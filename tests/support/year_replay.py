"""The acceptance replay (issue 3): a whole year of supervision work through the HTTP API.

A new user's year, as the committee would enter it: the 2026 collection window, proposals
from all five sources, screening, a plan of 29 items, two special inquiries, deliberation
opinions assigned to several organs (some rated unsatisfied and handled a second time, some
overdue), supervision reports, the 2027 official calendar loaded in December. The clock moves
forward step by step and the deadline sweep runs at chosen days. At the end the statistics
must match what was entered, every deadline the official holiday calendar, and the outbox
every notification-worthy step. Bad input and invalid transitions along the way get 4xx
problem+json, never a 500.

Every expected number below was worked out by hand from the inputs and the State Council's
2026 arrangement (Qingming 4-6 April; Labour Day 1-5 May, 9 May worked; National Day and
Mid-Autumn 1-7 October, 10 October worked), not by the code under test.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import httpx

from jiandu_shared.clock import FixedClock
from jiandu_shared.service import Service
from jiandu_shared.web.auth import Role
from jiandu_topics.service_layer.unit_of_work import TopicsUnitOfWork
from tests.support.opinions import OPERATOR, STAFF, china, headers, member, outbox

PROBLEM_JSON = "application/problem+json"

# --- who is who -----------------------------------------------------------------------------


def _id(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012x}"


# Committee offices (专(工)委室) responsible for plan items.
EDU_COMMITTEE = _id(0xC001)  # 教科文卫工委
SOCIAL_COMMITTEE = _id(0xC002)  # 社会建设委
AGRI_COMMITTEE = _id(0xC003)  # 农业农村委
LEGAL_COMMITTEE = _id(0xC004)  # 监察和司法委
ECON_COMMITTEE = _id(0xC005)  # 财政经济委

# Organs and departments (一府一委两院及职能部门).
EDUCATION = _id(0xA001)  # 教育局
HEALTH = _id(0xA002)  # 卫健局
CIVIL_AFFAIRS = _id(0xA003)  # 民政局
HOUSING = _id(0xA004)  # 住建局
AGRICULTURE = _id(0xA005)  # 农业农村局
PUBLIC_SECURITY = _id(0xA006)  # 公安局
MARKET = _id(0xA007)  # 市场监管局
HUMAN_RESOURCES = _id(0xA008)  # 人社局
COURT = _id(0xA009)  # 法院
PROCURATORATE = _id(0xA00A)  # 检察院

COMMITTEE_OF = {
    "education_health": EDU_COMMITTEE,
    "preschool_childcare": EDU_COMMITTEE,
    "elderly_care_social_security": SOCIAL_COMMITTEE,
    "employment": SOCIAL_COMMITTEE,
    "rural_revitalisation": AGRI_COMMITTEE,
    "farmland_protection": AGRI_COMMITTEE,
    "ecology": AGRI_COMMITTEE,
    "administration_justice": LEGAL_COMMITTEE,
    "anti_telecom_fraud": LEGAL_COMMITTEE,
    "food_drugs": LEGAL_COMMITTEE,
    "work_safety": LEGAL_COMMITTEE,
    "economy": ECON_COMMITTEE,
    "industry": ECON_COMMITTEE,
}
ORGANS_OF = {
    "education_health": [HEALTH, EDUCATION],
    "preschool_childcare": [EDUCATION],
    "elderly_care_social_security": [CIVIL_AFFAIRS],
    "employment": [HUMAN_RESOURCES],
    "rural_revitalisation": [AGRICULTURE],
    "farmland_protection": [AGRICULTURE],
    "ecology": [AGRICULTURE],
    "administration_justice": [COURT, PROCURATORATE, PUBLIC_SECURITY],
    "anti_telecom_fraud": [PUBLIC_SECURITY],
    "food_drugs": [MARKET],
    "work_safety": [HOUSING],
    "economy": [MARKET],
    "industry": [MARKET],
}


def department(organ: str) -> dict[str, str]:
    """A department's token: it acts for its organ only."""
    return headers(Role.DEPARTMENT, f"dept-{organ[-4:]}", organ)


# --- what is entered ------------------------------------------------------------------------

# (key, source, focus area, title): 36 proposals, 10 public, 8 deputy, 6 of each other source.
PROPOSALS: list[tuple[str, str, str, str]] = [
    ("pub1", "public", "preschool_childcare", "普惠性幼儿园学位不足"),
    ("pub2", "public", "elderly_care_social_security", "居家养老上门服务"),
    ("pub3", "public", "food_drugs", "校园及周边食品安全"),
    ("pub4", "public", "anti_telecom_fraud", "老年人电信诈骗防范"),
    ("pub5", "public", "ecology", "城区河道黑臭水体治理"),
    ("pub6", "public", "work_safety", "电动自行车停放充电安全"),
    ("pub7", "public", "employment", "高校毕业生返乡就业"),
    ("pub8", "public", "education_health", "县医院看病难"),
    ("pub9", "public", "economy", "夜市摊位管理"),
    ("pub10", "public", "industry", "广场舞噪音扰民"),
    ("dep1", "deputy", "education_health", "县域医共体建设"),
    ("dep2", "deputy", "rural_revitalisation", "农村人居环境整治"),
    ("dep3", "deputy", "farmland_protection", "永久基本农田保护"),
    ("dep4", "deputy", "elderly_care_social_security", "农村互助养老服务站"),
    ("dep5", "deputy", "education_health", "义务教育课后服务"),
    ("dep6", "deputy", "employment", "农民工工资支付保障"),
    ("dep7", "deputy", "ecology", "畜禽养殖污染治理"),
    ("dep8", "deputy", "economy", "乡镇集贸市场改造"),
    ("party1", "party_committee", "economy", "优化营商环境"),
    ("party2", "party_committee", "elderly_care_social_security", "养老服务体系建设"),
    ("party3", "party_committee", "rural_revitalisation", "乡村振兴战略实施"),
    ("party4", "party_committee", "ecology", "生态环境保护督察整改"),
    ("party5", "party_committee", "administration_justice", "法治政府建设"),
    ("party6", "party_committee", "industry", "重点产业链培育"),
    ("so1", "state_organs", "administration_justice", "行政执法规范化"),
    ("so2", "state_organs", "food_drugs", "药品安全监管"),
    ("so3", "state_organs", "work_safety", "安全生产专项整治"),
    ("so4", "state_organs", "administration_justice", "审判执行工作"),
    ("so5", "state_organs", "administration_justice", "公益诉讼检察工作"),
    ("so6", "state_organs", "economy", "政府债务管理"),
    ("lia1", "committee_liaison", "preschool_childcare", "托育服务体系建设"),
    ("lia2", "committee_liaison", "education_health", "公共卫生应急体系"),
    ("lia3", "committee_liaison", "employment", "就业创业扶持政策落实"),
    ("lia4", "committee_liaison", "anti_telecom_fraud", "反电信网络诈骗法实施"),
    ("lia5", "committee_liaison", "farmland_protection", "耕地占补平衡"),
    ("lia6", "committee_liaison", "preschool_childcare", "普惠托育服务"),
]
SUBMITTER_REF = {
    "party_committee": "county-party-committee",
    "state_organs": "county-government",
    "committee_liaison": "liaison-meeting-2025",
}
SHORTLISTED = [
    "pub1",
    "pub2",
    "dep1",
    "dep2",
    "party1",
    "so1",
    "lia1",
    "lia2",
    "pub9",
    "dep8",
    "so3",
]
MERGED = {"pub8": "dep1", "dep4": "party2", "lia6": "lia1"}  # duplicate -> survivor
DECLINED = {
    "pub9": "属城市管理日常事务，已转交城管部门办理",
    "pub10": "属基层治理事项，建议通过代表联络站反映",
    "dep8": "已列入政府年度民生实事，不重复立项",
    "so6": "纳入预算审查监督，不单列议题",
}
ADOPTED = [k for k, *_ in PROPOSALS if k not in MERGED and k not in DECLINED]

WRD, LEI, VISIT = "work_report_deliberation", "law_enforcement_inspection", "inspection_visit"
SD, THREE, PERF = "special_deliberation", "work_supervision_three_questions", "performance_review"
INQUIRY = "special_inquiry"
_CYCLE = [[WRD], [LEI], [VISIT], [SD], [THREE], [PERF], [WRD, VISIT]]
# The two items supervised by special inquiry (raised from one to two a year).
INQUIRY_ITEMS = {"party2": [WRD, INQUIRY], "lia4": [INQUIRY, LEI]}


def methods_of(number: int, key: str) -> list[str]:
    return INQUIRY_ITEMS.get(key, _CYCLE[(number - 1) % len(_CYCLE)])


# --- the replay -----------------------------------------------------------------------------


@dataclass
class Replay:
    service: Service[TopicsUnitOfWork]
    client: httpx.AsyncClient
    clock: FixedClock
    proposals: dict[str, str] = field(default_factory=dict)  # key -> proposal id
    receipts: dict[str, tuple[str, str]] = field(default_factory=dict)  # key -> code, secret
    items: dict[str, dict[str, Any]] = field(default_factory=dict)  # proposal key -> item
    opinions: dict[str, str] = field(default_factory=dict)  # O1..O8 -> opinion id
    bad_requests: int = 0

    def at(self, day: date, hour: int = 10) -> None:
        self.clock.set(china(day, hour))

    async def ok(
        self,
        method: str,
        path: str,
        who: dict[str, str] | None,
        body: Any = None,
        status: int = 200,
    ) -> Any:
        response = await self.client.request(method, path, json=body, headers=who)
        assert response.status_code == status, f"{method} {path}: {response.text}"
        return response.json() if response.content else None

    async def refused(
        self,
        method: str,
        path: str,
        who: dict[str, str] | None,
        status: int,
        body: Any = None,
        *,
        state: str | None = None,
        says: str = "",
    ) -> dict[str, Any]:
        """A bad request: the expected 4xx as problem+json with a readable detail."""
        response = await self.client.request(method, path, json=body, headers=who)
        assert response.status_code == status, f"{method} {path}: {response.text}"
        assert response.headers["content-type"] == PROBLEM_JSON
        problem: dict[str, Any] = response.json()
        assert problem["status"] == status and problem["detail"], problem
        assert says in problem["detail"], problem
        if state is not None:  # an invalid transition names the state and what it allows
            assert problem["current_state"] == state, problem
            assert isinstance(problem["allowed_actions"], list)
        self.bad_requests += 1
        return problem

    async def sweep(self) -> int:
        (deadlines,) = [s for s in self.service.runtime.sweeps if s.name == "opinion-deadlines"]
        acted: int = await deadlines.run()
        return acted

    async def opinion(self, name: str) -> dict[str, Any]:
        shown: dict[str, Any] = await self.ok("GET", f"/opinions/{self.opinions[name]}", STAFF)
        return shown

    async def evaluate(self, name: str, *ratings: str) -> dict[str, Any]:
        """Open the evaluation, one member per rating votes, close: the verdict's opinion."""
        path = f"/opinions/{self.opinions[name]}"
        await self.ok("POST", f"{path}/evaluation/open", STAFF)
        for n, rating in enumerate(ratings, start=1):
            await self.ok("POST", f"{path}/ratings", member(n), {"rating": rating})
        closed: dict[str, Any] = await self.ok("POST", f"{path}/evaluation/close", STAFF)
        return closed

    async def report(self, name: str, organ: str, summary: str) -> dict[str, Any]:
        path = f"/opinions/{self.opinions[name]}/report"
        reported: dict[str, Any] = await self.ok(
            "POST", path, department(organ), {"summary": summary}
        )
        return reported


async def _no_server_errors(response: httpx.Response) -> None:
    assert response.status_code < 500, f"{response.request.url}: {response.status_code}"


async def replay_year(
    service: Service[TopicsUnitOfWork], client: httpx.AsyncClient, clock: FixedClock
) -> None:
    client.event_hooks["response"].append(_no_server_errors)
    r = Replay(service, client, clock)
    await collect_topics(r)
    await screen(r)
    await build_plan(r)
    await first_half_opinions(r)
    await first_inquiry(r)
    await national_day_opinions(r)
    await second_inquiry_and_next_collection(r)
    await year_end(r)
    await check_statistics(r)
    await check_events(r)
    assert r.bad_requests >= 70, r.bad_requests  # each one a 4xx problem+json


# --- 1. topic collection (年度监督议题征集) ---------------------------------------------------


async def collect_topics(r: Replay) -> None:
    r.at(date(2025, 11, 3))
    window = {"year": 2026, "opens_on": "2025-11-01", "closes_on": "2025-12-31"}
    await r.refused("POST", "/collection-windows", STAFF, 422, {**window, "opens_on": "2026-01-15"})
    await r.refused("POST", "/collection-windows", None, 401, window)
    await r.ok("POST", "/collection-windows", STAFF, window, status=201)
    await r.refused("POST", "/collection-windows", STAFF, 409, window)
    await r.refused(
        "POST",
        "/proposals",
        None,
        409,
        _proposal("public", "ecology", "窗口未开"),
        says="not open",
    )
    await r.ok("POST", "/collection-windows/2026/open", STAFF)

    for n, (key, source, focus, title) in enumerate(PROPOSALS):
        who: dict[str, str] | None = None
        body = _proposal(source, focus, title)
        if source == "deputy":
            who = headers(Role.DEPUTY, f"deputy-{n:02d}")
        elif source != "public":
            who, body["submitter_ref"] = STAFF, SUBMITTER_REF[source]
        receipt = await r.ok("POST", "/proposals", who, body, status=201)
        assert receipt["status"] == "submitted" and receipt["tracking_secret"]
        r.proposals[key] = receipt["id"]
        r.receipts[key] = receipt["tracking_code"], receipt["tracking_secret"]

    deputy = headers(Role.DEPUTY, "deputy-99")
    await r.refused("POST", "/proposals", None, 422, _proposal("public", "astrology", "星象"))
    await r.refused("POST", "/proposals", None, 401, _proposal("deputy", "ecology", "无令牌"))
    await r.refused(
        "POST", "/proposals", deputy, 403, _proposal("party_committee", "economy", "越权")
    )
    await r.refused(
        "POST",
        "/proposals",
        None,
        422,
        {**_proposal("public", "ecology", "自报身份"), "submitter_ref": "someone"},
    )
    await r.refused(
        "POST", "/proposals", None, 422, {**_proposal("public", "ecology", "x"), "year": "next"}
    )
    await r.refused(
        "POST", "/proposals", None, 422, {**_proposal("public", "ecology", ""), "extra": 1}
    )


def _proposal(source: str, focus: str, title: str) -> dict[str, Any]:
    return {
        "year": 2026,
        "source": source,
        "focus_area": focus,
        "title": title,
        "rationale": f"{title}：群众反映集中，建议列入年度监督计划。",
        "submitter_name": "王五" if source == "public" else "提出人",
    }


# --- 2. screening (筛选): shortlist, merge duplicates, adopt, decline ------------------------


async def screen(r: Replay) -> None:
    r.at(date(2025, 12, 15))
    p = r.proposals
    for key in SHORTLISTED:
        await r.ok("POST", f"/proposals/{p[key]}/shortlist", STAFF)
    for duplicate, survivor in MERGED.items():
        merged = await r.ok(
            "POST", f"/proposals/{p[duplicate]}/merge", STAFF, {"into": p[survivor]}
        )
        assert merged["id"] == p[survivor] and p[duplicate] in {
            m["proposal_id"] for m in merged["merged"]
        }
    for key, reason in DECLINED.items():
        declined = await r.ok("POST", f"/proposals/{p[key]}/decline", STAFF, {"reason": reason})
        assert declined["status"] == "declined"
    for key in ADOPTED:
        await r.ok("POST", f"/proposals/{p[key]}/adopt", STAFF)

    await r.refused(
        "POST", f"/proposals/{p['pub9']}/adopt", STAFF, 409, state="declined", says="declined"
    )
    await r.refused("POST", f"/proposals/{p['pub8']}/shortlist", STAFF, 409, state="merged")
    await r.refused("POST", f"/proposals/{p['dep1']}/merge", STAFF, 422, {"into": p["dep1"]})
    await r.refused("POST", f"/proposals/{p['pub1']}/decline", STAFF, 422, {"reason": "   "})
    await r.refused("POST", f"/proposals/{uuid.uuid4()}/shortlist", STAFF, 404)
    await r.refused("POST", f"/proposals/{p['pub1']}/adopt", member(1), 403)

    # The window closes; a late proposal is refused with the dates.
    r.at(date(2026, 1, 5))
    await r.ok("POST", "/collection-windows/2026/close", STAFF)
    await r.refused(
        "POST", "/proposals", None, 409, _proposal("public", "ecology", "迟到"), says="not open"
    )
    await r.refused("POST", "/collection-windows/2026/close", STAFF, 409, state="closed")


# --- 3. the annual plan (年度监督计划) of 29 items ---------------------------------------------


async def build_plan(r: Replay) -> None:
    r.at(date(2026, 1, 6))
    plan = await r.ok("POST", "/plans", STAFF, {"year": 2026}, status=201)
    await r.refused("POST", "/plans", STAFF, 409, {"year": 2026})
    items = f"/plans/{plan['id']}/items"
    focus = {key: f for key, _, f, _ in PROPOSALS}
    for number, key in enumerate(ADOPTED, start=1):
        body = {
            "proposal_id": r.proposals[key],
            "committee_id": COMMITTEE_OF[focus[key]],
            "target_organ_ids": ORGANS_OF[focus[key]],
            "methods": methods_of(number, key),
            "planned_quarter": number % 4 + 1,
        }
        item = await r.ok("POST", items, STAFF, body, status=201)
        assert item["number"] == number
        r.items[key] = item

    base = {"committee_id": EDU_COMMITTEE, "target_organ_ids": [EDUCATION], "planned_quarter": 2}
    declined = {**base, "proposal_id": r.proposals["pub9"], "methods": [WRD]}
    await r.refused("POST", items, STAFF, 409, declined, says="declined")
    again = {**base, "proposal_id": r.proposals["dep1"], "methods": [WRD]}
    await r.refused("POST", items, STAFF, 409, again)
    await r.refused(
        "POST",
        items,
        STAFF,
        422,
        {**base, "title": "x", "focus_area": "ecology", "methods": ["teleport"]},
    )
    await r.refused(
        "POST",
        items,
        STAFF,
        422,
        {**base, "title": "x", "focus_area": "ecology", "methods": [WRD], "planned_month": 13},
    )
    await r.refused(
        "POST", items, STAFF, 422, {**base, "title": "x", "focus_area": "ecology", "methods": []}
    )

    published = await r.ok("POST", f"/plans/{plan['id']}/publish", STAFF)
    assert published["state"] == "published" and published["item_count"] == 29
    await r.refused("POST", f"/plans/{plan['id']}/publish", STAFF, 409, state="published")
    await r.refused(
        "POST",
        items,
        STAFF,
        409,
        {**base, "title": "追加", "focus_area": "ecology", "methods": [WRD]},
        state="published",
    )

    # Citizens follow their own proposals: a merged duplicate sees the plan item of the
    # proposal it joined, a declined one the reason; a wrong secret looks like no proposal.
    code, secret = r.receipts["pub8"]
    tracked = await r.ok("GET", f"/proposals/track/{code}", {"X-Tracking-Secret": secret})
    assert tracked["status"] == "merged" and tracked["merged_into"] == r.proposals["dep1"]
    assert tracked["plan"]["plan_item_id"] == r.items["dep1"]["id"]
    code, secret = r.receipts["pub9"]
    tracked = await r.ok("GET", f"/proposals/track/{code}", {"X-Tracking-Secret": secret})
    assert tracked["decline_reason"] == DECLINED["pub9"] and tracked["plan"] is None
    await r.refused("GET", f"/proposals/track/{code}", {"X-Tracking-Secret": "guess"}, 404)
    # Regression: numbers too large for the database were a 500 (now a 422).
    await r.refused("GET", "/proposals?offset=99999999999999999999", STAFF, 422)
    await r.refused("GET", "/collection-windows/99999999999999999999", None, 422)


# --- 4. deliberation opinions of the first half year (审议意见 交办+跟踪+落实+测评+反馈) -------


def _period(amount: int) -> dict[str, Any]:
    return {"amount": amount, "unit": "working_days"}


async def _draft_and_assign(
    r: Replay, name: str, item_key: str, organ: str, period: int | None, title: str
) -> dict[str, Any]:
    drafted = await r.ok(
        "POST",
        "/opinions",
        STAFF,
        {"title": title, "plan_item_id": r.items[item_key]["id"]},
        status=201,
    )
    assert drafted["committee_id"] == r.items[item_key]["committee_id"]
    r.opinions[name] = drafted["id"]
    body: dict[str, Any] = {"organ_id": organ}
    if period is not None:
        body["period"] = _period(period)
    assigned: dict[str, Any] = await r.ok("POST", f"/opinions/{drafted['id']}/assign", STAFF, body)
    assert assigned["state"] == "assigned"
    return assigned


def _due(opinion: dict[str, Any]) -> tuple[str, bool]:
    return opinion["deadline"]["due"], opinion["deadline"]["provisional"]


async def first_half_opinions(r: Replay) -> None:
    r.at(date(2026, 3, 2))  # a Monday
    # 20 working days from 2 March 2026: no holiday in March, so 30 March.
    o1 = await _draft_and_assign(
        r, "O1", "dep5", EDUCATION, 20, "关于义务教育课后服务情况报告的审议意见"
    )
    o2 = await _draft_and_assign(
        r, "O2", "dep1", HEALTH, 20, "关于县域医共体建设情况报告的审议意见"
    )
    o3 = await _draft_and_assign(
        r, "O3", "party2", CIVIL_AFFAIRS, 20, "关于养老服务体系建设情况报告的审议意见"
    )
    o8 = await _draft_and_assign(
        r, "O8", "dep2", AGRICULTURE, 20, "关于农村人居环境整治情况报告的审议意见"
    )
    for assigned in (o1, o2, o3, o8):
        assert _due(assigned) == ("2026-03-30", False)

    o1_path = f"/opinions/{r.opinions['O1']}"
    await r.refused(
        "POST", f"{o1_path}/assign", STAFF, 409, {"organ_id": EDUCATION}, state="assigned"
    )
    await r.refused("POST", f"{o1_path}/evaluation/open", STAFF, 409, state="assigned")
    await r.refused(
        "POST", f"{o1_path}/ratings", member(1), 409, {"rating": "satisfied"}, state="assigned"
    )
    spare = await r.ok(
        "POST", "/opinions", STAFF, {"title": "备用", "committee_id": EDU_COMMITTEE}, status=201
    )
    await r.refused(
        "POST",
        f"/opinions/{spare['id']}/assign",
        STAFF,
        422,
        {"organ_id": HEALTH, "period": _period(0)},
    )
    await r.refused(
        "POST",
        f"/opinions/{spare['id']}/assign",
        STAFF,
        422,
        {"organ_id": HEALTH, "period": _period(300)},
        says="outside",
    )
    await r.refused(
        "POST",
        "/opinions",
        STAFF,
        422,
        {"title": "未来", "committee_id": EDU_COMMITTEE, "year": 2030},
    )
    await r.refused("POST", "/opinions", STAFF, 422, {"title": "无委室"})
    await r.refused(
        "POST", "/opinions", STAFF, 404, {"title": "无此项", "plan_item_id": str(uuid.uuid4())}
    )
    r.opinions["spare"] = spare["id"]

    acknowledged = await r.ok("POST", f"{o1_path}/acknowledge", department(EDUCATION))
    assert acknowledged["state"] == "in_progress"

    r.at(date(2026, 3, 20))
    await r.report("O1", EDUCATION, "课后服务覆盖全部义务教育学校")
    await r.report("O2", HEALTH, "医共体牵头医院完成组建")
    # Another organ's department cannot even see O3.
    await r.refused(
        "POST",
        f"/opinions/{r.opinions['O3']}/report",
        department(EDUCATION),
        404,
        {"summary": "冒名"},
    )

    r.at(date(2026, 3, 24))  # within 5 working days of 30 March: O3 and O8 are reminded
    assert await r.sweep() == 2
    assert await r.sweep() == 0  # once per deadline

    r.at(date(2026, 3, 25))
    o1 = await r.evaluate(
        "O1", "satisfied", "satisfied", "satisfied", "satisfied", "basically_satisfied"
    )
    assert o1["state"] == "satisfactory" and o1["rounds"][0]["result"]["verdict"] == "satisfied"
    await r.ok("POST", f"{o1_path}/feedback", STAFF)
    assert (await r.ok("POST", f"{o1_path}/close", STAFF))["state"] == "closed"

    o2_path = f"/opinions/{r.opinions['O2']}"
    o2 = await r.evaluate(
        "O2", "satisfied", "basically_satisfied", "unsatisfied", "unsatisfied", "unsatisfied"
    )
    assert o2["state"] == "unsatisfactory"
    await r.refused(
        "POST",
        f"{o2_path}/ratings",
        member(1),
        409,
        {"rating": "satisfied"},
        state="unsatisfactory",
    )
    await r.refused("POST", f"{o2_path}/feedback", STAFF, 409, state="unsatisfactory")
    await r.refused("POST", f"{o2_path}/second-handling", STAFF, 409, state="unsatisfactory")
    await r.ok("POST", f"{o2_path}/notice", STAFF)

    r.at(date(2026, 3, 26))
    # 二次办理, 30 working days from 26 March: Qingming (6 April) and Labour Day (1, 4, 5 May)
    # are off, Saturday 9 May is worked: 12 May (Monday to Friday would give 7 May).
    second = await r.ok("POST", f"{o2_path}/second-handling", STAFF)
    assert second["state"] == "assigned" and second["handling_rounds"] == 2
    assert _due(second) == ("2026-05-12", False)
    await r.refused("POST", f"{o1_path}/second-handling", STAFF, 409, state="closed")

    r.at(date(2026, 3, 31))  # O3 and O8 missed 30 March
    assert await r.sweep() == 2
    late = await r.client.get("/opinions", params={"year": 2026, "overdue": "true"}, headers=STAFF)
    assert {o["id"] for o in late.json()["items"]} == {r.opinions["O3"], r.opinions["O8"]}

    r.at(date(2026, 4, 2))
    o3 = await r.report("O3", CIVIL_AFFAIRS, "新建社区养老服务站12个（逾期报送）")
    assert o3["rounds"][0]["reported_on_time"] is False

    r.at(date(2026, 4, 3))
    o3 = await r.evaluate(
        "O3", "satisfied", "satisfied", "basically_satisfied", "basically_satisfied", "unsatisfied"
    )
    assert o3["rounds"][0]["result"]["verdict"] == "basically_satisfied"
    await r.ok("POST", f"/opinions/{r.opinions['O3']}/feedback", STAFF)
    await r.ok("POST", f"/opinions/{r.opinions['O3']}/close", STAFF)

    r.at(date(2026, 5, 7))  # within 5 working days of 12 May: O2's second round is reminded
    assert await r.sweep() == 1

    r.at(date(2026, 5, 8))
    await r.report("O2", HEALTH, "二次办理：县乡村一体化管理全面推开")
    r.at(date(2026, 5, 11))
    o2 = await r.evaluate(
        "O2", "satisfied", "satisfied", "satisfied", "satisfied", "basically_satisfied"
    )
    assert o2["state"] == "satisfactory"
    assert [x["result"]["verdict"] for x in o2["rounds"]] == ["unsatisfied", "satisfied"]
    await r.ok("POST", f"{o2_path}/feedback", STAFF)
    await r.ok("POST", f"{o2_path}/close", STAFF)

    r.at(date(2026, 5, 12))
    report = {
        "committee_id": o2["committee_id"],
        "opinion_id": o2["id"],
        "title": "医共体建设督办报告",
        "summary": "经二次办理，测评满意。",
    }
    await r.ok("POST", "/supervision-reports", STAFF, report, status=201)
    await r.refused(
        "POST",
        "/supervision-reports",
        STAFF,
        422,
        {k: v for k, v in report.items() if k != "opinion_id"},
    )
    await r.refused(
        "POST",
        "/supervision-reports",
        STAFF,
        422,
        {**report, "committee_id": ECON_COMMITTEE},
        says="tracked by",
    )


# --- 5. special inquiries (专题询问): one question, one answer, one vote ----------------------


async def _inquiry(
    r: Replay,
    item_key: str,
    held_on: date,
    departments: list[str],
    questions: list[tuple[str, list[str]]],
) -> dict[str, Any]:
    item = r.items[item_key]
    scheduled = await r.ok(
        "POST",
        "/inquiries",
        STAFF,
        {
            "committee_id": item["committee_id"],
            "title": f"关于{item['title']}的专题询问",
            "held_on": held_on.isoformat(),
            "department_ids": departments,
            "plan_item_id": item["id"],
        },
        status=201,
    )
    path = f"/inquiries/{scheduled['id']}"
    r.at(held_on, 9)
    await r.ok("POST", f"{path}/open", STAFF)
    await r.refused("POST", f"{path}/open", STAFF, 409, state="in_session")
    for n, (department_id, ratings) in enumerate(questions, start=1):
        put = await r.ok(
            "POST",
            f"{path}/questions",
            member(n),
            {"department_id": department_id, "question": f"第{n}问：下一步如何落实？"},
            status=201,
        )
        votes = f"{path}/questions/{put['id']}/votes"
        await r.refused(
            "POST", votes, member(1), 409, {"rating": "satisfied"}, state="question_put"
        )
        await r.ok("POST", f"{path}/questions/{put['id']}/answer", STAFF, {"summary": "当场作答"})
        for voter, rating in enumerate(ratings, start=1):
            await r.ok("POST", votes, member(voter), {"rating": rating}, status=201)
        await r.refused("POST", votes, member(1), 409, {"rating": "unsatisfied"}, says="already")
        await r.ok("POST", f"{path}/questions/{put['id']}/close-rating", STAFF)
    outsider = {"department_id": MARKET, "question": "非应询部门"}
    await r.refused("POST", f"{path}/questions", member(1), 422, outsider, says="not a responding")
    concluded: dict[str, Any] = await r.ok("POST", f"{path}/conclude", STAFF)
    await r.refused("POST", f"{path}/conclude", STAFF, 409, state="concluded")
    return concluded


S, B, U = "satisfied", "basically_satisfied", "unsatisfied"


async def first_inquiry(r: Replay) -> None:
    r.at(date(2026, 6, 1))
    not_planned = {
        "committee_id": r.items["dep5"]["committee_id"],
        "title": "未列入专题询问的事项",
        "held_on": "2026-06-25",
        "department_ids": [EDUCATION],
        "plan_item_id": r.items["dep5"]["id"],
    }
    await r.refused("POST", "/inquiries", STAFF, 422, not_planned, says="does not plan")
    await r.refused("POST", "/inquiries", STAFF, 422, {**not_planned, "department_ids": []})
    results = await _inquiry(
        r,
        "party2",
        date(2026, 6, 25),
        [CIVIL_AFFAIRS, HEALTH, HUMAN_RESOURCES],
        [
            (CIVIL_AFFAIRS, [S, S, S, S, B]),  # satisfied
            (HEALTH, [S, S, B, B, U]),  # basically satisfied
            (HUMAN_RESOURCES, [S, B, U, U, U]),  # unsatisfied
            (CIVIL_AFFAIRS, [S, S, S, B, B]),  # satisfied
        ],
    )
    verdicts = {d["department_id"]: d["result"]["verdict"] for d in results["departments"]}
    assert verdicts == {CIVIL_AFFAIRS: S, HEALTH: B, HUMAN_RESOURCES: U}

    r.at(date(2026, 7, 1))
    item = r.items["party2"]
    on_item = {
        "committee_id": item["committee_id"],
        "plan_item_id": item["id"],
        "title": "养老服务专题询问督办报告",
        "summary": "询问意见已交办",
    }
    await r.ok("POST", "/supervision-reports", STAFF, on_item, status=201)


# --- 6. opinions across the National Day holiday ----------------------------------------------


async def national_day_opinions(r: Replay) -> None:
    r.at(date(2026, 9, 28))  # a Monday, before Mid-Autumn and National Day (1-7 October)
    # 10 working days: 29, 30 Sep, 8, 9, 10 (a Saturday worked), 12-16 Oct -> 16 October.
    o4 = await _draft_and_assign(
        r, "O4", "pub6", HOUSING, 10, "关于电动自行车充电安全情况报告的审议意见"
    )
    assert _due(o4) == ("2026-10-16", False)
    # 5 working days: 29, 30 Sep, 8, 9 Oct and Saturday 10 October, a make-up working day.
    o5 = await _draft_and_assign(
        r, "O5", "lia2", HEALTH, 5, "关于公共卫生应急体系建设情况的审议意见"
    )
    assert _due(o5) == ("2026-10-10", False)
    await r.ok("POST", f"/opinions/{r.opinions['O4']}/acknowledge", department(HOUSING))

    r.at(date(2026, 10, 9))  # O5's reminder window opened on 28 Sep; O4's opens on 10 Oct
    assert await r.sweep() == 1
    r.at(date(2026, 10, 12))  # O5 missed 10 October; O4 is reminded
    assert await r.sweep() == 2

    r.at(date(2026, 10, 15))
    await r.report("O4", HOUSING, "新建集中充电桩300个")
    r.at(date(2026, 10, 16))
    o4 = await r.evaluate(
        "O4", "satisfied", "basically_satisfied", "unsatisfied", "unsatisfied", "unsatisfied"
    )
    assert o4["state"] == "unsatisfactory"
    await r.ok("POST", f"/opinions/{r.opinions['O4']}/notice", STAFF)
    r.at(date(2026, 10, 19))
    # 30 working days from 19 October, no holiday: 30 November.
    second = await r.ok("POST", f"/opinions/{r.opinions['O4']}/second-handling", STAFF)
    assert _due(second) == ("2026-11-30", False)

    r.at(date(2026, 10, 20))
    o5 = await r.report("O5", HEALTH, "应急物资储备库建成（逾期报送）")
    assert o5["rounds"][0]["overdue_at"] is not None
    r.at(date(2026, 10, 22))
    o5 = await r.evaluate(
        "O5", "satisfied", "satisfied", "satisfied", "basically_satisfied", "unsatisfied"
    )
    assert o5["state"] == "satisfactory"
    await r.ok("POST", f"/opinions/{r.opinions['O5']}/feedback", STAFF)
    await r.ok("POST", f"/opinions/{r.opinions['O5']}/close", STAFF)


async def second_inquiry_and_next_collection(r: Replay) -> None:
    r.at(date(2026, 11, 2))
    # The 2027 collection opens; one proposal for 2027 must not count for 2026.
    window = {"year": 2027, "opens_on": "2026-11-01", "closes_on": "2026-12-31"}
    await r.ok("POST", "/collection-windows", STAFF, window, status=201)
    await r.ok("POST", "/collection-windows/2027/open", STAFF)
    await r.ok(
        "POST",
        "/proposals",
        None,
        {**_proposal("public", "ecology", "明年议题"), "year": 2027},
        status=201,
    )

    results = await _inquiry(
        r,
        "lia4",
        date(2026, 11, 20),
        [PUBLIC_SECURITY, EDUCATION],
        [
            (PUBLIC_SECURITY, [S, S, S, S, S]),  # satisfied
            (EDUCATION, [S, B, B, B, U]),  # basically satisfied
        ],
    )
    verdicts = {d["department_id"]: d["result"]["verdict"] for d in results["departments"]}
    assert verdicts == {PUBLIC_SECURITY: S, EDUCATION: B}

    r.at(date(2026, 11, 24))  # O4's second round is due 30 November: reminded
    assert await r.sweep() == 1
    r.at(date(2026, 11, 26))
    await r.report("O4", HOUSING, "二次办理：老旧小区充电设施全覆盖")
    r.at(date(2026, 11, 27))
    o4 = await r.evaluate("O4", S, S, S, S, S)
    assert [x["result"]["verdict"] for x in o4["rounds"]] == [U, S]
    await r.ok("POST", f"/opinions/{r.opinions['O4']}/feedback", STAFF)
    report = {
        "committee_id": o4["committee_id"],
        "opinion_id": o4["id"],
        "title": "充电安全督办报告",
        "summary": "二次办理后满意。",
    }
    await r.ok("POST", "/supervision-reports", STAFF, report, status=201)


# --- 7. December: a deadline into 2027, and the 2027 calendar ---------------------------------

CALENDAR_2027 = {
    # A test arrangement for 2027 as an operator would load it from the State Council's notice.
    "holidays": ["2027-01-01", "2027-01-02", "2027-01-03"]
    + [f"2027-02-{d:02d}" for d in range(5, 12)],
    "makeup_workdays": ["2027-02-13"],
    "source": "国办发明电〔2026〕（测试用安排）",
}


async def year_end(r: Replay) -> None:
    r.at(date(2026, 12, 14))  # a Monday
    # 20 working days into a year nobody has published yet: Friday 1 January 2027 counted as
    # a working day, provisionally -> 11 January, and staff are told so.
    o6 = await _draft_and_assign(
        r, "O6", "pub1", EDUCATION, 20, "关于学前教育普及普惠情况报告的审议意见"
    )
    assert o6["deadline"]["due"] == "2027-01-11"
    assert o6["deadline"]["provisional"] is True and o6["deadline"]["unofficial_years"] == [2027]
    assert "2027" in o6["deadline"]["staff_notice"]
    drafted = await r.ok(
        "POST",
        "/opinions",
        STAFF,
        {"title": "关于优化营商环境情况报告的审议意见", "plan_item_id": r.items["party1"]["id"]},
        status=201,
    )
    r.opinions["O7"] = drafted["id"]

    r.at(date(2026, 12, 15))
    o8 = await r.opinion("O8")
    assert o8["state"] == "overdue" and o8["past_due"] is True
    report = {
        "committee_id": o8["committee_id"],
        "opinion_id": o8["id"],
        "title": "人居环境整治逾期督办",
        "summary": "已约谈农业农村局。",
    }
    await r.ok("POST", "/supervision-reports", STAFF, report, status=201)
    await r.refused(
        "POST",
        "/supervision-reports",
        STAFF,
        422,
        {**report, "opinion_id": r.opinions["O7"], "committee_id": drafted["committee_id"]},
        says="not been assigned",
    )

    r.at(date(2026, 12, 21))
    path = "/calendar/years/2027"
    await r.refused("PUT", path, STAFF, 403, CALENDAR_2027)
    await r.refused(
        "PUT",
        path,
        OPERATOR,
        422,
        {**CALENDAR_2027, "makeup_workdays": ["2027-02-10"]},
        says="weekdays",
    )
    await r.refused(
        "PUT",
        path,
        OPERATOR,
        422,
        {**CALENDAR_2027, "holidays": ["2026-12-31"]},
        says="outside 2027",
    )
    await r.refused("PUT", "/calendar/years/1999", OPERATOR, 422, CALENDAR_2027)
    loaded = await r.ok("PUT", path, OPERATOR, CALENDAR_2027)
    # Now 1 January is a holiday: the 20th working day is 12 January, officially.
    assert [
        (x["opinion_id"], x["previous_due"], x["deadline"]["due"], x["deadline"]["provisional"])
        for x in loaded["recomputed"]
    ] == [(r.opinions["O6"], "2027-01-11", "2027-01-12", False)]
    o6 = await r.opinion("O6")
    assert o6["deadline"] == {
        "due": "2027-01-12",
        "provisional": False,
        "unofficial_years": [],
        "staff_notice": None,
    }

    r.at(date(2026, 12, 31))
    assert await r.sweep() == 0  # O6 is reminded from 5 January; O8 was found overdue once


# --- 8. the statistics must match what was entered --------------------------------------------


def _verdicts(satisfied: int = 0, basically: int = 0, unsatisfied: int = 0) -> dict[str, int]:
    return {"satisfied": satisfied, "basically_satisfied": basically, "unsatisfied": unsatisfied}


async def check_statistics(r: Replay) -> None:
    await r.refused("GET", "/statistics/99999", STAFF, 422)
    await r.refused("GET", "/statistics/abc", STAFF, 422)
    await r.refused("GET", "/statistics/2026", None, 401)
    await r.refused("GET", "/statistics/2026", department(EDUCATION), 403)

    stats = await r.ok("GET", "/statistics/2026", member(3))
    assert stats == await r.ok("GET", "/statistics/2026", STAFF)
    assert stats["year"] == 2026 and stats["as_of"] == "2026-12-31"
    assert stats["proposals_by_source"] == {
        "public": 10,
        "deputy": 8,
        "party_committee": 6,
        "state_organs": 6,
        "committee_liaison": 6,
    }
    assert stats["proposals_by_status"] == {
        "submitted": 0,
        "shortlisted": 0,
        "adopted": 0,
        "declined": 4,
        "merged": 3,
        "included_in_plan": 29,
    }
    methods = Counter(m for n, key in enumerate(ADOPTED, start=1) for m in methods_of(n, key))
    assert stats["plan"] == {
        "state": "published",
        "items_supervised": 29,
        "items_by_method": {
            "work_report_deliberation": methods[WRD],
            "law_enforcement_inspection": methods[LEI],
            "special_inquiry": 2,
            "inspection_visit": methods[VISIT],
            "special_deliberation": methods[SD],
            "work_supervision_three_questions": methods[THREE],
            "performance_review": methods[PERF],
        },
    }
    # Items 1-29 cycle through 7 method sets, party2 (item 17) and lia4 (item 26) replaced.
    assert sum(stats["plan"]["items_by_method"].values()) == 29 + 4 + 2 - 1
    assert stats["supervision_reports_filed"] == 4

    opinions = stats["opinions"]
    assert opinions["total"] == 9  # O1-O8 and the spare one drafted to try bad periods
    assert opinions["by_state"] == {
        "drafted": 2,
        "assigned": 1,
        "in_progress": 0,
        "overdue": 1,
        "reported": 0,
        "under_evaluation": 0,
        "satisfactory": 0,
        "unsatisfactory": 0,
        "notice_circulated": 0,
        "feedback_published": 1,
        "closed": 4,
    }
    assert opinions["assigned"] == 7
    assert opinions["overdue"] == 1  # O8 still owes its report
    assert opinions["overdue_at_some_point"] == 3  # O3, O5 (reported late) and O8
    assert opinions["second_handling"] == {"count": 2, "of": 7, "share": round(2 / 7, 4)}
    # From assignment to the report rated passing (calendar days / working days):
    # O1 2 Mar-20 Mar 18/14; O2 2 Mar-8 May 67/45; O3 2 Mar-2 Apr 31/23;
    # O4 28 Sep-26 Nov 59/39; O5 28 Sep-20 Oct 22/12.
    assert opinions["days_to_implementation"] == {
        "implemented": 5,
        "average_calendar_days": round((18 + 67 + 31 + 59 + 22) / 5, 2),
        "average_working_days": round((14 + 45 + 23 + 39 + 12) / 5, 2),
        "working_days_unofficial_years": [],
    }
    assert opinions["organs_rated"] == 4  # education, health, civil affairs, housing
    assert stats["inquiries"] == {"held": 2, "answers_rated": 6, "departments_rated": 5}
    assert stats["departments_rated"] == 6

    satisfaction = stats["satisfaction"]
    assert satisfaction["opinion_evaluations"] == _verdicts(4, 1, 2)
    assert satisfaction["inquiry_answers"] == _verdicts(3, 2, 1)
    by_department = {d["department_id"]: d for d in satisfaction["by_department"]}
    assert list(by_department) == sorted(by_department)
    expected = {
        EDUCATION: (_verdicts(1, 0, 0), _verdicts(0, 1, 0)),
        HEALTH: (_verdicts(2, 0, 1), _verdicts(0, 1, 0)),
        CIVIL_AFFAIRS: (_verdicts(0, 1, 0), _verdicts(2, 0, 0)),
        HOUSING: (_verdicts(1, 0, 1), _verdicts()),
        PUBLIC_SECURITY: (_verdicts(), _verdicts(1, 0, 0)),
        HUMAN_RESOURCES: (_verdicts(), _verdicts(0, 0, 1)),
    }
    assert {
        who: (d["opinion_evaluations"], d["inquiry_answers"]) for who, d in by_department.items()
    } == expected

    # The list of opinions agrees with the statistics.
    late = await r.client.get("/opinions", params={"year": 2026, "overdue": "true"}, headers=STAFF)
    assert late.json()["total"] == opinions["overdue"]

    # Other years: only what belongs to them.
    next_year = await r.ok("GET", "/statistics/2027", STAFF)
    assert next_year["proposals_by_source"]["public"] == 1
    assert sum(next_year["proposals_by_source"].values()) == 1
    assert next_year["plan"]["items_supervised"] == next_year["opinions"]["total"] == 0
    assert next_year["supervision_reports_filed"] == next_year["departments_rated"] == 0
    empty = await r.ok("GET", "/statistics/2025", STAFF)
    assert sum(empty["proposals_by_source"].values()) == 0
    assert empty["opinions"]["second_handling"] == {"count": 0, "of": 0, "share": 0.0}
    assert empty["opinions"]["days_to_implementation"]["average_calendar_days"] is None
    assert empty["satisfaction"]["by_department"] == []


# --- 9. every notification-worthy step is an event in the outbox ------------------------------


async def check_events(r: Replay) -> None:
    events = await outbox(r.service)
    assert Counter(e["type"] for e in events) == Counter(
        {
            "topics.collection_window.opened": 2,
            "topics.collection_window.closed": 1,
            "topics.proposal.submitted": 36 + 1,
            "topics.proposal.shortlisted": len(SHORTLISTED),
            "topics.proposal.merged": 3,
            "topics.proposal.declined": 4,
            "topics.proposal.adopted": 29,
            "topics.proposal.included_in_plan": 29 + 3,  # the merged duplicates are told too
            "topics.plan.published": 1,
            "topics.inquiry.scheduled": 2,
            "topics.inquiry.session_opened": 2,
            "topics.inquiry.question_put": 6,
            "topics.inquiry.answer_recorded": 6,
            "topics.inquiry.answer_rated": 6,
            "topics.inquiry.concluded": 2,
            "topics.opinion.drafted": 9,
            "topics.opinion.assigned": 7,
            "topics.opinion.acknowledged": 2,
            "topics.opinion.due_soon": 6,
            "topics.opinion.overdue": 3,
            "topics.opinion.report_submitted": 7,
            "topics.opinion.evaluation_opened": 7,
            "topics.opinion.rated": 7,
            "topics.opinion.notice_circulated": 2,
            "topics.opinion.second_handling_started": 2,
            "topics.opinion.feedback_published": 5,
            "topics.opinion.closed": 4,
            "topics.opinion.deadline_recomputed": 1,
            "topics.calendar.year_loaded": 1,
            "topics.supervision_report.filed": 4,
        }
    )
    name = {opinion_id: n for n, opinion_id in r.opinions.items()}

    def facts(kind: str, *keys: str) -> Counter[tuple[Any, ...]]:
        return Counter(
            (name[e["data"]["opinion_id"]], *(e["data"][k] for k in keys))
            for e in events
            if e["type"] == f"topics.opinion.{kind}"
        )

    assert facts("assigned", "due", "provisional") == Counter(
        {
            ("O1", "2026-03-30", False): 1,
            ("O2", "2026-03-30", False): 1,
            ("O3", "2026-03-30", False): 1,
            ("O8", "2026-03-30", False): 1,
            ("O4", "2026-10-16", False): 1,
            ("O5", "2026-10-10", False): 1,
            ("O6", "2027-01-11", True): 1,
        }
    )
    # Working days left on the reminder day, on the official calendar: e.g. 9 October to the
    # make-up Saturday 10 October is one; 7 May to 12 May is four (8, 9 (worked), 11, 12).
    assert facts("due_soon", "round", "due", "working_days_left") == Counter(
        {
            ("O3", 1, "2026-03-30", 4): 1,
            ("O8", 1, "2026-03-30", 4): 1,
            ("O2", 2, "2026-05-12", 4): 1,
            ("O5", 1, "2026-10-10", 1): 1,
            ("O4", 1, "2026-10-16", 4): 1,
            ("O4", 2, "2026-11-30", 4): 1,
        }
    )
    assert facts("overdue", "round", "due") == Counter(
        {("O3", 1, "2026-03-30"): 1, ("O8", 1, "2026-03-30"): 1, ("O5", 1, "2026-10-10"): 1}
    )
    assert facts("report_submitted", "round", "on_time") == Counter(
        {
            ("O1", 1, True): 1,
            ("O2", 1, True): 1,
            ("O2", 2, True): 1,
            ("O3", 1, False): 1,
            ("O4", 1, True): 1,
            ("O4", 2, True): 1,
            ("O5", 1, False): 1,
        }
    )
    assert facts("rated", "round", "verdict") == Counter(
        {
            ("O1", 1, S): 1,
            ("O2", 1, U): 1,
            ("O2", 2, S): 1,
            ("O3", 1, B): 1,
            ("O4", 1, U): 1,
            ("O4", 2, S): 1,
            ("O5", 1, S): 1,
        }
    )
    assert facts("notice_circulated", "round") == Counter({("O2", 1): 1, ("O4", 1): 1})
    assert facts("second_handling_started", "round", "due") == Counter(
        {("O2", 2, "2026-05-12"): 1, ("O4", 2, "2026-11-30"): 1}
    )
    assert facts("feedback_published", "rounds") == Counter(
        {("O1", 1): 1, ("O2", 2): 1, ("O3", 1): 1, ("O4", 2): 1, ("O5", 1): 1}
    )
    assert facts("deadline_recomputed", "previous_due", "due", "provisional") == Counter(
        {("O6", "2027-01-11", "2027-01-12", False): 1}
    )
    included = [e["data"] for e in events if e["type"] == "topics.proposal.included_in_plan"]
    told = {d["proposal_id"] for d in included}
    assert told == {r.proposals[k] for k in ADOPTED} | {r.proposals[k] for k in MERGED}
    assert {d["proposal_id"] for d in included if d["merged_into"]} == {
        r.proposals[k] for k in MERGED
    }
    declined = {
        e["data"]["proposal_id"]: e["data"]["reason"]
        for e in events
        if e["type"] == "topics.proposal.declined"
    }
    assert declined == {r.proposals[k]: reason for k, reason in DECLINED.items()}
    rated_answers = Counter(
        (e["data"]["department_id"], e["data"]["verdict"])
        for e in events
        if e["type"] == "topics.inquiry.answer_rated"
    )
    assert rated_answers == Counter(
        {
            (CIVIL_AFFAIRS, S): 2,
            (HEALTH, B): 1,
            (HUMAN_RESOURCES, U): 1,
            (PUBLIC_SECURITY, S): 1,
            (EDUCATION, B): 1,
        }
    )
    (plan,) = [e["data"] for e in events if e["type"] == "topics.plan.published"]
    assert plan["year"] == 2026 and plan["item_count"] == len(plan["items"]) == 29
    filed = [e["data"] for e in events if e["type"] == "topics.supervision_report.filed"]
    assert sorted(name.get(d["opinion_id"], "item") for d in filed) == ["O2", "O4", "O8", "item"]
    # Nothing personal travels on the bus: the citizens' names stay in the topics database.
    assert all("王五" not in str(e["data"]) for e in events)
