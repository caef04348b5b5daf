"""Departments in a browser: their assigned items with deadlines, an implementation report
with errors next to the field, a reply to a transferred citizen's opinion, and isolation."""

from __future__ import annotations

import uuid

from playwright.sync_api import Page, expect

from tests.browser.conftest import Console, screenshot, sign_in
from tests.browser.portal_support import (
    STAFF,
    assigned_opinion,
    client,
    register_deputy,
)


def test_a_department_reports_implementation_on_an_assigned_opinion(
    page: Page, console: Console
) -> None:
    organ = uuid.uuid4()
    title = f"关于加强农村供水保障的审议意见 {uuid.uuid4().hex[:6]}"
    opinion_id = assigned_opinion(console, organ, title)

    sign_in(page, "department", "water-bureau", str(organ))
    page.goto("/department")
    row = page.locator(f"#worklist tr[data-id='{opinion_id}']")
    expect(row).to_contain_text(title)
    expect(row).to_contain_text("审议意见")
    expect(row).to_contain_text("签收并报告落实情况")
    screenshot(page, "department-worklist")
    row.get_by_role("link", name=title).click()

    page.locator("#acknowledge-form button").click()
    expect(page.locator("#saved")).to_be_visible()
    expect(page.locator("#opinion-state")).to_have_text("落实中")

    # A blank report is refused next to the field, the page keeps working.
    expect(page.locator("#f-summary")).to_have_attribute("maxlength", "20000")
    page.locator("#f-summary").fill("  ")
    page.locator("#report-form button[type=submit]").click()
    expect(page.locator("#error-summary")).to_have_text("请填写此项")
    screenshot(page, "department-report-error")

    page.locator("#f-summary").fill("已完成 12 个村的管网改造，新增蓄水池 3 座。")
    page.locator("#report-form button[type=submit]").click()
    expect(page.locator("#saved")).to_be_visible()
    expect(page.locator("#opinion-state")).to_have_text("已报告")
    expect(page.locator("#opinion")).to_contain_text("已完成 12 个村的管网改造")
    screenshot(page, "department-reported")

    page.get_by_role("link", name="English").click()
    expect(page.locator("#opinion-state")).to_have_text("Reported")


def test_a_department_replies_to_a_transferred_citizen_opinion(
    page: Page, console: Console
) -> None:
    organ = uuid.uuid4()
    deputy = register_deputy(console, name="周强")
    subject = f"小区门口积水 {uuid.uuid4().hex[:6]}"
    with client(console, "deputies") as deputies:
        receipt = deputies.post(
            f"/public/deputies/{deputy['public_code']}/opinions",
            json={"subject": subject, "content": "下雨就积水。", "category": "urban_construction"},
        ).json()
        page_ = deputies.get("/citizen-opinions", params={"limit": 100}, headers=STAFF).json()
        (found,) = [o for o in page_["items"] if o["tracking_code"] == receipt["tracking_code"]]
        moved = deputies.post(
            f"/citizen-opinions/{found['id']}/transfer",
            json={"department_id": str(organ), "note": "转住建局办理"},
            headers=STAFF,
        )
        assert moved.is_success, moved.text

    sign_in(page, "department", "housing-bureau", str(organ))
    page.goto("/department")
    row = page.locator(f"#worklist tr[data-id='{found['id']}']")
    expect(row).to_contain_text("群众意见")
    expect(row).to_contain_text("答复")
    row.get_by_role("link", name=subject).click()
    page.locator("#f-reply").fill("已疏通排水管道。")
    page.locator("#reply-form button[type=submit]").click()
    expect(page.locator("#saved")).to_be_visible()
    expect(page.locator("#opinion-state")).to_have_text("部门已办复")

    # The citizen sees the department's reply as a step.
    page.goto("/portal/track")
    page.locator("#f-code").fill(receipt["tracking_code"])
    page.locator("#f-secret").fill(receipt["tracking_secret"])
    page.locator("#track-form button[type=submit]").click()
    expect(page.locator("#steps")).to_contain_text("部门已办复")
    expect(page.locator("#steps")).to_contain_text("已疏通排水管道")


def test_each_department_sees_only_its_own_items(page: Page, console: Console) -> None:
    first, second = uuid.uuid4(), uuid.uuid4()
    mine = assigned_opinion(console, first, f"甲单位的意见 {uuid.uuid4().hex[:6]}")
    theirs = assigned_opinion(console, second, f"乙单位的意见 {uuid.uuid4().hex[:6]}")

    sign_in(page, "department", "dept-a", str(first))
    page.goto("/department")
    expect(page.locator(f"#worklist tr[data-id='{mine}']")).to_have_count(1)
    expect(page.locator(f"#worklist tr[data-id='{theirs}']")).to_have_count(0)
    response = page.goto(f"/department/opinions/{theirs}")
    assert response is not None and response.status == 404
    expect(page.locator(".error-page")).to_be_visible()

    page.get_by_role("button", name="退出").click()
    sign_in(page, "department", "dept-b", str(second))
    page.goto("/department")
    expect(page.locator(f"#worklist tr[data-id='{theirs}']")).to_have_count(1)
    expect(page.locator(f"#worklist tr[data-id='{mine}']")).to_have_count(0)
