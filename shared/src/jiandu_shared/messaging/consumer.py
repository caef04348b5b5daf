"""Typed event subscribers with the platform's delivery policy.

``EventRouter.subscriber(ProposalSubmitted)`` binds the consumer's quorum queue for that event
type and wraps the handler so that:
- the correlation id and causation id of the envelope are in context while it runs;
- a failure is rejected *with requeue* (``reject`` counts toward a quorum queue's delivery
  limit on RabbitMQ 3.10 and 4.x alike, ``nack`` does not on 4.3+), after a short backoff,
  so a poison message reaches its DLQ after ``delivery_limit`` deliveries;
- a body that is not a valid envelope is rejected without requeue by FastStream's default
  ``REJECT_ON_ERROR`` policy and dead-lettered at once: it can never succeed.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from faststream import context
from faststream.exceptions import HandlerException, RejectMessage
from faststream.rabbit import RabbitRouter

from jiandu_shared.contracts import Envelope, EventData
from jiandu_shared.correlation import correlation_scope
from jiandu_shared.messaging.topology import EVENTS_EXCHANGE, Subscription, consumer_queue

logger = logging.getLogger("jiandu.messaging")

Handler = TypeVar("Handler", bound=Callable[..., Awaitable[Any]])

MAX_BACKOFF_SECONDS = 2.0


def _delivery_count() -> int:
    message = context.get_local("message")
    headers = getattr(message, "headers", None) or {}
    try:
        return int(headers.get("x-delivery-count", 0))
    except (TypeError, ValueError):
        return 0


class EventRouter:
    """A service's subscriptions, as a FastStream router plus the list of what it consumes."""

    def __init__(self, consumer: str, *, delivery_limit: int) -> None:
        self.consumer = consumer
        self.delivery_limit = delivery_limit
        self.router = RabbitRouter()
        self.subscriptions: list[Subscription] = []

    def subscriber(self, data_model: type[EventData]) -> Callable[[Handler], Handler]:
        subscription = Subscription(self.consumer, data_model.event_type)
        if subscription in self.subscriptions:
            raise ValueError(f"{subscription.queue_name} is subscribed twice")
        self.subscriptions.append(subscription)
        queue = consumer_queue(subscription, self.delivery_limit)

        def decorate(handler: Handler) -> Handler:
            @functools.wraps(handler)
            async def with_delivery_policy(envelope: Envelope[Any], *args: Any, **kw: Any) -> Any:
                with correlation_scope(envelope.correlation_id, str(envelope.event_id)):
                    try:
                        return await handler(envelope, *args, **kw)
                    except HandlerException:
                        raise
                    except Exception as exc:
                        count = _delivery_count()
                        logger.exception(
                            "%s failed on %s (delivery %d of %d); rejecting for redelivery",
                            subscription.queue_name,
                            envelope.event_id,
                            count + 1,
                            self.delivery_limit,
                        )
                        await asyncio.sleep(min(0.05 * 2**count, MAX_BACKOFF_SECONDS))
                        raise RejectMessage(requeue=True) from exc

            self.router.subscriber(
                queue,
                EVENTS_EXCHANGE,
                title=subscription.queue_name,
                description=(handler.__doc__ or "").strip() or None,
            )(with_delivery_policy)
            return handler

        return decorate
