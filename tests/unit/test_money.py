"""The kernel's money (金额): decimal yuan with fen precision in pydantic, files and storage."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import BaseModel, ValidationError
from sqlalchemy import Column, MetaData, Table, create_engine, insert, select, text

from jiandu_shared.money import (
    MAX_YUAN,
    NonNegativeYuan,
    Yuan,
    YuanColumn,
    from_fen,
    parse_yuan,
    to_fen,
)


class Amounts(BaseModel):
    signed: Yuan = Decimal(0)
    unsigned: NonNegativeYuan = Decimal(0)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1234.5", "1234.50"), ("0", "0.00"), ("999999999999.99", "999999999999.99"), (7, "7.00")],
)
def test_valid_amounts_serialise_as_exact_strings(value: object, expected: str) -> None:
    amounts = Amounts(unsigned=value)
    assert amounts.model_dump(mode="json")["unsigned"] == expected
    assert Amounts(signed=f"-{expected}").model_dump(mode="json")["signed"] == f"-{expected}"


@pytest.mark.parametrize(
    "value", ["1.234", "1000000000000.00", "NaN", "Infinity", "abc", "", 0.1 + 0.2]
)
def test_invalid_amounts_are_validation_errors(value: object) -> None:
    with pytest.raises(ValidationError):
        Amounts(signed=value)


def test_negative_amounts_only_where_signed() -> None:
    assert Amounts(signed="-0.01").signed == Decimal("-0.01")
    with pytest.raises(ValidationError):
        Amounts(unsigned="-0.01")


def test_the_json_schema_says_string_with_a_pattern() -> None:
    schema = Amounts.model_json_schema()["properties"]
    assert schema["unsigned"]["type"] == "string"
    assert schema["unsigned"]["pattern"].startswith("^(0|")
    assert schema["signed"]["pattern"].startswith("^-?")


def test_fen_round_trips_and_refuses_finer_amounts() -> None:
    assert to_fen(Decimal("1234.56")) == 123456
    assert to_fen(Decimal("-0.01")) == -1
    assert from_fen(123456) == Decimal("1234.56")
    assert str(from_fen(-5)) == "-0.05"
    with pytest.raises(ValueError, match="more than two decimals"):
        to_fen(Decimal("0.001"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,234.5", "1234.50"),
        (" 12 ", "12.00"),
        ("-3.1", "-3.10"),
        ("999999999999.99", str(MAX_YUAN)),
    ],
)
def test_parse_yuan_reads_file_cells(text: str, expected: str) -> None:
    assert parse_yuan(text) == Decimal(expected)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("abc", "not an amount"),
        ("nan", "not an amount"),
        ("1.005", "more than two decimals"),
        ("1000000000000", "out of range"),
        ("1e400", "out of range"),  # quantizing it would raise, not answer
    ],
)
def test_parse_yuan_refuses_with_a_readable_reason(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_yuan(text)


def test_the_column_stores_whole_fen_and_reads_decimals() -> None:
    metadata = MetaData()
    table = Table("t", metadata, Column("amount", YuanColumn()))
    engine = create_engine("sqlite://")
    metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(insert(table), [{"amount": Decimal("0.10")}, {"amount": Decimal("0.20")}])
        assert conn.execute(text("SELECT sum(amount) FROM t")).scalar() == 30
        assert [r for (r,) in conn.execute(select(table.c.amount))] == [
            Decimal("0.10"),
            Decimal("0.20"),
        ]
        with pytest.raises(Exception, match="Decimal"):
            conn.execute(insert(table), [{"amount": 0.1}])
