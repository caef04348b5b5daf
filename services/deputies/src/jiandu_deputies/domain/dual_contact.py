"""Dual contact (双联系): standing committee members contact deputies, deputies contact voters.

Changji's rule: every member of the standing committee (常委会组成人员) is linked to 5
deputies, every deputy to 10 voters, "covering different industries, balancing age and
gender, considering professional skills" (涵盖不同行业、兼顾年龄性别、考虑专业技能), with the
vulnerable — widowers, widows, orphans, childless elderly and disabled people (鳏寡孤独、残疾人)
— contacted first.

The assignment is deterministic and explains itself (``assign``): vulnerable candidates go
first, then the rest in the order given. Each candidate goes to a group with room, chosen by

1. the fewest people placed so far (groups fill evenly),
2. then the largest diversity gain: how many of the candidate's traits (industry, age band,
   gender, each skill) the group does not have yet,
3. then, for a vulnerable candidate, the fewest vulnerable people in the group (spread them),
4. then the order the groups were given in.

Voters' names and contact data are personal: they never leave this service in an event, and
only staff, operators and the deputy linked to a voter see them.

Pure domain: no framework imports.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from jiandu_deputies.domain.registry import AgeBand, Gender, age_band, normalize_phone
from jiandu_shared.calendar import aware_utc
from jiandu_shared.contracts import EventData
from jiandu_shared.contracts.deputies.stations import (
    CommitteeMemberRegistered,
    ContactChannel,
    ContactLinkAssigned,
    ContactLinkEnded,
    ContactLinkKind,
    ContactRecorded,
    VoterRegistered,
)
from jiandu_shared.errors import Conflict, RuleViolation

MEMBER_DEPUTIES = 5  # 常委会组成人员每人联系 5 名代表
DEPUTY_VOTERS = 10  # 代表每人联系 10 名选民


class VulnerableCategory(StrEnum):
    WIDOWER = "widower"  # 鳏
    WIDOW = "widow"  # 寡
    ORPHAN = "orphan"  # 孤
    CHILDLESS_ELDERLY = "childless_elderly"  # 独
    DISABLED = "disabled"  # 残疾人


def _text(value: str | None, what: str, longest: int, required: bool = False) -> str | None:
    value = None if value is None else " ".join(value.split())
    if not value:
        if required:
            raise RuleViolation(f"{what} is required")
        return None
    if len(value) > longest:
        raise RuleViolation(f"{what} has at most {longest} characters")
    return value


class CommitteeMember:
    """A standing committee member (常委会组成人员) who contacts deputies.

    Kept here, not as a flag on deputies: a member need not be a deputy of the same level.
    A member's token subject is the member's id.
    """

    WHAT = "committee member"

    def __init__(
        self,
        *,
        id: uuid.UUID,
        name: str,
        title: str | None,
        deputy_id: uuid.UUID | None,
        registered_at: datetime,
    ) -> None:
        self.id = id
        self.name = name
        self.title = title
        self.deputy_id = deputy_id
        self.registered_at = registered_at
        self.events: list[EventData] = []

    @classmethod
    def register(
        cls, *, name: str, title: str | None, deputy_id: uuid.UUID | None, now: datetime
    ) -> CommitteeMember:
        member = cls(
            id=uuid.uuid4(),
            name=_text(name, "a member's name", 50, required=True) or "",
            title=_text(title, "a title", 100),
            deputy_id=deputy_id,
            registered_at=aware_utc(now),
        )
        member.events.append(CommitteeMemberRegistered(member_id=member.id))
        return member


class Voter:
    """A voter (选民) a deputy contacts; name, phone and address are personal data."""

    WHAT = "voter"

    def __init__(
        self,
        *,
        id: uuid.UUID,
        name: str,
        phone: str | None,
        address: str | None,
        gender: Gender | None,
        birth_year: int | None,
        industry: str | None,
        skills: list[str],
        vulnerable: list[VulnerableCategory],
        registered_at: datetime,
        priority: bool | None = None,
    ) -> None:
        self.id = id
        self.name = name
        self.phone = phone
        self.address = address
        self.gender = gender
        self.birth_year = birth_year
        self.industry = industry
        self.skills = skills
        self.vulnerable = vulnerable
        # Stored apart from the categories so lists can put the vulnerable first in SQL.
        self.priority = bool(vulnerable) if priority is None else priority
        self.registered_at = registered_at
        self.events: list[EventData] = []

    @classmethod
    def register(
        cls,
        *,
        name: str,
        phone: str | None,
        address: str | None,
        gender: Gender | None,
        birth_year: int | None,
        industry: str | None,
        skills: Iterable[str],
        vulnerable: Iterable[VulnerableCategory],
        today: date,
        now: datetime,
    ) -> Voter:
        stored_phone = None
        if phone is not None and phone.strip():
            stored_phone = normalize_phone(phone)
            if stored_phone is None:
                raise RuleViolation(f"{phone!r} is not a mobile or landline number (区号-号码)")
        if birth_year is not None and not 1900 <= birth_year <= today.year - 18:
            raise RuleViolation(f"birth year {birth_year} is not a voter's (18 or older)")
        kept_skills = list(dict.fromkeys(s for s in (_text(s, "a skill", 30) for s in skills) if s))
        voter = cls(
            id=uuid.uuid4(),
            name=_text(name, "a voter's name", 50, required=True) or "",
            phone=stored_phone,
            address=_text(address, "an address", 200),
            gender=gender,
            birth_year=birth_year,
            industry=_text(industry, "an industry", 50),
            skills=kept_skills,
            vulnerable=list(dict.fromkeys(VulnerableCategory(v) for v in vulnerable)),
            registered_at=aware_utc(now),
        )
        voter.events.append(VoterRegistered(voter_id=voter.id, vulnerable=voter.is_vulnerable))
        return voter

    @property
    def is_vulnerable(self) -> bool:
        return self.priority

    def profile(self) -> Profile:
        return Profile(
            id=self.id,
            industry=self.industry,
            gender=self.gender,
            birth_year=self.birth_year,
            skills=frozenset(self.skills),
            vulnerable=self.is_vulnerable,
        )


# --- Assignment ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Profile:
    """What balancing looks at in a deputy or voter."""

    id: uuid.UUID
    industry: str | None = None
    gender: Gender | None = None
    birth_year: int | None = None
    skills: frozenset[str] = frozenset()
    vulnerable: bool = False

    def traits(self, today: date) -> frozenset[str]:
        found = set()
        if self.industry:
            found.add(f"industry:{self.industry}")
        if self.gender is not None:
            found.add(f"gender:{self.gender.value}")
        if self.birth_year is not None:
            band: AgeBand = age_band(self.birth_year, today)
            found.add(f"age:{band.value}")
        found.update(f"skill:{s}" for s in self.skills)
        return frozenset(found)


@dataclass(frozen=True)
class Placement:
    group_id: uuid.UUID
    candidate_id: uuid.UUID
    new_traits: tuple[str, ...]
    reason: str


@dataclass
class _Group:
    id: uuid.UUID
    order: int
    size: int = 0
    vulnerable: int = 0
    traits: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Assignment:
    placements: tuple[Placement, ...]
    unplaced: tuple[uuid.UUID, ...]  # no group had room left


def assign(
    group_ids: Sequence[uuid.UUID],
    candidates: Sequence[Profile],
    *,
    capacity: int,
    today: date,
    existing: Mapping[uuid.UUID, Sequence[Profile]] | None = None,
) -> Assignment:
    """Place ``candidates`` in groups of at most ``capacity`` (see the module's docstring).

    ``existing`` holds who each group already has; they count for size and traits.
    """
    if capacity < 1:
        raise RuleViolation("each group needs room for at least one person")
    if not group_ids:
        raise RuleViolation("there is no one to assign to")
    existing = existing or {}
    groups = [_Group(gid, n) for n, gid in enumerate(dict.fromkeys(group_ids))]
    for group in groups:
        for person in existing.get(group.id, ()):
            group.size += 1
            group.vulnerable += person.vulnerable
            group.traits |= person.traits(today)
    # Stable: vulnerable first, otherwise the order given.
    ordered = sorted(candidates, key=lambda p: not p.vulnerable)
    placements: list[Placement] = []
    unplaced: list[uuid.UUID] = []
    for person in ordered:
        traits = person.traits(today)
        open_groups = [g for g in groups if g.size < capacity]
        if not open_groups:
            unplaced.append(person.id)
            continue

        def rank(
            g: _Group, traits: frozenset[str] = traits, p: Profile = person
        ) -> tuple[int, ...]:
            gain = len(traits - g.traits)
            return (g.size, -gain, g.vulnerable if p.vulnerable else 0, g.order)

        chosen = min(open_groups, key=rank)
        new = tuple(sorted(traits - chosen.traits))
        reason = _reason(person, chosen, new)
        chosen.size += 1
        chosen.vulnerable += person.vulnerable
        chosen.traits |= traits
        placements.append(Placement(chosen.id, person.id, new, reason))
    return Assignment(tuple(placements), tuple(unplaced))


def _reason(person: Profile, group: _Group, new: tuple[str, ...]) -> str:
    parts = []
    if person.vulnerable:
        parts.append("vulnerable (鳏寡孤独、残疾人): placed first")
    parts.append(f"group had {group.size} (fewest with room)")
    parts.append("adds " + ", ".join(new) if new else "adds no new trait")
    return "; ".join(parts)


# --- Links and contacts --------------------------------------------------------------------


class ContactLink:
    """A dual-contact link: a member to a deputy, or a deputy to a voter."""

    WHAT = "contact link"

    def __init__(
        self,
        *,
        id: uuid.UUID,
        kind: ContactLinkKind,
        contactor_id: uuid.UUID,
        contactee_id: uuid.UUID,
        reason: str,
        assigned_at: datetime,
        ended_at: datetime | None = None,
    ) -> None:
        self.id = id
        self.kind = kind
        self.contactor_id = contactor_id
        self.contactee_id = contactee_id
        self.reason = reason
        self.assigned_at = assigned_at
        self.ended_at = ended_at
        self.events: list[EventData] = []

    @classmethod
    def link(
        cls,
        *,
        kind: ContactLinkKind,
        contactor_id: uuid.UUID,
        contactee_id: uuid.UUID,
        reason: str,
        now: datetime,
    ) -> ContactLink:
        link = cls(
            id=uuid.uuid4(),
            kind=kind,
            contactor_id=contactor_id,
            contactee_id=contactee_id,
            reason=reason[:500],
            assigned_at=aware_utc(now),
        )
        link.events.append(
            ContactLinkAssigned(
                link_id=link.id, kind=kind, contactor_id=contactor_id, contactee_id=contactee_id
            )
        )
        return link

    @property
    def active(self) -> bool:
        return self.ended_at is None

    def end(self, *, now: datetime) -> None:
        if not self.active:
            raise Conflict(f"contact link {self.id} already ended")
        self.ended_at = aware_utc(now)
        self.events.append(
            ContactLinkEnded(
                link_id=self.id,
                kind=self.kind,
                contactor_id=self.contactor_id,
                contactee_id=self.contactee_id,
            )
        )

    def record_contact(
        self,
        *,
        contacted_on: date,
        channel: ContactChannel,
        raised: str | None,
        recorded_by: str,
        today: date,
        now: datetime,
    ) -> ContactRecord:
        if not self.active:
            raise Conflict(f"contact link {self.id} has ended; contacts are no longer recorded")
        if contacted_on > today:
            raise RuleViolation(f"a contact on {contacted_on} is in the future")
        if contacted_on < self.assigned_at.date().replace(month=1, day=1):
            raise RuleViolation(f"a contact on {contacted_on} is before the year the link was made")
        record = ContactRecord(
            id=uuid.uuid4(),
            link_id=self.id,
            kind=self.kind,
            contactor_id=self.contactor_id,
            contactee_id=self.contactee_id,
            contacted_on=contacted_on,
            channel=channel,
            raised=_text(raised, "what was raised", 2000),
            recorded_by=recorded_by,
            recorded_at=aware_utc(now),
        )
        record.events.append(
            ContactRecorded(
                record_id=record.id,
                link_id=self.id,
                kind=self.kind,
                contactor_id=self.contactor_id,
                contactee_id=self.contactee_id,
                contacted_on=contacted_on,
                channel=channel,
            )
        )
        return record


@dataclass(eq=False)
class ContactRecord:
    """Who contacted whom, when, how, and what was raised (the last stays in the service)."""

    id: uuid.UUID
    link_id: uuid.UUID
    kind: ContactLinkKind
    contactor_id: uuid.UUID
    contactee_id: uuid.UUID
    contacted_on: date
    channel: ContactChannel
    raised: str | None
    recorded_by: str
    recorded_at: datetime
    events: list[EventData] = field(default_factory=list)


# --- Quarters in China ---------------------------------------------------------------------

# The platform's years (2000-2100): year 0 has no dates (it was a 500).
QUARTER_PATTERN = r"^(20[0-9]{2}|2100)-Q([1-4])$"
_QUARTER = re.compile(QUARTER_PATTERN)


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def of(cls, day: date) -> Quarter:
        """The quarter ``day`` (a date in China) falls in."""
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def parse(cls, text: str) -> Quarter:
        match = _QUARTER.match(text)
        if match is None:
            raise RuleViolation(f"a quarter reads like 2026-Q4 (2000-2100), not {text!r}")
        return cls(int(match[1]), int(match[2]))

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> date:
        if self.number == 4:
            return date(self.year, 12, 31)
        return date.fromordinal(date(self.year, 3 * self.number + 1, 1).toordinal() - 1)

    def __str__(self) -> str:
        return f"{self.year}-Q{self.number}"
