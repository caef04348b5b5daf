"""Tables and mapping of the topic collection: yearly collection windows (征集窗口)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, Date, Integer, Table, Uuid, event, text

from jiandu_shared.storage.types import StrEnumType, UtcDateTime
from jiandu_topics.adapters.metadata import mapper_registry, metadata
from jiandu_topics.domain.collection import CollectionWindow, WindowState

collection_windows = Table(
    "collection_windows",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("year", Integer, nullable=False, unique=True),  # one window per year
    Column("opens_on", Date, nullable=False),
    Column("closes_on", Date, nullable=False),
    Column("state", StrEnumType(WindowState, 40), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("opened_at", UtcDateTime(), nullable=True),
    Column("closed_at", UtcDateTime(), nullable=True),
    Column("version", Integer, nullable=False, server_default=text("1")),
)


def map_collection() -> None:
    mapper_registry.map_imperatively(
        CollectionWindow, collection_windows, version_id_col=collection_windows.c.version
    )
    event.listen(CollectionWindow, "load", _init_events)


def _init_events(target: Any, _context: Any) -> None:
    target.events = []
