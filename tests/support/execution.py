"""Helpers for tests of full-scope budgets and budget-execution monitoring (finance).

``scenario_budget`` and ``scenario_rows`` make a small year of data with one planted anomaly
of each rule and clean lines beside them; ``EXPECTED`` names the findings it must raise.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from jiandu_shared.web.auth import Role, mint_token
from tests.support.services import TEST_SECRET

FIELDS = (
    "row_id",
    "paid_on",
    "department_code",
    "line_code",
    "project_code",
    "functional_code",
    "economic_code",
    "amount",
    "payee_category",
    "reallocation",
    "reallocation_amount",
)


def headers(role: Role, subject: str = "tester", organisation: str | None = None) -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_token(TEST_SECRET, subject, role, organisation)}"}


STAFF = headers(Role.COMMITTEE_STAFF, "staff-1")
MEMBER = headers(Role.COMMITTEE_MEMBER, "member-1")


def department(code: str) -> dict[str, str]:
    return headers(Role.DEPARTMENT, f"dept-{code}", code)


def line(
    code: str, department_code: str, amount: str, *, special: bool = False, **extra: Any
) -> dict[str, Any]:
    return {
        "code": code,
        "name": f"指标 {code}",
        "department_code": department_code,
        "functional_code": "2050202",
        "amount": amount,
        **({"special_fund": True, "project_code": f"P-{code}"} if special else {}),
        **extra,
    }


def scenario_budget(year: int = 2026) -> dict[str, Any]:
    return {
        "year": year,
        "kind": "general_public",
        "lines": [
            line("L001", "D01", "1000000.00"),  # clean: 90% spent
            line("L002", "D02", "1000000.00"),  # behind time progress: 10% spent
            line("S001", "D03", "500000.00", special=True),  # idle special fund (and behind)
            line("L003", "D01", "1000000.00"),  # large reallocation: +500,000
            line("L005", "D05", "1000000.00"),  # year-end rush: 75% of it in December
            line("L006", "D06", "800000.00", special=True),  # clean special fund
        ],
    }


EXPECTED = {
    ("behind_time_progress", "L002"),
    ("behind_time_progress", "S001"),
    ("idle_special_fund", "S001"),
    ("no_budget_line", "D04"),
    ("large_reallocation", "L003"),
    ("year_end_rush", "D05"),
}


def row(
    paid_on: str,
    department_code: str,
    amount: str,
    line_code: str = "",
    *,
    row_id: str = "",
    reallocation_amount: str = "",
    payee: str = "enterprise",
) -> dict[str, str]:
    return {
        "row_id": row_id,
        "paid_on": paid_on,
        "department_code": department_code,
        "line_code": line_code,
        "project_code": "",
        "functional_code": "2050202",
        "economic_code": "30201",
        "amount": amount,
        "payee_category": payee,
        "reallocation": "true" if reallocation_amount else "",
        "reallocation_amount": reallocation_amount,
    }


def scenario_rows(year: int = 2026) -> list[dict[str, str]]:
    y = str(year)
    return [
        row(f"{y}-03-10", "D01", "450000.00", "L001"),
        row(f"{y}-06-10", "D01", "450000.00", "L001"),
        row(f"{y}-05-10", "D02", "100000.00", "L002"),
        row(f"{y}-02-01", "D01", "0", "L003", reallocation_amount="500000.00"),
        row(f"{y}-04-01", "D01", "600000.00", "L003"),
        row(f"{y}-09-01", "D01", "600000.00", "L003"),
        row(f"{y}-06-15", "D04", "20000.00", ""),  # no budget line
        row(f"{y}-03-15", "D05", "200000.00", "L005"),
        row(f"{y}-12-02", "D05", "300000.00", "L005"),
        row(f"{y}-12-05", "D05", "300000.00", "L005"),
        row(f"{y}-04-20", "D06", "400000.00", "L006"),
        row(f"{y}-08-20", "D06", "360000.00", "L006"),
    ]


def as_csv(rows: Iterable[dict[str, str]], fields: Sequence[str] = FIELDS) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(fields), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def as_ndjson(rows: Iterable[dict[str, str]]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode()


def as_json_array(rows: Iterable[dict[str, str]]) -> bytes:
    return ("[\n" + ",\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n]\n").encode()


# --- a larger deterministic year with planted anomalies (integration tests, benchmark) -------


class PlantedYear:
    """``departments`` x ``lines_per_department`` lines of 1,000,000.00 yuan each, ``rows``
    payment rows spread over January-November that spend 90% of every line, and one planted
    anomaly of each rule; ``expected`` names the findings the rules must raise, no more.

    Every row has a source row id (a payment voucher number), so identical payments stay
    distinct. Deterministic: the same arguments give the same file, byte for byte.
    """

    BUDGET_FEN = 100_000_000

    def __init__(
        self, rows: int, *, departments: int = 20, lines_per_department: int = 10, year: int = 2026
    ) -> None:
        self.year = year
        self.departments = [f"D{d:03d}" for d in range(departments)]
        self.lines = [
            (f"L{d:03d}-{j:02d}", f"D{d:03d}", j == 0)
            for d in range(departments)
            for j in range(lines_per_department)
        ]
        self.per_line = max(rows // len(self.lines), 4)
        self.behind = self.lines[1][0]  # spends 30% only
        self.idle = self.lines[lines_per_department][0]  # special fund, D001, no spending
        self.realloc = self.lines[2][0]  # 400,000.00 moved out
        self.rush = self.departments[-1]  # half its payments in December
        self.unbudgeted = self.departments[3]  # three payments with no line
        self.unknown = self.departments[4]  # two payments naming an unknown line
        self.expected = {
            ("behind_time_progress", self.behind),
            ("behind_time_progress", self.idle),
            ("idle_special_fund", self.idle),
            ("large_reallocation", self.realloc),
            ("no_budget_line", self.unbudgeted),
            ("no_budget_line", self.unknown),
            ("year_end_rush", self.rush),
        }

    def budget(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "kind": "general_public",
            "lines": [
                line(code, department, "1000000.00", special=special)
                for code, department, special in self.lines
            ],
        }

    def rows(self) -> Iterable[list[str]]:
        """CSV records in ``FIELDS`` order (without the header)."""
        y, n = self.year, self.per_line
        start = date(y, 1, 1).toordinal()
        serial = 0
        for code, department, _special in self.lines:
            if code == self.idle:
                continue
            total = self.BUDGET_FEN * (3 if code == self.behind else 9) // 10
            base, rest = divmod(total, n)
            for i in range(n):
                serial += 1
                fen = base + (1 if i < rest else 0)
                if department == self.rush and i % 2 == 0:
                    day = date(y, 12, 1 + i % 5)
                else:
                    day = date.fromordinal(start + (i * 334) // n)
                yield [
                    f"R{serial:09d}", day.isoformat(), department, code, "", "2050202",
                    "30201", f"{fen // 100}.{fen % 100:02d}", "enterprise", "", "",
                ]  # fmt: skip
        extras = [
            [self.unbudgeted, "", "12000.50"],
            [self.unbudgeted, "", "8000.00"],
            [self.unbudgeted, "", "500.25"],
            [self.unknown, "NOPE-1", "30000.00"],
            [self.unknown, "NOPE-2", "1.99"],
        ]
        for k, (department, code, amount) in enumerate(extras):
            serial += 1
            yield [
                f"R{serial:09d}", f"{y}-07-{k + 1:02d}", department, code, "", "2050202",
                "30201", amount, "individual", "", "",
            ]  # fmt: skip
        serial += 1
        realloc_department = next(d for c, d, _ in self.lines if c == self.realloc)
        yield [
            f"R{serial:09d}", f"{y}-03-01", realloc_department, self.realloc, "", "", "",
            "0", "", "true", "-400000.00",
        ]  # fmt: skip

    def write_csv(self, path: Path) -> int:
        """Write the file; returns the number of data rows."""
        count = 0
        with path.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(FIELDS)
            for record in self.rows():
                writer.writerow(record)
                count += 1
        return count
