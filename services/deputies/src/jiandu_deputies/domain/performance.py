"""Deputies' activities and their yearly quantitative score (履职"五个一"量化考评).

Xiangzhou scores its 332 district deputies under a "five ones" quantitative rule
(《代表履职"五个一"量化考评办法》). The seed names the rule, not its content, so the content
is configuration: a versioned rule set giving, for each kind of activity, the points each one
earns (negative for a deduction such as an unexcused absence), a cap on what the kind can add
(or take away) in a year, and how many the deputy must have (the "ones") with the points
deducted for each one missing. The total is clamped to ``[0, max_total]``.

A score is a list of lines, each naming the activity, the rule applied and its points, so
every point has its reason. The activities come from this service's records:

- activities recorded for the deputy (visits, deliberation days, inspections, reports to
  voters, training, attendance, absences);
- station activities the deputy was present at (``station_duty``);
- dual-contact records of the deputy with a linked voter (``voter_contact``);
- deputy suggestions the deputy submitted (``suggestion``, from the suggestions area);
- citizens' opinions the deputy responded to, by answering or transferring them
  (``opinion_answered``, from the opinions area).

The derived kinds are never entered by hand, so nothing counts twice.

Pure domain: no framework imports.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from jiandu_shared.calendar import aware_utc
from jiandu_shared.contracts import EventData
from jiandu_shared.contracts.deputies.stations import (
    DeputyActivityKind,
    DeputyActivityRecorded,
    PerformanceRulesSet,
    PerformanceScorePublished,
)
from jiandu_shared.errors import RuleViolation

KIND_LABELS: dict[DeputyActivityKind, str] = {
    DeputyActivityKind.VOTER_VISIT: "走访选民",
    DeputyActivityKind.DELIBERATION_DAY: "议政日",
    DeputyActivityKind.INSPECTION: "视察调研执法检查",
    DeputyActivityKind.REPORT_TO_VOTERS: "向选民述职",
    DeputyActivityKind.SUGGESTION: "提出建议",
    DeputyActivityKind.TRAINING: "学习培训",
    DeputyActivityKind.MEETING_ATTENDANCE: "出席会议",
    DeputyActivityKind.ABSENCE: "无故缺席",
    DeputyActivityKind.STATION_DUTY: "进站履职",
    DeputyActivityKind.VOTER_CONTACT: "联系选民(双联系)",
    DeputyActivityKind.OPINION_ANSWERED: "回应群众意见(码上答)",
}

# Kinds that only come from other records of this service, never entered by hand.
DERIVED_KINDS = frozenset(
    {
        DeputyActivityKind.SUGGESTION,
        DeputyActivityKind.STATION_DUTY,
        DeputyActivityKind.VOTER_CONTACT,
        DeputyActivityKind.OPINION_ANSWERED,
    }
)


class Source(StrEnum):
    ACTIVITY = "activity"  # a deputy activity recorded as such
    STATION = "station"  # present at a station activity
    CONTACT = "contact"  # a dual-contact record with a voter
    SUGGESTION = "suggestion"  # a deputy suggestion submitted (代表建议)
    OPINION = "opinion"  # a citizen's opinion the deputy responded to (码上答)


@dataclass(frozen=True)
class KindRule:
    """Points per activity of a kind, its yearly cap and the "ones" required."""

    points: Decimal
    cap: Decimal | None = None  # the most this kind adds (or deducts) in a year
    required: int = 0  # how many a year the deputy must have
    shortfall: Decimal = Decimal(0)  # deducted for each required one missing

    def describe(self, kind: DeputyActivityKind) -> str:
        return f"{kind.value} ({KIND_LABELS[kind]}): {self.points:+} each"


def validate_rules(kinds: Mapping[DeputyActivityKind, KindRule], max_total: Decimal) -> None:
    if not kinds:
        raise RuleViolation("the rules give no points for any kind of activity")
    if max_total <= 0:
        raise RuleViolation("the maximum total must be positive")
    for kind, rule in kinds.items():
        for value in (rule.points, rule.cap, rule.shortfall, max_total):
            if value is not None and _places(value) > 2:
                raise RuleViolation(f"{kind}: points have at most 2 decimal places")
        if rule.cap is not None and rule.cap <= 0:
            raise RuleViolation(f"{kind}: a cap must be positive (leave it out for no cap)")
        if rule.required < 0 or rule.shortfall < 0:
            raise RuleViolation(f"{kind}: required counts and shortfall points cannot be negative")
        if rule.shortfall and not rule.required:
            raise RuleViolation(f"{kind}: a shortfall deduction needs a required count")


def _places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


class ScoringRules:
    """One version of the scoring rules (量化考评办法); the newest one scores."""

    WHAT = "performance rules"

    def __init__(
        self,
        *,
        version: int,
        kinds: dict[DeputyActivityKind, KindRule],
        max_total: Decimal,
        set_by: str,
        set_at: datetime,
    ) -> None:
        self.version = version
        self.kinds = kinds
        self.max_total = max_total
        self.set_by = set_by
        self.set_at = set_at
        self.events: list[EventData] = []

    @classmethod
    def define(
        cls,
        *,
        version: int,
        kinds: Mapping[DeputyActivityKind, KindRule],
        max_total: Decimal,
        set_by: str,
        now: datetime,
    ) -> ScoringRules:
        validate_rules(kinds, max_total)
        rules = cls(
            version=version,
            kinds=dict(kinds),
            max_total=max_total,
            set_by=set_by,
            set_at=aware_utc(now),
        )
        rules.events.append(PerformanceRulesSet(version=version, set_by=set_by))
        return rules


def default_rules(now: datetime) -> ScoringRules:
    """The rules until staff set theirs: the "five ones" are a visit to voters, a suggestion,
    an inspection or survey, a report to voters and duty at a station each year."""
    d = Decimal
    k = DeputyActivityKind
    return ScoringRules(
        version=0,
        kinds={
            k.VOTER_VISIT: KindRule(d(2), d(20), 1, d(5)),
            k.SUGGESTION: KindRule(d(5), d(20), 1, d(5)),
            k.INSPECTION: KindRule(d(3), d(15), 1, d(5)),
            k.REPORT_TO_VOTERS: KindRule(d(10), d(10), 1, d(10)),
            k.STATION_DUTY: KindRule(d(2), d(20), 1, d(5)),
            k.DELIBERATION_DAY: KindRule(d(2), d(10)),
            k.TRAINING: KindRule(d(1), d(5)),
            k.MEETING_ATTENDANCE: KindRule(d(1), d(10)),
            k.VOTER_CONTACT: KindRule(d(1), d(10)),
            k.OPINION_ANSWERED: KindRule(d(1), d(10)),
            k.ABSENCE: KindRule(d(-5), d(20)),
        },
        max_total=d(100),
        set_by="default",
        set_at=aware_utc(now),
    )


@dataclass(frozen=True)
class Performed:
    """One thing a deputy did, from whichever record of the service holds it."""

    kind: DeputyActivityKind
    held_on: date
    source: Source
    ref: uuid.UUID
    title: str


@dataclass(frozen=True)
class ScoreLine:
    """One reason for points: the activity (None for a yearly line), the rule, the points."""

    kind: DeputyActivityKind | None
    source: Source | None
    ref: uuid.UUID | None
    held_on: date | None
    title: str
    rule: str
    points: Decimal


@dataclass(frozen=True)
class Score:
    lines: tuple[ScoreLine, ...]
    total: Decimal


def score(performed: Sequence[Performed], rules: ScoringRules) -> Score:
    """The year's score: each activity's points up to its kind's cap, the "ones" missing,
    then the total clamped to ``[0, max_total]``."""
    lines: list[ScoreLine] = []
    by_kind: dict[DeputyActivityKind, list[Performed]] = {}
    for item in performed:
        by_kind.setdefault(item.kind, []).append(item)
    for kind in DeputyActivityKind:
        items = sorted(by_kind.get(kind, ()), key=lambda p: (p.held_on, str(p.ref)))
        rule = rules.kinds.get(kind)
        if rule is None:
            lines.extend(
                _line(p, f"{kind.value}: no rule in this version", Decimal(0)) for p in items
            )
            continue
        so_far = Decimal(0)
        for item in items:
            points = rule.points
            text = rule.describe(kind)
            if rule.cap is not None:
                room = rule.cap - abs(so_far)
                if room <= 0:
                    points, text = Decimal(0), f"{text}; yearly cap of {rule.cap} reached"
                elif abs(points) > room:
                    points = room if points > 0 else -room
                    text = f"{text}; cut to {points:+} by the yearly cap of {rule.cap}"
            so_far += points
            lines.append(_line(item, text, points))
        missing = rule.required - len(items)
        if missing > 0 and rule.shortfall:
            lines.append(
                ScoreLine(
                    kind=kind,
                    source=None,
                    ref=None,
                    held_on=None,
                    title=f"{KIND_LABELS[kind]}: {len(items)} of {rule.required} required",
                    rule=f"{kind.value}: {rule.required} required a year, "
                    f"-{rule.shortfall} for each missing",
                    points=-rule.shortfall * missing,
                )
            )
    total = sum((line.points for line in lines), Decimal(0))
    if total > rules.max_total or total < 0:
        clamped = min(max(total, Decimal(0)), rules.max_total)
        lines.append(
            ScoreLine(
                kind=None,
                source=None,
                ref=None,
                held_on=None,
                title="total kept between 0 and the maximum",
                rule=f"total {total} clamped to [0, {rules.max_total}]",
                points=clamped - total,
            )
        )
        total = clamped
    return Score(tuple(lines), total)


def _line(item: Performed, rule: str, points: Decimal) -> ScoreLine:
    return ScoreLine(
        kind=item.kind,
        source=item.source,
        ref=item.ref,
        held_on=item.held_on,
        title=item.title,
        rule=rule,
        points=points,
    )


class DeputyActivity:
    """A deputy's activity (履职活动) as recorded by staff or the deputy."""

    WHAT = "deputy activity"

    def __init__(
        self,
        *,
        id: uuid.UUID,
        deputy_id: uuid.UUID,
        kind: DeputyActivityKind,
        held_on: date,
        title: str,
        recorded_by: str,
        recorded_at: datetime,
    ) -> None:
        self.id = id
        self.deputy_id = deputy_id
        self.kind = kind
        self.held_on = held_on
        self.title = title
        self.recorded_by = recorded_by
        self.recorded_at = recorded_at
        self.events: list[EventData] = []

    @classmethod
    def record(
        cls,
        *,
        deputy_id: uuid.UUID,
        kind: DeputyActivityKind,
        held_on: date,
        title: str,
        recorded_by: str,
        today: date,
        now: datetime,
    ) -> DeputyActivity:
        if kind in DERIVED_KINDS:
            raise RuleViolation(
                f"{kind} comes from the service's other records (station activities, contacts, "
                "suggestions, citizens' opinions); it is not recorded by hand"
            )
        if held_on > today:
            raise RuleViolation(f"an activity on {held_on} is in the future")
        title = " ".join(title.split())
        if not title or len(title) > 200:
            raise RuleViolation("an activity needs a title of 1 to 200 characters")
        activity = cls(
            id=uuid.uuid4(),
            deputy_id=deputy_id,
            kind=kind,
            held_on=held_on,
            title=title,
            recorded_by=recorded_by,
            recorded_at=aware_utc(now),
        )
        activity.events.append(
            DeputyActivityRecorded(
                activity_id=activity.id, deputy_id=deputy_id, kind=kind, held_on=held_on
            )
        )
        return activity

    def performed(self) -> Performed:
        return Performed(self.kind, self.held_on, Source.ACTIVITY, self.id, self.title)


class PerformanceScore:
    """A deputy's published score for a year (one per deputy and year)."""

    WHAT = "performance score"

    def __init__(
        self,
        *,
        id: uuid.UUID,
        deputy_id: uuid.UUID,
        year: int,
        rules_version: int,
        lines: list[ScoreLine],
        total_points: Decimal,
        published_by: str,
        published_at: datetime,
    ) -> None:
        self.id = id
        self.deputy_id = deputy_id
        self.year = year
        self.rules_version = rules_version
        self.lines = lines
        self.total_points = total_points
        self.published_by = published_by
        self.published_at = published_at
        self.events: list[EventData] = []

    @classmethod
    def publish(
        cls,
        *,
        deputy_id: uuid.UUID,
        year: int,
        performed: Sequence[Performed],
        rules: ScoringRules,
        published_by: str,
        now: datetime,
    ) -> PerformanceScore:
        result = score(performed, rules)
        published = cls(
            id=uuid.uuid4(),
            deputy_id=deputy_id,
            year=year,
            rules_version=rules.version,
            lines=list(result.lines),
            total_points=result.total,
            published_by=published_by,
            published_at=aware_utc(now),
        )
        published.events.append(
            PerformanceScorePublished(
                score_id=published.id,
                deputy_id=deputy_id,
                year=year,
                rules_version=rules.version,
                total_points=str(result.total),
                published_at=published.published_at,
            )
        )
        return published
