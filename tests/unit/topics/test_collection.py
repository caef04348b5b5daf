"""The yearly collection window (征集窗口) and the configured focus areas."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from jiandu_shared.contracts.topics import CollectionWindowClosed, CollectionWindowOpened
from jiandu_shared.errors import Conflict, InvalidTransition, RuleViolation
from jiandu_topics.domain.collection import (
    CollectionWindow,
    FocusAreas,
    WindowAction,
    WindowState,
)

NOW = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)


def scheduled() -> CollectionWindow:
    return CollectionWindow.schedule(
        year=2027, opens_on=date(2026, 11, 1), closes_on=date(2026, 12, 31), now=NOW
    )


def test_a_window_is_scheduled_then_opened_and_closed_with_public_events() -> None:
    window = scheduled()
    assert window.allowed_actions() == {WindowAction.OPEN, WindowAction.RESCHEDULE}
    assert window.events == []
    window.open(now=NOW)
    window.close(now=NOW)
    opened, closed = window.events
    assert isinstance(opened, CollectionWindowOpened)
    assert isinstance(closed, CollectionWindowClosed)
    assert (opened.year, opened.opens_on, opened.closes_on) == (
        2027,
        date(2026, 11, 1),
        date(2026, 12, 31),
    )
    assert window.state is WindowState.CLOSED


def test_a_closed_window_can_be_reopened_but_not_closed_twice() -> None:
    window = scheduled()
    window.open(now=NOW)
    window.close(now=NOW)
    with pytest.raises(InvalidTransition) as raised:
        window.close(now=NOW)
    assert raised.value.state == "closed"
    assert raised.value.allowed == ["open"]
    window.open(now=NOW)
    assert window.state is WindowState.OPEN
    assert window.closed_at is None


@pytest.mark.parametrize(
    ("opens_on", "closes_on", "message"),
    [
        (date(2026, 12, 31), date(2026, 11, 1), "before it opens"),
        (date(2025, 12, 31), date(2026, 11, 1), "between 2026-01-01 and 2027-12-31"),
        (date(2027, 1, 1), date(2028, 1, 1), "between 2026-01-01 and 2027-12-31"),
    ],
)
def test_window_dates_must_make_sense_for_the_year(
    opens_on: date, closes_on: date, message: str
) -> None:
    with pytest.raises(RuleViolation, match=message):
        CollectionWindow.schedule(year=2027, opens_on=opens_on, closes_on=closes_on, now=NOW)


def test_rescheduling_is_for_windows_not_yet_closed() -> None:
    window = scheduled()
    window.reschedule(opens_on=date(2026, 10, 1), closes_on=date(2027, 1, 15))
    assert (window.opens_on, window.closes_on) == (date(2026, 10, 1), date(2027, 1, 15))
    window.open(now=NOW)
    window.close(now=NOW)
    with pytest.raises(InvalidTransition):
        window.reschedule(opens_on=date(2026, 10, 1), closes_on=date(2027, 2, 1))


def test_only_an_open_window_accepts_and_only_between_its_dates() -> None:
    window = scheduled()
    with pytest.raises(Conflict, match=r"2026-11-01 to 2026-12-31\) is not open"):
        window.require_accepting(date(2026, 11, 20))
    window.open(now=NOW)
    window.require_accepting(date(2026, 11, 1))
    window.require_accepting(date(2026, 12, 31))
    assert window.accepts(date(2026, 12, 31))
    with pytest.raises(Conflict, match="accepted from 2026-11-01"):
        window.require_accepting(date(2026, 10, 31))
    with pytest.raises(Conflict, match="closed on 2026-12-31"):
        window.require_accepting(date(2027, 1, 1))
    assert not window.accepts(date(2027, 1, 1))


def test_unknown_focus_areas_are_refused_with_the_allowed_ones() -> None:
    areas = FocusAreas({"ecology": "生态环境", "work_safety": "安全生产"})
    assert areas.require("ecology") == "ecology"
    with pytest.raises(RuleViolation, match="allowed: ecology, work_safety"):
        areas.require("weather")
