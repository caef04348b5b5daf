"""Tables of the notifications service and the mapping of domain classes onto them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    event,
)
from sqlalchemy.orm import registry

from jiandu_notifications.domain.delivery import (
    Delivery,
    DeliveryAttempt,
    DeliveryStatus,
    TargetKind,
)
from jiandu_notifications.domain.directory import DigestFrequency, Locale, Recipient
from jiandu_notifications.domain.ladder import EscalationLadder, LadderState
from jiandu_notifications.domain.notification import Channel, Notification, RecipientRole
from jiandu_notifications.domain.outgoing import ChannelKind, OutcomeKind
from jiandu_notifications.domain.subscriber import (
    DeliveryMethod,
    SigningSecret,
    Subscriber,
    SubscriberKind,
    Subscription,
)
from jiandu_shared.agencies import Agency
from jiandu_shared.contracts import Classification
from jiandu_shared.storage.calendar import add_calendar_table
from jiandu_shared.storage.kernel_tables import BigIntId, add_kernel_tables
from jiandu_shared.storage.types import JsonOf, StrEnumType, UtcDateTime

metadata = MetaData()
mapper_registry = registry(metadata=metadata)

kernel = add_kernel_tables(metadata)
outbox, inbox = kernel.outbox, kernel.inbox
# This service's copy of the official years loaded in topics (escalation steps count on it).
official_years = add_calendar_table(metadata)

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

# --- revision 0003: directory, subscribers, deliveries, ladders ------------------------------

recipients = Table(
    "recipients",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("role", StrEnumType(RecipientRole, 40), nullable=False),
    Column("ref", String(128), nullable=True),
    Column("name", String(200), nullable=False),
    Column("email", String(254), nullable=True),
    Column("phone", String(32), nullable=True),
    Column("channels", JsonOf(list[ChannelKind]), nullable=False),
    Column("locale", StrEnumType(Locale, 8), nullable=False),
    Column("digest", StrEnumType(DigestFrequency, 10), nullable=False),
    Column("active", Boolean, nullable=False),
    Column("last_digest_at", UtcDateTime(), nullable=True),
    Index("ix_recipients_role_ref", "role", "ref"),
)

subscribers = Table(
    "subscribers",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("code", String(64), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("kind", StrEnumType(SubscriberKind, 20), nullable=False),
    Column("method", StrEnumType(DeliveryMethod, 20), nullable=False),
    Column("agency", StrEnumType(Agency, 40), nullable=True),
    Column("webhook_url", String(2000), nullable=True),
    Column("entitled_types", JsonOf(list[str]), nullable=False),
    Column("entitled_classifications", JsonOf(list[Classification]), nullable=False),
    Column("subscriptions", JsonOf(list[Subscription]), nullable=False),
    Column("secrets", JsonOf(list[SigningSecret]), nullable=False),
    Column("active", Boolean, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
)

deliveries = Table(
    "deliveries",
    metadata,
    # Ordering per aggregate and target: a delivery waits for older ones of the same pair.
    Column("seq", BigIntId, primary_key=True, autoincrement=True),
    Column("id", Uuid, nullable=False, unique=True),
    Column("event_id", Uuid, nullable=False),
    Column("event_type", String(200), nullable=False),
    Column("correlation_id", String(128), nullable=False),
    Column("aggregate_key", String(200), nullable=False),
    Column("channel", StrEnumType(ChannelKind, 20), nullable=False),
    Column("target_kind", StrEnumType(TargetKind, 20), nullable=False),
    Column("target_id", Uuid, nullable=False),
    Column("address", String(2000), nullable=False),
    Column("subject", String(300), nullable=False),
    Column("text", Text, nullable=False),
    Column("payload", Text, nullable=False),
    Column("status", StrEnumType(DeliveryStatus, 20), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UtcDateTime(), nullable=True),
    Column("last_error", Text, nullable=True),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("sent_at", UtcDateTime(), nullable=True),
    Column("failed_at", UtcDateTime(), nullable=True),
    Column("occurred_at", UtcDateTime(), nullable=True),  # of the event; the line's order
    # Never twice for one event, one target, one channel: across redeliveries and replicas.
    UniqueConstraint("event_id", "target_id", "channel", name="uq_deliveries_once"),
    Index("ix_deliveries_due", "status", "next_attempt_at"),
    Index("ix_deliveries_order", "target_id", "channel", "aggregate_key", "seq"),
    Index("ix_deliveries_correlation", "correlation_id"),
)

delivery_attempts = Table(
    "delivery_attempts",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("delivery_id", Uuid, nullable=False, index=True),
    Column("number", Integer, nullable=False),
    Column("at", UtcDateTime(), nullable=False),
    Column("outcome", StrEnumType(OutcomeKind, 20), nullable=False),
    Column("detail", Text, nullable=False),
    Column("duration_ms", Integer, nullable=False),
)

ladders = Table(
    "escalation_ladders",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("kind", String(40), nullable=False),
    Column("item_id", Uuid, nullable=False),
    Column("round", Integer, nullable=False),
    Column("organ_id", Uuid, nullable=True),
    Column("committee_id", Uuid, nullable=True),
    Column("correlation_id", String(128), nullable=False),
    Column("started_on", Date, nullable=False),
    Column("next_step", Integer, nullable=False),
    Column("next_step_on", Date, nullable=True),
    Column("provisional", Boolean, nullable=False),
    Column("state", StrEnumType(LadderState, 20), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("last_step_on", Date, nullable=True),
    Column("stopped_at", UtcDateTime(), nullable=True),
    Column("stopped_by", String(200), nullable=True),
    Index("ix_ladders_item", "kind", "item_id"),
    Index("ix_ladders_due", "state", "next_step_on"),
)


def start_mappers() -> None:
    if mapper_registry.mappers:
        return
    mapper_registry.map_imperatively(Notification, notifications)
    mapper_registry.map_imperatively(Recipient, recipients, exclude_properties=["last_digest_at"])
    mapper_registry.map_imperatively(Subscriber, subscribers)
    mapper_registry.map_imperatively(
        Delivery, deliveries, exclude_properties=["seq"], primary_key=[deliveries.c.id]
    )
    mapper_registry.map_imperatively(DeliveryAttempt, delivery_attempts)
    mapper_registry.map_imperatively(EscalationLadder, ladders)


def _init_events(target: Any, _context: Any) -> None:
    target.events = []


for _cls in (Notification, Recipient, Subscriber, Delivery, EscalationLadder):
    event.listen(_cls, "load", _init_events)
