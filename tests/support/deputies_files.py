"""Roster files of deputies (代表名册) for tests: CSV or XLSX with N deputies and chosen bad rows.

    roster = DeputyRoster.generate(300, bad={5: "bad_phone", 40: "duplicate_key"})
    report = await client.post("/deputies/imports", files=roster.upload("csv"), headers=STAFF)
    assert {e["line"] for e in report.json()["errors"]} == roster.bad_lines

Row ``i`` (0-based) is on line ``i + 2`` of the file (the header is line 1). Rows are
deterministic for a seed, so importing the same roster twice matches every row again.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from openpyxl import Workbook

# Column keys of the import, with the Chinese headers a county's roster uses.
CHINESE_HEADERS = {
    "level": "层级",
    "registry_number": "代表证号",
    "name": "姓名",
    "constituency": "选区",
    "sector": "界别",
    "unit": "单位",
    "position": "职务",
    "gender": "性别",
    "birth_year": "出生年份",
    "ethnicity": "民族",
    "industry": "行业",
    "skills": "专长",
    "term": "届次",
    "phone": "手机",
    "address": "地址",
    "email": "邮箱",
    "published": "公开字段",
}
ENGLISH_HEADERS = {key: key for key in CHINESE_HEADERS}

# What a bad row breaks; each is rejected by the import with a reason naming it.
BadKind = Literal[
    "missing_name",
    "missing_registry_number",
    "bad_level",
    "bad_phone",
    "bad_email",
    "bad_birth_year",
    "bad_gender",
    "unknown_published",
    "duplicate_key",  # repeats the registry number of the row before: both rows are rejected
]
BAD_KINDS: tuple[BadKind, ...] = (
    "missing_name",
    "missing_registry_number",
    "bad_level",
    "bad_phone",
    "bad_email",
    "bad_birth_year",
    "bad_gender",
    "unknown_published",
    "duplicate_key",
)

_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧"
_GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华建国玉梅"
_SECTORS = ("工人", "农民", "专业技术人员", "党政领导干部", "企业负责人", "妇女", "少数民族")
_INDUSTRIES = ("农业", "制造业", "教育", "卫生", "商贸", "建筑", "交通运输", "公共管理")
_SKILLS = ("法律", "财会", "种植", "养殖", "电商", "医疗", "教育", "规划", "环保", "调解")
_UNITS = ("某某合作社", "某某中学", "某某医院", "某某公司", "某某街道办事处", "某某村委会")
_POSITIONS = ("理事长", "校长", "医生", "总经理", "主任", "村党支部书记", "职工")
_PUBLISHED = ("单位、职务", "单位、职务、手机", "", "全部", "职务、专长")


@dataclass
class DeputyRoster:
    """Rows of a roster, by column key; ``bad`` maps a row index to what that row breaks."""

    rows: list[dict[str, str]]
    bad: dict[int, BadKind] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=lambda: dict(CHINESE_HEADERS))

    @classmethod
    def generate(
        cls,
        count: int,
        *,
        bad: Mapping[int, BadKind] | None = None,
        level: str = "县",
        prefix: str = "XZ",
        start: int = 1,
        seed: int = 7,
        headers: Mapping[str, str] = CHINESE_HEADERS,
    ) -> DeputyRoster:
        """``count`` deputies of ``level`` numbered ``{prefix}-{start:05d}`` onwards."""
        rng = random.Random(seed)
        rows = [_deputy(rng, level, f"{prefix}-{start + i:05d}", start + i) for i in range(count)]
        roster = cls(rows, {}, dict(headers))
        for index, kind in sorted((bad or {}).items()):
            roster = roster.with_bad_row(index, kind)
        return roster

    def with_bad_row(self, index: int, kind: BadKind) -> DeputyRoster:
        if not 0 <= index < len(self.rows):
            raise IndexError(f"row {index} is not in a roster of {len(self.rows)}")
        if kind == "duplicate_key" and index == 0:
            raise ValueError("duplicate_key repeats the row before: not for row 0")
        rows = [dict(r) for r in self.rows]
        row = rows[index]
        if kind == "missing_name":
            row["name"] = ""
        elif kind == "missing_registry_number":
            row["registry_number"] = ""
        elif kind == "bad_level":
            row["level"] = "村"
        elif kind == "bad_phone":
            row["phone"] = "12345"
        elif kind == "bad_email":
            row["email"] = "not-an-email"
        elif kind == "bad_birth_year":
            row["birth_year"] = "去年"
        elif kind == "bad_gender":
            row["gender"] = "未知"
        elif kind == "unknown_published":
            row["published"] = "身份证号"
        elif kind == "duplicate_key":
            row["registry_number"] = rows[index - 1]["registry_number"]
            row["level"] = rows[index - 1]["level"]
        return replace(self, rows=rows, bad={**self.bad, index: kind})

    # --- what the import should say -------------------------------------------------------

    @property
    def bad_lines(self) -> set[int]:
        """The lines the import rejects (a duplicated key rejects the row it repeats too)."""
        lines = {i + 2 for i in self.bad}
        lines |= {i + 1 for i, kind in self.bad.items() if kind == "duplicate_key"}
        return lines

    @property
    def valid_count(self) -> int:
        return len(self.rows) - len(self.bad_lines)

    # --- files ----------------------------------------------------------------------------

    def table(self) -> list[list[str]]:
        keys = list(self.headers)
        return [[self.headers[k] for k in keys], *[[r.get(k, "") for k in keys] for r in self.rows]]

    def csv_bytes(self, *, encoding: str = "utf-8-sig", delimiter: str = ",") -> bytes:
        """CSV text; ``utf-8-sig`` writes a BOM as Excel does, ``gbk`` an older Windows file."""
        buffer = io.StringIO(newline="")
        csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(self.table())
        return buffer.getvalue().encode(encoding)

    def xlsx_bytes(self) -> bytes:
        workbook = Workbook()
        sheet = workbook.active
        assert sheet is not None
        sheet.title = "代表名册"
        for values in self.table():
            sheet.append(values)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()

    def write(self, path: Path, *, encoding: str = "utf-8-sig") -> Path:
        """Write the roster to ``path``: XLSX for a ``.xlsx`` suffix, else CSV."""
        data = self.xlsx_bytes() if path.suffix == ".xlsx" else self.csv_bytes(encoding=encoding)
        path.write_bytes(data)
        return path

    def upload(
        self, kind: Literal["csv", "xlsx"] = "csv", *, encoding: str = "utf-8-sig"
    ) -> dict[str, tuple[str, bytes, str]]:
        """The ``files=`` argument of an httpx multipart upload."""
        if kind == "xlsx":
            return {
                "file": (
                    "roster.xlsx",
                    self.xlsx_bytes(),
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                )
            }
        return {"file": ("roster.csv", self.csv_bytes(encoding=encoding), "text/csv")}


def _deputy(rng: random.Random, level: str, number: str, serial: int) -> dict[str, str]:
    name = rng.choice(_SURNAMES) + rng.choice(_GIVEN) + rng.choice(("", *_GIVEN))
    return {
        "level": level,
        "registry_number": number,
        "name": name,
        "constituency": f"第{rng.randint(1, 40)}选区",
        "sector": rng.choice(_SECTORS),
        "unit": rng.choice(_UNITS),
        "position": rng.choice(_POSITIONS),
        "gender": rng.choice(("男", "女")),
        "birth_year": str(rng.randint(1956, 1998)),
        "ethnicity": rng.choice(("汉族", "回族", "维吾尔族", "哈萨克族", "")),
        "industry": rng.choice(_INDUSTRIES),
        "skills": "、".join(rng.sample(_SKILLS, rng.randint(0, 3))),
        "term": "第十八届",
        "phone": f"139{serial:08d}",
        "address": f"某某县某某镇{rng.randint(1, 200)}号",
        "email": f"deputy{serial}@example.cn" if rng.random() < 0.5 else "",
        "published": rng.choice(_PUBLISHED),
    }
