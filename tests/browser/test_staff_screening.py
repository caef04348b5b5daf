"""Committee staff screen the year's proposals and put the adopted ones into the annual plan."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import httpx
from playwright.sync_api import Page, expect

from jiandu_shared.calendar import local_date
from jiandu_shared.clock import utcnow
from jiandu_shared.web.auth import Role
from tests.browser.conftest import Console, screenshot, sign_in
from tests.browser.test_staff_board import in_english
from tests.support.services import auth

STAFF = auth(Role.COMMITTEE_STAFF, "staff-browser")
COMMITTEE = "00000000-0000-4000-8000-0000000c0501"
ORGAN = "00000000-0000-4000-8000-0000000a0501"


def open_window(topics: httpx.Client, year: int) -> None:
    """The collection of ``year`` open today (as tests/support/collection.open_collection)."""
    window = {"year": year, "opens_on": f"{year - 1}-01-01", "closes_on": f"{year}-12-31"}
    scheduled = topics.post("/collection-windows", json=window, headers=STAFF)
    assert scheduled.status_code in (201, 409), scheduled.text
    opened = topics.post(f"/collection-windows/{year}/open", headers=STAFF)
    assert opened.status_code in (200, 409), opened.text
    assert topics.get(f"/collection-windows/{year}").json()["accepting_today"]


def plan_year(topics: httpx.Client) -> int:
    """A year topics collects for today whose plan is not published (this year first: the
    portal's tests use next year's)."""
    today: date = local_date(utcnow())
    for year in (today.year, today.year + 1):
        plans = topics.get("/plans", params={"year": year}, headers=STAFF).json()["items"]
        if not plans or plans[0]["state"] == "draft":
            return year
    raise AssertionError("both collection years already have a published plan")


def submit(topics: httpx.Client, year: int, title: str, **more: Any) -> dict[str, Any]:
    body = {
        "year": year,
        "source": "public",
        "focus_area": "preschool_childcare",
        "title": title,
        "rationale": "县城普惠性幼儿园学位不足。",
        "submitter_name": "李四",
        **more,
    }
    created = topics.post("/proposals", json=body)
    assert created.status_code == 201, created.text
    return dict(created.json())


def row(page: Page, proposal_id: str) -> Any:
    return page.locator(f"#proposal-{proposal_id}")


def test_staff_screen_proposals_and_put_the_adopted_ones_into_the_plan(
    page: Page, console: Console
) -> None:
    tag = uuid.uuid4().hex[:6]
    titles = {k: f"{k}-{tag} 学前教育议题" for k in ("keep", "dup", "no", "also")}
    with httpx.Client(base_url=console.service("topics"), timeout=10) as topics:
        year = plan_year(topics)
        open_window(topics, year)
        ids = {k: submit(topics, year, t)["id"] for k, t in titles.items()}

    page.on("dialog", lambda dialog: dialog.accept())  # the decline / publish confirmations
    sign_in(page, "committee_staff", "staff-browser")
    page.goto(f"/staff/proposals?year={year}")
    expect(row(page, ids["keep"]).locator(".status-badge")).to_have_text("待筛选")
    screenshot(page, "staff-proposals-before")

    # Shortlist, then merge a duplicate into it.
    row(page, ids["keep"]).get_by_role("button", name="初选入围").click()
    expect(row(page, ids["keep"]).locator(".status-badge")).to_have_text("初选入围")
    dup = row(page, ids["dup"])
    dup.locator("select[name=into]").select_option(ids["keep"])
    dup.get_by_role("button", name="合并到").click()
    expect(row(page, ids["dup"]).locator(".status-badge")).to_have_text("已合并")
    expect(row(page, ids["dup"]).locator(".merged-into")).to_contain_text(titles["keep"])
    expect(row(page, ids["keep"])).to_contain_text("并入的重复建议")

    # Declining needs a reason: refused next to the field first, then shown on the row.
    declined = row(page, ids["no"])
    declined.get_by_role("button", name="不予采纳").click()
    expect(page.locator(f"#error-reason-{ids['no']}")).to_be_visible()
    screenshot(page, "staff-proposals-decline-error")
    row(page, ids["no"]).locator("input[name=reason]").fill("不属于人大监督范围，已转交有关部门")
    row(page, ids["no"]).get_by_role("button", name="不予采纳").click()
    expect(row(page, ids["no"]).locator(".status-badge")).to_have_text("未采纳")
    expect(row(page, ids["no"]).locator(".decline-reason")).to_contain_text("不属于人大监督范围")

    for key in ("keep", "also"):
        row(page, ids[key]).get_by_role("button", name="立项").click()
        expect(row(page, ids[key]).locator(".status-badge")).to_have_text("已立项")

    # The filter by status shows the adopted ones only.
    page.locator("#proposal-filters select[name=status]").select_option("adopted")
    page.locator("#proposal-filters button[type=submit]").click()
    expect(row(page, ids["keep"])).to_be_visible()
    expect(row(page, ids["no"])).to_have_count(0)
    screenshot(page, "staff-proposals-screened")

    # The annual plan: draft it if needed, add both adopted proposals, publish.
    page.goto(f"/staff/plan?year={year}")
    if page.locator("#draft-plan").count():
        page.locator("#draft-plan button[type=submit]").click()
    expect(page.locator("#add-item")).to_be_visible()
    # A missing committee and method are refused next to their fields, the input kept.
    page.locator("#f-proposal_id").select_option(ids["keep"])
    page.locator("#f-target_organ_ids").fill(ORGAN)
    page.locator("#add-item button[type=submit]").click()
    expect(page.locator("#error-committee_id")).to_be_visible()
    expect(page.locator("#error-methods")).to_be_visible()
    expect(page.locator("#f-target_organ_ids")).to_have_value(ORGAN)
    screenshot(page, "staff-plan-item-errors")
    for key, month in (("keep", "3"), ("also", "9")):
        page.locator("#f-proposal_id").select_option(ids[key])
        page.locator("#f-committee_id").fill(COMMITTEE)
        page.locator("#f-target_organ_ids").fill(ORGAN)
        page.locator("#add-item input[value=special_inquiry]").check()
        page.locator("#add-item input[value=inspection_visit]").check()
        page.locator("#f-planned_month").select_option(month)
        page.locator("#add-item button[type=submit]").click()
        expect(page.locator("#plan-items")).to_contain_text(titles[key])
    expect(page.locator("#plan-items")).to_contain_text("专题询问")
    screenshot(page, "staff-plan-draft")
    page.locator("#publish-plan button[type=submit]").click()
    expect(page.locator(".plan-state")).to_have_text("已发布")
    expect(page.locator("#add-item")).to_have_count(0)
    screenshot(page, "staff-plan-published")

    page.goto(f"/staff/proposals?year={year}&status=included_in_plan")
    expect(row(page, ids["keep"]).locator(".status-badge")).to_have_text("已列入计划")
    expect(row(page, ids["also"]).locator(".status-badge")).to_have_text("已列入计划")
    in_english(page, f"/staff/proposals?year={year}")
    expect(row(page, ids["no"]).locator(".status-badge")).to_have_text("Declined")
    screenshot(page, "staff-proposals-en")
    page.goto(f"/staff/plan?year={year}")
    expect(page.locator(".plan-state")).to_have_text("Published")
    screenshot(page, "staff-plan-en")
