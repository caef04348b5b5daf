"""Full-scope budgets through the API: the four budgets of a year, their lines, exact money."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from jiandu_finance.service_layer.unit_of_work import FinanceUnitOfWork
from jiandu_shared.service import Service
from tests.support.collection import outbox_events
from tests.support.execution import MEMBER, STAFF, as_csv, line, scenario_budget


async def test_a_years_four_budgets_with_lines_and_exact_totals(
    finance: httpx.AsyncClient, finance_service: tuple[Service[FinanceUnitOfWork], Any]
) -> None:
    service, _ = finance_service
    ids = {}
    for n, kind in enumerate(
        ["general_public", "government_fund", "state_capital_operation", "social_insurance_fund"]
    ):
        created = await finance.post(
            "/budgets",
            json={
                "year": 2027,
                "kind": kind,
                "lines": [line(f"K{n}-1", "D01", "0.10"), line(f"K{n}-2", "D02", "0.20")],
            },
            headers=STAFF,
        )
        assert created.status_code == 201, created.text
        assert created.json()["total"] == "0.30"  # exact: no float ever
        ids[kind] = created.json()["id"]
    listed = await finance.get("/budgets", params={"year": 2027}, headers=MEMBER)
    assert listed.json()["total"] == 4
    assert {b["kind_label"] for b in listed.json()["items"]} == {
        "一般公共预算",
        "政府性基金预算",
        "国有资本经营预算",
        "社会保险基金预算",
    }
    twice = await finance.post(
        "/budgets", json={"year": 2027, "kind": "general_public"}, headers=STAFF
    )
    assert twice.status_code == 409
    async with service.uow() as uow:
        by_year = await uow.budgets.by_year(2027)
        assert [b.kind for b in by_year] == [
            "general_public",
            "government_fund",
            "state_capital_operation",
            "social_insurance_fund",
        ]
        assert (await uow.budgets.by_id(by_year[0].id)).title == "2027年一般公共预算"
    created_events = await outbox_events(service, "finance.budget.created")
    assert created_events[0]["total"] == "0.30"


async def test_lines_are_added_paginated_and_codes_unique_in_the_year(
    finance: httpx.AsyncClient,
) -> None:
    budget = (await finance.post("/budgets", json=scenario_budget(), headers=STAFF)).json()
    added = await finance.post(
        f"/budgets/{budget['id']}/lines",
        json={"lines": [line("L100", "D07", "12.34")]},
        headers=STAFF,
    )
    assert added.status_code == 201, added.text
    assert added.json()["line_count"] == 7
    assert added.json()["total"] == "5300012.34"
    taken = await finance.post(
        f"/budgets/{budget['id']}/lines",
        json={"lines": [line("L001", "D07", "1.00")]},
        headers=STAFF,
    )
    assert taken.status_code == 409 and "L001" in taken.json()["detail"]
    page = await finance.get(
        f"/budgets/{budget['id']}/lines", params={"special_fund": True}, headers=STAFF
    )
    assert [x["code"] for x in page.json()["items"]] == ["L006", "S001"]
    assert page.json()["items"][1]["project_code"] == "P-S001"
    missing = await finance.get(
        "/budgets/00000000-0000-4000-8000-000000000000/lines", headers=STAFF
    )
    assert missing.status_code == 404


@pytest.mark.parametrize(
    "amount", ["1.234", "-1.00", "1000000000000.00", "abc", "NaN", 12.345], ids=str
)
async def test_bad_amounts_are_422(finance: httpx.AsyncClient, amount: Any) -> None:
    answer = await finance.post(
        "/budgets",
        json={"year": 2026, "kind": "government_fund", "lines": [line("X1", "D1", amount)]},
        headers=STAFF,
    )
    assert answer.status_code == 422, answer.text


async def test_a_special_fund_needs_its_project_and_input_is_constrained(
    finance: httpx.AsyncClient,
) -> None:
    no_project = await finance.post(
        "/budgets",
        json={
            "year": 2026,
            "kind": "general_public",
            "lines": [{**line("Z1", "D1", "1.00"), "special_fund": True}],
        },
        headers=STAFF,
    )
    assert no_project.status_code == 422
    bad_code = await finance.post(
        "/budgets",
        json={"year": 2026, "kind": "general_public", "lines": [line("Z 1", "D1", "1.00")]},
        headers=STAFF,
    )
    assert bad_code.status_code == 422
    duplicate = await finance.post(
        "/budgets",
        json={
            "year": 2026,
            "kind": "general_public",
            "lines": [line("Z1", "D1", "1.00"), line("Z1", "D2", "1.00")],
        },
        headers=STAFF,
    )
    assert duplicate.status_code == 422
    member = await finance.post(
        "/budgets", json={"year": 2026, "kind": "general_public"}, headers=MEMBER
    )
    assert member.status_code == 403


async def test_a_file_of_lines_is_imported_all_or_nothing(finance: httpx.AsyncClient) -> None:
    budget = (
        await finance.post("/budgets", json={"year": 2026, "kind": "general_public"}, headers=STAFF)
    ).json()
    fields = [
        "code",
        "name",
        "department_code",
        "functional_code",
        "amount",
        "special_fund",
        "project_code",
    ]
    rows = [
        {**line(f"F{i:03d}", "D01", "100.05"), "special_fund": "", "project_code": ""}
        for i in range(50)
    ]
    bad = [
        *rows,
        {**rows[0]},
        {**line("G1", "D01", "1.001"), "special_fund": "", "project_code": ""},
    ]
    url = f"/budgets/{budget['id']}/lines/imports"
    headers = {"Content-Type": "text/csv", **STAFF}
    refused = await finance.post(url, content=as_csv(bad, fields), headers=headers)
    assert refused.status_code == 422, refused.text
    assert [r["line"] for r in refused.json()["rejections"]] == [52, 53]
    assert "appears twice" in refused.json()["rejections"][0]["reason"]
    unchanged = await finance.get(f"/budgets/{budget['id']}", headers=STAFF)
    assert unchanged.json()["line_count"] == 0
    imported = await finance.post(url, content=as_csv(rows, fields), headers=headers)
    assert imported.status_code == 201, imported.text
    assert (imported.json()["rows_imported"], imported.json()["total"]) == (50, "5002.50")
    after = await finance.get(f"/budgets/{budget['id']}", headers=STAFF)
    assert (after.json()["line_count"], after.json()["total"]) == (50, "5002.50")
