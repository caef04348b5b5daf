"""Column types shared by every service."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import JSON, DateTime, Enum, String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from jiandu_shared.calendar import Period


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on both databases (SQLite stores them without an offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: the platform stores aware UTC datetimes only")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def StrEnumType(enum: type[StrEnum], length: int = 40) -> Enum:
    """A string-enum column storing the values (``"public"``), not the member names."""
    return Enum(
        enum, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e]
    )


class JsonOf(TypeDecorator[Any]):
    """A value of any type pydantic can serialise (dataclasses, enums, lists of them), stored
    as JSON alike on SQLite and PostgreSQL. Values are replaced by assignment in the domain,
    never edited in place, so a plain (non-mutable) JSON column sees every change."""

    impl = JSON
    cache_ok = False  # the adapter is per instance

    def __init__(self, python_type: Any) -> None:
        super().__init__()
        self.adapter: TypeAdapter[Any] = TypeAdapter(python_type)

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        return None if value is None else self.adapter.dump_python(value, mode="json")

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        return None if value is None else self.adapter.validate_python(value)


class UuidList(TypeDecorator[list[uuid.UUID]]):
    """A short list of ids as a JSON array of strings."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> list[str] | None:
        return None if value is None else [str(v) for v in value]

    def process_result_value(self, value: Any, dialect: Dialect) -> list[uuid.UUID] | None:
        return None if value is None else [uuid.UUID(str(v)) for v in value]


class PeriodText(TypeDecorator[Period]):
    """A deadline period as configuration writes it: ``"5 working_days"``, ``"6 months"``."""

    impl = String(40)
    cache_ok = True

    def process_bind_param(self, value: Period | None, dialect: Dialect) -> str | None:
        return None if value is None else str(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Period | None:
        return None if value is None else Period.parse(str(value))


class YearTuple(TypeDecorator[tuple[int, ...]]):
    """Years as a JSON list, read back as the tuple ``Deadline`` compares by (the years a
    deadline counted on, so it is recounted when one of them gets its official calendar)."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> list[int] | None:
        return None if value is None else sorted(int(y) for y in value)

    def process_result_value(self, value: Any, dialect: Dialect) -> tuple[int, ...] | None:
        return None if value is None else tuple(int(y) for y in value)
