"""Portal and department pages against fake services (httpx.MockTransport): no platform."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from jiandu_console.bootstrap import bootstrap
from jiandu_console.config import ConsoleSettings
from jiandu_console.entrypoints.session import TOKEN_COOKIE
from jiandu_shared.calendar import local_date
from jiandu_shared.web.auth import Role, mint_token

ORG = "00000000-0000-4000-8000-00000000a001"
TODAY = local_date(datetime.now(UTC))
Handler = Callable[[httpx.Request], httpx.Response]
Calls = list[httpx.Request]


def day(offset: int) -> str:
    return str((TODAY + timedelta(days=offset)).isoformat())


def recorder(calls: Calls, handler: Handler) -> httpx.MockTransport:
    def record(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return handler(request)

    return httpx.MockTransport(record)


def topics(windows: list[dict[str, Any]]) -> Handler:
    def handle(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/collection-windows":
            return httpx.Response(200, json={"items": windows, "total": len(windows)})
        if path == "/focus-areas":
            return httpx.Response(200, json=[{"code": "employment", "label": "就业创业"}])
        if path == "/proposals" and request.method == "POST":
            body = json.loads(request.content)
            if not body["title"].strip():
                return httpx.Response(
                    422,
                    json={
                        "title": "Invalid request",
                        "errors": [
                            {
                                "field": "title",
                                "message": "String should have at least 1 character",
                            }
                        ],
                    },
                )
            return httpx.Response(
                201,
                json={**body, "tracking_code": "JD-2345678ABC", "tracking_secret": "s3cret-xyz"},
            )
        if path == "/opinions":
            items = [
                {
                    "id": "o-late",
                    "title": "逾期意见",
                    "state": "overdue",
                    "deadline": {"due": day(-2), "provisional": False},
                    "past_due": True,
                },
                {
                    "id": "o-soon",
                    "title": "临期意见",
                    "state": "in_progress",
                    "deadline": {"due": day(2), "provisional": True},
                    "past_due": False,
                },
            ]
            return httpx.Response(200, json={"items": items, "total": 2})
        return httpx.Response(404, json={"title": "Not Found"})

    return handle


def empty(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json={"items": [], "total": 0})


def broken(request: httpx.Request) -> httpx.Response:
    return httpx.Response(500, json={"title": "boom"})


async def client_for(
    transports: dict[str, httpx.MockTransport], token: str | None = None
) -> AsyncIterator[httpx.AsyncClient]:
    app = bootstrap(ConsoleSettings(), transports=dict(transports))
    cookies = {TOKEN_COOKIE: token} if token else {}
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://console", cookies=cookies
        ) as client,
    ):
        yield client


def token(role: Role, organisation: str | None = None) -> str:
    secret = ConsoleSettings().platform.auth_secret
    return str(mint_token(secret, "someone", role, organisation, timedelta(hours=1)))


@pytest.fixture
async def no_window() -> AsyncIterator[httpx.AsyncClient]:
    windows = [
        {
            "year": TODAY.year + 1,
            "opens_on": day(20),
            "closes_on": day(50),
            "state": "scheduled",
            "accepting_today": False,
        }
    ]
    async for client in client_for({"topics": httpx.MockTransport(topics(windows))}):
        yield client


async def test_without_an_open_window_the_page_says_so_with_the_next_dates(
    no_window: httpx.AsyncClient,
) -> None:
    page = await no_window.get("/portal/proposals")
    assert page.status_code == 200
    assert "目前没有正在征集的监督议题" in page.text
    assert day(20) in page.text and day(50) in page.text
    assert 'id="proposal-form"' not in page.text


async def test_a_proposal_goes_without_a_token_and_the_receipt_shows_the_secret() -> None:
    calls: Calls = []
    windows = [
        {
            "year": TODAY.year + 1,
            "opens_on": day(-1),
            "closes_on": day(30),
            "state": "open",
            "accepting_today": True,
        }
    ]
    transports = {"topics": recorder(calls, topics(windows))}
    async for client in client_for(transports, token(Role.COMMITTEE_STAFF)):
        form = await client.get("/portal/proposals")
        assert 'id="proposal-form"' in form.text and 'maxlength="200"' in form.text
        sent = {
            "year": str(TODAY.year + 1),
            "focus_area": "employment",
            "title": "就业",
            "rationale": "理由",
            "submitter_name": "赵六",
            "submitter_contact": "",
            "idempotency_key": "k-1",
        }
        receipt = await client.post("/portal/proposals", data=sent)
        assert receipt.status_code == 200
        assert "JD-2345678ABC" in receipt.text and "s3cret-xyz" in receipt.text
        assert receipt.headers["cache-control"] == "no-store"
        bad = await client.post("/portal/proposals", data={**sent, "title": " "})
        assert bad.status_code == 422
        assert 'id="error-title"' in bad.text and "请填写此项" in bad.text
        assert "理由" in bad.text  # the input is kept
    posts = [c for c in calls if c.method == "POST"]
    assert posts and all("authorization" not in c.headers for c in posts)
    assert posts[0].headers["idempotency-key"] == "k-1"
    assert json.loads(posts[0].content)["year"] == TODAY.year + 1
    assert json.loads(posts[0].content)["submitter_contact"] is None


async def test_a_department_worklist_highlights_deadlines_and_survives_a_failing_service() -> None:
    transports = {
        "topics": httpx.MockTransport(topics([])),
        "deputies": httpx.MockTransport(empty),
        "finance": httpx.MockTransport(broken),
    }
    async for client in client_for(transports, token(Role.DEPARTMENT, ORG)):
        page = await client.get("/department")
        assert page.status_code == 200
        text = page.text
        assert text.index("逾期意见") < text.index("临期意见")
        assert 'class="work-item overdue-row"' in text
        assert 'class="work-item due_soon-row"' in text
        assert "暂定期限" in text
        assert "审计查出问题: 暂时无法读取" in text


async def test_a_department_without_an_organisation_is_told_so() -> None:
    async for client in client_for({}, token(Role.DEPARTMENT)):
        page = await client.get("/department")
        assert "未注明所属单位" in page.text


async def test_the_department_pages_need_the_department_role() -> None:
    async for client in client_for({}, token(Role.COMMITTEE_MEMBER)):
        page = await client.get("/department")
        assert page.status_code == 403
    async for client in client_for({}):
        page = await client.get("/department")
        assert page.status_code == 303 and page.headers["location"].startswith("/login")


def deputies(request: httpx.Request) -> httpx.Response:
    path = request.url.path
    if path == "/public/deputies/AB12/qr.svg":
        return httpx.Response(
            200, content=b"<svg>/d/AB12</svg>", headers={"content-type": "image/svg+xml"}
        )
    if path == "/public/opinions/MY-2345678ABC":
        if request.headers.get("x-tracking-secret") != "right-secret":
            return httpx.Response(404, json={"title": "Not Found"})
        return httpx.Response(
            200,
            json={
                "tracking_code": "MY-2345678ABC",
                "public_code": "AB12",
                "category": "transport",
                "subject": "公交站",
                "content": "c",
                "state": "submitted",
                "submitted_at": "2026-12-06T01:00:00Z",
                "waiting_for": "deputy",
                "due": "2026-12-11",
                "steps": [
                    {
                        "number": 1,
                        "kind": "submitted",
                        "at": "2026-12-06T01:00:00Z",
                        "text": None,
                        "department_id": None,
                        "on_time": None,
                    }
                ],
            },
        )
    return httpx.Response(404, json={"title": "Not Found"})


async def test_the_qr_code_is_served_from_the_console_and_tracking_says_not_found_plainly() -> None:
    calls: Calls = []
    async for client in client_for({"deputies": recorder(calls, deputies)}):
        qr = await client.get("/portal/deputies/AB12/qr.svg")
        assert qr.status_code == 200 and qr.headers["content-type"].startswith("image/svg+xml")
        assert b"/d/AB12" in qr.content
        assert (await client.get("/portal/deputies/NOPE/qr.svg")).status_code == 404

        found = await client.post(
            "/portal/track", data={"code": "my-2345678abc", "secret": "right-secret"}
        )
        assert found.status_code == 200 and found.headers["cache-control"] == "no-store"
        assert "待代表答复" in found.text and "2026-12-11" in found.text

        wrong = await client.post(
            "/portal/track", data={"code": "MY-2345678ABC", "secret": "wrong-secret"}
        )
        assert wrong.status_code == 404
        assert 'id="error-track"' in wrong.text and "未找到" in wrong.text

        odd = await client.post("/portal/track", data={"code": "../../x", "secret": "a b"})
        assert odd.status_code == 404 and 'id="error-track"' in odd.text

        empty = await client.post("/portal/track", data={"code": "", "secret": ""})
        assert empty.status_code == 422
        assert 'id="error-code"' in empty.text and 'id="error-secret"' in empty.text
    # The secret travels in a header, never in a URL.
    assert all("secret" not in str(c.url) for c in calls)
