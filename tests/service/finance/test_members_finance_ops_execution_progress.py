"""Execution against time progress per department (GET /execution/progress), the figures the
console's finance chart draws."""

from __future__ import annotations

import httpx

from tests.support.execution import (
    MEMBER,
    STAFF,
    as_csv,
    department,
    scenario_budget,
    scenario_rows,
)


async def test_progress_sums_each_departments_lines_against_the_share_of_the_year(
    finance: httpx.AsyncClient,
) -> None:
    assert (
        await finance.post("/budgets", json=scenario_budget(), headers=STAFF)
    ).status_code == 201
    imported = await finance.post(
        "/execution/imports",
        content=as_csv(scenario_rows()),
        headers={"Content-Type": "text/csv", **STAFF},
    )
    assert imported.status_code == 201, imported.text

    answer = await finance.get("/execution/progress", params={"year": 2026}, headers=MEMBER)
    assert answer.status_code == 200, answer.text
    progress = answer.json()
    # The latest payment is 2026-12-05: day 339 of 365.
    assert progress["as_of"] == "2026-12-05"
    assert progress["time_share"] == "0.9288"
    by_code = {d["department_code"]: d for d in progress["departments"]}
    assert list(by_code) == ["D01", "D02", "D03", "D05", "D06"]  # D04 has no budget line
    # D01: L001 (1,000,000, 900,000 spent) and L003 (1,000,000 + 500,000 moved in, 1,200,000).
    assert by_code["D01"] == {
        "department_code": "D01",
        "lines": 2,
        "adjusted_budget": "2500000.00",
        "spent": "2100000.00",
        "executed_share": "0.8400",
    }
    assert by_code["D02"]["executed_share"] == "0.1000"
    assert by_code["D03"]["spent"] == "0.00" and by_code["D03"]["executed_share"] == "0.0000"
    assert by_code["D06"]["executed_share"] == "0.9500"

    earlier = await finance.get(
        "/execution/progress", params={"year": 2026, "as_of": "2026-06-30"}, headers=STAFF
    )
    by_code = {d["department_code"]: d for d in earlier.json()["departments"]}
    assert earlier.json()["time_share"] == "0.4959"  # 181 / 365
    assert by_code["D05"]["spent"] == "200000.00"


async def test_a_year_without_data_is_empty_and_roles_and_bad_input_are_refused(
    finance: httpx.AsyncClient,
) -> None:
    empty = await finance.get("/execution/progress", params={"year": 2031}, headers=STAFF)
    assert empty.status_code == 200, empty.text
    assert empty.json()["departments"] == []
    assert empty.json()["as_of"] == "2031-01-01"  # today (2026) clipped to the year
    refused = await finance.get(
        "/execution/progress", params={"year": 2026}, headers=department("D01")
    )
    assert refused.status_code == 403
    assert (await finance.get("/execution/progress", params={"year": 2026})).status_code == 401
    assert (
        await finance.get("/execution/progress", params={"year": 1999}, headers=STAFF)
    ).status_code == 422
    assert (await finance.get("/execution/progress", headers=STAFF)).status_code == 422
