"""Performance evaluation through the API: indicator sets, evaluations, totals and grades."""

from __future__ import annotations

import json
from typing import Any

import httpx
from sqlalchemy import select

from jiandu_shared.service import Service
from jiandu_shared.web.auth import Role
from tests.support.services import auth

STAFF = auth(Role.COMMITTEE_STAFF, "staff-1")
MEMBER = auth(Role.COMMITTEE_MEMBER, "member-1")
DEPARTMENT = auth(Role.DEPARTMENT, "bureau")

INDICATORS = [
    {"code": "1", "name": "产出指标", "weight": "50"},
    {"code": "1.1", "name": "数量指标", "weight": "25", "parent": "1", "target": "新建 3 所幼儿园"},
    {"code": "1.2", "name": "时效指标", "weight": "25", "parent": "1", "target": "按期完工"},
    {"code": "2", "name": "效益指标", "weight": "30"},
    {"code": "3", "name": "满意度指标", "weight": "20", "target": "≥90%"},
]


async def define(client: httpx.AsyncClient, subject: str = "livelihood_project") -> dict[str, Any]:
    r = await client.post(
        "/performance/indicator-sets",
        json={"name": "民生实事项目绩效评价指标", "subject": subject, "indicators": INDICATORS},
        headers=STAFF,
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


async def outbox(service: Service[Any], event_type: str) -> list[dict[str, Any]]:
    table = service.spec.metadata.tables["outbox"]
    async with service.runtime.database.session() as session:
        rows = await session.scalars(
            select(table.c.payload).where(table.c.event_type == event_type).order_by(table.c.id)
        )
        return [json.loads(p)["data"] for p in rows]


async def test_define_a_set_and_evaluate_a_project(
    finance: httpx.AsyncClient, finance_service: tuple[Service[Any], Any]
) -> None:
    service, _ = finance_service
    indicator_set = await define(finance)
    assert [i["scored"] for i in indicator_set["indicators"]] == [False, True, True, True, True]
    assert indicator_set["indicators"][1]["weight"] == "25.00"

    evaluated = await finance.post(
        "/performance/evaluations",
        json={
            "indicator_set_id": indicator_set["id"],
            "subject_id": "MS-2026-03",
            "subject_name": "新建公办幼儿园",
            "year": 2026,
            "evaluator": "县财政局绩效评价中心",
            "scores": [
                {"code": "1.1", "score": "25"},
                {"code": "1.2", "score": "20.5", "comment": "一所延期两个月"},
                {"code": "2", "score": "27.25"},
                {"code": "3", "score": "17"},
            ],
            "findings": "一所幼儿园延期交付",
        },
        headers=STAFF,
    )
    assert evaluated.status_code == 201, evaluated.text
    body = evaluated.json()
    assert body["total"] == "89.75" and body["grade"] == "good" and body["grade_label"] == "良"

    (event,) = await outbox(service, "finance.performance_evaluation.completed")
    assert event["total"] == "89.75" and event["grade"] == "good"
    assert len(await outbox(service, "finance.performance_indicator_set.defined")) == 1

    listed = await finance.get(
        "/performance/evaluations", params={"subject_id": "MS-2026-03"}, headers=MEMBER
    )
    assert listed.json()["total"] == 1
    got = await finance.get(f"/performance/evaluations/{body['id']}", headers=DEPARTMENT)
    assert got.json()["scores"][1]["comment"] == "一所延期两个月"
    bands = (await finance.get("/performance/grade-bands", headers=MEMBER)).json()
    assert [(b["label"], b["from_score"]) for b in bands] == [
        ("优", "90.00"),
        ("良", "80.00"),
        ("中", "60.00"),
        ("差", "0.00"),
    ]


async def test_bad_sets_and_scores_are_refused(finance: httpx.AsyncClient) -> None:
    uneven = [dict(i) for i in INDICATORS]
    uneven[4]["weight"] = "19"
    r = await finance.post(
        "/performance/indicator-sets",
        json={"name": "x", "subject": "government_investment", "indicators": uneven},
        headers=STAFF,
    )
    assert r.status_code == 422 and "sum to 99" in r.json()["detail"]
    for weight in (12.5, "12.345", "-1", "101"):
        bad: list[dict[str, Any]] = [dict(i) for i in INDICATORS]
        bad[3]["weight"] = weight
        r = await finance.post(
            "/performance/indicator-sets",
            json={"name": "x", "subject": "government_investment", "indicators": bad},
            headers=STAFF,
        )
        assert r.status_code == 422, weight
    forbidden = await finance.post(
        "/performance/indicator-sets",
        json={"name": "x", "subject": "government_investment", "indicators": INDICATORS},
        headers=DEPARTMENT,
    )
    assert forbidden.status_code == 403

    indicator_set = await define(finance)
    base = {
        "indicator_set_id": indicator_set["id"],
        "subject_id": "GI-1",
        "subject_name": "政府投资项目",
        "year": 2026,
        "evaluator": "第三方",
    }
    over = await finance.post(
        "/performance/evaluations",
        json={
            **base,
            "scores": [
                {"code": "1.1", "score": "25.01"},
                {"code": "1.2", "score": "1"},
                {"code": "2", "score": "1"},
                {"code": "3", "score": "1"},
            ],
        },
        headers=STAFF,
    )
    assert over.status_code == 422 and "weight 25" in over.json()["detail"]
    missing = await finance.post(
        "/performance/evaluations",
        json={**base, "scores": [{"code": "1.1", "score": "25"}]},
        headers=STAFF,
    )
    assert missing.status_code == 422 and "without a score" in missing.json()["detail"]
    unknown_set = await finance.post(
        "/performance/evaluations",
        json={
            **base,
            "indicator_set_id": "00000000-0000-4000-8000-000000000000",
            "scores": [{"code": "1.1", "score": "25"}],
        },
        headers=STAFF,
    )
    assert unknown_set.status_code == 404
