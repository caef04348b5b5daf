"""The rules of budget-execution monitoring (预算联网监督预警规则) and their thresholds.

The database sums the execution data per budget line and per department (set-based, one
GROUP BY per figure); the rules here compare those figures with the configured thresholds and
say what to flag. A flag is identified by its rule, subject and period, so checking the same
data again finds the same flags and the service records each finding once.

Thresholds are data with versions (staff change them through the API); the defaults below are
the service's configuration when no version was stored yet:

- ``behind_time_progress`` (支出进度滞后): a line's executed share of its (adjusted) budget is
  more than ``behind_gap`` below the share of the year elapsed at the as-of date, once at
  least ``behind_min_time_share`` of the year has passed; lines under ``behind_min_budget``
  are left alone. Period: the quarter of the as-of date.
- ``no_budget_line`` (无预算支出): payments naming no budget line, or a line the year's
  budgets do not have, summed per department (checked once the year has budget lines).
  Period: the year.
- ``large_reallocation`` (大额调剂): a line's reallocations (sum of their absolute amounts)
  above ``reallocation_amount`` or above ``reallocation_share`` of its budget. Period: year.
- ``year_end_rush`` (年底突击花钱): a department's spending in the year's last
  ``year_end_days`` days above ``year_end_share`` of its spending in the year (departments
  spending less than ``year_end_min_total`` in the year are left alone). Period: the year.
- ``idle_special_fund`` (专项资金闲置): a special-fund line with an executed share at or below
  ``idle_share`` once ``idle_months`` months of the year have passed. Period: the year.

Pure domain: no framework imports.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

from jiandu_shared.contracts import EventData
from jiandu_shared.contracts.finance.budgets import ExecutionRule, ExecutionRulesChanged
from jiandu_shared.errors import RuleViolation
from jiandu_shared.money import MAX_YUAN, from_fen

_R = ExecutionRule


def _share(value: object, name: str) -> Fraction:
    try:
        share = Fraction(str(value))
    except (ValueError, ZeroDivisionError) as exc:
        raise RuleViolation(f"{name}: {value!r} is not a share such as 0.2 or 1/5") from exc
    if not 0 <= share <= 1:
        raise RuleViolation(f"{name}: a share must be between 0 and 1, not {value}")
    return share


def _yuan(value: object, name: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except ArithmeticError as exc:
        raise RuleViolation(f"{name}: {value!r} is not an amount") from exc
    if not amount.is_finite() or amount < 0 or amount > MAX_YUAN:
        raise RuleViolation(f"{name}: {value} is not an amount between 0 and {MAX_YUAN}")
    if amount != amount.quantize(Decimal("0.01")):
        raise RuleViolation(f"{name}: {value} has more than two decimals (fen)")
    return amount.quantize(Decimal("0.01"))


def _whole(value: object, name: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise RuleViolation(f"{name}: {value!r} is not a whole number")
    try:
        number = int(value)
    except ValueError as exc:
        raise RuleViolation(f"{name}: {value!r} is not a whole number") from exc
    if not low <= number <= high:
        raise RuleViolation(f"{name}: {number} must be between {low} and {high}")
    return number


@dataclass(frozen=True)
class RuleThresholds:
    """The configurable thresholds of the five rules (see the module's description)."""

    behind_gap: Fraction = Fraction(1, 5)
    behind_min_time_share: Fraction = Fraction(1, 4)
    behind_min_budget: Decimal = Decimal("0.00")
    reallocation_amount: Decimal = Decimal("1000000.00")
    reallocation_share: Fraction = Fraction(3, 10)
    year_end_days: int = 31
    year_end_share: Fraction = Fraction(3, 10)
    year_end_min_total: Decimal = Decimal("100000.00")
    idle_months: int = 6
    idle_share: Fraction = Fraction(1, 20)
    row_refs: int = 10  # rows of evidence kept per finding

    @classmethod
    def parse(cls, values: Mapping[str, Any], base: RuleThresholds | None = None) -> RuleThresholds:
        """Thresholds from JSON-like values (shares as "0.2" or "1/5", amounts as "1000.00");
        names not given keep ``base``'s values (the defaults when ``base`` is None)."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise RuleViolation(f"unknown thresholds: {', '.join(unknown)}")
        parsed: dict[str, Any] = {}
        for name, value in values.items():
            if name in ("behind_min_budget", "reallocation_amount", "year_end_min_total"):
                parsed[name] = _yuan(value, name)
            elif name == "year_end_days":
                parsed[name] = _whole(value, name, 1, 180)
            elif name == "idle_months":
                parsed[name] = _whole(value, name, 1, 12)
            elif name == "row_refs":
                parsed[name] = _whole(value, name, 0, 100)
            else:
                parsed[name] = _share(value, name)
        return replace(base or cls(), **parsed)

    def as_json(self) -> dict[str, Any]:
        """Shares and amounts as exact strings, counts as numbers."""
        return {
            name: value if isinstance(value, int) else str(value)
            for name, value in asdict(self).items()
        }


DEFAULT_THRESHOLDS = RuleThresholds()


class RuleSet:
    """One version of the monitoring thresholds (规则版本); the latest version is in force."""

    def __init__(
        self,
        *,
        version: int,
        thresholds: RuleThresholds,
        created_at: datetime,
        created_by: str,
        note: str | None = None,
    ) -> None:
        self.version = version
        self.thresholds = thresholds
        self.created_at = created_at
        self.created_by = created_by
        self.note = note
        self.events: list[EventData] = []

    @classmethod
    def next_after(
        cls,
        current: RuleSet | None,
        defaults: RuleThresholds,
        changes: Mapping[str, Any],
        *,
        now: datetime,
        by: str,
        note: str | None,
    ) -> RuleSet:
        base = current.thresholds if current is not None else defaults
        thresholds = RuleThresholds.parse(changes, base)
        rules = cls(
            version=(current.version if current is not None else 0) + 1,
            thresholds=thresholds,
            created_at=now,
            created_by=by,
            note=note,
        )
        rules.events.append(
            ExecutionRulesChanged(
                version=rules.version,
                thresholds=thresholds.as_json(),
                changed_by=by,
                changed_at=now,
            )
        )
        return rules


# --- the figures the database sums, and the flags the rules raise -----------------------------


@dataclass(frozen=True)
class LineFigures:
    """A budget line and its execution up to the as-of date (amounts in fen)."""

    line_code: str
    department_code: str
    budget_fen: int
    special_fund: bool
    spent_fen: int = 0
    payments: int = 0
    reallocated_net_fen: int = 0  # budget moved into (+) or out of (-) the line
    reallocated_abs_fen: int = 0  # sum of the absolute reallocations
    reallocations: int = 0

    @property
    def adjusted_budget_fen(self) -> int:
        return self.budget_fen + self.reallocated_net_fen

    def executed_share(self) -> Fraction | None:
        adjusted = self.adjusted_budget_fen
        return Fraction(self.spent_fen, adjusted) if adjusted > 0 else None


@dataclass(frozen=True)
class DepartmentSpending:
    """A department's payments in a year up to the as-of date (amounts in fen)."""

    department_code: str
    total_fen: int
    payments: int
    late_fen: int = 0  # in the year's last days
    late_payments: int = 0


@dataclass(frozen=True)
class Unbudgeted:
    """A department's payments naming no line of the year's budgets."""

    department_code: str
    total_fen: int
    payments: int
    missing_line: int  # rows naming no line at all
    unknown_line: int  # rows naming a line the budgets do not have


@dataclass(frozen=True)
class Flag:
    """What a rule found: its key (rule, subject, period) and the figures behind it."""

    rule: ExecutionRule
    subject: str
    period: str
    year: int
    department_code: str
    line_code: str | None
    amount: Decimal
    summary: str
    figures: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str, str]:
        return (str(self.rule), self.subject, self.period)


def _pct(share: Fraction) -> str:
    return f"{float(share) * 100:.1f}%"


def _ratio(share: Fraction) -> str:
    return str(Decimal(share.numerator) / Decimal(share.denominator))[:12]


def _yuan_text(fen: int) -> str:
    return str(from_fen(fen))


def time_share(as_of: date) -> Fraction:
    """The share of the year elapsed at the end of ``as_of`` (序时进度)."""
    days = 366 if calendar.isleap(as_of.year) else 365
    return Fraction(as_of.timetuple().tm_yday, days)


def months_elapsed(as_of: date) -> int:
    """Whole months of the year completed at the end of ``as_of``."""
    last_day = calendar.monthrange(as_of.year, as_of.month)[1]
    return as_of.month if as_of.day == last_day else as_of.month - 1


def year_end_window_start(year: int, days: int) -> date:
    return date.fromordinal(date(year, 12, 31).toordinal() - days + 1)


def behind_time_progress(
    lines: Iterable[LineFigures], *, as_of: date, t: RuleThresholds
) -> list[Flag]:
    elapsed = time_share(as_of)
    if elapsed < t.behind_min_time_share:
        return []
    quarter = (as_of.month - 1) // 3 + 1
    min_budget = int(t.behind_min_budget * 100)
    flags = []
    for line in lines:
        executed = line.executed_share()
        if executed is None or line.adjusted_budget_fen < max(min_budget, 1):
            continue
        if elapsed - executed > t.behind_gap:
            flags.append(
                Flag(
                    rule=_R.BEHIND_TIME_PROGRESS,
                    subject=line.line_code,
                    period=f"{as_of.year}-Q{quarter}",
                    year=as_of.year,
                    department_code=line.department_code,
                    line_code=line.line_code,
                    amount=from_fen(max(line.adjusted_budget_fen - line.spent_fen, 0)),
                    summary=f"指标 {line.line_code} 支出进度 {_pct(executed)}，"
                    f"低于序时进度 {_pct(elapsed)} 超过 {_pct(t.behind_gap)}",
                    figures={
                        "as_of": as_of.isoformat(),
                        "budget": _yuan_text(line.budget_fen),
                        "adjusted_budget": _yuan_text(line.adjusted_budget_fen),
                        "spent": _yuan_text(line.spent_fen),
                        "payments": line.payments,
                        "executed_share": _ratio(executed),
                        "time_share": _ratio(elapsed),
                        "gap": _ratio(elapsed - executed),
                        "threshold_gap": str(t.behind_gap),
                    },
                )
            )
    return flags


def no_budget_line(
    departments: Iterable[Unbudgeted], *, year: int, as_of: date, t: RuleThresholds
) -> list[Flag]:
    return [
        Flag(
            rule=_R.NO_BUDGET_LINE,
            subject=d.department_code,
            period=str(year),
            year=year,
            department_code=d.department_code,
            line_code=None,
            amount=from_fen(d.total_fen),
            summary=f"单位 {d.department_code} 有 {d.payments} 笔支出共 "
            f"{_yuan_text(d.total_fen)} 元无预算指标",
            figures={
                "as_of": as_of.isoformat(),
                "spent": _yuan_text(d.total_fen),
                "payments": d.payments,
                "payments_naming_no_line": d.missing_line,
                "payments_naming_unknown_line": d.unknown_line,
            },
        )
        for d in departments
        if d.payments > 0 and d.total_fen != 0
    ]


def large_reallocation(
    lines: Iterable[LineFigures], *, year: int, as_of: date, t: RuleThresholds
) -> list[Flag]:
    limit_fen = int(t.reallocation_amount * 100)
    flags = []
    for line in lines:
        if line.reallocations == 0 or line.reallocated_abs_fen == 0:
            continue
        share = Fraction(line.reallocated_abs_fen, line.budget_fen) if line.budget_fen > 0 else None
        over_amount = line.reallocated_abs_fen > limit_fen
        over_share = share is not None and share > t.reallocation_share
        if not (over_amount or over_share):
            continue
        flags.append(
            Flag(
                rule=_R.LARGE_REALLOCATION,
                subject=line.line_code,
                period=str(year),
                year=year,
                department_code=line.department_code,
                line_code=line.line_code,
                amount=from_fen(line.reallocated_abs_fen),
                summary=f"指标 {line.line_code} 调剂 {line.reallocations} 次共 "
                f"{_yuan_text(line.reallocated_abs_fen)} 元"
                + (f"，占预算 {_pct(share)}" if share is not None else ""),
                figures={
                    "as_of": as_of.isoformat(),
                    "budget": _yuan_text(line.budget_fen),
                    "reallocated": _yuan_text(line.reallocated_abs_fen),
                    "reallocated_net": _yuan_text(line.reallocated_net_fen),
                    "reallocations": line.reallocations,
                    "reallocated_share": None if share is None else _ratio(share),
                    "over_amount": over_amount,
                    "over_share": over_share,
                    "threshold_amount": str(t.reallocation_amount),
                    "threshold_share": str(t.reallocation_share),
                },
            )
        )
    return flags


def year_end_rush(
    departments: Iterable[DepartmentSpending], *, year: int, as_of: date, t: RuleThresholds
) -> list[Flag]:
    start = year_end_window_start(year, t.year_end_days)
    if as_of < start:
        return []
    min_total = int(t.year_end_min_total * 100)
    flags = []
    for d in departments:
        if d.total_fen <= 0 or d.total_fen < min_total or d.late_fen <= 0:
            continue
        share = Fraction(d.late_fen, d.total_fen)
        if share > t.year_end_share:
            flags.append(
                Flag(
                    rule=_R.YEAR_END_RUSH,
                    subject=d.department_code,
                    period=str(year),
                    year=year,
                    department_code=d.department_code,
                    line_code=None,
                    amount=from_fen(d.late_fen),
                    summary=f"单位 {d.department_code} 在 {start.isoformat()} 之后支出 "
                    f"{_yuan_text(d.late_fen)} 元，占全年支出 {_pct(share)}",
                    figures={
                        "as_of": as_of.isoformat(),
                        "window_start": start.isoformat(),
                        "spent_in_year": _yuan_text(d.total_fen),
                        "spent_in_window": _yuan_text(d.late_fen),
                        "payments_in_window": d.late_payments,
                        "window_share": _ratio(share),
                        "threshold_share": str(t.year_end_share),
                    },
                )
            )
    return flags


def idle_special_fund(
    lines: Iterable[LineFigures], *, as_of: date, t: RuleThresholds
) -> list[Flag]:
    months = months_elapsed(as_of)
    if months < t.idle_months:
        return []
    flags = []
    for line in lines:
        executed = line.executed_share()
        if not line.special_fund or executed is None or executed > t.idle_share:
            continue
        flags.append(
            Flag(
                rule=_R.IDLE_SPECIAL_FUND,
                subject=line.line_code,
                period=str(as_of.year),
                year=as_of.year,
                department_code=line.department_code,
                line_code=line.line_code,
                amount=from_fen(line.adjusted_budget_fen - line.spent_fen),
                summary=f"专项资金指标 {line.line_code} 已过 {months} 个月仅支出 "
                f"{_pct(executed)}，{_yuan_text(line.adjusted_budget_fen - line.spent_fen)} "
                "元闲置",
                figures={
                    "as_of": as_of.isoformat(),
                    "months_elapsed": months,
                    "budget": _yuan_text(line.budget_fen),
                    "adjusted_budget": _yuan_text(line.adjusted_budget_fen),
                    "spent": _yuan_text(line.spent_fen),
                    "payments": line.payments,
                    "executed_share": _ratio(executed),
                    "threshold_share": str(t.idle_share),
                    "threshold_months": t.idle_months,
                },
            )
        )
    return flags


@dataclass(frozen=True)
class YearFigures:
    """Everything the rules look at for one year, as of one date."""

    year: int
    as_of: date
    lines: list[LineFigures]
    departments: list[DepartmentSpending]
    unbudgeted: list[Unbudgeted]


def check(figures: YearFigures, t: RuleThresholds) -> list[Flag]:
    """Every flag the five rules raise on a year's figures."""
    as_of = figures.as_of
    return [
        *behind_time_progress(figures.lines, as_of=as_of, t=t),
        # Before any budget of the year is recorded, every payment would be "unbudgeted".
        *(
            no_budget_line(figures.unbudgeted, year=figures.year, as_of=as_of, t=t)
            if figures.lines
            else []
        ),
        *large_reallocation(figures.lines, year=figures.year, as_of=as_of, t=t),
        *year_end_rush(figures.departments, year=figures.year, as_of=as_of, t=t),
        *idle_special_fund(figures.lines, as_of=as_of, t=t),
    ]
