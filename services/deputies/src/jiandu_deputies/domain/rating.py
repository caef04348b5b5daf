"""The star rating of liaison stations (联络站星级评选) from a configurable evaluation index.

Xiangzhou rates its stations by stars under an evaluation index system (评价指标体系). Here the
index is a versioned rule set: for each criterion a weight (its points at full score; the
weights add up to 100), a floor (at or below it the criterion scores nothing) and a target (at
or above it, full score), linear in between; and five thresholds of total points for one to
five stars. A rating keeps its breakdown: each criterion's raw value, normalised score,
weight and points.

The criteria and where their raw values come from (all recorded in this service):

- ``activities_held``: activities in the station's log held in the year (a count);
- ``opinions_handled``: opinions handled / opinions collected, as the log records them;
- ``reply_timeliness``: opinions replied in time / opinions handled;
- ``satisfaction``: satisfied responses / satisfaction responses;
- ``six_haves``: items of the six haves met at the year's end / 6.

A ratio with nothing to divide (no opinions collected, no responses) scores 0: a station with
no record of handling opinions has not shown that it handles them.

Pure domain: no framework imports.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from jiandu_shared.calendar import aware_utc
from jiandu_shared.contracts import EventData
from jiandu_shared.contracts.deputies.stations import (
    SixHavesItem,
    StationRatingIndexSet,
    StationRatingPublished,
)
from jiandu_shared.errors import RuleViolation

CENT = Decimal("0.01")
RATIO = Decimal("0.0001")
FULL_POINTS = 100
STARS = 5


class Criterion(StrEnum):
    ACTIVITIES_HELD = "activities_held"  # 开展活动
    OPINIONS_HANDLED = "opinions_handled"  # 意见建议办理率
    REPLY_TIMELINESS = "reply_timeliness"  # 及时答复率
    SATISFACTION = "satisfaction"  # 群众满意率
    SIX_HAVES = "six_haves"  # 六有达标


CRITERION_LABELS: dict[Criterion, str] = {
    Criterion.ACTIVITIES_HELD: "开展活动次数",
    Criterion.OPINIONS_HANDLED: "意见建议办理率",
    Criterion.REPLY_TIMELINESS: "及时答复率",
    Criterion.SATISFACTION: "群众满意率",
    Criterion.SIX_HAVES: "六有达标率",
}

# Criteria whose raw value is a share (0 to 1); activities held is a count.
SHARES = frozenset(Criterion) - {Criterion.ACTIVITIES_HELD}


@dataclass(frozen=True)
class CriterionRule:
    """Weight (points at full score), floor and target of one criterion."""

    weight: int
    floor: Decimal
    target: Decimal

    def normalise(self, raw: Decimal) -> Decimal:
        """0 at or below the floor, 1 at or above the target, linear in between (4 places)."""
        if raw >= self.target:
            return Decimal(1).quantize(RATIO)
        if raw <= self.floor:
            return Decimal(0).quantize(RATIO)
        return ((raw - self.floor) / (self.target - self.floor)).quantize(RATIO, ROUND_HALF_UP)


def validate_index(
    criteria: Mapping[Criterion, CriterionRule], star_thresholds: Sequence[Decimal]
) -> None:
    """Refuse an index that cannot rate: every criterion once, weights summing to 100,
    floors below targets (shares within 0..1), five rising star thresholds within 0..100."""
    missing = [c.value for c in Criterion if c not in criteria]
    if missing:
        raise RuleViolation(f"the index lacks criteria: {', '.join(missing)}")
    for criterion, rule in criteria.items():
        if rule.weight < 0:
            raise RuleViolation(f"{criterion}: a weight cannot be negative")
        if rule.floor < 0 or rule.target <= rule.floor:
            raise RuleViolation(
                f"{criterion}: the floor ({rule.floor}) must be ≥ 0 and below the target "
                f"({rule.target})"
            )
        if criterion in SHARES and rule.target > 1:
            raise RuleViolation(f"{criterion} is a share: its target cannot exceed 1")
    total = sum(rule.weight for rule in criteria.values())
    if total != FULL_POINTS:
        raise RuleViolation(f"the weights add up to {total}, not {FULL_POINTS}")
    if len(star_thresholds) != STARS:
        raise RuleViolation(f"give {STARS} star thresholds (points for 1 to 5 stars)")
    previous = Decimal(0)
    for stars, threshold in enumerate(star_thresholds, start=1):
        if not previous < threshold <= FULL_POINTS:
            raise RuleViolation(
                f"the threshold for {stars} star(s) ({threshold}) must rise above the one "
                f"before it and be at most {FULL_POINTS}"
            )
        previous = threshold


class RatingIndex:
    """One version of the star-rating index (星级评选评价指标体系); the newest one rates."""

    WHAT = "rating index"

    def __init__(
        self,
        *,
        version: int,
        criteria: dict[Criterion, CriterionRule],
        star_thresholds: list[Decimal],
        set_by: str,
        set_at: datetime,
    ) -> None:
        self.version = version
        self.criteria = criteria
        self.star_thresholds = star_thresholds
        self.set_by = set_by
        self.set_at = set_at
        self.events: list[EventData] = []

    @classmethod
    def define(
        cls,
        *,
        version: int,
        criteria: Mapping[Criterion, CriterionRule],
        star_thresholds: Sequence[Decimal],
        set_by: str,
        now: datetime,
    ) -> RatingIndex:
        validate_index(criteria, star_thresholds)
        index = cls(
            version=version,
            criteria={c: criteria[c] for c in Criterion},
            star_thresholds=list(star_thresholds),
            set_by=set_by,
            set_at=aware_utc(now),
        )
        index.events.append(StationRatingIndexSet(version=version, set_by=set_by))
        return index

    def stars(self, total: Decimal) -> int:
        return sum(1 for threshold in self.star_thresholds if total >= threshold)


def default_index(now: datetime) -> RatingIndex:
    """The index used until staff set one: monthly activities, 95% handled and replied in
    time, 95% satisfied, all six haves; 60/70/80/90/95 points for one to five stars."""
    index = RatingIndex(
        version=0,
        criteria={
            Criterion.ACTIVITIES_HELD: CriterionRule(25, Decimal(0), Decimal(12)),
            Criterion.OPINIONS_HANDLED: CriterionRule(25, Decimal("0.5"), Decimal("0.95")),
            Criterion.REPLY_TIMELINESS: CriterionRule(20, Decimal("0.5"), Decimal("0.95")),
            Criterion.SATISFACTION: CriterionRule(15, Decimal("0.6"), Decimal("0.95")),
            Criterion.SIX_HAVES: CriterionRule(15, Decimal("0.5"), Decimal(1)),
        },
        star_thresholds=[Decimal(t) for t in (60, 70, 80, 90, 95)],
        set_by="default",
        set_at=aware_utc(now),
    )
    return index


@dataclass(frozen=True)
class RatingInputs:
    """What a station's records hold for one year."""

    activities_held: int
    opinions_collected: int
    opinions_handled: int
    opinions_replied_in_time: int
    satisfaction_responses: int
    satisfied_responses: int
    six_haves_met: int

    def raw(self, criterion: Criterion) -> Decimal:
        match criterion:
            case Criterion.ACTIVITIES_HELD:
                return Decimal(self.activities_held)
            case Criterion.OPINIONS_HANDLED:
                return _share(self.opinions_handled, self.opinions_collected)
            case Criterion.REPLY_TIMELINESS:
                return _share(self.opinions_replied_in_time, self.opinions_handled)
            case Criterion.SATISFACTION:
                return _share(self.satisfied_responses, self.satisfaction_responses)
            case Criterion.SIX_HAVES:
                return _share(self.six_haves_met, len(SixHavesItem))


def _share(part: int, whole: int) -> Decimal:
    if whole == 0:
        return Decimal(0)
    return (Decimal(part) / Decimal(whole)).quantize(RATIO, ROUND_HALF_UP)


@dataclass(frozen=True)
class RatingLine:
    """One criterion of a rating: raw value, normalised score, weight and points."""

    criterion: Criterion
    raw: Decimal
    normalised: Decimal
    weight: int
    points: Decimal


@dataclass(frozen=True)
class Breakdown:
    lines: tuple[RatingLine, ...]
    total: Decimal
    stars: int


def rate(inputs: RatingInputs, index: RatingIndex) -> Breakdown:
    lines = []
    for criterion in Criterion:
        rule = index.criteria[criterion]
        raw = inputs.raw(criterion)
        normalised = rule.normalise(raw)
        points = (rule.weight * normalised).quantize(CENT, ROUND_HALF_UP)
        lines.append(RatingLine(criterion, raw, normalised, rule.weight, points))
    total = sum((line.points for line in lines), Decimal(0)).quantize(CENT)
    return Breakdown(tuple(lines), total, index.stars(total))


class StationRating:
    """A station's published star rating for a year (one per station and year)."""

    WHAT = "station rating"

    def __init__(
        self,
        *,
        id: uuid.UUID,
        station_id: uuid.UUID,
        year: int,
        index_version: int,
        inputs: RatingInputs,
        lines: list[RatingLine],
        total_points: Decimal,
        stars: int,
        published_by: str,
        published_at: datetime,
    ) -> None:
        self.id = id
        self.station_id = station_id
        self.year = year
        self.index_version = index_version
        self.inputs = inputs
        self.lines = lines
        self.total_points = total_points
        self.stars = stars
        self.published_by = published_by
        self.published_at = published_at
        self.events: list[EventData] = []

    @classmethod
    def publish(
        cls,
        *,
        station_id: uuid.UUID,
        year: int,
        inputs: RatingInputs,
        index: RatingIndex,
        published_by: str,
        now: datetime,
    ) -> StationRating:
        breakdown = rate(inputs, index)
        rating = cls(
            id=uuid.uuid4(),
            station_id=station_id,
            year=year,
            index_version=index.version,
            inputs=inputs,
            lines=list(breakdown.lines),
            total_points=breakdown.total,
            stars=breakdown.stars,
            published_by=published_by,
            published_at=aware_utc(now),
        )
        rating.events.append(
            StationRatingPublished(
                station_id=station_id,
                rating_id=rating.id,
                year=year,
                index_version=index.version,
                total_points=str(breakdown.total),
                stars=breakdown.stars,
            )
        )
        return rating
