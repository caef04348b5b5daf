"""The finance charts draw what was entered through the APIs: execution against time progress,
rectification rates, the debt ratio against its warning levels, satisfaction per department."""

from __future__ import annotations

import random
import uuid
from typing import Any

import httpx
from playwright.sync_api import Page, expect

from jiandu_shared.web.auth import Role, mint_token
from tests.browser.conftest import Console, screenshot, sign_in
from tests.support.execution import as_csv, line, row
from tests.support.services import TEST_SECRET, auth

STAFF = auth(Role.COMMITTEE_STAFF, "staff-finance-charts")


def _ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code in (status, 201 if status == 200 else status), response.text
    return response.json()


def _department(unit: str) -> dict[str, str]:
    token = mint_token(TEST_SECRET, f"dept-{unit[:8]}", Role.DEPARTMENT, unit)
    return {"Authorization": f"Bearer {token}"}


def _value(page: Page, selector: str) -> str:
    found = page.locator(selector)
    expect(found).to_have_count(1)
    return str(found.get_attribute("data-value"))


def _execution(finance: httpx.Client, year: int, tag: str) -> tuple[str, str]:
    a, b = f"A{tag}", f"B{tag}"
    _ok(
        finance.post(
            "/budgets",
            json={
                "year": year,
                "kind": "general_public",
                "lines": [
                    line(f"LA{tag}", a, "1000000.00"),
                    line(f"LB{tag}", b, "2000000.00"),
                ],
            },
            headers=STAFF,
        ),
        201,
    )
    rows = [
        row(f"{year}-03-10", a, "200000.00", f"LA{tag}"),
        row(f"{year}-06-30", a, "250000.00", f"LA{tag}"),
        row(f"{year}-05-20", b, "500000.00", f"LB{tag}"),
    ]
    _ok(
        finance.post(
            "/execution/imports",
            content=as_csv(rows),
            headers={"Content-Type": "text/csv", **STAFF},
        ),
        201,
    )
    return a, b


def _audit(finance: httpx.Client, year: int) -> tuple[str, str]:
    report = _ok(
        finance.post(
            "/audit-reports",
            json={"year": year, "auditor_office": "县审计局", "title": f"{year}年度审计工作报告"},
            headers=STAFF,
        ),
        201,
    )
    unit_a, unit_b = str(uuid.uuid4()), str(uuid.uuid4())
    findings = []
    for unit in (unit_a, unit_a, unit_a, unit_a, unit_b):
        findings.append(
            _ok(
                finance.post(
                    f"/audit-reports/{report['id']}/findings",
                    json={
                        "unit_id": unit,
                        "category": "special_funds",
                        "amount": "1000.00",
                        "description": "专项资金闲置未使用",
                        "deadline": "2099-03-31",
                    },
                    headers=STAFF,
                ),
                201,
            )
        )
    # Unit A rectified three of its four findings in full, unit B none.
    for finding in findings[:3]:
        _ok(
            finance.post(
                f"/audit-findings/{finding['id']}/rectifications",
                json={
                    "status": "rectified",
                    "rectified_amount": "1000.00",
                    "summary": "已收回资金并完善制度",
                },
                headers=_department(unit_a),
            )
        )
    return unit_a, unit_b


def _debt(finance: httpx.Client, region: str) -> None:
    bureau = auth(Role.DEPARTMENT, "finance-bureau")
    for year, capacity in ((2025, "2000000.00"), (2026, "1000000.00")):
        _ok(
            finance.put(
                f"/debt/years/{region}/{year}/limits",
                json={"general_limit": "10000000.00", "special_limit": "0.00"},
                headers=STAFF,
            )
        )
        _ok(
            finance.put(
                f"/debt/years/{region}/{year}/fiscal-capacity",
                json={"amount": capacity},
                headers=bureau,
            )
        )
    _ok(
        finance.post(
            "/debt/bonds",
            json={
                "region": region,
                "code": f"{region}-G-1",
                "name": "政府一般债券",
                "kind": "general",
                "amount": "850000.00",
                "rate": "3.25",
                "term_years": 5,
                "issue_date": "2025-03-01",
            },
            headers=bureau,
        ),
        201,
    )


def _inquiry(topics: httpx.Client, year: int) -> str:
    department = str(uuid.uuid4())
    members = [auth(Role.COMMITTEE_MEMBER, str(uuid.uuid4())) for _ in range(3)]
    iid = _ok(
        topics.post(
            "/inquiries",
            json={
                "committee_id": str(uuid.uuid4()),
                "title": "专题询问",
                "held_on": f"{year}-06-25",
                "department_ids": [department],
            },
            headers=STAFF,
        ),
        201,
    )["id"]
    _ok(topics.post(f"/inquiries/{iid}/open", headers=STAFF))
    # Two answers rated satisfied, one unsatisfied.
    for ratings in (
        ["satisfied", "satisfied", "unsatisfied"],
        ["satisfied", "basically_satisfied", "satisfied"],
        ["unsatisfied", "unsatisfied", "satisfied"],
    ):
        qid = _ok(
            topics.post(
                f"/inquiries/{iid}/questions",
                json={"department_id": department, "question": "?", "asked_by": str(uuid.uuid4())},
                headers=STAFF,
            ),
            201,
        )["id"]
        _ok(
            topics.post(
                f"/inquiries/{iid}/questions/{qid}/answer", json={"summary": "答"}, headers=STAFF
            )
        )
        for who, rating in zip(members, ratings, strict=True):
            _ok(
                topics.post(
                    f"/inquiries/{iid}/questions/{qid}/votes", json={"rating": rating}, headers=who
                ),
                201,
            )
        _ok(topics.post(f"/inquiries/{iid}/questions/{qid}/close-rating", headers=STAFF))
    _ok(topics.post(f"/inquiries/{iid}/conclude", headers=STAFF))
    return department


def test_the_charts_show_the_figures_entered_through_the_apis(page: Page, console: Console) -> None:
    year = random.randint(2001, 2020)  # the platform is shared: a (past) year of our own
    tag = uuid.uuid4().hex[:6].upper()
    region = f"R{tag}"
    with httpx.Client(base_url=console.service("finance"), timeout=20) as finance:
        a, b = _execution(finance, year, tag)
        unit_a, unit_b = _audit(finance, year)
        _debt(finance, region)
        rules = {r["indicator"]: r for r in _ok(finance.get("/debt/warning-rules", headers=STAFF))}
    with httpx.Client(base_url=console.service("topics"), timeout=20) as topics:
        department = _inquiry(topics, year)

    sign_in(page, "committee_member", "member-finance-charts")
    page.goto(f"/finance?year={year}&region={region}")
    screenshot(page, "finance-charts")

    # Execution: A spent 450,000 of 1,000,000 and B 500,000 of 2,000,000 by 30 June, when
    # 182 of the leap year's 366 days (or 181 of 365) had passed.
    days = 366 if year % 4 == 0 else 365
    elapsed = f"{round(100 * (181 + (days == 366)) / days, 2):.2f}"
    chart = "#execution-chart"
    assert _value(page, f"{chart} g.bar[data-label='{a}']") == "45.00"
    assert _value(page, f"{chart} g.bar[data-label='{b}']") == "25.00"
    assert _value(page, f"{chart} g.threshold") == elapsed
    expect(page.locator(f"{chart} g.bar[data-label='{a}'] text.value")).to_have_text("45.00%")
    expect(page.locator(f"{chart} g.bar[data-label='{b}']")).to_have_class("bar behind")
    expect(page.locator("#execution-as-of")).to_have_text(f"{year}-06-30")

    # Rectification per unit: 3 of 4, 0 of 1; per year: 3 of 5 in our year.
    unit_chart = "#rectification-unit-chart"
    assert _value(page, f"{unit_chart} g.bar[data-note='{unit_a}']") == "75.00"
    assert _value(page, f"{unit_chart} g.bar[data-note='{unit_b}']") == "0.00"
    assert _value(page, f"#rectification-year-chart g.point[data-label='{year}']") == "60.00"

    # Debt ratio: 850,000 against 2,000,000 (2025) and 1,000,000 (2026) of fiscal capacity.
    expect(page.locator("#debt-region")).to_have_text(region)
    assert _value(page, "#debt-chart g.bar[data-label='2025']") == "42.50"
    assert _value(page, "#debt-chart g.bar[data-label='2026']") == "85.00"
    ratio = rules["debt_ratio"]
    for level in ("yellow", "orange", "red"):
        assert _value(page, f"#debt-chart g.threshold.{level}") == ratio[level]
    expect(page.locator("#debt-chart g.bar[data-label='2026']")).to_have_class("bar yellow")

    # Satisfaction: the department's three answers were rated satisfied, satisfied, unsatisfied.
    stack = page.locator(f"#satisfaction-chart g.stack[data-label='{department[:8]}']")
    assert stack.get_attribute("data-value") == "3"
    for series, count in (("satisfied", "2"), ("basically_satisfied", "0"), ("unsatisfied", "1")):
        assert (
            stack.locator(f"g.segment[data-series='{series}']").get_attribute("data-value") == count
        )


def test_a_department_gets_the_403_page_on_finance_and_operator(page: Page) -> None:
    sign_in(page, "department", "dept-finance", str(uuid.uuid4()))
    for path in ("/finance", "/operator"):
        response = page.goto(path)
        assert response is not None and response.status == 403
        expect(page.locator(".error-page")).to_contain_text("您的角色无权查看此页")
    screenshot(page, "finance-department-403")


def test_an_empty_year_says_so_instead_of_drawing(page: Page) -> None:
    sign_in(page, "committee_staff", "staff-finance-empty")
    page.goto("/finance?year=2000&region=NOWHERE")
    expect(page.locator("#execution")).to_contain_text("暂无数据")
    expect(page.locator("#execution-chart")).to_have_count(0)
    expect(page.locator("#debt")).to_contain_text("暂无数据")
