"""Finance and topics on the real broker: a state-asset report (and an audit-rectification
report) deliberated in finance becomes opinions tracked in topics; the organ reports, members
rate, and the rating appears on finance's report."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest

from jiandu_finance.bootstrap import SPEC as FINANCE
from jiandu_shared.clock import FixedClock
from jiandu_topics.bootstrap import SPEC as TOPICS
from tests.support.opinions import COMMITTEE, DEPARTMENT, ORGAN, STAFF, china, member
from tests.support.services import eventually, platform, running

pytestmark = pytest.mark.connected

FIGURES: list[dict[str, Any]] = [
    {"ledger": "enterprise", "item": "资产总额", "amount": "8765432.10"},
    {"ledger": "financial_enterprise", "item": "资产总额", "amount": "300000.00"},
    {"ledger": "administrative_institutional", "item": "资产总额", "amount": "4500000.50"},
    {"ledger": "natural_resource", "item": "国有土地", "quantity": "12345.6789", "unit": "亩"},
]


async def rate_in_topics(
    topics: httpx.AsyncClient, report_id: str, ratings: list[str]
) -> dict[str, Any]:
    """Wait for the opinion of ``report_id`` in topics and work it through to a verdict."""

    async def tracked() -> dict[str, Any] | None:
        page = (await topics.get("/opinions", headers=STAFF, params={"limit": 100})).json()
        found = [o for o in page["items"] if (o["origin"] or {}).get("report_id") == report_id]
        return found[0] if found else None

    opinion: dict[str, Any] = await eventually(tracked, timeout=15)
    assert opinion["state"] == "assigned" and opinion["organ_id"] == str(ORGAN)
    path = f"/opinions/{opinion['id']}"
    steps: list[tuple[str, dict[str, Any] | None, dict[str, str]]] = [
        ("report", {"summary": "已按审议意见完成整改"}, DEPARTMENT),
        ("evaluation/open", None, STAFF),
        *[("ratings", {"rating": r}, member(n)) for n, r in enumerate(ratings, start=1)],
        ("evaluation/close", None, STAFF),
    ]
    for step, body, who in steps:
        response = await topics.post(f"{path}/{step}", json=body, headers=who)
        assert response.status_code == 200, (step, response.text)
    return opinion


async def test_a_deliberated_report_shows_the_rating_topics_reports_back(
    rabbit_url: str, data_dir: Path, database_url: Callable[[], str | None]
) -> None:
    clock = FixedClock(china(date(2026, 12, 7)))
    settings = platform(rabbit_url, data_dir)
    async with (
        running(TOPICS, settings, database_url=database_url(), clock=clock) as (_, topics),
        running(FINANCE, settings, database_url=database_url(), clock=clock) as (_, finance),
    ):
        created = await finance.post(
            "/asset-reports",
            json={
                "year": 2025,
                "kind": "comprehensive",
                "title": "关于2025年度国有资产管理情况的综合报告",
                "figures": FIGURES,
            },
            headers=STAFF,
        )
        assert created.status_code == 201, created.text
        report_id = created.json()["id"]
        deliberated = await finance.post(
            f"/asset-reports/{report_id}/deliberation",
            json={
                "committee_id": str(COMMITTEE),
                "opinions": [{"title": "完善国有资产台账", "organ_id": str(ORGAN)}],
            },
            headers=STAFF,
        )
        assert deliberated.status_code == 200, deliberated.text

        opinion = await rate_in_topics(topics, report_id, ["satisfied", "satisfied", "unsatisfied"])
        assert opinion["kind"] == "state_assets"
        assert opinion["rounds"][0]["period"] == "6 months"

        async def rated() -> dict[str, Any] | None:
            body = (await finance.get(f"/asset-reports/{report_id}", headers=STAFF)).json()
            result: dict[str, Any] | None = body["opinions"][0]["latest_result"]
            return result

        result = await eventually(rated, timeout=15)
        assert result["verdict"] == "satisfied" and result["passed"] is True
        assert (result["round"], result["satisfied"], result["unsatisfied"]) == (1, 2, 1)

        # The same loop for the audit-rectification report: an unsatisfied verdict.
        audit = await finance.post(
            "/audit-reports",
            json={"year": 2025, "auditor_office": "县审计局", "title": "2025年度审计工作报告"},
            headers=STAFF,
        )
        audit_id = audit.json()["id"]
        finding = await finance.post(
            f"/audit-reports/{audit_id}/findings",
            json={
                "unit_id": str(ORGAN),
                "category": "state_assets",
                "amount": "1000.00",
                "description": "资产闲置",
                "deadline": "2027-06-30",
            },
            headers=STAFF,
        )
        assert finding.status_code == 201, finding.text
        rectification = await finance.post(
            f"/audit-reports/{audit_id}/deliberation",
            json={
                "committee_id": str(COMMITTEE),
                "opinions": [{"title": "限期整改资产闲置问题", "organ_id": str(ORGAN)}],
            },
            headers=STAFF,
        )
        assert rectification.status_code == 200, rectification.text
        await rate_in_topics(topics, audit_id, ["unsatisfied", "unsatisfied", "satisfied"])

        async def audit_rated() -> dict[str, Any] | None:
            body = (await finance.get(f"/audit-reports/{audit_id}", headers=STAFF)).json()
            result: dict[str, Any] | None = body["opinions"][0]["latest_result"]
            return result

        audit_result = await eventually(audit_rated, timeout=15)
        assert audit_result["verdict"] == "unsatisfied" and audit_result["passed"] is False
