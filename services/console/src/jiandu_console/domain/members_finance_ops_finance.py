"""The finance page's charts from the services' answers (JSON as they send it): pure.

- execution: each department's executed share against the share of the year elapsed (序时进度),
  from finance's ``GET /execution/progress``;
- rectification rates (整改率) per unit of a year and per year, from
  ``GET /audit/rectification-rates`` (the count rate: findings rectified in full / findings);
- debt ratio (债务率) per year of a region against the yellow, orange and red warning levels,
  from ``/debt/years/{region}/{year}/position`` and ``/debt/warning-rules``;
- satisfaction results per department, from topics' ``GET /statistics/{year}``: results of
  opinion evaluations and of inquiry answers, added up.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from jiandu_console.domain.charts import (
    BarChart,
    Item,
    LineChart,
    StackedChart,
    Threshold,
    bar_chart,
    line_chart,
    percent,
    stacked_chart,
    value_text,
)

Labels = Callable[[str], str]
LEVELS = ("satisfied", "basically_satisfied", "unsatisfied")
LEVEL_TONES = (("satisfied", "satisfied"), ("basically_satisfied", "basically_satisfied"),
               ("unsatisfied", "unsatisfied"))  # fmt: skip
WARNINGS = ("yellow", "orange", "red")


def short(identifier: str) -> str:
    """A unit's or department's id as a label: its first 8 characters (the full id in title)."""
    return identifier[:8]


def execution_chart(progress: Mapping[str, Any], t: Labels) -> BarChart:
    elapsed = percent(progress["time_share"]) or Decimal(0)
    items = []
    for d in progress["departments"]:
        executed = percent(d["executed_share"])
        behind = executed is not None and executed < elapsed
        items.append(
            Item(
                d["department_code"],
                executed,
                tone="behind" if behind else "",
                note=f"{d['spent']} / {d['adjusted_budget']}",
            )
        )
    return bar_chart(items, thresholds=[Threshold(t("finance.time_progress"), elapsed, "time")])


def rectification_unit_chart(rates: Mapping[str, Any]) -> BarChart:
    return bar_chart(
        [
            Item(short(g["key"]), percent(g["rate"]["count_rate"]), note=g["key"])
            for g in rates["groups"]
        ]
    )


def rate_rows(rates: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The per-unit table beside the chart: counts and both rates as percentages."""
    return [
        {
            "key": g["key"],
            "findings": g["rate"]["findings"],
            "rectified": g["rate"]["rectified"],
            "count_rate": value_text(percent(g["rate"]["count_rate"])),
            "amount_rate": value_text(percent(g["rate"]["amount_rate"])),
        }
        for g in rates["groups"]
    ]


def rectification_year_chart(rates: Mapping[str, Any]) -> LineChart:
    groups = sorted(rates["groups"], key=lambda g: str(g["key"]))
    return line_chart([Item(str(g["key"]), percent(g["rate"]["count_rate"])) for g in groups])


def _reading(position: Mapping[str, Any], indicator: str) -> Mapping[str, Any] | None:
    return next((r for r in position["indicators"] if r["indicator"] == indicator), None)


def debt_chart(
    positions: Sequence[Mapping[str, Any]],
    rules: Sequence[Mapping[str, Any]] | None,
    t: Labels,
) -> BarChart:
    """One bar per year (its debt ratio, toned by its warning level) and the three levels."""
    items = []
    for position in sorted(positions, key=lambda p: p["year"]):
        reading = _reading(position, "debt_ratio")
        value = None if reading is None or reading["value"] is None else Decimal(reading["value"])
        level = "" if reading is None else str(reading.get("level") or "")
        items.append(Item(str(position["year"]), value, tone="" if level == "none" else level))
    thresholds = []
    rule = next((r for r in rules or [] if r["indicator"] == "debt_ratio"), None)
    if rule is not None:
        for level in WARNINGS:
            if rule.get(level) is not None:
                thresholds.append(
                    Threshold(t(f"finance.level.{level}"), Decimal(rule[level]), level)
                )
    return bar_chart(items, thresholds=thresholds)


def satisfaction_chart(statistics: Mapping[str, Any]) -> StackedChart:
    rows = []
    for d in statistics["satisfaction"]["by_department"]:
        opinions, answers = d["opinion_evaluations"], d["inquiry_answers"]
        rows.append(
            (
                short(str(d["department_id"])),
                [int(opinions[level]) + int(answers[level]) for level in LEVELS],
            )
        )
    return stacked_chart(rows, LEVEL_TONES)
