"""Tables of the notifications service and the mapping of domain classes onto them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, Index, MetaData, String, Table, Text, Uuid, event
from sqlalchemy.orm import registry

from jiandu_notifications.domain.notification import Channel, Notification, RecipientRole
from jiandu_shared.storage.kernel_tables import add_kernel_tables
from jiandu_shared.storage.types import StrEnumType, UtcDateTime

metadata = MetaData()
mapper_registry = registry(metadata=metadata)

kernel = add_kernel_tables(metadata)
outbox, inbox = kernel.outbox, kernel.inbox

notifications = Table(
    "notifications",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("recipient_role", StrEnumType(RecipientRole, 40), nullable=False),
    Column("channel", StrEnumType(Channel, 20), nullable=False),
    Column("kind", String(100), nullable=False),
    Column("title", String(300), nullable=False),
    Column("body", Text, nullable=False),
    Column("correlation_id", String(128), nullable=False, index=True),
    Column("source_event_id", Uuid, nullable=False),
    Column("source_event_type", String(200), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("read_at", UtcDateTime(), nullable=True),
    Column("recipient_ref", String(128), nullable=True),  # revision 0002
    Index("ix_notifications_recipient", "recipient_role", "created_at"),
    Index("ix_notifications_recipient_ref", "recipient_ref"),
)


def start_mappers() -> None:
    if mapper_registry.mappers:
        return
    mapper_registry.map_imperatively(Notification, notifications)


@event.listens_for(Notification, "load")
def _init_events(target: Any, _context: Any) -> None:
    target.events = []
