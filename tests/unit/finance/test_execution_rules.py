"""The five monitoring rules on small hand-made figures: flagged when anomalous, not on clean
figures, at the thresholds' edges; thresholds parse exactly and version."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from fractions import Fraction

import pytest

from jiandu_finance.domain.rules import (
    DEFAULT_THRESHOLDS,
    DepartmentSpending,
    LineFigures,
    RuleSet,
    RuleThresholds,
    Unbudgeted,
    YearFigures,
    behind_time_progress,
    check,
    idle_special_fund,
    large_reallocation,
    months_elapsed,
    no_budget_line,
    time_share,
    year_end_rush,
)
from jiandu_shared.errors import RuleViolation

T = DEFAULT_THRESHOLDS
MILLION = 100_000_000  # fen
JUNE_30 = date(2026, 6, 30)  # 181/365 of the year


def line(code: str = "L1", spent: int = 0, **kw: object) -> LineFigures:
    values: dict[str, object] = {
        "line_code": code,
        "department_code": "D1",
        "budget_fen": MILLION,
        "special_fund": False,
        "spent_fen": spent,
        "payments": 1 if spent else 0,
    }
    values.update(kw)
    return LineFigures(**values)  # type: ignore[arg-type]


def test_time_share_and_months_elapsed() -> None:
    assert time_share(date(2026, 12, 31)) == 1
    assert time_share(date(2024, 12, 31)) == 1  # leap year
    assert time_share(JUNE_30) == Fraction(181, 365)
    assert months_elapsed(date(2026, 6, 30)) == 6
    assert months_elapsed(date(2026, 6, 29)) == 5
    assert months_elapsed(date(2026, 1, 1)) == 0


def test_behind_time_progress_flags_a_line_far_behind_and_not_a_line_on_track() -> None:
    behind = line("L1", spent=MILLION * 25 // 100)  # 25% spent at 49.6% of the year
    on_track = line("L2", spent=MILLION * 40 // 100)  # gap 9.6 points
    flags = behind_time_progress([behind, on_track], as_of=JUNE_30, t=T)
    assert [f.subject for f in flags] == ["L1"]
    assert flags[0].period == "2026-Q2"
    assert flags[0].figures["executed_share"] == "0.25"
    assert flags[0].amount == Decimal("750000.00")


def test_behind_time_progress_waits_for_a_share_of_the_year_and_counts_reallocations() -> None:
    nothing_spent = line("L1")
    assert behind_time_progress([nothing_spent], as_of=date(2026, 3, 1), t=T) == []
    # 40% spent of a budget raised by half: 26.7% executed, behind.
    raised = line("L2", spent=MILLION * 40 // 100, reallocated_net_fen=MILLION // 2)
    assert [f.subject for f in behind_time_progress([raised], as_of=JUNE_30, t=T)] == ["L2"]
    # A line whose budget was all moved away has nothing to execute.
    emptied = line("L3", reallocated_net_fen=-MILLION)
    assert behind_time_progress([emptied], as_of=JUNE_30, t=T) == []
    small = RuleThresholds.parse({"behind_min_budget": "2000000.00"})
    assert behind_time_progress([nothing_spent], as_of=JUNE_30, t=small) == []


def test_no_budget_line_flags_departments_with_unbudgeted_payments() -> None:
    some = Unbudgeted("D4", total_fen=2_000_050, payments=3, missing_line=2, unknown_line=1)
    none = Unbudgeted("D5", total_fen=0, payments=0, missing_line=0, unknown_line=0)
    flags = no_budget_line([some, none], year=2026, as_of=JUNE_30, t=T)
    assert [(f.subject, f.amount) for f in flags] == [("D4", Decimal("20000.50"))]
    assert flags[0].figures["payments_naming_unknown_line"] == 1


def test_no_budget_line_is_not_checked_before_the_year_has_budget_lines() -> None:
    unbudgeted = [Unbudgeted("D4", total_fen=100, payments=1, missing_line=1, unknown_line=0)]
    empty_year = YearFigures(2026, JUNE_30, lines=[], departments=[], unbudgeted=unbudgeted)
    assert check(empty_year, T) == []


def test_large_reallocation_by_amount_or_by_share() -> None:
    by_share = line("L1", reallocated_abs_fen=MILLION * 31 // 100, reallocations=1)
    at_share = line("L2", reallocated_abs_fen=MILLION * 30 // 100, reallocations=2)
    big = line("L3", budget_fen=MILLION * 10, reallocated_abs_fen=MILLION + 1, reallocations=1)
    none = line("L4")
    flags = large_reallocation([by_share, at_share, big, none], year=2026, as_of=JUNE_30, t=T)
    assert {f.subject: (f.figures["over_amount"], f.figures["over_share"]) for f in flags} == {
        "L1": (False, True),
        "L3": (True, False),
    }


def test_year_end_rush_flags_a_department_spending_a_third_in_december() -> None:
    rush = DepartmentSpending("D1", total_fen=MILLION, payments=10, late_fen=MILLION * 31 // 100)
    even = DepartmentSpending("D2", total_fen=MILLION, payments=12, late_fen=MILLION // 12)
    tiny = DepartmentSpending("D3", total_fen=5_000_000, payments=2, late_fen=5_000_000)
    december = date(2026, 12, 20)
    flags = year_end_rush([rush, even, tiny], year=2026, as_of=december, t=T)
    assert [f.subject for f in flags] == ["D1"]
    assert flags[0].figures["window_start"] == "2026-12-01"
    # Not before the window starts.
    assert year_end_rush([rush], year=2026, as_of=date(2026, 11, 30), t=T) == []
    last_ten = RuleThresholds.parse({"year_end_days": 10})
    assert year_end_rush([rush], year=2026, as_of=date(2026, 12, 21), t=last_ten) == []


def test_idle_special_fund_after_the_configured_months() -> None:
    idle = line("S1", special_fund=True, spent=MILLION * 5 // 100)  # 5%: at the threshold
    used = line("S2", special_fund=True, spent=MILLION * 6 // 100)
    ordinary = line("L1")
    flags = idle_special_fund([idle, used, ordinary], as_of=JUNE_30, t=T)
    assert [f.subject for f in flags] == ["S1"]
    assert flags[0].amount == Decimal("950000.00")
    assert idle_special_fund([idle], as_of=date(2026, 6, 29), t=T) == []


def test_check_on_clean_figures_flags_nothing() -> None:
    clean = YearFigures(
        2026,
        date(2026, 12, 31),
        lines=[line("L1", spent=MILLION * 95 // 100), line("S1", special_fund=True, spent=MILLION)],
        departments=[DepartmentSpending("D1", MILLION * 195 // 100, 40, MILLION // 10, 4)],
        unbudgeted=[],
    )
    assert check(clean, T) == []


def test_thresholds_parse_exactly_and_refuse_nonsense() -> None:
    parsed = RuleThresholds.parse({"behind_gap": "0.15", "reallocation_amount": "500000.5"})
    assert parsed.behind_gap == Fraction(3, 20)
    assert parsed.reallocation_amount == Decimal("500000.50")
    assert RuleThresholds.parse(parsed.as_json()) == parsed
    for bad in (
        {"behind_gap": "1.5"},
        {"behind_gap": "x"},
        {"reallocation_amount": "1.001"},
        {"reallocation_amount": "-1"},
        {"idle_months": 13},
        {"idle_months": True},
        {"nonsense": "1"},
    ):
        with pytest.raises(RuleViolation):
            RuleThresholds.parse(bad)


def test_rule_sets_are_versions_built_on_the_last() -> None:
    now = datetime(2026, 12, 7, tzinfo=UTC)
    first = RuleSet.next_after(None, T, {"behind_gap": "0.1"}, now=now, by="s", note=None)
    assert first.version == 1 and first.thresholds.behind_gap == Fraction(1, 10)
    second = RuleSet.next_after(first, T, {"idle_months": 3}, now=now, by="s", note="x")
    assert second.version == 2
    assert (second.thresholds.behind_gap, second.thresholds.idle_months) == (Fraction(1, 10), 3)
    assert second.events[0].event_type == "finance.execution_rules.changed"
