"""Bulk import of the deputies registry (代表名册导入) from CSV or XLSX.

The file's first row names the columns, in Chinese or English (:data:`COLUMNS`; case, spaces,
a ``*`` marker and a bracketed note such as ``(必填)`` are ignored). Required: level (层级),
registry number (代表证号), name (姓名), constituency (选区). Rows are matched on the natural
key (level, registry number): a known deputy is updated, an unknown one registered with a new
public code. A column left out of the file keeps what the registry holds; a column present with
an empty cell clears the value.

Every bad row is reported with its line number (the header is line 1; in CSV the physical line
where the record starts) and every reason. ``all_or_nothing`` (the default) imports nothing when
any row is bad; ``valid_rows`` imports the valid rows and reports the others.

CSV: UTF-8 with or without BOM, else GB18030 (a superset of GBK); comma, semicolon or tab
separated. XLSX: the first worksheet, read in streaming (read-only) mode.
"""

from __future__ import annotations

import asyncio
import csv
import io
import re
import uuid
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from jiandu_deputies.domain.registry import (
    CONTACT_FIELDS,
    DISCLOSABLE_FIELDS,
    PROFILE_FIELDS,
    Deputy,
    DeputyField,
    DeputyLevel,
    DeputyProfile,
    Gender,
    registry_number_problems,
)
from jiandu_deputies.service_layer.registry import commit_registry, unique_codes
from jiandu_deputies.service_layer.unit_of_work import DeputiesUnitOfWork
from jiandu_shared.calendar import local_date
from jiandu_shared.clock import Clock
from jiandu_shared.contracts.deputies.registry import DeputiesImported
from jiandu_shared.errors import RuleViolation

MAX_FILE_BYTES = 10 * 1024 * 1024  # 10 MiB: far above a county's roster of a few thousand
MAX_ROWS = 20_000  # Changji's five levels hold 5,496 deputies
MAX_CELL = 1000


class ImportMode(StrEnum):
    ALL_OR_NOTHING = "all_or_nothing"
    VALID_ROWS = "valid_rows"


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # the Chinese header of the template
    aliases: tuple[str, ...]
    required: bool = False
    help: str = ""


COLUMNS: tuple[Column, ...] = (
    Column(
        "level",
        "层级",
        ("级别", "代表层级", "level"),
        True,
        "全国/省/市/县/乡 (national, provincial, city, county, township)",
    ),
    Column(
        "registry_number",
        "代表证号",
        ("编号", "代表编号", "名册编号", "证号", "registry_number", "registry_no", "number"),
        True,
        "the number this level's congress gives the deputy; with the level, the natural key",
    ),
    Column("name", "姓名", ("name",), True),
    Column("constituency", "选区", ("选举单位", "代表团", "constituency"), True),
    Column("sector", "界别", ("sector",)),
    Column("unit", "单位", ("工作单位", "unit", "employer")),
    Column("position", "职务", ("position", "title")),
    Column("gender", "性别", ("gender", "sex"), help="男/女 (male/female)"),
    Column(
        "birth_year",
        "出生年份",
        ("出生年月", "出生日期", "birth_year", "born"),
        help="1978, 1978-05 or a date",
    ),
    Column("ethnicity", "民族", ("ethnicity",)),
    Column("industry", "行业", ("industry",)),
    Column("skills", "专长", ("特长", "skills", "expertise"), help="separated by 、 , ; or /"),
    Column("term", "届次", ("届别", "term"), help="18 or 第十八届"),
    Column("phone", "手机", ("手机号", "手机号码", "联系电话", "电话", "phone", "mobile")),
    Column("address", "地址", ("联系地址", "通讯地址", "address")),
    Column("email", "邮箱", ("电子邮箱", "email", "e-mail")),
    Column("wechat", "微信", ("微信号", "wechat")),
    Column(
        "published",
        "公开字段",
        ("同意公开", "公开", "published", "public_fields"),
        help="fields the deputy agrees to publish, e.g. 单位、职务、手机; 全部 for every one "
        "that has a value; exact birth year is never published",
    ),
)
REQUIRED = tuple(c.key for c in COLUMNS if c.required)
# Columns taken as they are (the domain normalizes and checks them).
TEXT_COLUMNS = (
    "name",
    "constituency",
    "sector",
    "unit",
    "position",
    "ethnicity",
    "industry",
    "phone",
    "address",
    "email",
    "wechat",
)


def _header_key(text: str) -> str:
    text = re.sub(r"[（(][^）)]*[）)]", "", text.replace("\ufeff", ""))
    return re.sub(r"[\s*＊_\-]", "", text).lower()


_HEADERS = {_header_key(alias): c.key for c in COLUMNS for alias in (c.key, c.label, *c.aliases)}

_LEVELS = {
    "全国": DeputyLevel.NATIONAL,
    "国家": DeputyLevel.NATIONAL,
    "省": DeputyLevel.PROVINCIAL,
    "自治区": DeputyLevel.PROVINCIAL,
    "直辖市": DeputyLevel.PROVINCIAL,
    "市": DeputyLevel.CITY,
    "州": DeputyLevel.CITY,
    "自治州": DeputyLevel.CITY,
    "地市": DeputyLevel.CITY,
    "设区的市": DeputyLevel.CITY,
    "县": DeputyLevel.COUNTY,
    "区": DeputyLevel.COUNTY,
    "县区": DeputyLevel.COUNTY,
    "县市区": DeputyLevel.COUNTY,
    "县级市": DeputyLevel.COUNTY,
    "旗": DeputyLevel.COUNTY,
    "乡": DeputyLevel.TOWNSHIP,
    "镇": DeputyLevel.TOWNSHIP,
    "乡镇": DeputyLevel.TOWNSHIP,
    "民族乡": DeputyLevel.TOWNSHIP,
    "苏木": DeputyLevel.TOWNSHIP,
    **{level.value: level for level in DeputyLevel},
    "province": DeputyLevel.PROVINCIAL,
    "prefecture": DeputyLevel.CITY,
    "district": DeputyLevel.COUNTY,
    "town": DeputyLevel.TOWNSHIP,
}
_GENDERS = {
    "男": Gender.MALE,
    "男性": Gender.MALE,
    "m": Gender.MALE,
    "male": Gender.MALE,
    "女": Gender.FEMALE,
    "女性": Gender.FEMALE,
    "f": Gender.FEMALE,
    "female": Gender.FEMALE,
}
_PUBLISHABLE = {
    "界别": DeputyField.SECTOR,
    "单位": DeputyField.UNIT,
    "工作单位": DeputyField.UNIT,
    "职务": DeputyField.POSITION,
    "性别": DeputyField.GENDER,
    "年龄": DeputyField.AGE_BAND,
    "年龄段": DeputyField.AGE_BAND,
    "民族": DeputyField.ETHNICITY,
    "行业": DeputyField.INDUSTRY,
    "专长": DeputyField.SKILLS,
    "手机": DeputyField.PHONE,
    "电话": DeputyField.PHONE,
    "联系电话": DeputyField.PHONE,
    "地址": DeputyField.ADDRESS,
    "邮箱": DeputyField.EMAIL,
    "微信": DeputyField.WECHAT,
    **{f.value: f for f in DISCLOSABLE_FIELDS},
}
_ALL = {"全部", "all"}
_NONE = {"无", "none", "不公开"}
_SEPARATORS = re.compile(r"[,，、;；/|\s]+")
_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def parse_level(text: str) -> DeputyLevel | None:
    key = text.strip().lower()
    key = re.sub(r"(人民代表大会代表|人大代表|人大|代表)$", "", key)
    key = key.removesuffix("级") if len(key) > 1 else key
    return _LEVELS.get(key)


def parse_term(text: str) -> int | None:
    """``18``, ``第十八届``, ``十八``: the term's number, None if it is none of these."""
    key = text.strip().removeprefix("第").removesuffix("届")
    if key.isdigit():
        return int(key)
    if not key or any(ch not in "十一二三四五六七八九" for ch in key):
        return None
    tens, _, ones = key.partition("十")
    if "十" not in key:
        return _DIGITS.get(key) if len(key) == 1 else None
    number = (_DIGITS.get(tens, 0) if tens else 1) * 10 + (_DIGITS.get(ones, 0) if ones else 0)
    return number if (not tens or tens in _DIGITS) and (not ones or ones in _DIGITS) else None


@dataclass(frozen=True)
class RowError:
    line: int
    reasons: tuple[str, ...]
    registry_number: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class RosterRow:
    line: int
    level: DeputyLevel
    registry_number: str
    profile: DeputyProfile
    given: frozenset[str]  # the profile fields whose columns the file has

    @property
    def key(self) -> tuple[DeputyLevel, str]:
        return (self.level, self.registry_number)

    def applied_to(self, current: DeputyProfile) -> DeputyProfile:
        """This row over a registered deputy's profile: absent columns keep their value."""
        return replace(current, **{name: getattr(self.profile, name) for name in self.given})


@dataclass
class ImportReport:
    import_id: uuid.UUID
    mode: ImportMode
    file_kind: str  # "csv (utf-8)", "csv (gb18030)", "xlsx"
    total_rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    committed: bool = False
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)


class InvalidFile(RuleViolation):
    """The file as a whole cannot be read as a roster (no row is looked at)."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = list(problems)


class ImportRefused(RuleViolation):
    """All or nothing: some rows are bad, so nothing was imported."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__(
            f"{report.rejected} of {report.total_rows} rows are not valid; nothing was imported "
            f"(import the valid rows only with mode '{ImportMode.VALID_ROWS}')"
        )
        self.report = report


# Called with a stage ("checking" or "importing"), rows done and rows in all.
Progress = Callable[[str, int, int], None]


def _no_progress(_stage: str, _done: int, _total: int) -> None:
    return None


# --- reading the file ---------------------------------------------------------------------


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a phone number typed into a number cell
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook  # imported when an XLSX arrives: it is slow to load

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InvalidFile([f"the file is not a readable XLSX workbook ({exc})"]) from exc
    try:
        sheet = workbook.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [_cell_text(v) for v in values]
    finally:
        workbook.close()


def _decode(data: bytes) -> tuple[str, str]:
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        raise InvalidFile(["the CSV file is neither UTF-8 nor GBK/GB18030 text"]) from exc


def _csv_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    previous_end = 0
    try:
        for values in reader:
            yield previous_end + 1, [v.strip() for v in values]
            previous_end = reader.line_num
    except csv.Error as exc:
        raise InvalidFile([f"line {reader.line_num}: the CSV file is malformed ({exc})"]) from exc


def read_table(data: bytes) -> tuple[str, Iterator[tuple[int, list[str]]]]:
    """The file's kind and its rows as (line number, cell texts)."""
    if not data.strip():
        raise InvalidFile(["the file is empty"])
    if len(data) > MAX_FILE_BYTES:
        raise InvalidFile([f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB"])
    if data[:4] == b"PK\x03\x04":
        return "xlsx", _xlsx_rows(data)
    text, encoding = _decode(data)
    return f"csv ({encoding})", _csv_rows(text)


# --- checking the rows --------------------------------------------------------------------


@dataclass
class ParsedRoster:
    file_kind: str
    rows: list[RosterRow]
    errors: list[RowError]
    total_rows: int
    ignored_columns: list[str]


def parse_roster(data: bytes, today: date, progress: Progress = _no_progress) -> ParsedRoster:
    """Every row of the file checked: the valid ones and, for the others, every reason."""
    kind, table = read_table(data)
    header: list[str] | None = None
    columns: dict[int, str] = {}
    ignored: list[str] = []
    valid: list[RosterRow] = []
    bad: dict[int, RowError] = {}
    lines_of: dict[tuple[DeputyLevel, str], list[int]] = {}
    key_of: dict[int, tuple[DeputyLevel, str]] = {}
    total = 0
    for line, values in table:
        if not any(values):
            continue
        if header is None:
            header = values
            columns, ignored = _columns(header)
            continue
        total += 1
        if total > MAX_ROWS:
            raise InvalidFile([f"the file has more than {MAX_ROWS} rows; split it"])
        cells = {key: values[i] if i < len(values) else "" for i, key in columns.items()}
        row, key, reasons = _row(line, cells, today)
        if key is not None:
            lines_of.setdefault(key, []).append(line)
            key_of[line] = key
        if row is not None:
            valid.append(row)
        else:
            bad[line] = RowError(
                line, tuple(reasons), cells["registry_number"] or None, cells["name"] or None
            )
        if total % 100 == 0:
            progress("checking", total, total)
    if header is None:
        raise InvalidFile(["the file has no header row"])
    # A key on two rows: neither can be trusted, so every one of them is refused.
    for row in [r for r in valid if len(lines_of[r.key]) > 1]:
        valid.remove(row)
        bad[row.line] = RowError(row.line, (), row.registry_number, row.profile.name)
    for line, error in bad.items():
        key = key_of.get(line)
        if key is not None and len(lines_of[key]) > 1:
            others = ", ".join(str(n) for n in lines_of[key] if n != line)
            duplicate = f"{key[0]} deputy {key[1]} appears on other lines too: {others}"
            bad[line] = replace(error, reasons=(*error.reasons, duplicate))
    progress("checking", total, total)
    errors = [bad[line] for line in sorted(bad)]
    return ParsedRoster(kind, valid, errors, total, ignored)


def _columns(header: list[str]) -> tuple[dict[int, str], list[str]]:
    columns: dict[int, str] = {}
    ignored: list[str] = []
    problems: list[str] = []
    for index, title in enumerate(header):
        key = _HEADERS.get(_header_key(title))
        if key is None:
            if title:
                ignored.append(title)
        elif key in columns.values():
            problems.append(f"column {title!r} appears twice in the header")
        else:
            columns[index] = key
    labels = {c.key: c.label for c in COLUMNS}
    missing = [f"{labels[k]} ({k})" for k in REQUIRED if k not in columns.values()]
    if missing:
        problems.append("required columns missing from the header: " + ", ".join(missing))
    if problems:
        raise InvalidFile(problems)
    return columns, ignored


def _row(
    line: int, cells: dict[str, str], today: date
) -> tuple[RosterRow | None, tuple[DeputyLevel, str] | None, list[str]]:
    """The row, if valid; its natural key, if readable; and every reason it is not valid."""
    reasons: list[str] = []
    if any(len(v) > MAX_CELL for v in cells.values()):
        reasons.append(f"a cell is longer than {MAX_CELL} characters")
    if any("\x00" in v for v in cells.values()):
        # PostgreSQL cannot store NUL in text; the value is dropped with the row.
        reasons.append("a cell contains a NUL character")
        cells = {k: v.replace("\x00", "") for k, v in cells.items()}
    level = parse_level(cells["level"]) if cells["level"] else None
    if not cells["level"]:
        reasons.append("level (层级) is missing")
    elif level is None:
        reasons.append(f"level {cells['level']!r} is not one of 全国/省/市/县/乡")
    registry_number = cells["registry_number"]
    reasons.extend(registry_number_problems(registry_number))
    values: dict[str, Any] = {}
    for column in TEXT_COLUMNS:
        if column in cells:
            values[column] = cells[column]
    if "gender" in cells:
        text = cells["gender"]
        values["gender"] = _GENDERS.get(text.strip().lower()) if text else None
        if text and values["gender"] is None:
            reasons.append(f"gender {text!r} is not 男 or 女")
    if "birth_year" in cells:
        text = cells["birth_year"]
        match = re.match(r"^(\d{4})(\D|$)", text)
        values["birth_year"] = int(match.group(1)) if match else None
        if text and match is None:
            reasons.append(f"birth year {text!r} is not a year")
    if "term" in cells:
        text = cells["term"]
        values["term"] = parse_term(text) if text else None
        if text and values["term"] is None:
            reasons.append(f"term {text!r} is not a number such as 18 or 第十八届")
    if "skills" in cells:
        values["skills"] = tuple(s for s in _SEPARATORS.split(cells["skills"]) if s)
    if "published" in cells:
        published, problems = _published(cells["published"], values)
        values["published"] = published
        reasons.extend(problems)
    profile = DeputyProfile(**values).normalized() if "name" in values else None
    if profile is not None:
        reasons.extend(profile.problems(today))
    key = (level, registry_number) if level is not None and registry_number else None
    if reasons or level is None or profile is None:
        return None, key, reasons
    given = frozenset(k for k in values if k in PROFILE_FIELDS)
    return RosterRow(line, level, registry_number, profile, given), key, reasons


def _published(text: str, values: dict[str, Any]) -> tuple[frozenset[DeputyField], list[str]]:
    words = [w for w in _SEPARATORS.split(text.strip()) if w]
    if not words or (len(words) == 1 and words[0].lower() in _NONE):
        return frozenset(), []
    if len(words) == 1 and words[0].lower() in _ALL:
        # Every field that can be published and has a value in this row.
        return frozenset(
            f for f in DISCLOSABLE_FIELDS if f not in CONTACT_FIELDS or values.get(f.value)
        ), []
    chosen: set[DeputyField] = set()
    unknown: list[str] = []
    for word in words:
        found = _PUBLISHABLE.get(word.lower()) or _PUBLISHABLE.get(word)
        if found is None:
            unknown.append(word)
        else:
            chosen.add(found)
    problems = [f"公开字段 names unknown fields: {', '.join(unknown)}"] if unknown else []
    return frozenset(chosen), problems


# --- importing ----------------------------------------------------------------------------


async def import_roster(
    data: bytes,
    *,
    mode: ImportMode,
    imported_by: str,
    uow: DeputiesUnitOfWork,
    clock: Clock,
    progress: Progress = _no_progress,
) -> ImportReport:
    """Check and import a roster file; raises :class:`InvalidFile` for an unreadable file and
    :class:`ImportRefused` (nothing written) when all-or-nothing meets a bad row."""
    now = clock.now()
    today = local_date(now)
    # Reading a large workbook takes a while: off the event loop, so the API keeps answering.
    parsed = await asyncio.to_thread(parse_roster, data, today, progress)
    report = ImportReport(
        import_id=uuid.uuid4(),
        mode=mode,
        file_kind=parsed.file_kind,
        total_rows=parsed.total_rows,
        errors=list(parsed.errors),
        ignored_columns=parsed.ignored_columns,
    )
    if parsed.total_rows == 0:
        raise InvalidFile(["the file has a header but no rows"])
    report.rejected = len(report.errors)
    if report.errors and mode is ImportMode.ALL_OR_NOTHING:
        raise ImportRefused(report)
    async with uow:
        known = await uow.deputies.by_keys(row.key for row in parsed.rows)
        codes = iter(await unique_codes(uow, sum(r.key not in known for r in parsed.rows)))
        done = 0
        for row in parsed.rows:
            deputy = known.get(row.key)
            try:
                if deputy is None:
                    uow.deputies.add(
                        Deputy.register(
                            level=row.level,
                            registry_number=row.registry_number,
                            profile=row.profile,
                            now=now,
                            today=today,
                            public_code=next(codes),
                        )
                    )
                    report.created += 1
                elif deputy.update(row.applied_to(deputy.profile), now=now, today=today):
                    report.updated += 1
                else:
                    report.unchanged += 1
            except RuleViolation as exc:
                # Only now known: the row with the values it did not give breaks a rule.
                report.errors.append(
                    RowError(row.line, (str(exc),), row.registry_number, row.profile.name)
                )
                report.rejected += 1
            done += 1
            if done % 50 == 0:
                progress("importing", done, len(parsed.rows))
                await asyncio.sleep(0)  # let other requests in between
        progress("importing", done, len(parsed.rows))
        report.errors.sort(key=lambda e: e.line)
        if report.errors and mode is ImportMode.ALL_OR_NOTHING:
            report.created = report.updated = report.unchanged = 0
            raise ImportRefused(report)
        uow.emit(
            DeputiesImported(
                import_id=report.import_id,
                mode=mode.value,
                total_rows=report.total_rows,
                created=report.created,
                updated=report.updated,
                unchanged=report.unchanged,
                rejected=report.rejected,
                imported_by=imported_by,
                completed_at=now,
            )
        )
        await commit_registry(
            uow, "another import or registration changed the same deputies; retry"
        )
        report.committed = True
    return report
