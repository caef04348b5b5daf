"""Working calendar: real 2026 holidays from the package, provisional and loaded years."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import chinese_calendar
import pytest

from jiandu_shared.calendar import (
    Deadline,
    DeadlineRules,
    OfficialYear,
    Period,
    PeriodUnit,
    WorkingCalendar,
    local_date,
)
from jiandu_shared.errors import RuleViolation

# Not the State Council's 2027 notice (unpublished when written): a plausible arrangement
# to show that loaded data, not the package, decides.
HYPOTHETICAL_2027 = OfficialYear(
    year=2027,
    holidays={date(2027, 1, 1), date(2027, 1, 2), date(2027, 1, 3)}
    | {date(2027, 2, d) for d in range(5, 14)},
    makeup_workdays={date(2027, 2, 14), date(2027, 2, 20)},
    source="test fixture: hypothetical 2027 arrangement",
)


@pytest.fixture
def calendar() -> WorkingCalendar:
    return WorkingCalendar()


# --- the package's 2026 arrangement --------------------------------------------------------


def test_national_day_2026_is_off_from_1_to_7_october(calendar: WorkingCalendar) -> None:
    # The package (1.11.0) has 1-7 October off and 8 October (Thursday) as a normal day.
    assert [calendar.is_workday(date(2026, 10, d)) for d in range(1, 9)] == [False] * 7 + [True]


def test_national_day_2026_make_up_days_are_working_days(calendar: WorkingCalendar) -> None:
    assert date(2026, 9, 20).weekday() == 6 and calendar.is_workday(date(2026, 9, 20))
    assert date(2026, 10, 10).weekday() == 5 and calendar.is_workday(date(2026, 10, 10))
    assert not calendar.is_workday(date(2026, 10, 11))  # the following Sunday is off


def test_counting_across_national_day_2026(calendar: WorkingCalendar) -> None:
    assert calendar.add_working_days(date(2026, 9, 30), 1) == Deadline(date(2026, 10, 8))
    assert calendar.add_working_days(date(2026, 9, 30), 3) == Deadline(date(2026, 10, 10))
    # Friday 18 September: the next working day is the make-up Sunday.
    assert calendar.add_working_days(date(2026, 9, 18), 1).due == date(2026, 9, 20)
    assert calendar.working_days_between(date(2026, 9, 30), date(2026, 10, 31)) == 18


def test_counting_across_spring_festival_2026(calendar: WorkingCalendar) -> None:
    assert not any(calendar.is_workday(date(2026, 2, d)) for d in range(15, 24))
    assert calendar.add_working_days(date(2026, 2, 13), 1).due == date(2026, 2, 14)  # Saturday
    assert calendar.add_working_days(date(2026, 2, 14), 1).due == date(2026, 2, 24)
    assert calendar.is_workday(date(2026, 2, 28))  # make-up Saturday


def test_2026_agrees_with_the_package_day_by_day(calendar: WorkingCalendar) -> None:
    days = [date(2026, 1, 1) + timedelta(days=i) for i in range(365)]
    assert [calendar.is_workday(d) for d in days] == [chinese_calendar.is_workday(d) for d in days]
    official = chinese_calendar.get_workdays(date(2026, 1, 1), date(2026, 12, 31))
    assert calendar.working_days_between(date(2025, 12, 31), date(2026, 12, 31)) == len(official)


def test_start_day_is_not_counted(calendar: WorkingCalendar) -> None:
    assert calendar.add_working_days(date(2026, 3, 2), 1).due == date(2026, 3, 3)
    assert calendar.add_working_days(date(2026, 3, 2), 0).due == date(2026, 3, 2)


def test_working_days_between_inverts_add_working_days(calendar: WorkingCalendar) -> None:
    start = date(2026, 9, 25)
    for n in range(0, 40):
        due = calendar.add_working_days(start, n).due
        assert calendar.working_days_between(start, due) == n
    assert calendar.working_days_between(date(2026, 10, 31), date(2026, 9, 30)) == -18


def test_counting_backwards_for_reminders(calendar: WorkingCalendar) -> None:
    # 5 working days before Friday 9 October: 8 Oct, 30, 29, 28 Sep, then Mid-Autumn
    # (25-27 Sep) is skipped: 24 Sep.
    assert not calendar.is_workday(date(2026, 9, 25))
    assert calendar.subtract_working_days(date(2026, 10, 9), 5).due == date(2026, 9, 24)


def test_known_years_are_the_packages_until_one_is_loaded(calendar: WorkingCalendar) -> None:
    years = calendar.known_years()
    assert years[0] == 2004 and years[-1] == 2026
    calendar.load(HYPOTHETICAL_2027)
    assert calendar.known_years()[-1] == 2027


# --- years without an official calendar --------------------------------------------------------


def test_deadline_crossing_into_2027_is_provisional(calendar: WorkingCalendar) -> None:
    deadline = calendar.add_working_days(date(2026, 12, 15), 20)
    # 12 working days left in December, then Mon-Fri in 2027 (New Year's Day counted!).
    assert deadline == Deadline(date(2027, 1, 12), provisional=True, unofficial_years=(2027,))
    assert deadline.staff_notice is not None and "2027" in deadline.staff_notice


def test_short_deadline_in_december_stays_official(calendar: WorkingCalendar) -> None:
    deadline = calendar.add_working_days(date(2026, 12, 15), 5)
    assert deadline == Deadline(date(2026, 12, 22))
    assert deadline.staff_notice is None


def test_unknown_year_falls_back_to_monday_to_friday(calendar: WorkingCalendar) -> None:
    assert calendar.is_workday(date(2027, 1, 1))  # a Friday; surely a holiday in reality
    assert not calendar.is_workday(date(2027, 1, 2))
    assert calendar.add_working_days(date(2003, 12, 30), 1).unofficial_years == (2003,)
    assert calendar.unofficial_years_between(date(2026, 12, 31), date(2028, 1, 1)) == (2027, 2028)
    assert calendar.unofficial_years_between(date(2026, 1, 1), date(2026, 12, 31)) == ()


def test_loaded_year_makes_the_deadline_official(calendar: WorkingCalendar) -> None:
    calendar.load(HYPOTHETICAL_2027)
    deadline = calendar.add_working_days(date(2026, 12, 15), 20)
    assert deadline == Deadline(date(2027, 1, 13))  # 1 January now off
    assert calendar.is_workday(date(2027, 2, 14))  # a make-up Sunday
    assert not calendar.is_workday(date(2027, 2, 8))  # a Monday inside the holiday


def test_loaded_year_overrides_the_package(calendar: WorkingCalendar) -> None:
    corrected = OfficialYear(
        year=2026,
        holidays={date(2026, 10, d) for d in range(1, 9)},
        makeup_workdays={date(2026, 9, 20), date(2026, 10, 10)},
        source="test fixture: correction adding 8 October",
    )
    assert calendar.load(corrected) is None
    assert not calendar.is_workday(date(2026, 10, 8))
    assert calendar.add_working_days(date(2026, 9, 30), 1).due == date(2026, 10, 9)
    # Only what is loaded counts: Spring Festival is not in this (partial) correction.
    assert calendar.is_workday(date(2026, 2, 16))
    assert calendar.load(corrected) is corrected  # reloading returns the replaced year


@pytest.mark.parametrize(
    ("holidays", "makeup", "source", "problem"),
    [
        (set(), {date(2027, 2, 15)}, "notice", "on weekdays"),  # a Monday
        ({date(2028, 1, 3)}, set(), "notice", "outside 2027"),
        ({date(2027, 2, 14)}, {date(2027, 2, 14)}, "notice", "both holiday and make-up"),
        (set(), set(), "  ", "source"),
    ],
)
def test_an_official_year_is_checked_when_loaded(
    holidays: set[date], makeup: set[date], source: str, problem: str
) -> None:
    with pytest.raises(RuleViolation, match=problem):
        OfficialYear(year=2027, holidays=holidays, makeup_workdays=makeup, source=source)


def test_deadline_flags_must_agree() -> None:
    with pytest.raises(ValueError):
        Deadline(date(2027, 1, 4), provisional=True)


# --- calendar months ---------------------------------------------------------------------------


def test_months_end_on_the_corresponding_day_or_the_months_last(calendar: WorkingCalendar) -> None:
    assert calendar.add_months(date(2026, 8, 31), 1).due == date(2026, 9, 30)
    assert calendar.add_months(date(2026, 1, 31), 1).due == date(2026, 2, 28)  # make-up Sat
    assert calendar.add_months(date(2026, 3, 31), 2).due == date(2026, 6, 1)  # 31 May: Sun


def test_months_landing_on_a_holiday_move_to_the_next_working_day(
    calendar: WorkingCalendar,
) -> None:
    assert calendar.add_months(date(2026, 4, 1), 6) == Deadline(date(2026, 10, 8))


def test_six_months_into_2027_is_provisional(calendar: WorkingCalendar) -> None:
    rules = DeadlineRules()
    deadline = calendar.deadline(date(2026, 7, 15), rules.state_asset_opinion)
    assert deadline == Deadline(date(2027, 1, 15), provisional=True, unofficial_years=(2027,))


# --- rules as configuration --------------------------------------------------------------------


def test_default_rules_and_reminders(calendar: WorkingCalendar) -> None:
    rules = DeadlineRules()
    assert rules.opinion_implementation == Period(60, PeriodUnit.WORKING_DAYS)
    assert rules.state_asset_opinion == Period.months(6)
    deadline = calendar.deadline(date(2026, 9, 1), rules.second_handling)
    assert deadline.due == date(2026, 10, 19)
    assert rules.due_soon_on(calendar, deadline).due == date(2026, 10, 12)


def test_rules_load_from_configuration() -> None:
    rules = DeadlineRules.from_mapping(
        {"second_handling": "20 working_days", "state_asset_opinion": "3 months"}
        | {"due_soon_working_days": 3}
    )
    assert rules.second_handling == Period.working_days(20)
    assert rules.state_asset_opinion == Period.months(3)
    assert rules.due_soon_working_days == 3
    assert rules.opinion_implementation == DeadlineRules().opinion_implementation
    with pytest.raises(ValueError, match="unknown"):
        DeadlineRules.from_mapping({"appeal": "5 working_days"})
    with pytest.raises(ValueError, match="not a period"):
        Period.parse("two weeks")
    assert str(Period.parse(" 6 month ")) == "6 months"


def test_the_date_in_china_decides_the_start_day() -> None:
    assert local_date(datetime(2026, 9, 30, 15, 59, tzinfo=UTC)) == date(2026, 9, 30)
    assert local_date(datetime(2026, 9, 30, 16, 0, tzinfo=UTC)) == date(2026, 10, 1)
    with pytest.raises(ValueError):
        local_date(datetime(2026, 9, 30, 16, 0))
