"""Staff pages' view logic, pure: the opinions board by state, deadline markers, bar charts.

Nothing here calls a service: pages pass in what topics answered (plain dicts) and today's
date in China, and get back what the templates draw.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

CHINA = timezone(timedelta(hours=8))


def china_time(instant: str | None) -> str:
    """An instant from a service (ISO 8601 with its offset) as staff read it: China's clock."""
    if not instant:
        return ""
    moment = datetime.fromisoformat(instant.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")


# topics' opinion states (jiandu_topics.domain.opinion.OpinionState), in the loop's order.
OPINION_STATES: tuple[str, ...] = (
    "drafted",
    "assigned",
    "in_progress",
    "overdue",
    "reported",
    "under_evaluation",
    "satisfactory",
    "unsatisfactory",
    "notice_circulated",
    "feedback_published",
    "closed",
)
# States in which the organ owes its implementation report by the current deadline.
AWAITING_REPORT: frozenset[str] = frozenset({"assigned", "in_progress"})
# topics reminds organs five working days before the deadline: about a calendar week.
DUE_SOON_DAYS = 7


@dataclass(frozen=True)
class DeadlineView:
    due: date
    provisional: bool
    staff_notice: str | None
    overdue: bool
    due_soon: bool
    days_left: int  # negative once past the due day
    owing: bool  # the organ still owes its report by this deadline

    @property
    def classes(self) -> str:
        """CSS classes of the deadline badge (console.css: overdue, due-soon, provisional)."""
        names = ["deadline"]
        if self.overdue:
            names.append("overdue")
        elif self.due_soon:
            names.append("due-soon")
        if self.provisional:
            names.append("provisional")
        return " ".join(names)


def deadline_view(
    opinion: Mapping[str, Any], today: date, due_soon_days: int = DUE_SOON_DAYS
) -> DeadlineView | None:
    """The current round's deadline with its markers; None when the opinion has none.

    Overdue: topics says ``past_due`` (marked overdue, or owing a report after the due day).
    Due soon: a report is still owed and the due day is within ``due_soon_days`` (today
    included, the due day itself is in time). Provisional: as topics says (counted without an
    official calendar for some year).
    """
    deadline = opinion.get("deadline")
    if not deadline:
        return None
    due = date.fromisoformat(str(deadline["due"]))
    days_left = (due - today).days
    state = str(opinion.get("state", ""))
    overdue = bool(opinion.get("past_due")) or state == "overdue"
    owing = state in AWAITING_REPORT
    due_soon = owing and not overdue and 0 <= days_left <= due_soon_days
    return DeadlineView(
        due=due,
        provisional=bool(deadline.get("provisional")),
        staff_notice=deadline.get("staff_notice"),
        overdue=overdue,
        due_soon=due_soon,
        days_left=days_left,
        owing=owing,
    )


@dataclass(frozen=True)
class Card:
    opinion: Mapping[str, Any]
    deadline: DeadlineView | None

    @property
    def id(self) -> str:
        return str(self.opinion["id"])

    @property
    def can_assign(self) -> bool:
        return "assign" in (self.opinion.get("allowed_actions") or [])


@dataclass
class Column:
    state: str
    cards: list[Card] = field(default_factory=list)


@dataclass(frozen=True)
class Board:
    columns: list[Column]
    overdue: int
    due_soon: int
    provisional: int


def board(
    opinions: Iterable[Mapping[str, Any]],
    today: date,
    *,
    due_soon_days: int = DUE_SOON_DAYS,
) -> Board:
    """Opinions grouped by state in the loop's order, the most urgent deadline first.

    Every known state has a column (empty ones too, so a card visibly moves); a state topics
    adds later gets a column at the end rather than being dropped.
    """
    columns: dict[str, Column] = {s: Column(s) for s in OPINION_STATES}
    for opinion in opinions:
        state = str(opinion.get("state", ""))
        column = columns.setdefault(state, Column(state))
        column.cards.append(Card(opinion, deadline_view(opinion, today, due_soon_days)))
    far = date.max
    for column in columns.values():
        column.cards.sort(
            key=lambda c: (c.deadline.due if c.deadline else far, str(c.opinion.get("title")))
        )
    cards = [c for col in columns.values() for c in col.cards]
    return Board(
        columns=list(columns.values()),
        overdue=sum(1 for c in cards if c.deadline and c.deadline.overdue),
        due_soon=sum(1 for c in cards if c.deadline and c.deadline.due_soon),
        provisional=sum(1 for c in cards if c.deadline and c.deadline.provisional),
    )


# --- forms ------------------------------------------------------------------------------------


def parse_uuid(value: str) -> str | None:
    """The canonical text of a UUID typed by staff, or None."""
    try:
        return str(uuid.UUID(value.strip()))
    except ValueError:
        return None


def parse_uuid_list(value: str) -> tuple[list[str], list[str]]:
    """UUIDs separated by commas, spaces or lines: (the valid ones, the bad pieces)."""
    good: list[str] = []
    bad: list[str] = []
    for piece in value.replace(",", " ").replace("，", " ").split():
        parsed = parse_uuid(piece)
        if parsed is None:
            bad.append(piece)
        elif parsed not in good:
            good.append(parsed)
    return good, bad


# --- a bar chart drawn as SVG by a template -----------------------------------------------------


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    y: int  # top of the bar's row
    width: int  # length of the bar in SVG units


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    width: int
    height: int
    label_width: int
    bar_height: int

    @property
    def empty(self) -> bool:
        return all(b.value == 0 for b in self.bars)  # nothing to draw (no bars at all too)


def bar_chart(
    values: Sequence[tuple[str, int]],
    *,
    width: int = 420,
    label_width: int = 150,
    bar_height: int = 22,
    gap: int = 8,
) -> BarChart:
    """Horizontal bars scaled to the largest value (room is left for the number)."""
    room = width - label_width - 50
    top = max((v for _, v in values), default=0)
    bars = [
        Bar(
            label=label,
            value=value,
            y=gap + i * (bar_height + gap),
            width=0 if top <= 0 else max(1 if value > 0 else 0, round(room * value / top)),
        )
        for i, (label, value) in enumerate(values)
    ]
    height = gap + len(bars) * (bar_height + gap)
    return BarChart(bars, width, height, label_width, bar_height)
