"""Chart geometry for the finance page: scales, bars, thresholds, lines and stacks."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jiandu_console.domain.charts import (
    Item,
    Threshold,
    bar_chart,
    line_chart,
    nice_ceiling,
    percent,
    stacked_chart,
    ticks,
    value_text,
)

D = Decimal


def test_shares_read_as_percentages_with_two_decimals() -> None:
    assert percent("0.8400") == D("84.00")
    assert percent("0.12345") == D("12.35")  # half up
    assert percent("1") == D("100.00")
    assert percent(None) is None and percent("") is None
    assert value_text(D("84.00")) == "84.00%"
    assert value_text(None) == "—"
    assert value_text(D(3), "") == "3"


@pytest.mark.parametrize(
    ("value", "ceiling"),
    [
        ("0", "1"),
        ("0.3", "0.5"),
        ("1", "1"),
        ("7", "10"),
        ("100", "100"),
        ("101", "200"),
        ("180", "200"),
        ("210", "250"),
        ("12345", "20000"),
    ],
)
def test_the_scale_ends_on_a_round_number(value: str, ceiling: str) -> None:
    assert nice_ceiling(D(value)) == D(ceiling)


def test_ticks_split_the_scale_evenly() -> None:
    assert ticks(D(100)) == [D(0), D(25), D(50), D(75), D(100)]


def test_bars_scale_to_at_least_a_hundred_percent_and_thresholds_cross_the_plot() -> None:
    chart = bar_chart(
        [Item("D01", D("84.00")), Item("D02", D("10.00"), tone="behind"), Item("D03", None)],
        thresholds=[Threshold("序时进度", D("92.88"))],
        width=640,
        label_width=130,
    )
    assert chart.maximum == D(100)
    left, right = chart.plot_left, chart.plot_right
    assert (left, right) == (130.0, 584.0)
    d01, d02, d03 = chart.bars
    assert d01.width == pytest.approx((right - left) * 0.84, abs=0.1)
    assert d02.width == pytest.approx((right - left) * 0.10, abs=0.1)
    assert (d03.width, d03.text, d03.data_value) == (0.0, "—", "")
    assert (d01.text, d01.data_value, d02.tone) == ("84.00%", "84.00", "behind")
    assert d01.y < d02.y < d03.y
    (line,) = chart.thresholds
    assert line.position == pytest.approx(left + (right - left) * 0.9288, abs=0.1)
    assert line.text == "92.88%"
    assert [t.text for t in chart.ticks] == ["0%", "25%", "50%", "75%", "100%"]
    assert chart.height > chart.plot_bottom


def test_a_value_above_the_floor_widens_the_scale_and_nothing_draws_outside() -> None:
    chart = bar_chart(
        [Item("2025", D("131.20")), Item("2026", D("-5"))],
        thresholds=[Threshold("红", D("120")), Threshold("黄", D("80"))],
    )
    assert chart.maximum == D(200)
    assert chart.bars[0].x + chart.bars[0].width <= chart.plot_right
    assert chart.bars[1].width == 0.0  # a negative value is drawn at zero, labelled as is
    assert chart.bars[1].text == "-5%"
    red, yellow = chart.thresholds
    assert yellow.position < red.position


def test_counts_scale_from_their_own_maximum() -> None:
    chart = bar_chart([Item("a", D(3)), Item("b", D(7))], unit="", floor=D(0))
    assert chart.maximum == D(10)
    assert chart.bars[1].text == "7"


def test_a_line_joins_the_years_with_values_and_breaks_at_a_gap() -> None:
    chart = line_chart(
        [
            Item("2023", D("50.00")),
            Item("2024", D("75.00")),
            Item("2025", None),
            Item("2026", D("100.00")),
            Item("2027", D("80.00")),
        ],
        width=640,
        height=240,
    )
    assert chart.maximum == D(100)
    xs = [p.x for p in chart.points]
    assert xs == sorted(xs) and xs[0] == chart.plot_left and xs[-1] == chart.plot_right
    p2023, p2024, gap, p2026, _ = chart.points
    assert gap.y is None and gap.text == "—"
    assert p2026.y == chart.plot_top  # 100% at the top
    assert p2023.y == pytest.approx((chart.plot_top + chart.plot_bottom) / 2, abs=0.1)
    assert p2024.y is not None and p2023.y is not None and p2024.y < p2023.y
    assert len(chart.segments) == 2
    assert chart.segments[0] == f"{p2023.x},{p2023.y} {p2024.x},{p2024.y}"


def test_a_single_point_sits_in_the_middle() -> None:
    (point,) = line_chart([Item("2026", D("40.00"))]).points
    assert point.x == pytest.approx((56 + 616) / 2, abs=0.1)


def test_stacks_split_each_row_by_series_scaled_to_the_largest_total() -> None:
    series = [("satisfied", "ok"), ("basically_satisfied", "mid"), ("unsatisfied", "bad")]
    chart = stacked_chart([("教育局", [2, 1, 1]), ("卫健委", [0, 0, 2])], series, width=640)
    assert chart.maximum == 4
    education, health = chart.rows
    assert education.total == 4 and health.total == 2
    span = chart.plot_right - chart.plot_left
    sat, basic, unsat = education.segments
    assert (sat.value, basic.value, unsat.value) == (2, 1, 1)
    assert sat.x == chart.plot_left and basic.x == pytest.approx(sat.x + sat.width, abs=0.1)
    assert sat.width == pytest.approx(span / 2, abs=0.1)
    assert health.segments[2].width == pytest.approx(span / 2, abs=0.1)
    assert health.segments[0].width == 0.0
    with pytest.raises(ValueError, match="needs 3 counts"):
        stacked_chart([("x", [1, 2])], series)
