"""The citizen portal in a browser: a proposal in an open window, an opinion through a deputy's
QR link, tracking both with code and secret, and readable messages next to the fields."""

from __future__ import annotations

import re
import uuid

import httpx
from playwright.sync_api import Page, expect

from tests.browser.conftest import Console, screenshot
from tests.browser.portal_support import (
    as_deputy,
    citizen_opinion_id,
    client,
    ensure_open_window,
    register_deputy,
)


def keep_receipt(page: Page) -> tuple[str, str]:
    expect(page.locator("#receipt")).to_be_visible()
    code = page.locator("#tracking-code").inner_text().strip()
    secret = page.locator("#tracking-secret").inner_text().strip()
    assert code and secret
    expect(page.locator("#receipt .keep")).to_contain_text("只显示这一次")
    return code, secret


def track(page: Page, code: str, secret: str) -> None:
    page.goto("/portal/track")
    page.locator("#f-code").fill(code)
    page.locator("#f-secret").fill(secret)
    page.locator("#track-form button[type=submit]").click()
    page.wait_for_load_state()


def test_a_citizen_proposes_a_topic_and_tracks_it(page: Page, console: Console) -> None:
    ensure_open_window(console)
    title = f"农村饮水安全 {uuid.uuid4().hex[:6]}"
    page.goto("/portal")
    expect(page.locator("h1")).to_have_text("群众服务")
    page.get_by_role("link", name="提出监督议题建议").click()
    expect(page.locator("#proposal-form")).to_be_visible()
    expect(page.locator("#f-title")).to_have_attribute("maxlength", "200")
    page.locator("#f-focus_area").select_option("rural_revitalisation")
    page.locator("#f-title").fill(title)
    page.locator("#f-rationale").fill("部分村组自来水水压不足，夏季经常停水。")
    page.locator("#f-submitter_name").fill("赵六")
    page.locator("#proposal-form button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("您的议题建议已收到")
    code, secret = keep_receipt(page)
    assert code.startswith("JD-")
    screenshot(page, "portal-proposal-receipt")

    page.get_by_role("link", name="查询办理进度").last.click()
    expect(page.locator("#f-code")).to_have_value(code)
    page.locator("#f-secret").fill(secret)
    page.locator("#track-form button[type=submit]").click()
    expect(page.locator("#timeline")).to_contain_text(title)
    expect(page.locator("#track-state")).to_have_text("已提交，待审核")
    expect(page.locator("#track-next")).to_contain_text("常委会工作人员审核")
    expect(page.locator("#steps li").first).to_contain_text("已提交议题建议")
    screenshot(page, "portal-proposal-tracked")

    # The same page in English.
    page.get_by_role("link", name="English").click()
    page.locator("#f-code").fill(code)
    page.locator("#f-secret").fill(secret)
    page.locator("#track-form button[type=submit]").click()
    expect(page.locator("#track-state")).to_have_text("Submitted, awaiting screening")
    screenshot(page, "portal-proposal-tracked-en")


def test_a_wrong_secret_is_not_found_next_to_the_form(page: Page, console: Console) -> None:
    track(page, "JD-ABCDEFGHJK", "not-the-secret")
    expect(page.locator("#error-track")).to_contain_text("未找到")
    expect(page.locator("#track-form")).to_be_visible()
    assert "Traceback" not in page.content()
    track(page, "MY-ABCDEFGHJK", "x")
    expect(page.locator("#error-track")).to_contain_text("未找到")


def test_a_citizen_follows_the_qr_link_sends_an_opinion_and_sees_the_answer(
    phone: Page, console: Console
) -> None:
    page = phone  # a citizen scans the QR code with a phone
    deputy = register_deputy(console)
    code = deputy["public_code"]
    # The QR code encodes the deputies' short link, which lands on the console's page.
    page.goto(f"{console.service('deputies')}/d/{code}")
    expect(page).to_have_url(re.compile(rf"/portal/deputies/{code}$"))
    expect(page.locator("h1")).to_have_text("李红梅")
    expect(page.locator("#deputy-card")).to_contain_text("城关镇卫生院")
    qr = page.locator("#deputy-qr")
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.naturalWidth") > 0
    with httpx.Client(base_url=console.url) as own:
        svg = own.get(f"/portal/deputies/{code}/qr.svg")
        assert svg.headers["content-type"].startswith("image/svg+xml")
        assert f"/d/{code}" in svg.text

    subject = f"路灯不亮 {uuid.uuid4().hex[:6]}"
    page.locator("#f-subject").fill(subject)
    page.locator("#f-category").select_option("urban_construction")
    page.locator("#f-content").fill("幸福路北段路灯坏了一个月，晚上出行不便。")
    page.locator("#f-contact").fill("13900000000")
    screenshot(page, "portal-deputy-page")
    page.locator("#opinion-form button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("您的意见已送达代表")
    tracking, secret = keep_receipt(page)
    assert tracking.startswith("MY-")
    expect(page.locator("#receipt")).to_contain_text("代表答复期限")

    track(page, tracking, secret)
    expect(page.locator("#track-state")).to_have_text("待代表答复")
    expect(page.locator("#track-next")).to_contain_text("代表答复")
    expect(page.locator("#track-next strong")).to_have_text(re.compile(r"^\d{4}-\d{2}-\d{2}$"))

    # The deputy answers through the API.
    opinion_id = citizen_opinion_id(console, tracking)
    with client(console, "deputies") as deputies:
        answered = deputies.post(
            f"/citizen-opinions/{opinion_id}/answer",
            json={"answer": "已联系城管部门，本周内修复。"},
            headers=as_deputy(str(deputy["id"])),
        )
        assert answered.is_success, answered.text

    track(page, tracking, secret)
    expect(page.locator("#track-state")).to_have_text("代表已答复")
    steps = page.locator("#steps li")
    expect(steps).to_have_count(2)
    expect(steps.nth(1)).to_contain_text("代表已答复")
    expect(steps.nth(1)).to_contain_text("已联系城管部门")
    expect(page.locator("#track-next")).to_contain_text("已办结")
    screenshot(page, "portal-opinion-answered")
    page.get_by_role("link", name="English").click()
    page.locator("#f-code").fill(tracking)
    page.locator("#f-secret").fill(secret)
    page.locator("#track-form button[type=submit]").click()
    expect(page.locator("#steps li").nth(1)).to_contain_text("The deputy answered")
    screenshot(page, "portal-opinion-answered-en")


def test_bad_input_is_shown_next_to_the_field(page: Page, console: Console) -> None:
    deputy = register_deputy(console, name="孙立")
    page.goto(f"/portal/deputies/{deputy['public_code']}")
    expect(page.locator("#f-subject")).to_have_attribute("maxlength", "200")
    expect(page.locator("#f-subject")).to_have_attribute("required", "")
    # Blanks pass the browser's check; the service refuses them and says where.
    page.locator("#f-subject").fill("   ")
    page.locator("#f-content").fill("内容")
    page.locator("#opinion-form button[type=submit]").click()
    expect(page.locator("#error-subject")).to_have_text("请填写此项")
    expect(page.locator("#f-content")).to_have_value("内容")  # the input is kept
    screenshot(page, "portal-opinion-bad-input")

    ensure_open_window(console)
    page.goto("/portal/proposals")
    page.locator("#f-title").fill("太长" * 150)  # maxlength cuts it to 200 in the browser
    assert len(page.locator("#f-title").input_value()) == 200
    page.locator("#f-title").fill("有效标题")
    page.locator("#f-rationale").fill(" ")
    page.locator("#f-submitter_name").fill("钱七")
    page.locator("#proposal-form button[type=submit]").click()
    expect(page.locator("#error-rationale")).to_have_text("请填写此项")
    expect(page.locator("#f-title")).to_have_value("有效标题")

    # An unknown deputy code is said plainly next to the search field.
    page.goto("/portal")
    page.locator("#f-code").fill("NOPE-0000")
    page.locator("#deputy-search button[type=submit]").click()
    expect(page.locator("#error-code")).to_contain_text("没有找到")
