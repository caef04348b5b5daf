"""The working calendar (工作日历) that every deadline of the supervision loop is counted on.

Chinese offices count deadlines in working days: weekends are off unless the State Council
makes them make-up working days (调休), and the official holidays are off even on weekdays.
The ``chinesecalendar`` package knows the official arrangements it was released with; an
operator loads newer (or corrected) years as data. A year known to neither is counted
Monday to Friday, and every deadline that touched such a year says so (``provisional``).

Pure domain: no framework imports.
"""

from __future__ import annotations

import calendar as gregorian
import re
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, timedelta, timezone
from enum import StrEnum
from typing import Any

import chinese_calendar

from jiandu_shared.errors import RuleViolation

# China has kept UTC+8 without daylight saving since 1991, so a fixed offset is exact and
# needs no tz database on the host.
CHINA_TZ = timezone(timedelta(hours=8), "Asia/Shanghai")


def aware_utc(now: datetime) -> datetime:
    """``now`` in UTC; a naive datetime is a bug in the caller, not a local time to guess."""
    if now.tzinfo is None:
        raise ValueError("domain timestamps must be timezone-aware")
    return now.astimezone(UTC)


def local_date(now: datetime) -> date:
    """The date in China at the instant ``now``: deadlines start on the day staff see."""
    if now.tzinfo is None:
        raise ValueError("an aware datetime is needed to tell the date in China")
    return now.astimezone(CHINA_TZ).date()


def _package_years() -> frozenset[int]:
    # Read from the package's own data so that a newer release widens the range by itself.
    known: Iterable[date] = [*chinese_calendar.holidays, *chinese_calendar.workdays]
    return frozenset(d.year for d in known)


PACKAGE_YEARS: frozenset[int] = _package_years()


class PeriodUnit(StrEnum):
    WORKING_DAYS = "working_days"
    CALENDAR_MONTHS = "calendar_months"


_PERIOD_TEXT = re.compile(r"^\s*(\d+)\s*(working_days?|months?|calendar_months?)\s*$")


@dataclass(frozen=True)
class Period:
    """A length of time a rule gives for a task: n working days or n calendar months."""

    amount: int
    unit: PeriodUnit

    def __post_init__(self) -> None:
        if self.amount < 0:
            raise ValueError(f"a period cannot be negative: {self.amount}")

    @classmethod
    def working_days(cls, amount: int) -> Period:
        return cls(amount, PeriodUnit.WORKING_DAYS)

    @classmethod
    def months(cls, amount: int) -> Period:
        return cls(amount, PeriodUnit.CALENDAR_MONTHS)

    @classmethod
    def parse(cls, text: str) -> Period:
        """Read a period from configuration: ``"60 working_days"`` or ``"6 months"``."""
        match = _PERIOD_TEXT.match(text)
        if match is None:
            raise ValueError(
                f"not a period: {text!r} (expected '<n> working_days' or '<n> months')"
            )
        amount, unit = int(match.group(1)), match.group(2)
        return cls.working_days(amount) if unit.startswith("working") else cls.months(amount)

    def __str__(self) -> str:
        return (
            f"{self.amount} {'working_days' if self.unit is PeriodUnit.WORKING_DAYS else 'months'}"
        )


@dataclass(frozen=True)
class Deadline:
    """A due date and whether it was computed without an official calendar for its years.

    ``provisional`` deadlines must be shown as such to staff and recomputed once the missing
    year's official arrangement is loaded.
    """

    due: date
    provisional: bool = False
    unofficial_years: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        if self.provisional != bool(self.unofficial_years):
            raise ValueError("a deadline is provisional exactly when it touched unofficial years")

    @property
    def staff_notice(self) -> str | None:
        """What staff must be told about this deadline, or None when it is official."""
        if not self.provisional:
            return None
        years = ", ".join(str(y) for y in self.unofficial_years)
        return (
            f"Provisional: no official holiday calendar is loaded for {years}; "
            f"counted Monday to Friday and will be recomputed when it is loaded."
        )


@dataclass(frozen=True)
class OfficialYear:
    """One year's official holiday arrangement (节假日安排) as published by the State Council.

    ``holidays`` are the days off (weekdays and weekends inside a holiday alike);
    ``makeup_workdays`` the weekend days that are working days (调休上班).
    """

    year: int
    holidays: AbstractSet[date]
    makeup_workdays: AbstractSet[date]
    source: str

    def __post_init__(self) -> None:
        # Frozen sets keep the value immutable and hashable whatever set the caller passed.
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        object.__setattr__(self, "makeup_workdays", frozenset(self.makeup_workdays))
        problems: list[str] = []
        if not self.source.strip():
            problems.append("the source of the arrangement (e.g. the notice's number) is missing")
        stray = sorted(d for d in self.holidays | self.makeup_workdays if d.year != self.year)
        if stray:
            problems.append(f"dates outside {self.year}: {', '.join(map(str, stray))}")
        both = sorted(self.holidays & self.makeup_workdays)
        if both:
            problems.append(f"both holiday and make-up working day: {', '.join(map(str, both))}")
        weekdays = sorted(d for d in self.makeup_workdays if d.weekday() < 5)
        if weekdays:
            # A make-up day is by definition a weekend day worked; a weekday here is a typo.
            problems.append(f"make-up working days on weekdays: {', '.join(map(str, weekdays))}")
        if problems:
            raise RuleViolation(f"official calendar for {self.year}: " + "; ".join(problems))

    def is_workday(self, d: date) -> bool:
        if d in self.makeup_workdays:
            return True
        return d.weekday() < 5 and d not in self.holidays


class WorkingCalendar:
    """The working calendar (工作日历): which days count towards a working-day deadline.

    Loaded official years take precedence over the package, so an operator can also correct
    a year the package gets wrong.
    """

    def __init__(self, official_years: Iterable[OfficialYear] = ()) -> None:
        self._loaded: dict[int, OfficialYear] = {}
        for official in official_years:
            self.load(official)

    def load(self, official: OfficialYear) -> OfficialYear | None:
        """Load (or replace) a year's arrangement; returns the one it replaced, if any."""
        previous = self._loaded.get(official.year)
        self._loaded[official.year] = official
        return previous

    def loaded_year(self, year: int) -> OfficialYear | None:
        return self._loaded.get(year)

    def known_years(self) -> tuple[int, ...]:
        """Years with an official arrangement, from the package or loaded by an operator."""
        return tuple(sorted(PACKAGE_YEARS | self._loaded.keys()))

    def is_official(self, year: int) -> bool:
        return year in self._loaded or year in PACKAGE_YEARS

    def is_workday(self, d: date) -> bool:
        """Whether ``d`` is a working day; Monday to Friday in a year without official data."""
        return self._lookup(d)[0]

    def _lookup(self, d: date) -> tuple[bool, bool]:
        """(is a working day, known officially)."""
        loaded = self._loaded.get(d.year)
        if loaded is not None:
            return loaded.is_workday(d), True
        if d.year in PACKAGE_YEARS:
            try:
                return bool(chinese_calendar.is_workday(d)), True
            except NotImplementedError:
                pass  # a gap inside the package's range: treat it like any unknown year
        return d.weekday() < 5, False

    def add_working_days(self, start: date, n: int) -> Deadline:
        """The n-th working day after ``start`` (``start`` itself is not counted)."""
        if n < 0:
            raise ValueError("use subtract_working_days to count backwards")
        return self._step(start, n, forward=True)

    def subtract_working_days(self, end: date, n: int) -> Deadline:
        """The n-th working day before ``end`` (``end`` itself is not counted)."""
        if n < 0:
            raise ValueError("use add_working_days to count forwards")
        return self._step(end, n, forward=False)

    def _step(self, origin: date, n: int, *, forward: bool) -> Deadline:
        step = timedelta(days=1 if forward else -1)
        unofficial: set[int] = set()
        d, counted = origin, 0
        while counted < n:
            d += step
            workday, official = self._lookup(d)
            if not official:
                unofficial.add(d.year)
            if workday:
                counted += 1
        return _deadline(d, unofficial)

    def add_months(self, start: date, n: int) -> Deadline:
        """The same day n calendar months later, moved on to the next working day if needed.

        Civil Code art. 202-203 (民法典): a month period ends on the corresponding day (the
        month's last day when there is none) and, when that day is a day off, on the first
        day after it.
        """
        if n < 0:
            raise ValueError(f"cannot add a negative number of months: {n}")
        months = start.month - 1 + n
        year, month = start.year + months // 12, months % 12 + 1
        d = date(year, month, min(start.day, gregorian.monthrange(year, month)[1]))
        unofficial: set[int] = set()
        while True:
            workday, official = self._lookup(d)
            if not official:
                unofficial.add(d.year)
            if workday:
                return _deadline(d, unofficial)
            d += timedelta(days=1)

    def deadline(self, start: date, period: Period) -> Deadline:
        """When a task given on ``start`` with ``period`` to do it is due."""
        if period.unit is PeriodUnit.WORKING_DAYS:
            return self.add_working_days(start, period.amount)
        return self.add_months(start, period.amount)

    def working_days_between(self, a: date, b: date) -> int:
        """Working days after ``a`` up to and including ``b`` (negative when ``b`` < ``a``).

        The inverse of ``add_working_days``: ``working_days_between(a, add_working_days(a,
        n).due) == n``. Days of unofficial years count Monday to Friday; see
        ``unofficial_years_between``.
        """
        if b < a:
            return -self.working_days_between(b, a)
        return sum(1 for d in _days_after(a, b) if self._lookup(d)[0])

    def unofficial_years_between(self, a: date, b: date) -> tuple[int, ...]:
        """Years without an official calendar among the days after ``a`` up to ``b``."""
        low, high = min(a, b), max(a, b)
        if low == high:
            return ()
        first = low + timedelta(days=1)
        return tuple(y for y in range(first.year, high.year + 1) if not self.is_official(y))


def _days_after(a: date, b: date) -> Iterable[date]:
    d = a
    while d < b:
        d += timedelta(days=1)
        yield d


def _deadline(due: date, unofficial: set[int]) -> Deadline:
    return Deadline(
        due=due, provisional=bool(unofficial), unofficial_years=tuple(sorted(unofficial))
    )


_SIXTY_WORKING_DAYS = Period.working_days(60)
_SIX_MONTHS = Period.months(6)
_THIRTY_WORKING_DAYS = Period.working_days(30)


@dataclass(frozen=True)
class DeadlineRules:
    """Deadline rules (期限规则) of the supervision loop: configuration, not constants.

    The defaults are a starting point for a county committee; each committee's own rules
    (e.g. its 审议意见跟踪问效办法) decide the real values and load them with
    ``from_mapping``. Only the 6 months for state-asset opinions comes from the seed
    (国有资产管理情况报告审议意见, 6个月内报告研究处理情况).
    """

    # Implementation report on a deliberation opinion (审议意见研究处理情况报告).
    opinion_implementation: Period = _SIXTY_WORKING_DAYS
    # Deliberation opinions on the state-asset management report.
    state_asset_opinion: Period = _SIX_MONTHS
    # Deliberation opinions on the audit-rectification and budget-execution reports.
    audit_rectification_opinion: Period = _SIXTY_WORKING_DAYS
    budget_execution_opinion: Period = _SIXTY_WORKING_DAYS
    # Second handling (二次办理) after an unsatisfied evaluation.
    second_handling: Period = _THIRTY_WORKING_DAYS
    # Remind the responsible organ this many working days before a deadline.
    due_soon_working_days: int = 5

    def __post_init__(self) -> None:
        if self.due_soon_working_days < 0:
            raise ValueError("the due-soon reminder cannot be after the deadline")

    @classmethod
    def from_mapping(cls, values: Mapping[str, str | int]) -> DeadlineRules:
        """Build from configuration, e.g. ``{"second_handling": "20 working_days"}``."""
        names = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - names)
        if unknown:
            raise ValueError(f"unknown deadline rules: {', '.join(unknown)}")
        kwargs: dict[str, Any] = {}
        for name, value in values.items():
            if name == "due_soon_working_days":
                kwargs[name] = int(value)
            else:
                kwargs[name] = Period.parse(str(value))
        return cls(**kwargs)

    def due_soon_on(self, calendar: WorkingCalendar, deadline: Deadline) -> Deadline:
        """The working day on which to remind the organ that ``deadline`` is near."""
        return calendar.subtract_working_days(deadline.due, self.due_soon_working_days)


@dataclass(frozen=True)
class PeriodLimits:
    """How far staff may set a period themselves instead of the rule's: configuration.

    A committee may give an organ a shorter or longer period for one assignment (e.g. an
    urgent opinion), but not a period that defeats the deadline: no zero days, no years.
    """

    min_working_days: int = 5
    max_working_days: int = 250
    min_months: int = 1
    max_months: int = 12

    def __post_init__(self) -> None:
        if not 0 < self.min_working_days <= self.max_working_days:
            raise ValueError("need 0 < min_working_days <= max_working_days")
        if not 0 < self.min_months <= self.max_months:
            raise ValueError("need 0 < min_months <= max_months")

    def check(self, period: Period) -> Period:
        """``period`` when it is within the limits; RuleViolation otherwise."""
        if period.unit is PeriodUnit.WORKING_DAYS:
            low, high, unit = self.min_working_days, self.max_working_days, "working days"
        else:
            low, high, unit = self.min_months, self.max_months, "months"
        if not low <= period.amount <= high:
            raise RuleViolation(
                f"a period of {period.amount} {unit} is outside the allowed {low} to {high}"
            )
        return period
