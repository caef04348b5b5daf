"""Grassroots legislative contact points (基层立法联系点; Xiangzhou article of the seed).

Legislatures (national, provincial, city) send draft laws to contact points for consultation.
At each point the opinions of citizens, experts and deputies are collected per article and
forwarded "原汁原味" to the legislature as one package ("直通车"); after forwarding the package
takes no more opinions. Seed: 19 points, 17 laws, 27 opinions.

A contributor's name and contact are personal data: stored for staff to follow up, never put
in an event. Pure domain: no framework imports.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from jiandu_shared.calendar import aware_utc, local_date
from jiandu_shared.contracts import EventData
from jiandu_shared.contracts.deputies.legislation import (
    ArticleCount,
    ConsultationOpened,
    ContactPointRegistered,
    ContributorKind,
    DraftLawReceived,
    LegislativeOpinionCollected,
    LegislatureLevel,
    OpinionPackageForwarded,
)
from jiandu_shared.errors import Conflict, RuleViolation
from jiandu_shared.state_machine import TransitionTable

__all__ = [
    "Article",
    "ContactPoint",
    "ContributorKind",
    "DraftLaw",
    "LegislativeOpinion",
    "LegislatureLevel",
    "OpinionPackage",
    "PackageState",
    "count_per_article",
]

MAX_ARTICLES = 500


def _text(value: str, what: str, limit: int) -> str:
    value = value.strip()
    if not value or len(value) > limit:
        raise RuleViolation(f"{what} must have 1 to {limit} characters")
    return value


class ContactPoint:
    """A grassroots legislative contact point (基层立法联系点), serving one legislature."""

    WHAT = "legislative contact point"

    def __init__(
        self,
        *,
        id: uuid.UUID,
        name: str,
        level: LegislatureLevel,
        legislature: str,
        registered_at: datetime,
        station_id: uuid.UUID | None = None,
        address: str | None = None,
    ) -> None:
        self.id = id
        self.name = name
        self.level = level
        self.legislature = legislature
        self.registered_at = registered_at
        self.station_id = station_id
        self.address = address
        self.events: list[EventData] = []

    @classmethod
    def register(
        cls,
        *,
        name: str,
        level: LegislatureLevel,
        legislature: str,
        now: datetime,
        station_id: uuid.UUID | None = None,
        address: str | None = None,
    ) -> ContactPoint:
        point = cls(
            id=uuid.uuid4(),
            name=_text(name, "the name", 200),
            level=LegislatureLevel(level),
            legislature=_text(legislature, "the legislature", 200),
            registered_at=aware_utc(now),
            station_id=station_id,
            address=address.strip() or None if address else None,
        )
        point.events.append(
            ContactPointRegistered(
                contact_point_id=point.id,
                point_name=point.name,
                level=point.level,
                legislature=point.legislature,
                station_id=station_id,
            )
        )
        return point


@dataclass
class Article:
    """One numbered article (条) of a draft law as sent for consultation."""

    number: int
    text: str


class DraftLaw:
    """A draft law received for consultation (法律法规草案征求意见稿)."""

    WHAT = "draft law"

    def __init__(
        self,
        *,
        id: uuid.UUID,
        title: str,
        legislature: str,
        level: LegislatureLevel,
        opinion_deadline: date,
        received_at: datetime,
        articles: list[Article],
    ) -> None:
        self.id = id
        self.title = title
        self.legislature = legislature
        self.level = level
        self.opinion_deadline = opinion_deadline
        self.received_at = received_at
        self.articles = articles
        self.events: list[EventData] = []

    @classmethod
    def receive(
        cls,
        *,
        title: str,
        legislature: str,
        level: LegislatureLevel,
        opinion_deadline: date,
        articles: list[tuple[int, str]],
        now: datetime,
    ) -> DraftLaw:
        now = aware_utc(now)
        if opinion_deadline < local_date(now):
            raise RuleViolation(
                f"the deadline for opinions ({opinion_deadline}) has already passed"
            )
        if not articles:
            raise RuleViolation("a draft law needs at least one article")
        if len(articles) > MAX_ARTICLES:
            raise RuleViolation(f"a draft law has at most {MAX_ARTICLES} articles here")
        numbers = [n for n, _ in articles]
        if sorted(numbers) != list(range(1, len(numbers) + 1)):
            raise RuleViolation("articles must be numbered 1, 2, 3 … without gaps or repeats")
        law = cls(
            id=uuid.uuid4(),
            title=_text(title, "the title", 200),
            legislature=_text(legislature, "the legislature", 200),
            level=LegislatureLevel(level),
            opinion_deadline=opinion_deadline,
            received_at=now,
            articles=[
                Article(number=n, text=_text(t, f"article {n}", 10_000))
                for n, t in sorted(articles)
            ],
        )
        law.events.append(
            DraftLawReceived(
                draft_law_id=law.id,
                title=law.title,
                legislature=law.legislature,
                level=law.level,
                article_count=len(law.articles),
                opinion_deadline=opinion_deadline,
            )
        )
        return law

    def has_article(self, number: int) -> bool:
        return any(a.number == number for a in self.articles)

    def open_consultation(self, point: ContactPoint, *, now: datetime) -> OpinionPackage:
        """Send the draft to a contact point: its package of opinions starts collecting."""
        if local_date(aware_utc(now)) > self.opinion_deadline:
            raise Conflict(
                f"the consultation on {self.WHAT} {self.id} closed on {self.opinion_deadline}"
            )
        return OpinionPackage.open(law=self, point=point, now=now)


@dataclass
class LegislativeOpinion:
    """One opinion on a draft law (or one of its articles) collected at a contact point.

    ``contributor_name``/``contributor_contact`` are personal data: staff only, never events.
    """

    id: uuid.UUID
    article_number: int | None
    text: str
    contributor_kind: ContributorKind
    contributor_name: str | None
    contributor_contact: str | None
    deputy_id: uuid.UUID | None
    collected_at: datetime
    collected_by: str | None


class PackageState(StrEnum):
    COLLECTING = "collecting"
    FORWARDED = "forwarded"  # 直通车: sent to the legislature, closed


class PackageAction(StrEnum):
    COLLECT = "collect"
    FORWARD = "forward"


TRANSITIONS: TransitionTable[PackageState, PackageAction] = TransitionTable(
    "opinion package",
    {
        PackageState.COLLECTING: {
            PackageAction.COLLECT: frozenset({PackageState.COLLECTING}),
            PackageAction.FORWARD: frozenset({PackageState.FORWARDED}),
        },
        PackageState.FORWARDED: {},
    },
)


def count_per_article(opinions: list[LegislativeOpinion]) -> list[ArticleCount]:
    """Opinions per article, in article order; the draft as a whole (None) first."""
    counts = Counter(o.article_number for o in opinions)
    order = sorted(counts, key=lambda n: (n is not None, n or 0))
    return [ArticleCount(article_number=n, opinions=counts[n]) for n in order]


def count_per_kind(opinions: list[LegislativeOpinion]) -> dict[ContributorKind, int]:
    counts = Counter(o.contributor_kind for o in opinions)
    return {kind: counts[kind] for kind in ContributorKind}


class OpinionPackage:
    """The opinions one contact point collects on one draft law, forwarded as one package."""

    WHAT = "opinion package"

    def __init__(
        self,
        *,
        id: uuid.UUID,
        draft_law_id: uuid.UUID,
        contact_point_id: uuid.UUID,
        legislature: str,
        opinion_deadline: date,
        article_count: int,
        opened_at: datetime,
        state: PackageState = PackageState.COLLECTING,
    ) -> None:
        self.id = id
        self.draft_law_id = draft_law_id
        self.contact_point_id = contact_point_id
        self.legislature = legislature
        self.opinion_deadline = opinion_deadline
        self.article_count = article_count
        self.opened_at = opened_at
        self.state = state
        self.forwarded_at: datetime | None = None
        self.forwarded_by: str | None = None
        self.cover_note: str | None = None
        self.opinions: list[LegislativeOpinion] = []
        self.events: list[EventData] = []

    @classmethod
    def open(cls, *, law: DraftLaw, point: ContactPoint, now: datetime) -> OpinionPackage:
        package = cls(
            id=uuid.uuid4(),
            draft_law_id=law.id,
            contact_point_id=point.id,
            legislature=law.legislature,
            opinion_deadline=law.opinion_deadline,
            article_count=len(law.articles),
            opened_at=aware_utc(now),
        )
        package.events.append(
            ConsultationOpened(
                package_id=package.id,
                draft_law_id=law.id,
                contact_point_id=point.id,
                opinion_deadline=law.opinion_deadline,
            )
        )
        return package

    def allowed_actions(self) -> frozenset[PackageAction]:
        return TRANSITIONS.allowed(self.state)

    def per_article(self) -> list[ArticleCount]:
        return count_per_article(self.opinions)

    def collect(
        self,
        *,
        article_number: int | None,
        text: str,
        contributor_kind: ContributorKind,
        now: datetime,
        contributor_name: str | None = None,
        contributor_contact: str | None = None,
        deputy_id: uuid.UUID | None = None,
        collected_by: str | None = None,
    ) -> LegislativeOpinion:
        """Record one opinion; refused once forwarded (409) or after the deadline (409)."""
        TRANSITIONS.require(self.state, PackageAction.COLLECT)
        now = aware_utc(now)
        if local_date(now) > self.opinion_deadline:
            raise Conflict(
                f"opinions on this draft were due by {self.opinion_deadline}; forward the package"
            )
        if article_number is not None and not 1 <= article_number <= self.article_count:
            raise RuleViolation(
                f"the draft has articles 1 to {self.article_count}, not {article_number}"
            )
        kind = ContributorKind(contributor_kind)
        if (kind is ContributorKind.DEPUTY) != (deputy_id is not None):
            raise RuleViolation("a deputy's opinion names the deputy (deputy_id), others do not")
        opinion = LegislativeOpinion(
            id=uuid.uuid4(),
            article_number=article_number,
            text=_text(text, "the opinion", 5000),
            contributor_kind=kind,
            contributor_name=contributor_name.strip() or None if contributor_name else None,
            contributor_contact=(
                contributor_contact.strip() or None if contributor_contact else None
            ),
            deputy_id=deputy_id,
            collected_at=now,
            collected_by=collected_by,
        )
        self.opinions.append(opinion)
        self.events.append(
            LegislativeOpinionCollected(
                package_id=self.id,
                draft_law_id=self.draft_law_id,
                contact_point_id=self.contact_point_id,
                opinion_id=opinion.id,
                article_number=article_number,
                contributor_kind=kind,
                deputy_id=deputy_id,
            )
        )
        return opinion

    def forward(self, *, now: datetime, by: str, note: str | None = None) -> None:
        """直通车: send the package to the legislature; it takes no more opinions after this."""
        TRANSITIONS.require(self.state, PackageAction.FORWARD)
        self.state = TRANSITIONS.move(self.state, PackageAction.FORWARD)
        self.forwarded_at = aware_utc(now)
        self.forwarded_by = by
        self.cover_note = note
        self.events.append(
            OpinionPackageForwarded(
                package_id=self.id,
                draft_law_id=self.draft_law_id,
                contact_point_id=self.contact_point_id,
                legislature=self.legislature,
                forwarded_at=self.forwarded_at,
                total_opinions=len(self.opinions),
                per_article=self.per_article(),
                per_contributor_kind=count_per_kind(self.opinions),
            )
        )
