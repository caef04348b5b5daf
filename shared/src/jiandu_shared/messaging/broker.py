"""The broker factory: one configuration of FastStream's RabbitBroker for every service."""

from __future__ import annotations

import logging

from faststream.rabbit import Channel, RabbitBroker
from faststream.rabbit.opentelemetry import RabbitTelemetryMiddleware
from opentelemetry.trace import TracerProvider

from jiandu_shared.agencies import Agency
from jiandu_shared.messaging.consumer import EventRouter
from jiandu_shared.messaging.topology import (
    AGENCIES_EXCHANGE,
    DEAD_LETTER_EXCHANGE,
    EVENTS_EXCHANGE,
    agency_dead_letter_queue,
    agency_queue,
    dead_letter_queue,
)
from jiandu_shared.settings import PlatformSettings

logger = logging.getLogger("jiandu.messaging")


def make_broker(
    platform: PlatformSettings,
    service: str,
    tracer_provider: TracerProvider | None = None,
    *,
    prefetch_count: int = 250,
) -> RabbitBroker:
    return RabbitBroker(
        platform.rabbit_url,
        app_id=service,
        # Confirms so the relay knows a publish reached the broker; on_return_raises with
        # FastStream's default mandatory publish so an unroutable event raises, not vanishes.
        default_channel=Channel(
            publisher_confirms=True, on_return_raises=True, prefetch_count=prefetch_count
        ),
        reconnect_interval=1.0,
        graceful_timeout=10.0,
        # Only when spans are exported: the middleware's per-message cost (context extraction,
        # spans, metrics) is a twelfth of a consumer's CPU and buys nothing otherwise.
        middlewares=(
            (RabbitTelemetryMiddleware(tracer_provider=tracer_provider),)
            if tracer_provider is not None
            else ()
        ),
        # FastStream's per-message INFO logging costs a third of consume throughput.
        log_level=logging.DEBUG,
        description=f"Jiandu {service} service",
    )


async def declare_topology(broker: RabbitBroker, events: EventRouter) -> None:
    """Declare the exchanges and each subscription's dead-letter queue.

    Consumer queues themselves are declared by their subscribers when the broker starts.
    """
    await broker.declare_exchange(EVENTS_EXCHANGE)
    dlx = await broker.declare_exchange(DEAD_LETTER_EXCHANGE)
    for subscription in events.subscriptions:
        dlq_spec = dead_letter_queue(subscription)
        dlq = await broker.declare_queue(dlq_spec)
        await dlq.bind(dlx, routing_key=dlq_spec.routing_key)


async def declare_agency_topology(broker: RabbitBroker, delivery_limit: int) -> None:
    """The agencies' exchange and each partner agency's queue and DLQ (declared by the one
    service that publishes there, notifications; agencies may not declare anything)."""
    exchange = await broker.declare_exchange(AGENCIES_EXCHANGE)
    dlx = await broker.declare_exchange(DEAD_LETTER_EXCHANGE)
    for agency in Agency:
        queue_spec = agency_queue(agency, delivery_limit)
        queue = await broker.declare_queue(queue_spec)
        await queue.bind(exchange, routing_key=queue_spec.routing_key)
        dlq_spec = agency_dead_letter_queue(agency)
        dlq = await broker.declare_queue(dlq_spec)
        await dlq.bind(dlx, routing_key=dlq_spec.routing_key)
