"""Events of grassroots legislative contact points (基层立法联系点).

A legislature sends a draft law to contact points for consultation; each point collects
opinions per article from citizens, experts and deputies and forwards them to the legislature
as one package ("直通车"). Facts and identifiers only: a contributor's name and contact stay in
the deputies service.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from jiandu_shared.contracts.envelope import Classification, EventData


class LegislatureLevel(StrEnum):
    """The level of the legislature a contact point serves or a draft comes from."""

    NATIONAL = "national"  # 全国人大常委会(法工委)
    PROVINCIAL = "provincial"  # 省级人大常委会
    CITY = "city"  # 设区的市人大常委会


class ContributorKind(StrEnum):
    CITIZEN = "citizen"  # 群众
    EXPERT = "expert"  # 专家学者、律师
    DEPUTY = "deputy"  # 人大代表


class ContactPointRegistered(EventData):
    """A grassroots legislative contact point (基层立法联系点) was set up."""

    event_type = "deputies.contact_point.registered"
    classification = Classification.PUBLIC

    contact_point_id: uuid.UUID
    point_name: str = Field(min_length=1, max_length=200)
    level: LegislatureLevel
    legislature: str = Field(min_length=1, max_length=200)
    station_id: uuid.UUID | None = None

    def aggregate_key(self) -> str:
        return f"contact_point:{self.contact_point_id}"


class DraftLawReceived(EventData):
    """A draft law came in for consultation (征求意见稿), with its articles and deadline."""

    event_type = "deputies.draft_law.received"
    classification = Classification.PUBLIC

    draft_law_id: uuid.UUID
    title: str = Field(min_length=1, max_length=200)
    legislature: str = Field(min_length=1, max_length=200)
    level: LegislatureLevel
    article_count: int = Field(ge=1)
    opinion_deadline: date

    def aggregate_key(self) -> str:
        return f"draft_law:{self.draft_law_id}"


class _PackageEvent(EventData):
    classification = Classification.PUBLIC

    package_id: uuid.UUID
    draft_law_id: uuid.UUID
    contact_point_id: uuid.UUID

    def aggregate_key(self) -> str:
        return f"opinion_package:{self.package_id}"


class ConsultationOpened(_PackageEvent):
    """A contact point started collecting opinions on a draft law (one package per point)."""

    event_type = "deputies.opinion_package.opened"

    opinion_deadline: date


class LegislativeOpinionCollected(_PackageEvent):
    """An opinion on a draft law was collected at a contact point (no contributor data)."""

    event_type = "deputies.opinion_package.opinion_collected"
    classification = Classification.INTERNAL

    opinion_id: uuid.UUID
    article_number: int | None = Field(
        default=None, ge=1, description="None for an opinion on the draft as a whole"
    )
    contributor_kind: ContributorKind
    deputy_id: uuid.UUID | None = None


class ArticleCount(BaseModel):
    """How many opinions a package holds on one article (None: the draft as a whole)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    article_number: int | None = Field(default=None, ge=1)
    opinions: int = Field(ge=1)


class OpinionPackageForwarded(_PackageEvent):
    """A contact point forwarded its opinions on a draft law to the legislature as one
    package (直通车); nothing more can be added to it."""

    event_type = "deputies.opinion_package.forwarded"

    legislature: str = Field(min_length=1, max_length=200)
    forwarded_at: datetime
    total_opinions: int = Field(ge=0)
    per_article: list[ArticleCount]
    per_contributor_kind: dict[ContributorKind, int]
