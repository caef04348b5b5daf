"""The opinions board, supervision reports, a year's statistics and who may see them."""

from __future__ import annotations

import random
import uuid
from datetime import date
from typing import Any
from urllib.parse import quote

import httpx
from playwright.sync_api import Page, expect

from jiandu_console.service_layer.staff import DUE_SOON_DAYS
from jiandu_shared.calendar import local_date
from jiandu_shared.clock import utcnow
from jiandu_shared.web.auth import Role, mint_token
from tests.browser.conftest import Console, screenshot, sign_in
from tests.support.services import TEST_SECRET, auth

STAFF = auth(Role.COMMITTEE_STAFF, "staff-board")
COMMITTEE = "00000000-0000-4000-8000-0000000c0502"
ORGAN = "00000000-0000-4000-8000-0000000a0502"
ORGAN_NAME = "县教育体育局"


def draft(topics: httpx.Client, year: int, title: str) -> dict[str, Any]:
    created = topics.post(
        "/opinions", json={"title": title, "committee_id": COMMITTEE, "year": year}, headers=STAFF
    )
    assert created.status_code == 201, created.text
    return dict(created.json())


def assign(topics: httpx.Client, opinion_id: str, working_days: int | None) -> dict[str, Any]:
    body: dict[str, Any] = {"organ_id": ORGAN}
    if working_days is not None:
        body["period"] = {"amount": working_days, "unit": "working_days"}
    assigned = topics.post(f"/opinions/{opinion_id}/assign", json=body, headers=STAFF)
    assert assigned.status_code == 200, assigned.text
    return dict(assigned.json())


def in_english(page: Page, path: str) -> None:
    """Switch the console to English on ``path`` (screenshots readable without CJK fonts)."""
    page.goto(f"/lang/en?next={quote(path)}")
    expect(page.locator("a.brand")).to_have_text("Jiandu supervision console")


def test_assigning_from_the_board_moves_the_card_and_marks_its_deadline(
    page: Page, console: Console
) -> None:
    year = random.randint(2001, 2024)  # a past year nobody else uses (no future years)
    tag = uuid.uuid4().hex[:6]
    with httpx.Client(base_url=console.service("topics"), timeout=10) as topics:
        fresh = draft(topics, year, f"关于学前教育的审议意见 {tag}")
        later = draft(topics, year, f"关于国有资产管理的审议意见 {tag}")
        far = assign(topics, later["id"], None)  # the rule's period: months away
    with httpx.Client(base_url=console.service("notifications"), timeout=10) as notifications:
        # The directory names the organ: the board shows the name and offers it to pick.
        entry = {"role": "department", "ref": ORGAN, "name": ORGAN_NAME}
        named = notifications.post("/recipients", json=entry, headers=STAFF)
        assert named.status_code in (201, 409), named.text

    sign_in(page, "committee_staff", "staff-board")
    page.goto(f"/staff/opinions?year={year}")
    card = page.locator(f"#opinion-{fresh['id']}")
    expect(page.locator("#column-drafted").locator(f"#opinion-{fresh['id']}")).to_be_visible()
    expect(page.locator("#column-assigned").locator(f"#opinion-{later['id']}")).to_be_visible()
    # Every state of topics has its column.
    for state in ("drafted", "assigned", "in_progress", "overdue", "reported", "closed"):
        expect(page.locator(f"#column-{state}")).to_have_count(1)

    # A bad organ id is refused next to its field, what was typed is kept.
    card.locator("input[name=organ_id]").fill("民政局")
    card.get_by_role("button", name="交办").click()
    expect(page.locator(f"#error-organ_id-{fresh['id']}")).to_be_visible()
    expect(page.locator(f"#opinion-{fresh['id']} input[name=organ_id]")).to_have_value("民政局")
    screenshot(page, "staff-board-assign-error")

    card = page.locator(f"#opinion-{fresh['id']}")
    card.locator("input[name=organ_id]").fill(ORGAN)
    card.locator("input[name=period]").fill("5")  # topics' shortest: due in about a week
    card.get_by_role("button", name="交办").click()
    moved = page.locator("#column-assigned").locator(f"#opinion-{fresh['id']}")
    expect(moved).to_be_visible()
    expect(page.locator("#column-drafted").locator(f"#opinion-{fresh['id']}")).to_have_count(0)
    expect(moved.locator(".organ-name")).to_have_text(ORGAN_NAME)
    far_card = page.locator(f"#opinion-{later['id']}")
    expect(far_card.locator(".marker-due-soon")).to_have_count(0)
    with httpx.Client(base_url=console.service("topics"), timeout=10) as topics:
        now = topics.get(f"/opinions/{fresh['id']}", headers=STAFF).json()
    # Five working days are a week unless official holidays stretch them.
    days_left = (date.fromisoformat(now["deadline"]["due"]) - local_date(utcnow())).days
    if days_left <= DUE_SOON_DAYS:
        expect(moved.locator(".marker-due-soon")).to_have_text("即将到期")
        expect(moved).to_have_class("opinion-card is-due-soon")
        expect(page.locator(".board-summary")).to_contain_text("即将到期 1")

    # Provisional deadlines are marked exactly when topics says so.
    for opinion, shown in ((now, moved), (far, far_card)):
        provisional = opinion["deadline"]["provisional"]
        expect(shown.locator(".marker-provisional")).to_have_count(1 if provisional else 0)
        expect(shown.locator(".deadline")).to_have_text(opinion["deadline"]["due"])
    # The organ reports; staff open the members' evaluation from its card.
    department = {
        "Authorization": "Bearer " + mint_token(TEST_SECRET, "dept-0502", Role.DEPARTMENT, ORGAN)
    }
    with httpx.Client(base_url=console.service("topics"), timeout=10) as topics:
        reported = topics.post(
            f"/opinions/{later['id']}/report",
            json={"summary": "已完成资产清查并建立台账。"},
            headers=department,
        )
        assert reported.status_code == 200, reported.text
    page.reload()
    in_column = page.locator("#column-reported").locator(f"#opinion-{later['id']}")
    in_column.get_by_role("button", name="开始满意度测评").click()
    expect(
        page.locator("#column-under_evaluation").locator(f"#opinion-{later['id']}")
    ).to_be_visible()
    screenshot(page, "staff-board")
    in_english(page, f"/staff/opinions?year={year}")
    expect(page.locator("#column-assigned h2")).to_contain_text("Assigned")
    screenshot(page, "staff-board-en")


def test_supervision_reports_and_the_statistics_of_a_year(page: Page, console: Console) -> None:
    tag = uuid.uuid4().hex[:6]
    title = f"关于学前教育审议意见落实情况的督办报告 {tag}"
    with httpx.Client(base_url=console.service("topics"), timeout=10) as topics:
        opinion = draft(topics, 2026, f"督办的审议意见 {tag}")
        assign(topics, opinion["id"], None)
        filed = topics.post(
            "/supervision-reports",
            json={
                "committee_id": COMMITTEE,
                "opinion_id": opinion["id"],
                "title": title,
                "summary": "承办单位已制定整改方案。\n第二段：下一步工作安排。",
            },
            headers=STAFF,
        )
        assert filed.status_code == 201, filed.text
        year = filed.json()["year"]

    sign_in(page, "committee_staff", "staff-reports")
    page.goto(f"/staff/reports?year={year}")
    page.get_by_role("link", name=title).click()
    expect(page.locator("#report h1")).to_have_text(title)
    expect(page.locator(".report-summary")).to_contain_text("第二段")
    expect(page.locator("#report")).to_contain_text(f"督办的审议意见 {tag}")
    screenshot(page, "staff-report")

    page.goto("/staff/statistics?year=2026")
    expect(page.locator("h1")).to_contain_text("2026")
    for table in ("#headline", "#by-source", "#by-status", "#by-state", "#satisfaction"):
        expect(page.locator(table)).to_be_visible()
    expect(page.locator("#by-state")).to_contain_text("已交办")
    expect(page.locator(".chart svg").first).to_be_visible()
    assert page.locator(".chart svg rect").count() > 0
    screenshot(page, "staff-statistics")
    in_english(page, "/staff/statistics?year=2026")
    expect(page.locator("#by-state")).to_contain_text("Assigned")
    screenshot(page, "staff-statistics-en")


def test_a_citizen_or_a_department_gets_the_403_page(page: Page) -> None:
    for role, organisation in (("citizen", ""), ("department", str(uuid.uuid4()))):
        sign_in(page, role, f"{role}-1", organisation)
        for path in ("/staff", "/staff/opinions", "/staff/proposals"):
            response = page.goto(path)
            assert response is not None and response.status == 403, (role, path)
            expect(page.locator(".error-page")).to_contain_text("您的角色无权查看此页")
        expect(page.locator("header nav")).not_to_contain_text("工作人员")
        screenshot(page, f"staff-forbidden-{role}")
        page.get_by_role("button", name="退出").click()
