"""Finding a deputy in the citizen portal (找代表): the query a citizen typed, and the pages.

Pure: the portal page reads the query string here, asks the deputies service's public search
(``GET /public/deputies``) with :func:`SearchQuery.params`, and turns its answer into the
results and the pager with :func:`results`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

# The deputies service's limits (GET /public/deputies), mirrored so a citizen's mistake is
# shown next to the field instead of travelling to the service.
MAX_TEXT = 100
MAX_PAGE = 10_000
PAGE_SIZE = 20
LEVELS = ("national", "provincial", "city", "county", "township")


@dataclass(frozen=True)
class SearchQuery:
    """What a citizen asked: ``text`` (part of a name or constituency), a level, a page.

    ``errors`` maps a form field to a label key (``search.too_long``…), empty when valid.
    """

    text: str = ""
    level: str = ""
    page: int = 1
    errors: Mapping[str, str] = field(default_factory=dict)

    @property
    def asked(self) -> bool:
        return bool(self.text or self.level)

    def params(self) -> dict[str, str | int]:
        params: dict[str, str | int] = {"page": self.page, "limit": PAGE_SIZE}
        if self.text:
            params["q"] = self.text
        if self.level:
            params["level"] = self.level
        return params

    def link(self, page: int) -> str:
        """The portal address of another page of the same search."""
        query: dict[str, str | int] = {"q": self.text}
        if self.level:
            query["level"] = self.level
        if page > 1:
            query["page"] = page
        return "/portal/deputies?" + urlencode(query)


def read_query(q: str | None, level: str | None = None, page: str | None = None) -> SearchQuery:
    """The search as typed: blanks squeezed, an unknown level or page number refused."""
    text = " ".join((q or "").split())
    chosen = (level or "").strip()
    errors: dict[str, str] = {}
    if len(text) > MAX_TEXT:
        errors["q"] = "search.too_long"
        text = text[:MAX_TEXT]
    if chosen and chosen not in LEVELS:
        errors["level"] = "search.bad_level"
        chosen = ""
    number = 1
    raw = (page or "").strip()
    if raw:
        if raw.isascii() and raw.isdigit() and len(raw) <= 6 and 1 <= int(raw) <= MAX_PAGE:
            number = int(raw)
        else:
            errors["page"] = "search.bad_page"
    return SearchQuery(text, chosen, number, errors)


@dataclass(frozen=True)
class Found:
    """A deputy in the results: what the list shows and where the link goes."""

    code: str
    name: str
    level: str
    constituency: str
    term: int | None
    href: str


@dataclass(frozen=True)
class Results:
    items: list[Found]
    total: int
    page: int
    pages: int
    previous: str | None
    next: str | None


def results(answer: Mapping[str, Any], query: SearchQuery) -> Results:
    """The service's page of public cards as the portal lists them, with the pager links."""
    items = [
        Found(
            code=str(card["public_code"]),
            name=str(card["name"]),
            level=str(card["level"]),
            constituency=str(card["constituency"]),
            term=card.get("term"),
            href="/portal/deputies/" + quote(str(card["public_code"]), safe=""),
        )
        for card in answer.get("items", [])
    ]
    total = int(answer.get("total", len(items)))
    limit = max(1, int(answer.get("limit", PAGE_SIZE)))
    page = int(answer.get("page", query.page))
    pages = max(1, -(-total // limit))
    return Results(
        items=items,
        total=total,
        page=page,
        pages=pages,
        previous=query.link(page - 1) if page > 1 else None,
        next=query.link(page + 1) if page < pages else None,
    )
