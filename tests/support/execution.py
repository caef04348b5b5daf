"""Helpers for tests of full-scope budgets and budget-execution monitoring (finance).

``scenario_budget`` and ``scenario_rows`` make a small year of data with one planted anomaly
of each rule and clean lines beside them; ``EXPECTED`` names the findings it must raise.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
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
