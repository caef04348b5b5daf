"""The official holiday arrangements operators load (节假日安排): the kernel's table."""

from __future__ import annotations

from jiandu_shared.storage.calendar import add_calendar_tables
from jiandu_topics.adapters.metadata import metadata

official_years = add_calendar_tables(metadata)
