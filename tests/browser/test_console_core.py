"""The console's frame: sign-in, language switch, role-aware navigation, readable errors."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import Console, screenshot, sign_in


def test_home_is_in_chinese_and_switches_to_english(page: Page) -> None:
    page.goto("/")
    expect(page.locator("a.brand")).to_have_text("监督工作平台")
    page.get_by_role("link", name="English").click()
    expect(page.locator("a.brand")).to_have_text("Jiandu supervision console")
    page.get_by_role("link", name="中文").click()
    expect(page.locator("a.brand")).to_have_text("监督工作平台")


def test_signing_in_shows_the_role_and_its_areas(page: Page) -> None:
    sign_in(page, "committee_staff", "staff-1")
    expect(page.locator(".signed-in")).to_contain_text("常委会工作人员")
    expect(page.locator("header nav")).to_contain_text("工作人员")
    expect(page.locator("header nav")).not_to_contain_text("运维")
    screenshot(page, "core-staff-home")
    page.get_by_role("button", name="退出").click()
    expect(page.locator("header")).to_contain_text("登录")


def test_a_bad_token_is_refused_next_to_the_field(page: Page) -> None:
    page.goto("/login")
    page.locator("textarea[name=token]").fill("not-a-token")
    page.locator("form[action='/login'] button[type=submit]").click()
    expect(page.locator("#error-token")).to_be_visible()


def test_an_unknown_page_is_a_readable_404(page: Page, console: Console) -> None:
    response = page.goto("/no-such-page")
    assert response is not None and response.status == 404
    expect(page.locator(".error-page")).to_contain_text("页面或记录不存在")
    assert "Traceback" not in page.content()
