"""The staff's pages rendered against a fake topics (httpx.MockTransport): no platform needed."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from jiandu_console.bootstrap import bootstrap
from jiandu_console.config import ConsoleSettings
from jiandu_console.entrypoints.session import TOKEN_COOKIE
from jiandu_shared.calendar import local_date
from jiandu_shared.web.auth import Role, mint_token

PROPOSAL = "11111111-1111-4111-8111-111111111111"
OTHER = "22222222-2222-4222-8222-222222222222"
PLAN = "33333333-3333-4333-8333-333333333333"
OPINION = "44444444-4444-4444-8444-444444444444"
ORGAN = "00000000-0000-4000-8000-00000000a001"


def proposal(pid: str, title: str, status: str, actions: list[str]) -> dict[str, Any]:
    return {
        "id": pid,
        "year": 2027,
        "source": "public",
        "focus_area": "employment",
        "title": title,
        "rationale": "r",
        "status": status,
        "tracking_code": "T-1",
        "submitted_at": "2026-12-01T02:00:00Z",
        "submitter_name": "李四",
        "submitter_contact": None,
        "submitter_ref": None,
        "sources": ["public"],
        "merged": [],
        "merged_into": None,
        "decline_reason": None,
        "decided_at": None,
        "plan_id": None,
        "plan_item_id": None,
        "included_at": None,
        "citizen_opinion_id": None,
        "allowed_actions": actions,
    }


def opinion(state: str, due_in_days: int | None, actions: list[str]) -> dict[str, Any]:
    today = local_date(datetime.now(UTC))
    deadline = None
    if due_in_days is not None:
        deadline = {
            "due": (today + timedelta(days=due_in_days)).isoformat(),
            "provisional": True,
            "unofficial_years": [today.year],
            "staff_notice": "暂定期限：日历尚未公布",
        }
    return {
        "id": OPINION if state == "drafted" else str(uuid.uuid4()),
        "title": f"意见-{state}",
        "state": state,
        "deadline": deadline,
        "past_due": state == "overdue",
        "allowed_actions": actions,
        "organ_id": None if state == "drafted" else ORGAN,
        "handling_rounds": 0 if state == "drafted" else 1,
        "year": today.year,
    }


STATISTICS = {
    "year": 2026,
    "as_of": "2026-12-07",
    "proposals_by_source": {"public": 3, "deputy": 1},
    "proposals_by_status": {"submitted": 2, "adopted": 2},
    "plan": {"state": "draft", "items_supervised": 0, "items_by_method": {"special_inquiry": 2}},
    "supervision_reports_filed": 1,
    "opinions": {
        "total": 4,
        "by_state": {"drafted": 1, "assigned": 3},
        "assigned": 3,
        "overdue": 1,
        "overdue_at_some_point": 1,
        "second_handling": {"count": 1, "of": 3, "share": 0.3333},
        "days_to_implementation": {
            "implemented": 0,
            "average_calendar_days": None,
            "average_working_days": None,
            "working_days_unofficial_years": [],
        },
        "organs_rated": 0,
    },
    "inquiries": {"held": 0, "answers_rated": 0, "departments_rated": 0},
    "departments_rated": 1,
    "satisfaction": {
        "opinion_evaluations": {"satisfied": 1, "basically_satisfied": 0, "unsatisfied": 0},
        "inquiry_answers": {"satisfied": 0, "basically_satisfied": 0, "unsatisfied": 0},
        "by_department": [
            {
                "department_id": ORGAN,
                "opinion_evaluations": {
                    "satisfied": 1,
                    "basically_satisfied": 0,
                    "unsatisfied": 0,
                },
                "inquiry_answers": {"satisfied": 0, "basically_satisfied": 0, "unsatisfied": 0},
            }
        ],
    },
}


class FakeNotifications:
    def __call__(self, request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/recipients"
        assert request.url.params["role"] == "department"
        entry = {"ref": ORGAN, "name": "县民政局", "active": True}
        return httpx.Response(200, json={"items": [entry], "total": 1})


class FakeTopics:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str, Any]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content) if request.content else None
        self.calls.append((request.method, request.url.path, body))
        path = request.url.path
        if request.method == "POST":
            if path.endswith("/decline") and body == {"reason": "重复"}:
                return httpx.Response(
                    409,
                    json={"title": "Conflict", "detail": "proposal is adopted already"},
                )
            if path.endswith("/assign"):
                return httpx.Response(
                    422,
                    json={
                        "title": "Unprocessable",
                        "errors": [{"loc": ["body", "organ_id"], "msg": "unknown organ"}],
                    },
                )
            return httpx.Response(200, json={})
        if path == "/proposals":
            items = [
                proposal(PROPOSAL, "学前教育", "submitted", ["decline", "merge", "shortlist"]),
                proposal(OTHER, "托育服务", "adopted", ["absorb", "include_in_plan"]),
            ]
            return httpx.Response(200, json={"items": items, "total": 2, "limit": 50, "offset": 0})
        if path == "/focus-areas":
            return httpx.Response(200, json=[{"code": "employment", "label": "就业创业"}])
        if path == "/plans":
            return httpx.Response(200, json={"items": [{"id": PLAN}], "total": 1})
        if path == f"/plans/{PLAN}":
            return httpx.Response(
                200,
                json={
                    "id": PLAN,
                    "year": 2027,
                    "title": "2027年度监督工作计划",
                    "state": "draft",
                    "item_count": 0,
                    "items": [],
                    "created_at": "2026-12-01T00:00:00Z",
                    "published_at": None,
                    "allowed_actions": ["add_item", "change_item", "publish", "remove_item"],
                },
            )
        if path == "/opinions":
            items = [
                opinion("drafted", None, ["assign"]),
                opinion("assigned", 2, []),
                opinion("overdue", -3, []),
                opinion("reported", 10, ["open_evaluation"]),
            ]
            return httpx.Response(200, json={"items": items, "total": 4})
        if path.startswith("/statistics/"):
            return httpx.Response(200, json=STATISTICS)
        if path == "/supervision-reports":
            return httpx.Response(200, json={"items": [], "total": 0})
        return httpx.Response(404, json={"title": "Not Found"})


@pytest.fixture
async def staff() -> AsyncIterator[tuple[httpx.AsyncClient, FakeTopics]]:
    settings = ConsoleSettings()
    topics = FakeTopics()
    app = bootstrap(
        settings,
        transports={
            "topics": httpx.MockTransport(topics),
            "notifications": httpx.MockTransport(FakeNotifications()),
        },
    )
    token = mint_token(
        settings.platform.auth_secret, "staff-1", Role.COMMITTEE_STAFF, None, timedelta(hours=1)
    )
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://console",
            cookies={TOKEN_COOKIE: token},
        ) as client,
    ):
        yield client, topics


async def test_proposals_show_only_the_actions_topics_allows(
    staff: tuple[httpx.AsyncClient, FakeTopics],
) -> None:
    client, _ = staff
    page = await client.get("/staff/proposals?year=2027")
    assert page.status_code == 200, page.text
    assert f'action="/staff/proposals/{PROPOSAL}/shortlist"' in page.text
    assert f'action="/staff/proposals/{PROPOSAL}/adopt"' not in page.text
    assert f'action="/staff/proposals/{OTHER}/decline"' not in page.text
    # The adopted one is a target to merge into.
    assert f'<option value="{OTHER}"' in page.text


async def test_a_decline_without_a_reason_is_refused_next_to_the_field(
    staff: tuple[httpx.AsyncClient, FakeTopics],
) -> None:
    client, topics = staff
    refused = await client.post(
        f"/staff/proposals/{PROPOSAL}/decline", data={"year": "2027", "reason": "  "}
    )
    assert refused.status_code == 422
    assert f'id="error-reason-{PROPOSAL}"' in refused.text
    assert not [c for c in topics.calls if c[0] == "POST"]


async def test_a_conflict_from_topics_is_shown_on_the_row(
    staff: tuple[httpx.AsyncClient, FakeTopics],
) -> None:
    client, _ = staff
    refused = await client.post(
        f"/staff/proposals/{PROPOSAL}/decline",
        data={"year": "2027", "reason": "重复", "back": "/staff/proposals?year=2027"},
    )
    assert refused.status_code == 409
    assert "proposal is adopted already" in refused.text
    assert 'value="重复"' in refused.text


async def test_a_screening_action_redirects_back(
    staff: tuple[httpx.AsyncClient, FakeTopics],
) -> None:
    client, topics = staff
    done = await client.post(
        f"/staff/proposals/{PROPOSAL}/merge",
        data={"year": "2027", "into": OTHER, "back": "https://evil.example/x"},
    )
    assert done.status_code == 303
    assert done.headers["location"] == "/staff/proposals?year=2027"
    assert ("POST", f"/proposals/{PROPOSAL}/merge", {"into": OTHER}) in topics.calls


async def test_adding_an_item_checks_the_form_before_calling_topics(
    staff: tuple[httpx.AsyncClient, FakeTopics],
) -> None:
    client, topics = staff
    page = await client.get("/staff/plan?year=2027")
    assert page.status_code == 200 and 'id="add-item"' in page.text
    refused = await client.post(
        f"/staff/plan/{PLAN}/items",
        data={"year": "2027", "proposal_id": OTHER, "committee_id": "c1", "target_organ_ids": ""},
    )
    assert refused.status_code == 422
    for name in ("committee_id", "target_organ_ids", "methods", "planned_month"):
        assert f'id="error-{name}"' in refused.text
    added = await client.post(
        f"/staff/plan/{PLAN}/items",
        data={
            "year": "2027",
            "proposal_id": OTHER,
            "committee_id": ORGAN,
            "target_organ_ids": f"{ORGAN}, {PROPOSAL}",
            "methods": ["special_inquiry", "inspection_visit"],
            "planned_month": "3",
        },
    )
    assert added.status_code == 303
    assert topics.calls[-1][2] == {
        "proposal_id": OTHER,
        "committee_id": ORGAN,
        "target_organ_ids": [ORGAN, PROPOSAL],
        "methods": ["special_inquiry", "inspection_visit"],
        "planned_month": 3,
    }


async def test_the_board_marks_deadlines_and_shows_assignment_errors(
    staff: tuple[httpx.AsyncClient, FakeTopics],
) -> None:
    client, _ = staff
    page = await client.get("/staff/opinions")
    assert page.status_code == 200
    for marker in ("marker-overdue", "marker-due-soon", "marker-provisional", "is-overdue"):
        assert marker in page.text
    # Organs are named from the directory, and offered by name in the assignment form.
    assert '<span class="organ-name">县民政局</span>' in page.text
    assert f'<option value="{ORGAN}">县民政局</option>' in page.text
    bad = await client.post(
        f"/staff/opinions/{OPINION}/assign", data={"year": "2026", "organ_id": "x", "period": "0"}
    )
    assert bad.status_code == 422
    assert f'id="error-organ_id-{OPINION}"' in bad.text
    assert f'id="error-period-{OPINION}"' in bad.text
    upstream = await client.post(
        f"/staff/opinions/{OPINION}/assign", data={"year": "2026", "organ_id": ORGAN}
    )
    assert upstream.status_code == 422
    assert "unknown organ" in upstream.text


async def test_the_boards_staff_steps_call_topics_and_come_back(
    staff: tuple[httpx.AsyncClient, FakeTopics],
) -> None:
    client, topics = staff
    page = await client.get("/staff/opinions")
    assert "/steps/open_evaluation" in page.text
    # A reported opinion owes nothing any more: no due-soon marker on it.
    assert page.text.count("marker-due-soon") == 1
    done = await client.post(
        f"/staff/opinions/{OPINION}/steps/open_evaluation", data={"year": "2026"}
    )
    assert done.status_code == 303
    assert done.headers["location"] == f"/staff/opinions?year=2026#opinion-{OPINION}"
    assert topics.calls[-1][:2] == ("POST", f"/opinions/{OPINION}/evaluation/open")
    unknown = await client.post(f"/staff/opinions/{OPINION}/steps/rate", data={"year": "2026"})
    assert unknown.status_code == 404


async def test_statistics_are_tables_and_svg_bars(
    staff: tuple[httpx.AsyncClient, FakeTopics],
) -> None:
    client, _ = staff
    page = await client.get("/staff/statistics?year=2026")
    assert page.status_code == 200, page.text
    assert 'id="by-source"' in page.text and "<svg" in page.text
    assert "33.3%" in page.text
    reports = await client.get("/staff/reports?year=2026")
    assert reports.status_code == 200


async def test_other_roles_get_the_403_page() -> None:
    settings = ConsoleSettings()
    app = bootstrap(settings, transports={"topics": httpx.MockTransport(FakeTopics())})
    async with app.router.lifespan_context(app):
        for role in (Role.CITIZEN, Role.DEPARTMENT, Role.COMMITTEE_MEMBER):
            token = mint_token(settings.platform.auth_secret, "x", role, None, timedelta(hours=1))
            async with httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app),
                base_url="http://console",
                cookies={TOKEN_COOKIE: token},
            ) as client:
                for path in ("/staff", "/staff/proposals", "/staff/opinions", "/staff/statistics"):
                    assert (await client.get(path)).status_code == 403, (role, path)
