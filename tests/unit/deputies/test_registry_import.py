"""Reading and checking roster files, without a database."""

from __future__ import annotations

from datetime import date

import pytest

from jiandu_deputies.domain.registry import DeputyField, DeputyLevel, Gender
from jiandu_deputies.service_layer.importing import (
    InvalidFile,
    parse_level,
    parse_roster,
    parse_term,
)
from tests.support.deputies_files import BAD_KINDS, ENGLISH_HEADERS, DeputyRoster

TODAY = date(2026, 12, 7)


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("全国", DeputyLevel.NATIONAL),
        ("全国人大代表", DeputyLevel.NATIONAL),
        ("省级", DeputyLevel.PROVINCIAL),
        ("自治区", DeputyLevel.PROVINCIAL),
        ("州", DeputyLevel.CITY),
        ("市级人大代表", DeputyLevel.CITY),
        ("县", DeputyLevel.COUNTY),
        ("区", DeputyLevel.COUNTY),
        ("县级", DeputyLevel.COUNTY),
        ("乡镇", DeputyLevel.TOWNSHIP),
        ("镇人大代表", DeputyLevel.TOWNSHIP),
        ("County", DeputyLevel.COUNTY),
        ("村", None),
        ("级", None),
    ],
)
def test_levels(text: str, level: DeputyLevel | None) -> None:
    assert parse_level(text) is level


@pytest.mark.parametrize(
    ("text", "term"),
    [("18", 18), ("第十八届", 18), ("十", 10), ("二十一", 21), ("第三届", 3), ("十x", None)],
)
def test_terms(text: str, term: int | None) -> None:
    assert parse_term(text) == term


def test_a_clean_roster_in_every_encoding_and_format() -> None:
    roster = DeputyRoster.generate(30)
    for data in (
        roster.csv_bytes(),
        roster.csv_bytes(encoding="utf-8"),
        roster.csv_bytes(encoding="gbk"),
        roster.csv_bytes(delimiter="\t"),
        roster.xlsx_bytes(),
    ):
        parsed = parse_roster(data, TODAY)
        assert parsed.errors == []
        assert len(parsed.rows) == parsed.total_rows == 30
        first = parsed.rows[0]
        assert first.line == 2
        assert first.level is DeputyLevel.COUNTY
        assert first.profile.term == 18
        assert first.profile.phone == "13900000001"
        assert first.profile.gender in (Gender.MALE, Gender.FEMALE)


def test_every_bad_kind_is_caught_on_its_line() -> None:
    bad = {i * 3 + 1: kind for i, kind in enumerate(BAD_KINDS)}
    roster = DeputyRoster.generate(40, bad=bad)
    parsed = parse_roster(roster.csv_bytes(), TODAY)
    assert {e.line for e in parsed.errors} == roster.bad_lines
    assert len(parsed.rows) == roster.valid_count
    assert all(e.reasons for e in parsed.errors)


def test_a_row_with_several_faults_gets_every_reason() -> None:
    roster = DeputyRoster.generate(2)
    roster.rows[1].update(phone="1", email="x", gender="?", level="村", birth_year="abc")
    (error,) = parse_roster(roster.csv_bytes(), TODAY).errors
    assert error.line == 3
    assert len(error.reasons) == 5


def test_english_headers_extra_columns_and_published_words() -> None:
    roster = DeputyRoster.generate(2, headers={**ENGLISH_HEADERS, "remark": "备注"})
    roster.rows[0]["published"] = "单位、手机"
    roster.rows[1]["published"] = "无"
    parsed = parse_roster(roster.csv_bytes(), TODAY)
    assert parsed.ignored_columns == ["备注"]
    assert parsed.rows[0].profile.published == {DeputyField.UNIT, DeputyField.PHONE}
    assert parsed.rows[1].profile.published == frozenset()


def test_headers_with_markers_and_notes_are_recognized() -> None:
    data = "*层级,代表证号(必填),姓 名,选区\n县,A-1,王芳,一选区\n".encode()
    (row,) = parse_roster(data, TODAY).rows
    assert row.registry_number == "A-1" and row.profile.name == "王芳"


def test_blank_lines_are_skipped_but_lines_keep_their_numbers() -> None:
    data = "层级,代表证号,姓名,选区\n\n县,A-1,王芳,一选区\n,,,\n县,A-2,,一选区\n".encode()
    parsed = parse_roster(data, TODAY)
    assert [r.line for r in parsed.rows] == [3]
    assert [e.line for e in parsed.errors] == [5]


def test_a_quoted_cell_over_two_lines_reports_the_line_the_row_starts_on() -> None:
    data = (
        '层级,代表证号,姓名,选区,地址\n县,A-1,王芳,一选区,"一号\n二楼"\n县,A-2,,一选区,x\n'.encode()
    )
    parsed = parse_roster(data, TODAY)
    assert parsed.rows[0].profile.address == "一号 二楼"
    assert [e.line for e in parsed.errors] == [4]


@pytest.mark.parametrize(
    "data",
    [b"", b"   ", "姓名\n王芳\n".encode(), b"PK\x03\x04junk", b"\xff\xfe\x00\x01" * 50],
)
def test_files_that_cannot_be_read(data: bytes) -> None:
    with pytest.raises(InvalidFile):
        parse_roster(data, TODAY)


def test_a_duplicated_column_is_refused() -> None:
    with pytest.raises(InvalidFile, match="twice"):
        parse_roster("层级,代表证号,姓名,选区,name\n".encode(), TODAY)
