"""The star rating of liaison stations: hand-computed breakdowns under the default and a
custom index; the six haves; the activity log's rules."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from jiandu_deputies.domain.rating import (
    Criterion,
    CriterionRule,
    RatingIndex,
    RatingInputs,
    StationRating,
    default_index,
    rate,
)
from jiandu_deputies.domain.stations import LiaisonStation
from jiandu_shared.contracts.deputies.stations import (
    SixHavesItem,
    StationActivityKind,
    StationKind,
    StationLevel,
    StationRatingPublished,
)
from jiandu_shared.errors import RuleViolation

NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
D = Decimal


def inputs(**changes: int) -> RatingInputs:
    values = {
        "activities_held": 12,
        "opinions_collected": 100,
        "opinions_handled": 95,
        "opinions_replied_in_time": 95,
        "satisfaction_responses": 100,
        "satisfied_responses": 95,
        "six_haves_met": 6,
    }
    values.update(changes)
    return RatingInputs(**values)


def test_a_station_meeting_every_target_gets_100_points_and_five_stars() -> None:
    breakdown = rate(inputs(), default_index(NOW))
    assert [line.points for line in breakdown.lines] == [D(25), D(25), D(20), D(15), D(15)]
    assert breakdown.total == D("100.00")
    assert breakdown.stars == 5


def test_the_breakdown_shows_raw_normalised_weight_and_points() -> None:
    # 6 activities of 12 -> 0.5 x 25 = 12.50
    # handled 80/100 = 0.8: (0.8 - 0.5) / (0.95 - 0.5) = 0.6667 -> x 25 = 16.67 (rounded)
    # in time 60/80 = 0.75: (0.75 - 0.5) / 0.45 = 0.5556 -> x 20 = 11.11
    # satisfied 45/50 = 0.9: (0.9 - 0.6) / 0.35 = 0.8571 -> x 15 = 12.86 (12.8565 rounds up)
    # six haves 3/6 = 0.5 = the floor -> 0
    breakdown = rate(
        inputs(
            activities_held=6,
            opinions_collected=100,
            opinions_handled=80,
            opinions_replied_in_time=60,
            satisfaction_responses=50,
            satisfied_responses=45,
            six_haves_met=3,
        ),
        default_index(NOW),
    )
    lines = {line.criterion: line for line in breakdown.lines}
    assert lines[Criterion.ACTIVITIES_HELD].raw == D(6)
    assert lines[Criterion.ACTIVITIES_HELD].normalised == D("0.5")
    assert lines[Criterion.ACTIVITIES_HELD].points == D("12.50")
    assert lines[Criterion.OPINIONS_HANDLED].raw == D("0.8")
    assert lines[Criterion.OPINIONS_HANDLED].normalised == D("0.6667")
    assert lines[Criterion.OPINIONS_HANDLED].points == D("16.67")
    assert lines[Criterion.REPLY_TIMELINESS].raw == D("0.75")
    assert lines[Criterion.REPLY_TIMELINESS].normalised == D("0.5556")
    assert lines[Criterion.REPLY_TIMELINESS].points == D("11.11")
    assert lines[Criterion.SATISFACTION].normalised == D("0.8571")
    assert lines[Criterion.SATISFACTION].points == D("12.86")
    assert lines[Criterion.SIX_HAVES].raw == D("0.5")
    assert lines[Criterion.SIX_HAVES].points == D(0)
    assert lines[Criterion.SIX_HAVES].weight == 15
    assert breakdown.total == D("53.14")
    assert breakdown.stars == 0  # below the 60 points of one star


def test_nothing_to_divide_scores_nothing() -> None:
    breakdown = rate(
        inputs(opinions_collected=0, opinions_handled=0, opinions_replied_in_time=0),
        default_index(NOW),
    )
    lines = {line.criterion: line for line in breakdown.lines}
    assert lines[Criterion.OPINIONS_HANDLED].points == 0
    assert lines[Criterion.REPLY_TIMELINESS].points == 0
    assert breakdown.total == D(55)
    assert breakdown.stars == 0


def custom() -> RatingIndex:
    return RatingIndex.define(
        version=2,
        criteria={
            Criterion.ACTIVITIES_HELD: CriterionRule(40, D(0), D(4)),
            Criterion.OPINIONS_HANDLED: CriterionRule(20, D(0), D(1)),
            Criterion.REPLY_TIMELINESS: CriterionRule(10, D(0), D(1)),
            Criterion.SATISFACTION: CriterionRule(10, D(0), D(1)),
            Criterion.SIX_HAVES: CriterionRule(20, D(0), D(1)),
        },
        star_thresholds=[D(20), D(40), D(60), D(80), D(90)],
        set_by="staff-1",
        now=NOW,
    )


def test_a_custom_index_changes_weights_targets_and_stars() -> None:
    # 2 of 4 activities -> 20; 50% handled -> 10; all in time -> 10; 95% satisfied -> 9.5;
    # 6 of 6 -> 20. Total 69.50: three stars (60 <= 69.5 < 80).
    breakdown = rate(
        inputs(
            activities_held=2, opinions_collected=10, opinions_handled=5, opinions_replied_in_time=5
        ),
        custom(),
    )
    assert [line.points for line in breakdown.lines] == [
        D("20.00"),
        D("10.00"),
        D("10.00"),
        D("9.50"),
        D("20.00"),
    ]
    assert breakdown.total == D("69.50")
    assert breakdown.stars == 3


@pytest.mark.parametrize(
    ("criteria_change", "thresholds", "message"),
    [
        ({Criterion.SIX_HAVES: CriterionRule(25, D(0), D(1))}, None, "add up to 105"),
        ({Criterion.SATISFACTION: CriterionRule(10, D("0.9"), D("0.8"))}, None, "below the"),
        ({Criterion.SATISFACTION: CriterionRule(10, D(0), D(2))}, None, "cannot exceed 1"),
        ({}, [D(10), D(10), D(20), D(30), D(40)], "must rise"),
        ({}, [D(10), D(20)], "give 5"),
        ({}, [D(10), D(20), D(30), D(40), D(101)], "at most 100"),
    ],
)
def test_an_index_that_cannot_rate_is_refused(
    criteria_change: dict[Criterion, CriterionRule],
    thresholds: list[Decimal] | None,
    message: str,
) -> None:
    base = custom()
    criteria = {**base.criteria, **criteria_change}
    with pytest.raises(RuleViolation, match=message):
        RatingIndex.define(
            version=3,
            criteria=criteria,
            star_thresholds=thresholds or base.star_thresholds,
            set_by="s",
            now=NOW,
        )


def test_an_index_lacking_a_criterion_is_refused() -> None:
    criteria = dict(custom().criteria)
    del criteria[Criterion.SATISFACTION]
    with pytest.raises(RuleViolation, match="lacks criteria: satisfaction"):
        RatingIndex.define(
            version=3,
            criteria=criteria,
            star_thresholds=[D(1), D(2), D(3), D(4), D(5)],
            set_by="s",
            now=NOW,
        )


def test_a_published_rating_keeps_its_breakdown_and_says_so_on_the_bus() -> None:
    station = LiaisonStation.establish(
        name="腾飞社区代表联络站",
        kind=StationKind.LIAISON_STATION,
        level=StationLevel.COMMUNITY,
        now=NOW,
    )
    rating = StationRating.publish(
        station_id=station.id,
        year=2026,
        inputs=inputs(),
        index=default_index(NOW),
        published_by="staff-1",
        now=NOW,
    )
    assert rating.stars == 5 and len(rating.lines) == 5
    (event,) = rating.events
    assert isinstance(event, StationRatingPublished)
    assert event.total_points == "100.00" and event.stars == 5 and event.index_version == 0


def test_the_six_haves_take_the_latest_check_of_each_item_up_to_a_day() -> None:
    station = LiaisonStation.establish(
        name="程河镇代表联络站",
        kind=StationKind.LIAISON_STATION,
        level=StationLevel.TOWNSHIP,
        now=NOW,
    )
    today = date(2026, 12, 7)
    for item in SixHavesItem:
        station.check(
            item,
            met=True,
            checked_by="张三",
            checked_on=date(2026, 3, 1),
            note=None,
            today=today,
            now=NOW,
        )
    station.check(
        SixHavesItem.RECORDS,
        met=False,
        checked_by="李四",
        checked_on=date(2026, 11, 1),
        note="台账缺失",
        today=today,
        now=NOW,
    )
    assert station.checklist().items_met == 5
    assert not station.checklist().complete
    assert station.checklist(as_of=date(2026, 6, 30)).complete
    assert station.checklist(as_of=date(2026, 2, 1)).items_met == 0
    assert station.checklist().latest[SixHavesItem.RECORDS].checked_by == "李四"
    assert station.events[-1].items_met == 5  # type: ignore[attr-defined]
    with pytest.raises(RuleViolation, match="future"):
        station.check(
            SixHavesItem.VENUE,
            met=True,
            checked_by="x",
            checked_on=date(2026, 12, 8),
            note=None,
            today=today,
            now=NOW,
        )


def test_a_community_point_cannot_be_the_parent_of_a_township_station() -> None:
    point = LiaisonStation.establish(
        name="点", kind=StationKind.CONTACT_POINT, level=StationLevel.COMMUNITY, now=NOW
    )
    with pytest.raises(RuleViolation, match="cannot sit under"):
        LiaisonStation.establish(
            name="站",
            kind=StationKind.LIAISON_STATION,
            level=StationLevel.TOWNSHIP,
            parent=point,
            now=NOW,
        )


def test_the_activity_log_refuses_impossible_figures() -> None:
    station = LiaisonStation.establish(
        name="站", kind=StationKind.LIAISON_STATION, level=StationLevel.TOWNSHIP, now=NOW
    )
    base: dict[str, Any] = {
        "kind": StationActivityKind.RECEPTION,
        "held_on": date(2026, 12, 1),
        "title": "接待选民",
        "deputy_ids": [],
        "citizens_received": 10,
        "opinions_collected": 3,
        "opinions_handled": 2,
        "opinions_replied_in_time": 1,
        "satisfaction_responses": 2,
        "satisfied_responses": 2,
        "recorded_by": "staff",
        "today": date(2026, 12, 7),
        "now": NOW,
    }
    assert station.record_activity(**base).opinions_handled == 2
    changes: list[tuple[dict[str, Any], str]] = [
        ({"opinions_handled": 4}, "more opinions handled than collected"),
        ({"opinions_replied_in_time": 3}, "replied in time than handled"),
        ({"satisfied_responses": 3}, "satisfied responses than responses"),
        ({"held_on": date(2026, 12, 8)}, "future"),
    ]
    for change, message in changes:
        with pytest.raises(RuleViolation, match=message):
            station.record_activity(**{**base, **change})
