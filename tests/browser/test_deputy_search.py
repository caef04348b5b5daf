"""Finding a deputy in the portal by part of a name (找代表), then sending them an opinion."""

from __future__ import annotations

import random
import uuid
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.conftest import Console, screenshot
from tests.browser.portal_support import STAFF, client

# Given names from these characters: the platform is shared, so each run's names are its own.
CHARACTERS = "安宝春德东芳锋刚国海红华佳建杰静军康兰磊丽林玲敏明宁平强秋荣瑞松涛婷伟霞翔欣雪燕毅勇"


def given_name() -> str:
    return "".join(random.sample(CHARACTERS, 3))


def register(console: Console, name: str, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "level": "county",
        "registry_number": f"DS-{uuid.uuid4().hex[:10]}",
        "name": name,
        "constituency": "城关镇第五选区",
        "unit": "县第一中学",
        "position": "教师",
        "phone": "13900139000",
        "address": "城关镇幸福路8号",
        "published": ["unit", "position"],
        **changes,
    }
    with client(console, "deputies") as deputies:
        response = deputies.post("/deputies", json=body, headers=STAFF)
        assert response.status_code == 201, response.text
        return dict(response.json())


def leave_office(console: Console, deputy: dict[str, Any]) -> None:
    with client(console, "deputies") as deputies:
        left = deputies.post(
            f"/deputies/{deputy['id']}/leave-office",
            json={"left_on": "2026-01-05", "reason": "resigned"},
            headers=STAFF,
        )
        assert left.is_success, left.text


def test_a_citizen_finds_a_deputy_by_part_of_a_name(page: Page, console: Console) -> None:
    part = given_name()
    first = register(console, f"欧阳{part}")
    second = register(console, f"司马{part}", level="township", constituency="河东乡第一选区")
    gone = register(console, f"上官{part}")
    leave_office(console, gone)

    page.goto("/portal")
    expect(page.locator("#deputy-find")).to_be_visible()
    expect(page.locator("#f-q")).to_have_attribute("maxlength", "100")
    page.locator("#f-q").fill(part)
    page.locator("#deputy-find button[type=submit]").click()

    results = page.locator("#deputy-results .deputy-result")
    expect(results).to_have_count(2)
    expect(page.locator("#deputy-results")).to_contain_text(f"欧阳{part}")
    expect(page.locator("#deputy-results")).to_contain_text(f"司马{part}")
    expect(page.locator("#deputy-results")).to_contain_text("河东乡第一选区")
    expect(page.locator("#deputy-results")).not_to_contain_text(f"上官{part}")  # left office
    expect(page.locator("#deputy-results")).not_to_contain_text("13900139000")
    expect(page.locator("#f-q")).to_have_value(part)
    screenshot(page, "deputy-search-results")

    page.get_by_role("link", name=f"欧阳{part}").click()
    expect(page).to_have_url(f"{console.url}/portal/deputies/{first['public_code']}")
    expect(page.locator("h1")).to_have_text(f"欧阳{part}")
    expect(page.locator("#deputy-card")).to_contain_text("县第一中学")
    expect(page.locator("#deputy-card")).not_to_contain_text("13900139000")
    expect(page.locator("#deputy-card")).not_to_contain_text("幸福路")
    expect(page.locator("#opinion-form")).to_be_visible()
    screenshot(page, "deputy-search-followed")

    # A level narrows the search; the second deputy is found by their constituency as well.
    page.goto("/portal/deputies?q=" + part + "&level=township")
    expect(results).to_have_count(1)
    expect(results.first).to_have_attribute("data-code", second["public_code"])


def test_no_deputy_found_is_said_plainly(page: Page, console: Console) -> None:
    page.goto("/portal")
    page.locator("#f-q").fill(f"无此人{uuid.uuid4().hex[:6]}")
    page.locator("#deputy-find button[type=submit]").click()
    expect(page.locator("#deputy-results-empty")).to_contain_text("没有找到代表。")
    expect(page.locator("#deputy-results .deputy-result")).to_have_count(0)
    screenshot(page, "deputy-search-none")

    # The language switch returns to the page without its query: search again in English.
    searched = page.url
    page.get_by_role("link", name="English").click()
    page.goto(searched)
    expect(page.locator("#deputy-results-empty")).to_contain_text("No deputy found.")
    screenshot(page, "deputy-search-none-en")


def test_the_search_on_a_phone(phone: Page, console: Console) -> None:
    part = given_name()
    register(console, f"诸葛{part}", constituency="城关镇第六选区")
    phone.goto("/portal")
    phone.locator("#f-q").fill("城关镇第六选区")
    phone.locator("#deputy-find button[type=submit]").click()
    expect(phone.locator("#deputy-results")).to_contain_text(f"诸葛{part}")
    screenshot(phone, "deputy-search-phone")
