"""Events of liaison stations (代表联络站), their star rating, dual contact (双联系) and
deputies' performance (履职"五个一").

Identifiers and facts only: voters' names and contact data, and what a citizen raised in a
contact, stay in the deputies service.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from pydantic import Field

from jiandu_shared.contracts.envelope import Classification, EventData

# --- Liaison stations (代表联络站 / 代表之家 / 联络点) -----------------------------------------


class StationKind(StrEnum):
    LIAISON_STATION = "liaison_station"  # 代表联络站
    DEPUTIES_HOME = "deputies_home"  # 人大代表之家
    CONTACT_POINT = "contact_point"  # 代表联络点 / 实践点
    PRACTICE_BASE = "practice_base"  # 全过程人民民主实践基地


class StationLevel(StrEnum):
    COUNTY = "county"  # 县(市、区)级
    TOWNSHIP = "township"  # 乡镇(街道)级
    COMMUNITY = "community"  # 村(社区)级


class SixHavesItem(StrEnum):
    """The "six haves" construction standard (六有) of a station."""

    VENUE = "venue"  # 有场所
    SIGN = "sign"  # 有牌子(标识)
    RULES = "rules"  # 有制度
    STAFF = "staff"  # 有人员
    ACTIVITIES = "activities"  # 有活动
    RECORDS = "records"  # 有台账(档案)


class StationActivityKind(StrEnum):
    RECEPTION = "reception"  # 进站接待选民
    DELIBERATION_DAY = "deliberation_day"  # 议政日
    CONSULTATION = "consultation"  # 协商议事 (e.g. 腾飞夜话)
    INSPECTION = "inspection"  # 视察、调研、执法检查 (三查(察))
    ONLINE_REPLY = "online_reply"  # 网上代表联络站答复
    PUBLICITY = "publicity"  # 宣讲
    TRAINING = "training"  # 学习培训


class _StationEvent(EventData):
    station_id: uuid.UUID

    def aggregate_key(self) -> str:
        return f"station:{self.station_id}"


class StationEstablished(_StationEvent):
    """A liaison station, deputies' home or contact point was registered."""

    event_type = "deputies.station.established"
    classification = Classification.PUBLIC

    station_name: str = Field(min_length=1, max_length=100)
    kind: StationKind
    level: StationLevel
    parent_id: uuid.UUID | None


class StationDeputiesAssigned(_StationEvent):
    """The deputies who work at a station (编组进站) were set."""

    event_type = "deputies.station.deputies_assigned"
    classification = Classification.PUBLIC

    deputy_ids: tuple[uuid.UUID, ...]
    added: tuple[uuid.UUID, ...]
    removed: tuple[uuid.UUID, ...]


class StationChecklistChecked(_StationEvent):
    """One item of the six haves (六有) was checked at a station."""

    event_type = "deputies.station.checklist_checked"

    item: SixHavesItem
    met: bool
    checked_by: str = Field(min_length=1, max_length=100)
    checked_on: date
    items_met: int = Field(ge=0, le=6)


class StationActivityRecorded(_StationEvent):
    """An activity held at a station went into its activity log (活动台账)."""

    event_type = "deputies.station.activity_recorded"

    activity_id: uuid.UUID
    kind: StationActivityKind
    held_on: date
    deputy_ids: tuple[uuid.UUID, ...]
    citizens_received: int = Field(ge=0)
    opinions_collected: int = Field(ge=0)
    opinions_handled: int = Field(ge=0)


class StationRatingIndexSet(EventData):
    """Staff set a new version of the star-rating index (星级评选评价指标体系)."""

    event_type = "deputies.station_rating_index.set"

    version: int = Field(ge=1)
    set_by: str = Field(min_length=1, max_length=100)

    def aggregate_key(self) -> str:
        return "station_rating_index"


class StationRatingPublished(_StationEvent):
    """A station's star rating (星级) for a year was computed and published."""

    event_type = "deputies.station_rating.published"
    classification = Classification.PUBLIC

    rating_id: uuid.UUID
    year: int = Field(ge=2000, le=2100)
    index_version: int = Field(ge=0, description="0: the built-in default index")
    total_points: str = Field(pattern=r"^\d{1,3}(\.\d{1,2})?$", description="0 to 100")
    stars: int = Field(ge=0, le=5)


# --- Dual contact (双联系) ---------------------------------------------------------------------


class ContactLinkKind(StrEnum):
    MEMBER_DEPUTY = "member_deputy"  # 常委会组成人员联系代表
    DEPUTY_VOTER = "deputy_voter"  # 代表联系选民


class ContactChannel(StrEnum):
    VISIT = "visit"  # 走访
    PHONE = "phone"
    MEETING = "meeting"  # 座谈
    STATION = "station"  # 进站接待
    ONLINE = "online"
    LETTER = "letter"


class CommitteeMemberRegistered(EventData):
    """A standing committee member (常委会组成人员) joined the dual-contact registry."""

    event_type = "deputies.committee_member.registered"

    member_id: uuid.UUID

    def aggregate_key(self) -> str:
        return f"committee_member:{self.member_id}"


class VoterRegistered(EventData):
    """A voter was registered for dual contact; name and contact data stay in the service."""

    event_type = "deputies.voter.registered"

    voter_id: uuid.UUID
    vulnerable: bool = Field(description="鳏寡孤独、残疾人: contacted first")

    def aggregate_key(self) -> str:
        return f"voter:{self.voter_id}"


class _ContactLinkEvent(EventData):
    link_id: uuid.UUID
    kind: ContactLinkKind
    contactor_id: uuid.UUID = Field(description="The member (or deputy) who makes contact")
    contactee_id: uuid.UUID = Field(description="The deputy (or voter) contacted")

    def aggregate_key(self) -> str:
        return f"contact_link:{self.link_id}"


class ContactLinkAssigned(_ContactLinkEvent):
    """A member was linked to a deputy, or a deputy to a voter (双联系)."""

    event_type = "deputies.contact_link.assigned"


class ContactLinkEnded(_ContactLinkEvent):
    """A dual-contact link was ended."""

    event_type = "deputies.contact_link.ended"


class ContactRecorded(EventData):
    """A contact along a dual-contact link took place (what was raised stays in the service)."""

    event_type = "deputies.contact.recorded"

    record_id: uuid.UUID
    link_id: uuid.UUID
    kind: ContactLinkKind
    contactor_id: uuid.UUID
    contactee_id: uuid.UUID
    contacted_on: date
    channel: ContactChannel

    def aggregate_key(self) -> str:
        return f"contact_link:{self.link_id}"


# --- Performance (履职"五个一"量化考评) ------------------------------------------------------


class DeputyActivityKind(StrEnum):
    VOTER_VISIT = "voter_visit"  # 走访选民
    DELIBERATION_DAY = "deliberation_day"  # 议政日
    INSPECTION = "inspection"  # 视察、调研、执法检查
    REPORT_TO_VOTERS = "report_to_voters"  # 述职
    SUGGESTION = "suggestion"  # 提出建议 (derived from the deputy suggestions submitted)
    TRAINING = "training"  # 学习培训
    MEETING_ATTENDANCE = "meeting_attendance"  # 出席会议
    ABSENCE = "absence"  # 无故缺席 (a deduction)
    # Derived from data recorded elsewhere in this service, never recorded directly:
    STATION_DUTY = "station_duty"  # present at a station activity (进站履职)
    VOTER_CONTACT = "voter_contact"  # a dual-contact record with a linked voter
    OPINION_ANSWERED = "opinion_answered"  # a citizen's opinion responded to (码上答/即转)


class DeputyActivityRecorded(EventData):
    """A deputy's activity (履职活动) was recorded."""

    event_type = "deputies.deputy_activity.recorded"

    activity_id: uuid.UUID
    deputy_id: uuid.UUID
    kind: DeputyActivityKind
    held_on: date

    def aggregate_key(self) -> str:
        return f"deputy:{self.deputy_id}"


class PerformanceRulesSet(EventData):
    """Staff set a new version of the performance scoring rules (履职量化考评办法)."""

    event_type = "deputies.performance_rules.set"

    version: int = Field(ge=1)
    set_by: str = Field(min_length=1, max_length=100)

    def aggregate_key(self) -> str:
        return "performance_rules"


class PerformanceScorePublished(EventData):
    """A deputy's yearly performance score was computed and published."""

    event_type = "deputies.performance_score.published"

    score_id: uuid.UUID
    deputy_id: uuid.UUID
    year: int = Field(ge=2000, le=2100)
    rules_version: int = Field(ge=0, description="0: the built-in default rules")
    total_points: str = Field(pattern=r"^-?\d{1,4}(\.\d{1,2})?$")
    published_at: datetime

    def aggregate_key(self) -> str:
        return f"deputy:{self.deputy_id}"
