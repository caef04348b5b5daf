"""RabbitMQ topology as values (ARCHITECTURE §3), declared once and imported everywhere.

One durable topic exchange carries domain events. Each consumer owns one durable quorum queue
per event type it subscribes to, named ``<consumer>.<event type>`` and bound by that exact
routing key, so a queue receives exactly the types it declares (no ``#`` overlap). Each queue
dead-letters to ``jiandu.dlx`` with its own name as routing key into ``<queue>.dlq``, after at
most ``delivery_limit`` deliveries, at-least-once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from faststream.rabbit import ExchangeType, QueueType, RabbitExchange, RabbitQueue

from jiandu_shared.agencies import Agency

if TYPE_CHECKING:
    from faststream.rabbit.schemas.queue import QuorumQueueArgs

EVENTS_EXCHANGE_NAME = "jiandu.events"
DEAD_LETTER_EXCHANGE_NAME = "jiandu.dlx"

EVENTS_EXCHANGE = RabbitExchange(EVENTS_EXCHANGE_NAME, type=ExchangeType.TOPIC, durable=True)
DEAD_LETTER_EXCHANGE = RabbitExchange(
    DEAD_LETTER_EXCHANGE_NAME, type=ExchangeType.DIRECT, durable=True
)


@dataclass(frozen=True)
class Subscription:
    """A consumer's standing interest in one event type."""

    consumer: str
    event_type: str

    @property
    def queue_name(self) -> str:
        return f"{self.consumer}.{self.event_type}"

    @property
    def dead_letter_queue_name(self) -> str:
        return f"{self.queue_name}.dlq"


def queue_arguments(subscription: Subscription, delivery_limit: int) -> dict[str, Any]:
    return {
        "x-queue-type": "quorum",
        "x-dead-letter-exchange": DEAD_LETTER_EXCHANGE_NAME,
        "x-dead-letter-routing-key": subscription.queue_name,
        # RabbitMQ dead-letters once a message was *returned* more than x-delivery-limit times;
        # our delivery_limit counts deliveries, the first one included.
        "x-delivery-limit": delivery_limit - 1,
        # At-least-once dead-lettering needs reject-publish overflow (quorum queues, 3.10+).
        "x-dead-letter-strategy": "at-least-once",
        "x-overflow": "reject-publish",
    }


def consumer_queue(subscription: Subscription, delivery_limit: int) -> RabbitQueue:
    return RabbitQueue(
        subscription.queue_name,
        queue_type=QueueType.QUORUM,
        durable=True,
        routing_key=subscription.event_type,
        arguments=cast("QuorumQueueArgs", queue_arguments(subscription, delivery_limit)),
    )


def dead_letter_queue(subscription: Subscription) -> RabbitQueue:
    return RabbitQueue(
        subscription.dead_letter_queue_name,
        queue_type=QueueType.QUORUM,
        durable=True,
        routing_key=subscription.queue_name,
        arguments=cast("QuorumQueueArgs", {"x-queue-type": "quorum"}),
    )


# --- Partner agencies (贯通协同): one queue each, filled only by the notifications service ----

AGENCIES_EXCHANGE_NAME = "jiandu.agencies"
AGENCIES_EXCHANGE = RabbitExchange(AGENCIES_EXCHANGE_NAME, type=ExchangeType.DIRECT, durable=True)


def agency_queue_arguments(agency: Agency, delivery_limit: int) -> dict[str, Any]:
    """An agency's quorum queue: what its consumer rejects too often waits in its own DLQ."""
    return {
        "x-queue-type": "quorum",
        "x-dead-letter-exchange": DEAD_LETTER_EXCHANGE_NAME,
        "x-dead-letter-routing-key": agency.queue_name,
        "x-delivery-limit": delivery_limit - 1,
        "x-dead-letter-strategy": "at-least-once",
        "x-overflow": "reject-publish",
    }


def agency_queue(agency: Agency, delivery_limit: int) -> RabbitQueue:
    return RabbitQueue(
        agency.queue_name,
        queue_type=QueueType.QUORUM,
        durable=True,
        routing_key=agency.value,
        arguments=cast("QuorumQueueArgs", agency_queue_arguments(agency, delivery_limit)),
    )


def agency_dead_letter_queue(agency: Agency) -> RabbitQueue:
    return RabbitQueue(
        agency.dead_letter_queue_name,
        queue_type=QueueType.QUORUM,
        durable=True,
        routing_key=agency.queue_name,
        arguments=cast("QuorumQueueArgs", {"x-queue-type": "quorum"}),
    )
