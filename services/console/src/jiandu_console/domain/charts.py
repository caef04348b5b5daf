"""Geometry of the server-rendered SVG charts: pure functions from figures to coordinates.

Templates only draw what these return (rectangles, polylines, threshold lines, text), so the
arithmetic is tested here without a browser. Values stay exact ``Decimal`` for the labels and
``data-value`` attributes a reader (or a test) reads; only the coordinates are floats.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
_STEPS = (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10))


def percent(share: str | Decimal | None) -> Decimal | None:
    """A share ("0.8400", as the services give it) as a percentage with two decimals (84.00)."""
    if share is None or share == "":
        return None
    return (Decimal(share) * HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)


def plain(value: Decimal) -> str:
    """A decimal written out in full, never in exponent form ("100", not "1E+2")."""
    return format(value, "f")


def value_text(value: Decimal | None, unit: str = "%") -> str:
    """How a value reads next to its bar: "84.00%", "3", "—" for none."""
    if value is None:
        return "—"
    return f"{plain(value)}{unit}"


def nice_ceiling(value: Decimal) -> Decimal:
    """The smallest 1, 2, 2.5 or 5 × 10^k at or above ``value`` (1 for zero or less)."""
    if value <= 0:
        return Decimal(1)
    exponent = value.adjusted()
    magnitude = Decimal(10) ** exponent
    for step in _STEPS:
        if step * magnitude >= value:
            return (step * magnitude).normalize()
    return (Decimal(10) * magnitude).normalize()  # pragma: no cover - 10 covers every value


def ticks(maximum: Decimal, count: int = 4) -> list[Decimal]:
    """Evenly spaced axis values from 0 to ``maximum`` (inclusive)."""
    return [(maximum * i / count).normalize() for i in range(count + 1)]


@dataclass(frozen=True)
class Item:
    """One figure to draw: a category label, its value (None: no figure), an optional tone."""

    label: str
    value: Decimal | None
    tone: str = ""
    note: str = ""


@dataclass(frozen=True)
class Threshold:
    """A reference line: the time progress, a warning level."""

    label: str
    value: Decimal
    tone: str = ""


@dataclass(frozen=True)
class Tick:
    value: Decimal
    text: str
    position: float


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | None
    text: str
    x: float
    y: float
    width: float
    height: float
    tone: str = ""
    note: str = ""

    @property
    def data_value(self) -> str:
        return "" if self.value is None else plain(self.value)


@dataclass(frozen=True)
class Line:
    """A threshold drawn across the plot at ``position`` (x in bar charts, y in line charts)."""

    label: str
    value: Decimal
    text: str
    position: float
    tone: str = ""


@dataclass(frozen=True)
class BarChart:
    """Horizontal bars, one row per item, the labels left of the plot."""

    width: int
    height: int
    plot_left: float
    plot_right: float
    plot_top: float
    plot_bottom: float
    maximum: Decimal
    unit: str
    bars: list[Bar]
    thresholds: list[Line]
    ticks: list[Tick]


def _scale(values: Sequence[Decimal | None], floor: Decimal) -> Decimal:
    present = [v for v in values if v is not None]
    return nice_ceiling(max([floor, *present]))


def bar_chart(
    items: Sequence[Item],
    *,
    thresholds: Sequence[Threshold] = (),
    unit: str = "%",
    floor: Decimal = HUNDRED,
    width: int = 640,
    label_width: int = 130,
    row: int = 32,
    top: int = 28,
) -> BarChart:
    """Rows of bars scaled to a round maximum at least ``floor`` and every value shown.

    ``top`` leaves room for the thresholds' labels; the axis ticks sit below the last row.
    """
    maximum = _scale([i.value for i in items] + [t.value for t in thresholds], floor)
    left, right = float(label_width), float(width - 56)  # room for the value's text
    span = right - left
    bottom = top + row * max(len(items), 1)

    def x(value: Decimal) -> float:
        clipped = min(max(value, Decimal(0)), maximum)
        return round(left + span * float(clipped / maximum), 1)

    bars = []
    for n, item in enumerate(items):
        end = left if item.value is None else x(item.value)
        bars.append(
            Bar(
                label=item.label,
                value=item.value,
                text=value_text(item.value, unit),
                x=left,
                y=float(top + n * row + 6),
                width=round(end - left, 1),
                height=float(row - 12),
                tone=item.tone,
                note=item.note,
            )
        )
    lines = [
        Line(t.label, t.value, value_text(t.value, unit), x(t.value), t.tone) for t in thresholds
    ]
    axis = [Tick(v, value_text(v, unit), x(v)) for v in ticks(maximum)]
    return BarChart(
        width=width,
        height=bottom + 24,
        plot_left=left,
        plot_right=right,
        plot_top=float(top),
        plot_bottom=float(bottom),
        maximum=maximum,
        unit=unit,
        bars=bars,
        thresholds=lines,
        ticks=axis,
    )


@dataclass(frozen=True)
class Point:
    label: str
    value: Decimal | None
    text: str
    x: float
    y: float | None

    @property
    def data_value(self) -> str:
        return "" if self.value is None else plain(self.value)


@dataclass(frozen=True)
class LineChart:
    """A series over ordered categories (years): points joined where both ends have a value."""

    width: int
    height: int
    plot_left: float
    plot_right: float
    plot_top: float
    plot_bottom: float
    maximum: Decimal
    unit: str
    points: list[Point]
    segments: list[str] = field(default_factory=list)  # SVG polyline "x,y x,y ..." pieces
    thresholds: list[Line] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)


def line_chart(
    items: Sequence[Item],
    *,
    thresholds: Sequence[Threshold] = (),
    unit: str = "%",
    floor: Decimal = HUNDRED,
    width: int = 640,
    height: int = 240,
) -> LineChart:
    maximum = _scale([i.value for i in items] + [t.value for t in thresholds], floor)
    left, right, top, bottom = 56.0, float(width - 24), 20.0, float(height - 36)

    def y(value: Decimal) -> float:
        clipped = min(max(value, Decimal(0)), maximum)
        return round(bottom - (bottom - top) * float(clipped / maximum), 1)

    count = len(items)
    points = []
    for n, item in enumerate(items):
        px = (left + right) / 2 if count == 1 else left + (right - left) * n / (count - 1)
        points.append(
            Point(
                label=item.label,
                value=item.value,
                text=value_text(item.value, unit),
                x=round(px, 1),
                y=None if item.value is None else y(item.value),
            )
        )
    segments: list[str] = []
    run: list[str] = []
    for point in points:
        if point.y is None:
            if len(run) > 1:
                segments.append(" ".join(run))
            run = []
        else:
            run.append(f"{point.x},{point.y}")
    if len(run) > 1:
        segments.append(" ".join(run))
    return LineChart(
        width=width,
        height=height,
        plot_left=left,
        plot_right=right,
        plot_top=top,
        plot_bottom=bottom,
        maximum=maximum,
        unit=unit,
        points=points,
        segments=segments,
        thresholds=[
            Line(t.label, t.value, value_text(t.value, unit), y(t.value), t.tone)
            for t in thresholds
        ],
        ticks=[Tick(v, value_text(v, unit), y(v)) for v in ticks(maximum)],
    )


@dataclass(frozen=True)
class Segment:
    series: str
    value: int
    x: float
    width: float
    tone: str


@dataclass(frozen=True)
class StackRow:
    label: str
    total: int
    y: float
    height: float
    segments: list[Segment]


@dataclass(frozen=True)
class StackedChart:
    """One bar per row split by series (satisfied / basically / unsatisfied), scaled to the
    largest row's total; each segment's count is its label."""

    width: int
    height: int
    plot_left: float
    plot_right: float
    maximum: int
    series: list[tuple[str, str]]  # (series key, tone)
    rows: list[StackRow]


def stacked_chart(
    rows: Sequence[tuple[str, Sequence[int]]],
    series: Sequence[tuple[str, str]],
    *,
    width: int = 640,
    label_width: int = 130,
    row: int = 32,
    top: int = 8,
) -> StackedChart:
    """``rows`` are (label, counts in ``series`` order); ``series`` are (key, tone)."""
    for label, counts in rows:
        if len(counts) != len(series) or any(c < 0 for c in counts):
            raise ValueError(f"row {label!r} needs {len(series)} counts of zero or more")
    maximum = max([sum(counts) for _, counts in rows] + [1])
    left, right = float(label_width), float(width - 48)
    span = right - left
    out = []
    for n, (label, counts) in enumerate(rows):
        x = left
        segments = []
        for (key, tone), count in zip(series, counts, strict=True):
            w = round(span * count / maximum, 1)
            segments.append(Segment(key, count, round(x, 1), w, tone))
            x += w
        out.append(
            StackRow(label, sum(counts), float(top + n * row + 6), float(row - 12), segments)
        )
    return StackedChart(
        width=width,
        height=top + row * max(len(rows), 1) + 8,
        plot_left=left,
        plot_right=right,
        maximum=maximum,
        series=list(series),
        rows=out,
    )
