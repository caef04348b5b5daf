"""Liaison stations (代表联络站、人大代表之家、代表联络点/实践点), the six haves and the activity log.

Xiangzhou builds, manages and uses its stations (建好、管好、用好代表联络站) and rates them by
stars from an evaluation index (星级评选); Changji builds its "deputies' homes" to the "six
haves" standard (六有) at county, township and community level. A station has the deputies
assigned to it (编组进站), a checklist of the six haves with who checked each item and when,
and an activity log (活动台账): what was held, which deputies were there, how many citizens
came, how many opinions were collected and handled.

The seed names the "six haves" standard without listing it; the six used here are the usual
reading of it: a venue, a sign, rules, staff, activities and records (有场所、有牌子、有制度、
有人员、有活动、有台账).

Opinions handled, replied in time and satisfaction come from the figures recorded on the
activity log, not from the opinions area: citizens' opinions there reach a deputy by code and
are not tied to a station.

Pure domain: no framework imports. Aggregates collect the events they raise in ``events``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from jiandu_shared.calendar import aware_utc
from jiandu_shared.contracts import EventData
from jiandu_shared.contracts.deputies.stations import (
    SixHavesItem,
    StationActivityKind,
    StationActivityRecorded,
    StationChecklistChecked,
    StationDeputiesAssigned,
    StationEstablished,
    StationKind,
    StationLevel,
)
from jiandu_shared.errors import RuleViolation

SIX_HAVES_LABELS: dict[SixHavesItem, str] = {
    SixHavesItem.VENUE: "有场所",
    SixHavesItem.SIGN: "有牌子",
    SixHavesItem.RULES: "有制度",
    SixHavesItem.STAFF: "有人员",
    SixHavesItem.ACTIVITIES: "有活动",
    SixHavesItem.RECORDS: "有台账",
}

MAX_DEPUTIES_PER_STATION = 500


def _text(value: str, what: str, longest: int) -> str:
    value = value.strip()
    if not value or len(value) > longest:
        raise RuleViolation(f"{what} needs 1 to {longest} characters")
    return value


@dataclass(eq=False)
class ChecklistCheck:
    """One check of one of the six haves: who looked, when, and whether it was met."""

    id: uuid.UUID
    station_id: uuid.UUID
    item: SixHavesItem
    met: bool
    checked_by: str
    checked_on: date
    note: str | None
    recorded_at: datetime


@dataclass(frozen=True)
class ChecklistStatus:
    """The six haves as the latest check of each item (up to a day) leaves them."""

    latest: dict[SixHavesItem, ChecklistCheck]

    @property
    def items_met(self) -> int:
        return sum(1 for check in self.latest.values() if check.met)

    @property
    def complete(self) -> bool:
        return self.items_met == len(SixHavesItem)


class LiaisonStation:
    """A liaison station (代表联络站), deputies' home (代表之家) or contact point (联络点)."""

    WHAT = "liaison station"

    def __init__(
        self,
        *,
        id: uuid.UUID,
        name: str,
        kind: StationKind,
        level: StationLevel,
        parent_id: uuid.UUID | None,
        address: str | None,
        deputy_ids: list[uuid.UUID],
        created_at: datetime,
        checks: list[ChecklistCheck] | None = None,
    ) -> None:
        self.id = id
        self.name = name
        self.kind = kind
        self.level = level
        self.parent_id = parent_id
        self.address = address
        self.deputy_ids = deputy_ids
        self.created_at = created_at
        self.checks: list[ChecklistCheck] = checks if checks is not None else []
        self.events: list[EventData] = []

    @classmethod
    def establish(
        cls,
        *,
        name: str,
        kind: StationKind,
        level: StationLevel,
        parent: LiaisonStation | None = None,
        address: str | None = None,
        now: datetime,
    ) -> LiaisonStation:
        if parent is not None and _rank(parent.level) <= _rank(level):
            raise RuleViolation(
                f"a {level} station cannot sit under a {parent.level} station "
                "(county > township > community)"
            )
        station = cls(
            id=uuid.uuid4(),
            name=_text(name, "a station's name", 100),
            kind=kind,
            level=level,
            parent_id=None if parent is None else parent.id,
            address=None if address is None else _text(address, "an address", 200),
            deputy_ids=[],
            created_at=aware_utc(now),
        )
        station.events.append(
            StationEstablished(
                station_id=station.id,
                station_name=station.name,
                kind=kind,
                level=level,
                parent_id=station.parent_id,
            )
        )
        return station

    # --- deputies at the station ---------------------------------------------------------

    def assign_deputies(self, deputy_ids: Iterable[uuid.UUID]) -> None:
        """Set the deputies of the station (replacing the list); raises an event on change."""
        wanted = list(dict.fromkeys(deputy_ids))
        if len(wanted) > MAX_DEPUTIES_PER_STATION:
            raise RuleViolation(f"a station has at most {MAX_DEPUTIES_PER_STATION} deputies")
        added = [d for d in wanted if d not in self.deputy_ids]
        removed = [d for d in self.deputy_ids if d not in wanted]
        if not added and not removed:
            return
        self.deputy_ids = wanted
        self.events.append(
            StationDeputiesAssigned(
                station_id=self.id,
                deputy_ids=tuple(wanted),
                added=tuple(added),
                removed=tuple(removed),
            )
        )

    # --- the six haves (六有) --------------------------------------------------------------

    def check(
        self,
        item: SixHavesItem,
        *,
        met: bool,
        checked_by: str,
        checked_on: date,
        note: str | None,
        today: date,
        now: datetime,
    ) -> ChecklistCheck:
        if checked_on > today:
            raise RuleViolation(f"a check on {checked_on} is in the future")
        check = ChecklistCheck(
            id=uuid.uuid4(),
            station_id=self.id,
            item=item,
            met=met,
            checked_by=_text(checked_by, "who checked", 100),
            checked_on=checked_on,
            note=None if note is None else _text(note, "a note", 500),
            recorded_at=aware_utc(now),
        )
        self.checks.append(check)
        self.events.append(
            StationChecklistChecked(
                station_id=self.id,
                item=item,
                met=met,
                checked_by=check.checked_by,
                checked_on=checked_on,
                items_met=self.checklist().items_met,
            )
        )
        return check

    def checklist(self, as_of: date | None = None) -> ChecklistStatus:
        """The latest check of each item on or before ``as_of`` (all checks when None)."""
        latest: dict[SixHavesItem, ChecklistCheck] = {}
        for check in sorted(self.checks, key=lambda c: (c.checked_on, c.recorded_at)):
            if as_of is None or check.checked_on <= as_of:
                latest[check.item] = check
        return ChecklistStatus(latest)

    # --- the activity log (活动台账) -------------------------------------------------------

    def record_activity(
        self,
        *,
        kind: StationActivityKind,
        held_on: date,
        title: str,
        deputy_ids: Iterable[uuid.UUID],
        citizens_received: int,
        opinions_collected: int,
        opinions_handled: int,
        opinions_replied_in_time: int,
        satisfaction_responses: int,
        satisfied_responses: int,
        recorded_by: str,
        today: date,
        now: datetime,
    ) -> StationActivity:
        if held_on > today:
            raise RuleViolation(f"an activity held on {held_on} is in the future")
        present = list(dict.fromkeys(deputy_ids))
        counts = {
            "citizens_received": citizens_received,
            "opinions_collected": opinions_collected,
            "opinions_handled": opinions_handled,
            "opinions_replied_in_time": opinions_replied_in_time,
            "satisfaction_responses": satisfaction_responses,
            "satisfied_responses": satisfied_responses,
        }
        for name, value in counts.items():
            if value < 0:
                raise RuleViolation(f"{name} cannot be negative")
        if opinions_handled > opinions_collected:
            raise RuleViolation("more opinions handled than collected at this activity")
        if opinions_replied_in_time > opinions_handled:
            raise RuleViolation("more opinions replied in time than handled")
        if satisfied_responses > satisfaction_responses:
            raise RuleViolation("more satisfied responses than responses")
        activity = StationActivity(
            id=uuid.uuid4(),
            station_id=self.id,
            kind=kind,
            held_on=held_on,
            title=_text(title, "an activity's title", 200),
            deputy_ids=present,
            citizens_received=citizens_received,
            opinions_collected=opinions_collected,
            opinions_handled=opinions_handled,
            opinions_replied_in_time=opinions_replied_in_time,
            satisfaction_responses=satisfaction_responses,
            satisfied_responses=satisfied_responses,
            recorded_by=_text(recorded_by, "who recorded", 100),
            recorded_at=aware_utc(now),
        )
        activity.events.append(
            StationActivityRecorded(
                station_id=self.id,
                activity_id=activity.id,
                kind=kind,
                held_on=held_on,
                deputy_ids=tuple(present),
                citizens_received=citizens_received,
                opinions_collected=opinions_collected,
                opinions_handled=opinions_handled,
            )
        )
        return activity


def _rank(level: StationLevel) -> int:
    return {StationLevel.COUNTY: 3, StationLevel.TOWNSHIP: 2, StationLevel.COMMUNITY: 1}[level]


class StationActivity:
    """One entry of a station's activity log (活动台账).

    Opinions handled, replies in time and satisfaction are the figures recorded here by the
    station: the opinions area does not yet tie its opinions to stations.
    """

    WHAT = "station activity"

    def __init__(
        self,
        *,
        id: uuid.UUID,
        station_id: uuid.UUID,
        kind: StationActivityKind,
        held_on: date,
        title: str,
        deputy_ids: list[uuid.UUID],
        citizens_received: int,
        opinions_collected: int,
        opinions_handled: int,
        opinions_replied_in_time: int,
        satisfaction_responses: int,
        satisfied_responses: int,
        recorded_by: str,
        recorded_at: datetime,
    ) -> None:
        self.id = id
        self.station_id = station_id
        self.kind = kind
        self.held_on = held_on
        self.title = title
        self.deputy_ids = deputy_ids
        self.citizens_received = citizens_received
        self.opinions_collected = opinions_collected
        self.opinions_handled = opinions_handled
        self.opinions_replied_in_time = opinions_replied_in_time
        self.satisfaction_responses = satisfaction_responses
        self.satisfied_responses = satisfied_responses
        self.recorded_by = recorded_by
        self.recorded_at = recorded_at
        self.events: list[EventData] = []
