"""The staff's opinions board: columns by topics' states, deadline markers, the SVG bar chart."""

from __future__ import annotations

from datetime import date
from typing import Any

from jiandu_console.service_layer.staff import (
    OPINION_STATES,
    bar_chart,
    board,
    china_time,
    deadline_view,
    parse_uuid,
    parse_uuid_list,
)

TODAY = date(2026, 12, 7)


def opinion(
    state: str = "assigned",
    due: str | None = "2026-12-20",
    *,
    provisional: bool = False,
    past_due: bool = False,
    title: str = "意见",
    **more: Any,
) -> dict[str, Any]:
    deadline = None
    if due is not None:
        deadline = {
            "due": due,
            "provisional": provisional,
            "unofficial_years": [2027] if provisional else [],
            "staff_notice": "2027 年法定节假日尚未公布，期限为暂定" if provisional else None,
        }
    return {
        "id": more.pop("id", title),
        "title": title,
        "state": state,
        "deadline": deadline,
        "past_due": past_due,
        "allowed_actions": more.pop("allowed_actions", []),
        **more,
    }


def test_topics_states_all_have_a_column_in_the_loops_order() -> None:
    from jiandu_topics.domain.opinion import OpinionState

    assert set(OPINION_STATES) == {str(s) for s in OpinionState}
    columns = board([], TODAY).columns
    assert [c.state for c in columns] == list(OPINION_STATES)
    assert all(c.cards == [] for c in columns)


def test_cards_go_to_their_state_soonest_deadline_first() -> None:
    result = board(
        [
            opinion("assigned", "2027-01-30", title="late"),
            opinion("assigned", "2026-12-10", title="soon"),
            opinion("drafted", None, title="new", allowed_actions=["assign"]),
            opinion("closed", "2026-10-01", title="done"),
        ],
        TODAY,
    )
    by_state = {c.state: [card.opinion["title"] for card in c.cards] for c in result.columns}
    assert by_state["assigned"] == ["soon", "late"]
    assert by_state["drafted"] == ["new"]
    assert by_state["closed"] == ["done"]
    drafted = next(c for c in result.columns if c.state == "drafted").cards[0]
    assert drafted.can_assign and drafted.deadline is None


def test_an_unknown_state_keeps_its_cards_in_a_column_at_the_end() -> None:
    result = board([opinion("paused", "2026-12-30")], TODAY)
    assert result.columns[-1].state == "paused"
    assert len(result.columns[-1].cards) == 1


def test_due_soon_is_within_a_week_while_a_report_is_owed() -> None:
    assert deadline_view(opinion("assigned", "2026-12-14"), TODAY).due_soon  # type: ignore[union-attr]
    assert deadline_view(opinion("in_progress", "2026-12-07"), TODAY).due_soon  # type: ignore[union-attr]
    assert not deadline_view(opinion("assigned", "2026-12-15"), TODAY).due_soon  # type: ignore[union-attr]
    # Reported already: nothing is owed, the deadline is no longer pressing.
    reported = deadline_view(opinion("reported", "2026-12-08"), TODAY)
    assert reported is not None and not reported.due_soon and not reported.overdue
    assert reported.classes == "deadline"
    assert not reported.owing


def test_overdue_is_what_topics_says_and_wins_over_due_soon() -> None:
    late = deadline_view(opinion("assigned", "2026-12-04", past_due=True), TODAY)
    assert late is not None and late.overdue and not late.due_soon
    assert late.days_left == -3
    assert late.classes == "deadline overdue"
    marked = deadline_view(opinion("overdue", "2026-12-04"), TODAY)
    assert marked is not None and marked.overdue


def test_a_provisional_deadline_is_marked_with_the_notice() -> None:
    view = deadline_view(opinion("assigned", "2026-12-09", provisional=True), TODAY)
    assert view is not None and view.provisional and view.due_soon
    assert view.classes == "deadline due-soon provisional"
    assert view.staff_notice and "暂定" in view.staff_notice


def test_the_board_counts_its_markers() -> None:
    result = board(
        [
            opinion("overdue", "2026-11-30", past_due=True),
            opinion("assigned", "2026-12-08", provisional=True),
            opinion("in_progress", "2027-03-01", provisional=True),
            opinion("drafted", None),
        ],
        TODAY,
    )
    assert (result.overdue, result.due_soon, result.provisional) == (1, 1, 2)


def test_typed_ids_are_checked() -> None:
    assert parse_uuid(" 00000000-0000-4000-8000-00000000A001 ") == (
        "00000000-0000-4000-8000-00000000a001"
    )
    assert parse_uuid("organ-1") is None
    good, bad = parse_uuid_list(
        "00000000-0000-4000-8000-00000000a001，00000000-0000-4000-8000-00000000a002 x "
        "00000000-0000-4000-8000-00000000a001"
    )
    assert good == ["00000000-0000-4000-8000-00000000a001", "00000000-0000-4000-8000-00000000a002"]
    assert bad == ["x"]


def test_bars_scale_to_the_largest_value() -> None:
    chart = bar_chart([("a", 10), ("b", 5), ("c", 0), ("d", 1)], width=300, label_width=100)
    widths = [b.width for b in chart.bars]
    assert widths[0] == 150 and widths[1] == 75 and widths[2] == 0
    assert widths[3] >= 1  # a non-zero value always shows
    assert chart.height == 8 + 4 * 30
    assert [b.y for b in chart.bars] == [8, 38, 68, 98]
    assert not chart.empty
    assert bar_chart([("a", 0)]).empty
    assert bar_chart([]).bars == []


def test_instants_read_on_chinas_clock() -> None:
    assert china_time("2026-12-05T17:00:00Z") == "2026-12-06 01:00"
    assert china_time("2026-12-05T17:00:00+00:00") == "2026-12-06 01:00"
    assert china_time("2026-12-05T09:30:00+08:00") == "2026-12-05 09:30"
    assert china_time(None) == ""
