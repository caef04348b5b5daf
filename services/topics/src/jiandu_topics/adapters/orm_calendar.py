"""The official holiday arrangements operators load (节假日安排), one row per year.

Not an ORM mapping: ``OfficialYear`` is an immutable value, read and written as rows.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import JSON, Column, Integer, String, Table
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from jiandu_shared.storage.types import UtcDateTime
from jiandu_topics.adapters.metadata import metadata


class DateSet(TypeDecorator[frozenset[date]]):
    """A set of days as a sorted JSON list of ISO dates (portable across SQLite and PostgreSQL)."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> list[str] | None:
        return None if value is None else sorted(d.isoformat() for d in value)

    def process_result_value(self, value: Any, dialect: Dialect) -> frozenset[date] | None:
        return None if value is None else frozenset(date.fromisoformat(d) for d in value)


official_years = Table(
    "official_years",
    metadata,
    Column("year", Integer, primary_key=True, autoincrement=False),
    Column("holidays", DateSet(), nullable=False),
    Column("makeup_workdays", DateSet(), nullable=False),
    Column("source", String(200), nullable=False),
    Column("loaded_at", UtcDateTime(), nullable=False),
    Column("loaded_by", String(128), nullable=False),
)
