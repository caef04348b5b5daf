"""Legislative contact points (基层立法联系点) in the domain: drafts, per-article counts, packages."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from jiandu_deputies.domain.legislation import (
    ContactPoint,
    ContributorKind,
    DraftLaw,
    LegislatureLevel,
    OpinionPackage,
    PackageState,
)
from jiandu_shared.contracts.deputies.legislation import ArticleCount, OpinionPackageForwarded
from jiandu_shared.errors import Conflict, InvalidTransition, RuleViolation

NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)


def package(deadline: date = date(2026, 12, 31), articles: int = 3) -> OpinionPackage:
    point = ContactPoint.register(
        name="程河镇", level=LegislatureLevel.NATIONAL, legislature="全国人大常委会法工委", now=NOW
    )
    law = DraftLaw.receive(
        title="草案",
        legislature="全国人大常委会",
        level=LegislatureLevel.NATIONAL,
        opinion_deadline=deadline,
        articles=[(n, f"第{n}条") for n in range(1, articles + 1)],
        now=NOW,
    )
    return law.open_consultation(point, now=NOW)


def collect(
    p: OpinionPackage, article: int | None, kind: ContributorKind = ContributorKind.CITIZEN
) -> None:
    p.collect(
        article_number=article,
        text="意见",
        contributor_kind=kind,
        deputy_id=uuid.uuid4() if kind is ContributorKind.DEPUTY else None,
        contributor_contact="13800000000",
        now=NOW,
    )


def test_counts_per_article_whole_draft_first_then_in_article_order() -> None:
    p = package()
    for article in (3, None, 1, 3, 3, None):
        collect(p, article)
    assert p.per_article() == [
        ArticleCount(article_number=None, opinions=2),
        ArticleCount(article_number=1, opinions=1),
        ArticleCount(article_number=3, opinions=3),
    ]


def test_forwarding_closes_the_package_and_says_the_counts() -> None:
    p = package()
    collect(p, 1)
    collect(p, 2, ContributorKind.EXPERT)
    collect(p, 2, ContributorKind.DEPUTY)
    p.events.clear()
    p.forward(now=NOW, by="staff-1")
    assert p.state is PackageState.FORWARDED
    (event,) = p.events
    assert isinstance(event, OpinionPackageForwarded)
    assert event.total_opinions == 3
    assert [(c.article_number, c.opinions) for c in event.per_article] == [(1, 1), (2, 2)]
    assert event.per_contributor_kind == {
        ContributorKind.CITIZEN: 1,
        ContributorKind.EXPERT: 1,
        ContributorKind.DEPUTY: 1,
    }
    assert "13800000000" not in event.model_dump_json()
    with pytest.raises(InvalidTransition):
        collect(p, 1)
    with pytest.raises(InvalidTransition):
        p.forward(now=NOW, by="staff-1")


def test_an_empty_package_forwards_with_zero_counts() -> None:
    p = package()
    p.forward(now=NOW, by="staff-1")
    event = p.events[-1]
    assert isinstance(event, OpinionPackageForwarded)
    assert (event.total_opinions, event.per_article) == (0, [])


def test_opinions_stay_within_the_draft_and_the_deadline() -> None:
    p = package(deadline=date(2026, 12, 8), articles=2)
    with pytest.raises(RuleViolation):
        collect(p, 3)
    with pytest.raises(RuleViolation):
        p.collect(article_number=1, text="x", contributor_kind=ContributorKind.DEPUTY, now=NOW)
    with pytest.raises(Conflict):
        p.collect(
            article_number=1,
            text="x",
            contributor_kind=ContributorKind.CITIZEN,
            now=NOW + timedelta(days=2),
        )


def test_drafts_need_articles_numbered_without_gaps() -> None:
    def receive(articles: list[tuple[int, str]], deadline: date = date(2026, 12, 31)) -> DraftLaw:
        return DraftLaw.receive(
            title="t",
            legislature="l",
            level=LegislatureLevel.CITY,
            opinion_deadline=deadline,
            articles=articles,
            now=NOW,
        )

    assert [a.number for a in receive([(2, "b"), (1, "a")]).articles] == [1, 2]
    for bad in ([], [(1, "a"), (1, "b")], [(2, "b")], [(1, " ")]):
        with pytest.raises(RuleViolation):
            receive(bad)
    with pytest.raises(RuleViolation):
        receive([(1, "a")], deadline=date(2026, 12, 6))
