"""A committee member rates a special inquiry's answers on a phone, one question at a time,
and sees the results when the inquiry concludes (staff run the session through the API)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from playwright.sync_api import Page, expect

from jiandu_shared.web.auth import Role
from tests.browser.conftest import Console, screenshot, sign_in
from tests.support.services import auth

STAFF = auth(Role.COMMITTEE_STAFF, "staff-members-voting")
LABEL = {"satisfied": "满意", "basically_satisfied": "基本满意", "unsatisfied": "不满意"}


def _ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def _no_horizontal_scroll(phone: Page) -> None:
    wide, view = phone.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
    assert wide <= view, f"the page scrolls sideways: {wide} > {view}"


def test_a_member_votes_through_every_question_on_a_phone_and_sees_the_results(
    phone: Page, console: Console
) -> None:
    member = str(uuid.uuid4())
    others = [auth(Role.COMMITTEE_MEMBER, str(uuid.uuid4())) for _ in range(2)]
    education, health = str(uuid.uuid4()), str(uuid.uuid4())
    title = f"关于学前教育和托育服务工作的专题询问 {uuid.uuid4().hex[:6]}"
    # (department, this member's rating, the two other members' ratings)
    plan = [
        (education, "satisfied", ["satisfied", "unsatisfied"]),
        (education, "basically_satisfied", ["satisfied", "satisfied"]),
        (health, "unsatisfied", ["unsatisfied", "basically_satisfied"]),
    ]
    with httpx.Client(base_url=console.service("topics"), timeout=10) as topics:
        inquiry = _ok(
            topics.post(
                "/inquiries",
                json={
                    "committee_id": str(uuid.uuid4()),
                    "title": title,
                    "held_on": "2026-12-08",
                    "department_ids": [education, health],
                },
                headers=STAFF,
            ),
            201,
        )
        iid = inquiry["id"]
        _ok(topics.post(f"/inquiries/{iid}/open", headers=STAFF))

        sign_in(phone, "committee_member", member)
        phone.goto("/members")
        card = phone.locator(f"#open-inquiries li[data-inquiry='{iid}']")
        expect(card).to_contain_text(title)
        _no_horizontal_scroll(phone)
        screenshot(phone, "members-list-phone")
        card.locator("a").click()
        expect(phone.locator("#waiting")).to_be_visible()

        for number, (department, mine, theirs) in enumerate(plan, start=1):
            question = _ok(
                topics.post(
                    f"/inquiries/{iid}/questions",
                    json={
                        "department_id": department,
                        "question": f"第{number}问：入园难的问题何时解决？",
                        "asked_by": str(uuid.uuid4()),
                    },
                    headers=STAFF,
                ),
                201,
            )
            _ok(
                topics.post(
                    f"/inquiries/{iid}/questions/{question['id']}/answer",
                    json={"summary": f"今年新增学位{number * 400}个"},
                    headers=STAFF,
                )
            )
            phone.reload()
            expect(phone.locator("#progress")).to_have_text(f"{number} / {number}")
            expect(phone.locator("#question")).to_contain_text(f"第{number}问")
            expect(phone.locator("#question")).to_contain_text(f"新增学位{number * 400}个")
            button = phone.locator(f"button.vote.{mine}")
            box = button.bounding_box()
            assert box is not None and box["height"] >= 48 and box["width"] >= 300  # thumb-sized
            _no_horizontal_scroll(phone)
            if number == 1:
                screenshot(phone, "members-question-phone")
            button.tap()
            expect(phone.locator("#voted")).to_be_visible()
            expect(phone.locator("button.vote")).to_have_count(0)
            if number == 1:
                screenshot(phone, "members-voted-phone")
            for who, rating in zip(others, theirs, strict=True):
                _ok(
                    topics.post(
                        f"/inquiries/{iid}/questions/{question['id']}/votes",
                        json={"rating": rating},
                        headers=who,
                    ),
                    201,
                )
            closed = _ok(
                topics.post(
                    f"/inquiries/{iid}/questions/{question['id']}/close-rating", headers=STAFF
                )
            )
            assert closed["result"]["total"] == 3
            phone.reload()
            expect(phone.locator("#waiting")).to_be_visible()
            rated = phone.locator(f"#rated li[data-number='{number}']")
            counts = {r: [mine, *theirs].count(r) for r in LABEL}
            for rating, count in counts.items():
                expect(rated.locator(f".count[data-level='{rating}']")).to_have_attribute(
                    "data-value", str(count)
                )

        results = _ok(topics.post(f"/inquiries/{iid}/conclude", headers=STAFF))

    phone.reload()
    expect(phone.locator("#results")).to_be_visible()
    _no_horizontal_scroll(phone)
    screenshot(phone, "members-results-phone")
    for department in results["departments"]:
        row = phone.locator(
            f"li.result-department[data-department='{department['department_id']}']"
        )
        for rating in LABEL:
            expect(row.locator(f".count[data-level='{rating}']")).to_have_attribute(
                "data-value", str(department["result"][rating])
            )
        expect(row.locator(".verdict")).to_have_attribute(
            "data-verdict", department["result"]["verdict"]
        )
    # Education pooled: 6 votes, 4 satisfied; health: 3 votes, 2 unsatisfied.
    education_row = phone.locator(f"li.result-department[data-department='{education}']")
    expect(education_row.locator(".count[data-level='satisfied']")).to_have_attribute(
        "data-value", "4"
    )
    health_row = phone.locator(f"li.result-department[data-department='{health}']")
    expect(health_row.locator(".count[data-level='unsatisfied']")).to_have_attribute(
        "data-value", "2"
    )
    expect(phone.locator("li.result-question")).to_have_count(3)
    phone.goto("/members")
    expect(phone.locator(f"#concluded-inquiries li[data-inquiry='{iid}']")).to_be_visible()


def test_a_vote_from_another_browser_is_refused_once_and_shown_as_cast(
    phone: Page, console: Console
) -> None:
    member = str(uuid.uuid4())
    department = str(uuid.uuid4())
    with httpx.Client(base_url=console.service("topics"), timeout=10) as topics:
        iid = _ok(
            topics.post(
                "/inquiries",
                json={
                    "committee_id": str(uuid.uuid4()),
                    "title": f"专题询问 {uuid.uuid4().hex[:6]}",
                    "held_on": "2026-12-09",
                    "department_ids": [department],
                },
                headers=STAFF,
            ),
            201,
        )["id"]
        _ok(topics.post(f"/inquiries/{iid}/open", headers=STAFF))
        qid = _ok(
            topics.post(
                f"/inquiries/{iid}/questions",
                json={"department_id": department, "question": "何时完工？", "asked_by": member},
                headers=STAFF,
            ),
            201,
        )["id"]
        _ok(
            topics.post(
                f"/inquiries/{iid}/questions/{qid}/answer", json={"summary": "年底"}, headers=STAFF
            )
        )
        # The member already voted on another device.
        _ok(
            topics.post(
                f"/inquiries/{iid}/questions/{qid}/votes",
                json={"rating": "satisfied"},
                headers=auth(Role.COMMITTEE_MEMBER, member),
            ),
            201,
        )
    sign_in(phone, "committee_member", member)
    phone.goto(f"/members/inquiries/{iid}")
    # A rating the service does not know is shown next to the buttons (422), nothing recorded.
    odd = phone.request.post(
        f"/members/inquiries/{iid}/questions/{qid}/vote", form={"rating": "so-so"}
    )
    assert odd.status == 422
    assert 'id="error-rating"' in odd.text()
    phone.locator("button.vote.unsatisfied").tap()
    expect(phone.locator("#voted")).to_be_visible()


def test_a_department_may_not_see_the_members_pages(page: Page) -> None:
    sign_in(page, "department", "dept-user", str(uuid.uuid4()))
    response = page.goto("/members")
    assert response is not None and response.status == 403
    expect(page.locator(".error-page")).to_be_visible()
