"""Finding a deputy in the portal (找代表): the query, the results, the page against a fake
deputies service (httpx.MockTransport), no platform."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from jiandu_console.bootstrap import bootstrap
from jiandu_console.config import ConsoleSettings
from jiandu_console.entrypoints.session import LANGUAGE_COOKIE, TOKEN_COOKIE
from jiandu_console.service_layer.deputy_search import (
    PAGE_SIZE,
    SearchQuery,
    read_query,
    results,
)
from jiandu_shared.web.auth import Role, mint_token

WANG = {
    "public_code": "AB12CD34",
    "active": True,
    "name": "王芳",
    "level": "county",
    "constituency": "第三选区",
    "term": 18,
    "phone": "13800138000",
}


def test_the_query_is_read_forgivingly_and_refused_plainly() -> None:
    assert read_query("  王   芳 ") == SearchQuery("王 芳", "", 1, {})
    assert read_query("王", "city", "3") == SearchQuery("王", "city", 3, {})
    assert not read_query("").asked and not read_query(None).asked
    assert read_query("", "county").asked
    assert read_query("x" * 101).errors == {"q": "search.too_long"}
    assert read_query("x" * 101).text == "x" * 100
    assert read_query("王", "galactic").errors == {"level": "search.bad_level"}
    for bad in ("0", "-1", "first", "²", "10001", "9" * 30):
        assert read_query("王", page=bad).errors == {"page": "search.bad_page"}, bad


def test_the_service_is_asked_for_one_page_of_the_search() -> None:
    assert read_query("王", "county", "2").params() == {
        "q": "王",
        "level": "county",
        "page": 2,
        "limit": PAGE_SIZE,
    }
    assert read_query("", "city").params() == {"level": "city", "page": 1, "limit": PAGE_SIZE}


def test_results_link_each_deputy_and_page_through() -> None:
    query = read_query("王 芳", "county", "2")
    answer = {"items": [WANG], "total": 45, "limit": 20, "offset": 20, "page": 2}
    found = results(answer, query)
    assert [(f.name, f.href, f.term) for f in found.items] == [
        ("王芳", "/portal/deputies/AB12CD34", 18)
    ]
    assert (found.total, found.page, found.pages) == (45, 2, 3)
    assert found.previous == "/portal/deputies?q=%E7%8E%8B+%E8%8A%B3&level=county"
    assert found.next == "/portal/deputies?q=%E7%8E%8B+%E8%8A%B3&level=county&page=3"
    last = results({**answer, "page": 3, "items": []}, read_query("王", page="3"))
    assert last.next is None and last.previous is not None
    none = results({"items": [], "total": 0, "limit": 20, "page": 1}, read_query("张"))
    assert (none.items, none.pages, none.previous, none.next) == ([], 1, None, None)


def fake_deputies(calls: list[httpx.Request]) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        if request.url.path == "/public/deputies":
            q = request.url.params.get("q", "")
            if len(q) > 100:
                return httpx.Response(
                    422, json={"title": "Invalid", "errors": [{"field": "q", "message": "long"}]}
                )
            items = [WANG] if q in ("王", "第三") else []
            page = int(request.url.params.get("page", "1"))
            body: dict[str, Any] = {
                "items": items,
                "total": len(items),
                "limit": 20,
                "offset": 0,
                "page": page,
            }
            return httpx.Response(200, json=body)
        return httpx.Response(404, json={"title": "Not Found"})

    return httpx.MockTransport(handle)


@pytest.fixture
async def portal() -> AsyncIterator[tuple[httpx.AsyncClient, list[httpx.Request]]]:
    calls: list[httpx.Request] = []
    app = bootstrap(ConsoleSettings(), transports={"deputies": fake_deputies(calls)})
    secret = ConsoleSettings().platform.auth_secret
    staff = str(mint_token(secret, "someone", Role.COMMITTEE_STAFF, None))
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://console",
            cookies={TOKEN_COOKIE: staff},
        ) as client,
    ):
        yield client, calls


async def test_the_portal_lists_matches_with_links_and_asks_without_a_token(
    portal: tuple[httpx.AsyncClient, list[httpx.Request]],
) -> None:
    client, calls = portal
    home = await client.get("/portal")
    assert 'id="deputy-find"' in home.text and 'id="deputy-search"' in home.text
    assert 'name="q"' in home.text and 'maxlength="100"' in home.text
    page = await client.get("/portal/deputies", params={"q": " 王 ", "level": ""})
    assert page.status_code == 200
    assert 'href="/portal/deputies/AB12CD34"' in page.text and "第三选区" in page.text
    assert 'id="deputy-results-empty"' not in page.text
    assert 'value="王"' in page.text  # the search is kept in the form
    assert calls[-1].url.params["q"] == "王" and "level" not in calls[-1].url.params
    assert all("authorization" not in c.headers for c in calls)


async def test_nothing_found_is_said_plainly(
    portal: tuple[httpx.AsyncClient, list[httpx.Request]],
) -> None:
    client, _calls = portal
    page = await client.get("/portal/deputies", params={"q": "张三"})
    assert page.status_code == 200
    assert 'id="deputy-results-empty"' in page.text and "没有找到代表" in page.text
    client.cookies.set(LANGUAGE_COOKIE, "en")
    english = await client.get("/portal/deputies", params={"q": "张三"})
    assert "No deputy found." in english.text and "Name or constituency" in english.text


async def test_mistakes_are_shown_next_to_the_field_without_asking_the_service(
    portal: tuple[httpx.AsyncClient, list[httpx.Request]],
) -> None:
    client, calls = portal
    empty = await client.get("/portal/deputies", params={"q": "  "})
    assert empty.status_code == 422
    assert 'id="error-q"' in empty.text and "请输入代表姓名或选区" in empty.text
    long = await client.get("/portal/deputies", params={"q": "x" * 300})
    assert long.status_code == 422 and "最多输入100个字" in long.text
    level = await client.get("/portal/deputies", params={"q": "王", "level": "galactic"})
    assert level.status_code == 422 and 'id="error-level"' in level.text
    page = await client.get("/portal/deputies", params={"q": "王", "page": "zero"})
    assert page.status_code == 422 and 'id="error-page"' in page.text
    assert calls == []
    # The code lookup still works beside the search.
    by_code = await client.get("/portal/deputies", params={"code": "AB12CD34"})
    assert by_code.status_code == 303
    assert by_code.headers["location"] == "/portal/deputies/AB12CD34"
