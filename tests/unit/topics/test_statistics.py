"""Days to implementation (statistics): dates in China, official working days, and a span
that reaches a year without an official calendar says so."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from jiandu_shared.calendar import WorkingCalendar
from jiandu_topics.adapters.statistics_queries import Implementation
from jiandu_topics.service_layer.statistics import days_to_implementation


def done(assigned_at: datetime, reported_at: datetime) -> Implementation:
    return Implementation(uuid.uuid4(), assigned_at, reported_at)


def test_nothing_implemented_has_no_average() -> None:
    result = days_to_implementation([], WorkingCalendar())
    assert result.implemented == 0
    assert result.average_calendar_days is None and result.average_working_days is None


def test_days_are_counted_between_dates_in_china_on_the_official_calendar() -> None:
    # Assigned 23:30 on 30 Sep 2026 in China (15:30 UTC), reported 00:30 on 9 Oct in China
    # (16:30 UTC on 8 Oct): 9 calendar days; working days 8 and 9 Oct only (1-7 off).
    across_national_day = done(
        datetime(2026, 9, 30, 15, 30, tzinfo=UTC), datetime(2026, 10, 8, 16, 30, tzinfo=UTC)
    )
    # Monday 2 March to Friday 6 March 2026: 4 calendar days, 4 working days.
    plain_week = done(datetime(2026, 3, 2, 2, tzinfo=UTC), datetime(2026, 3, 6, 2, tzinfo=UTC))
    result = days_to_implementation([across_national_day, plain_week], WorkingCalendar())
    assert result.implemented == 2
    assert result.average_calendar_days == (9 + 4) / 2
    assert result.average_working_days == (2 + 4) / 2
    assert result.working_days_unofficial_years == []


def test_a_span_into_a_year_without_an_official_calendar_is_named() -> None:
    # 28 Dec 2026 to 5 Jan 2027: 2027 is counted Monday to Friday until it is loaded.
    into_2027 = done(datetime(2026, 12, 28, 2, tzinfo=UTC), datetime(2027, 1, 5, 2, tzinfo=UTC))
    result = days_to_implementation([into_2027], WorkingCalendar())
    assert result.average_calendar_days == 8
    assert result.average_working_days == 6  # 29-31 Dec, 1 (a Friday), 4, 5 Jan
    assert result.working_days_unofficial_years == [2027]
    third = days_to_implementation(
        [into_2027, into_2027, done(into_2027.assigned_at, into_2027.assigned_at)],
        WorkingCalendar(),
    )
    assert third.average_calendar_days == round(16 / 3, 2) == 5.33
