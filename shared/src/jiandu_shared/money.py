"""Money (金额): exact decimal yuan with fen precision, end to end.

Amounts are ``Decimal`` in the domain, strings in JSON (``"1234.50"``: no float ever carries
money) and whole fen in storage (``BIGINT``: exact on SQLite, which has no decimal type, and
summable in SQL). Anything with more than two decimals or outside the range is refused with a
validation error (a 422 through the API), never rounded.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, PlainSerializer, WithJsonSchema
from sqlalchemy import BigInteger
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

# A county's whole budget is far below a trillion yuan; the bound keeps fen in a BIGINT.
MAX_YUAN = Decimal("999999999999.99")
FEN = Decimal("0.01")

_DESCRIPTION = (
    'Amount in yuan with at most two decimals (fen), as a decimal string such as "1234.50"'
)


_SERIALISE = PlainSerializer(lambda v: f"{v:.2f}", return_type=str, when_used="json")
_SIGNED = r"^-?(0|[1-9][0-9]{0,11})(\.[0-9]{1,2})?$"
_UNSIGNED = r"^(0|[1-9][0-9]{0,11})(\.[0-9]{1,2})?$"


_TEXT = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")


def _plain_amount(value: Any) -> Any:
    """Refuse what only looks like an amount: a JSON number (it went through a float) and
    exponent or padded text (``"1e3"``, ``" 12"``). Integers and decimal strings pass on."""
    if isinstance(value, bool | float):
        raise ValueError('send amounts as decimal strings such as "1234.50", not numbers')
    if isinstance(value, str) and not _TEXT.match(value):
        raise ValueError(f"'{value[:40]}' is not a decimal amount such as \"1234.50\"")
    return value


_PLAIN = BeforeValidator(_plain_amount)


def _schema(pattern: str) -> WithJsonSchema:
    # What clients build from: a string (a JSON number would pass through a float).
    return WithJsonSchema(
        {"type": "string", "pattern": pattern, "description": _DESCRIPTION, "examples": ["1234.50"]}
    )


Yuan = Annotated[
    Decimal,
    _PLAIN,
    Field(max_digits=14, decimal_places=2, ge=-MAX_YUAN, le=MAX_YUAN, allow_inf_nan=False),
    _SERIALISE,
    _schema(_SIGNED),
]
"""A signed amount (a reallocation or a correction may be negative)."""

NonNegativeYuan = Annotated[
    Decimal,
    _PLAIN,
    Field(max_digits=14, decimal_places=2, ge=Decimal(0), le=MAX_YUAN, allow_inf_nan=False),
    _SERIALISE,
    _schema(_UNSIGNED),
]
"""An amount that cannot be negative: a budget, a spending, a bond issue."""


def to_fen(amount: Decimal) -> int:
    """Whole fen of an amount already validated to two decimals; refuses anything finer."""
    fen = amount * 100
    if fen != fen.to_integral_value():
        raise ValueError(f"{amount} has more than two decimals (fen)")
    return int(fen)


def from_fen(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(FEN)


def parse_yuan(text: str) -> Decimal:
    """A yuan amount from a file cell or a form: ``"1,234.5"`` → ``Decimal("1234.50")``.

    Raises ``ValueError`` with a readable reason (for row-numbered import reports)."""
    cleaned = text.strip().replace(",", "")
    if not cleaned:
        raise ValueError("amount is empty")
    try:
        value = Decimal(cleaned)
    except ArithmeticError:
        raise ValueError(f"'{text}' is not an amount") from None
    if not value.is_finite():
        raise ValueError(f"'{text}' is not an amount")
    # Range first: quantizing a huge value ("1e400") raises instead of answering.
    if abs(value) > MAX_YUAN:
        raise ValueError(f"'{text}' is out of range (at most {MAX_YUAN})")
    if value != value.quantize(FEN):
        raise ValueError(f"'{text}' has more than two decimals (fen)")
    return value.quantize(FEN)


class YuanColumn(TypeDecorator[Decimal]):
    """A money column: ``Decimal`` yuan in Python, whole fen (``BIGINT``) in the database."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> int | None:
        if value is None:
            return None
        if not isinstance(value, Decimal):
            raise TypeError(f"money must be a Decimal, not {type(value).__name__}")
        return to_fen(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        return None if value is None else from_fen(int(value))
