"""Departments in a browser: a suggestion co-handled then replied to by the lead, an audit
finding due soon with its rectification report, and both languages."""

from __future__ import annotations

import uuid
from datetime import timedelta

from playwright.sync_api import Page, expect

from jiandu_shared.calendar import local_date
from jiandu_shared.clock import utcnow
from tests.browser.conftest import Console, screenshot, sign_in
from tests.browser.portal_support import STAFF, as_deputy, client, register_deputy


def test_a_co_handler_gives_input_and_the_lead_replies_to_a_suggestion(
    page: Page, console: Console
) -> None:
    lead, co = uuid.uuid4(), uuid.uuid4()
    deputy = register_deputy(console, name="吴敏")
    title = f"关于增设社区养老服务站的建议 {uuid.uuid4().hex[:6]}"
    with client(console, "deputies") as deputies:
        submitted = deputies.post(
            "/suggestions",
            json={"title": title, "content": "老年人多，服务站少。", "category": "social_security"},
            headers=as_deputy(str(deputy["id"])),
        )
        assert submitted.status_code == 201, submitted.text
        suggestion_id = submitted.json()["id"]
        assigned = deputies.post(
            f"/suggestions/{suggestion_id}/assign",
            json={"lead_department_id": str(lead), "co_department_ids": [str(co)]},
            headers=STAFF,
        )
        assert assigned.is_success, assigned.text

    sign_in(page, "department", "civil-affairs", str(lead))
    page.goto(f"/department/suggestions/{suggestion_id}")
    expect(page.locator("#suggestion")).to_contain_text("主办")
    page.locator("#f-content").fill("已选址两处。")
    page.locator("#suggestion-form button[type=submit]").click()
    # The co-handler has not given its input: the service refuses and the page says why.
    expect(page.locator(".error.summary")).to_be_visible()
    expect(page.locator("#f-content")).to_have_value("已选址两处。")
    screenshot(page, "department-suggestion-refused")

    page.get_by_role("button", name="退出").click()
    sign_in(page, "department", "finance-bureau", str(co))
    page.goto("/department")
    row = page.locator(f"#worklist tr[data-id='{suggestion_id}']")
    expect(row).to_contain_text("提出协办意见")
    row.get_by_role("link", name=title).click()
    page.locator("#f-content").fill("财政局已安排补助资金。")
    page.locator("#suggestion-form button[type=submit]").click()
    expect(page.locator("#saved")).to_be_visible()
    expect(page.locator("#suggestion")).to_contain_text("财政局已安排补助资金")

    page.get_by_role("button", name="退出").click()
    sign_in(page, "department", "civil-affairs", str(lead))
    page.goto(f"/department/suggestions/{suggestion_id}")
    page.locator("#f-content").fill("已选址两处，明年投入使用。")
    page.locator("#suggestion-form button[type=submit]").click()
    expect(page.locator("#suggestion-state")).to_have_text("已答复，待代表评价")
    screenshot(page, "department-suggestion-replied")


def test_an_audit_finding_due_soon_gets_a_rectification_report(
    page: Page, console: Console
) -> None:
    unit = uuid.uuid4()
    tomorrow = local_date(utcnow()) + timedelta(days=1)
    description = f"专项资金闲置 {uuid.uuid4().hex[:6]}"
    with client(console, "finance") as finance:
        report = finance.post(
            "/audit-reports",
            json={"year": 2026, "auditor_office": "县审计局", "title": "2026年度审计工作报告"},
            headers=STAFF,
        )
        assert report.status_code == 201, report.text
        finding = finance.post(
            f"/audit-reports/{report.json()['id']}/findings",
            json={
                "unit_id": str(unit),
                "category": "special_funds",
                "amount": "250000.00",
                "description": description,
                "deadline": tomorrow.isoformat(),
            },
            headers=STAFF,
        )
        assert finding.status_code == 201, finding.text
        finding_id = finding.json()["id"]

    sign_in(page, "department", "agriculture-bureau", str(unit))
    page.goto("/department")
    row = page.locator(f"#worklist tr[data-id='{finding_id}']")
    expect(row).to_contain_text(description)
    expect(row.locator(".badge.due-soon")).to_have_text("即将到期")
    row.get_by_role("link", name="报告整改情况").click()

    page.locator("#f-status").select_option("partly_rectified")
    page.locator("#f-rectified_amount").fill("100000.00")
    page.locator("#f-summary").fill("   ")
    page.locator("#rectification-form button[type=submit]").click()
    expect(page.locator("#error-summary")).to_have_text("请填写此项")
    expect(page.locator("#f-rectified_amount")).to_have_value("100000.00")

    page.locator("#f-summary").fill("已收回闲置资金 10 万元，其余正在统筹使用。")
    page.locator("#rectification-form button[type=submit]").click()
    expect(page.locator("#saved")).to_be_visible()
    expect(page.locator("#finding-status")).to_have_text("部分整改")
    expect(page.locator("#finding")).to_contain_text("已收回闲置资金")
    page.get_by_role("link", name="English").click()
    expect(page.locator("#finding-status")).to_have_text("Partly rectified")
    screenshot(page, "department-finding-en")
    page.goto("/department")
    screenshot(page, "department-worklist-en")
