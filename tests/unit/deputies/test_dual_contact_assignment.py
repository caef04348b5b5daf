"""Dual contact assignment: deterministic, balanced by industry, age, gender and skills,
vulnerable voters first; quarters in China; links and contacts."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import UTC, date, datetime

import pytest

from jiandu_deputies.domain.dual_contact import (
    ContactLink,
    Profile,
    Quarter,
    Voter,
    VulnerableCategory,
    assign,
)
from jiandu_deputies.domain.registry import Gender
from jiandu_shared.contracts.deputies.stations import (
    ContactChannel,
    ContactLinkKind,
    ContactRecorded,
    VoterRegistered,
)
from jiandu_shared.errors import Conflict, RuleViolation

TODAY = date(2026, 12, 7)
NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)


def uid(n: int) -> uuid.UUID:
    return uuid.UUID(int=n)


def person(
    n: int,
    industry: str | None = None,
    gender: Gender | None = None,
    birth_year: int | None = None,
    skills: tuple[str, ...] = (),
    vulnerable: bool = False,
) -> Profile:
    return Profile(uid(n), industry, gender, birth_year, frozenset(skills), vulnerable)


GROUPS = [uid(1000), uid(1001)]


def members(result_placements: object, group: uuid.UUID) -> list[uuid.UUID]:
    return [p.candidate_id for p in result_placements if p.group_id == group]  # type: ignore[attr-defined]


def test_diversity_splits_like_people_across_groups() -> None:
    # Round-robin would give A two farmers and B two teachers; balancing mixes them.
    candidates = [
        person(1, "农业"),
        person(2, "教育"),
        person(3, "农业"),
        person(4, "教育"),
    ]
    result = assign(GROUPS, candidates, capacity=2, today=TODAY)
    a, b = members(result.placements, GROUPS[0]), members(result.placements, GROUPS[1])
    assert a == [uid(1), uid(4)]
    assert b == [uid(2), uid(3)]
    assert result.unplaced == ()


def test_every_group_covers_both_genders_several_ages_and_industries() -> None:
    industries = ["农业", "教育", "医疗", "制造", "商贸"]
    candidates = []
    n = 0
    # Sorted in the worst order for round-robin: all men first, then all women.
    for gender in (Gender.MALE, Gender.FEMALE):
        for k in range(5):
            n += 1
            candidates.append(
                person(n, industries[k], gender, 1960 + 10 * (k % 4), skills=(f"skill{k % 3}",))
            )
    result = assign(GROUPS, candidates, capacity=5, today=TODAY)
    for group in GROUPS:
        chosen = [c for c in candidates if c.id in members(result.placements, group)]
        assert len(chosen) == 5
        genders = Counter(c.gender for c in chosen)
        assert set(genders) == {Gender.MALE, Gender.FEMALE}
        assert len({c.industry for c in chosen}) >= 4
        assert len({c.birth_year for c in chosen}) >= 3


def test_vulnerable_voters_are_placed_first_and_spread() -> None:
    # Room for 4 of 6: the two vulnerable voters, listed last, still get places, one each.
    candidates = [person(n, "农业") for n in range(1, 5)] + [
        person(5, "农业", vulnerable=True),
        person(6, "农业", vulnerable=True),
    ]
    result = assign(GROUPS, candidates, capacity=2, today=TODAY)
    placed = [p.candidate_id for p in result.placements]
    assert placed[:2] == [uid(5), uid(6)]
    assert {p.group_id for p in result.placements[:2]} == set(GROUPS)
    assert result.unplaced == (uid(3), uid(4))
    assert "vulnerable" in result.placements[0].reason


def test_existing_links_count_for_size_and_traits() -> None:
    existing = {GROUPS[0]: [person(90, "农业"), person(91, "教育")]}
    result = assign(
        GROUPS, [person(1, "医疗"), person(2, "农业")], capacity=3, today=TODAY, existing=existing
    )
    # Group B is emptier, so it takes both until it has as many as A.
    assert [p.group_id for p in result.placements] == [GROUPS[1], GROUPS[1]]


def test_the_same_input_gives_the_same_assignment_and_explains_it() -> None:
    candidates = [
        person(n, f"行业{n % 3}", Gender.MALE if n % 2 else Gender.FEMALE, 1950 + n)
        for n in range(1, 21)
    ]
    first = assign([*GROUPS, uid(1002)], candidates, capacity=7, today=TODAY)
    second = assign([*GROUPS, uid(1002)], candidates, capacity=7, today=TODAY)
    assert first == second
    assert first.placements[0].new_traits  # an empty group gains every trait
    assert first.placements[0].reason.startswith("group had 0")


def test_assignment_needs_groups_and_room() -> None:
    with pytest.raises(RuleViolation):
        assign([], [person(1)], capacity=5, today=TODAY)
    with pytest.raises(RuleViolation):
        assign(GROUPS, [person(1)], capacity=0, today=TODAY)


def test_quarters_are_counted_on_dates_in_china() -> None:
    assert Quarter.of(date(2026, 12, 7)) == Quarter(2026, 4)
    assert Quarter.parse("2026-Q1").last_day == date(2026, 3, 31)
    assert Quarter.parse("2026-Q2").first_day == date(2026, 4, 1)
    assert Quarter.parse("2026-Q4").last_day == date(2026, 12, 31)
    assert str(Quarter(2027, 3)) == "2027-Q3"
    with pytest.raises(RuleViolation):
        Quarter.parse("2026-Q5")


def test_a_voters_event_carries_no_name_nor_contact() -> None:
    voter = Voter.register(
        name="王秀英",
        phone="138 0013 8000",
        address="腾飞社区3栋",
        gender=Gender.FEMALE,
        birth_year=1940,
        industry=None,
        skills=[],
        vulnerable=[VulnerableCategory.WIDOW],
        today=TODAY,
        now=NOW,
    )
    assert voter.phone == "13800138000"
    (event,) = voter.events
    assert isinstance(event, VoterRegistered)
    dumped = event.model_dump_json()
    assert "王秀英" not in dumped and "13800138000" not in dumped and "腾飞" not in dumped
    assert event.vulnerable is True
    with pytest.raises(RuleViolation, match="not a mobile"):
        Voter.register(
            name="x",
            phone="12345",
            address=None,
            gender=None,
            birth_year=None,
            industry=None,
            skills=[],
            vulnerable=[],
            today=TODAY,
            now=NOW,
        )


def test_a_contact_is_recorded_on_an_active_link_only() -> None:
    link = ContactLink.link(
        kind=ContactLinkKind.DEPUTY_VOTER,
        contactor_id=uid(1),
        contactee_id=uid(2),
        reason="r",
        now=NOW,
    )
    record = link.record_contact(
        contacted_on=date(2026, 12, 1),
        channel=ContactChannel.VISIT,
        raised="路灯坏了",
        recorded_by="d",
        today=TODAY,
        now=NOW,
    )
    (event,) = record.events
    assert isinstance(event, ContactRecorded)
    assert "路灯" not in event.model_dump_json()
    with pytest.raises(RuleViolation, match="future"):
        link.record_contact(
            contacted_on=date(2026, 12, 8),
            channel=ContactChannel.VISIT,
            raised=None,
            recorded_by="d",
            today=TODAY,
            now=NOW,
        )
    link.end(now=NOW)
    with pytest.raises(Conflict):
        link.record_contact(
            contacted_on=date(2026, 12, 1),
            channel=ContactChannel.PHONE,
            raised=None,
            recorded_by="d",
            today=TODAY,
            now=NOW,
        )
    with pytest.raises(Conflict):
        link.end(now=NOW)
