"""Typed event subscribers with the platform's delivery policy.

``EventRouter.subscriber(ProposalSubmitted)`` binds the consumer's quorum queue for that event
type and wraps the handler so that:
- the correlation id and causation id of the envelope are in context while it runs;
- while its database is unreachable the handler is retried in place (see ``batching``);
- any other failure is rejected *with requeue* (``reject`` counts toward a quorum queue's delivery
  limit on RabbitMQ 3.10 and 4.x alike, ``nack`` does not on 4.3+), after a short backoff,
  so a poison message reaches its DLQ after ``delivery_limit`` deliveries;
- a body that is not a valid envelope is rejected without requeue by FastStream's default
  ``REJECT_ON_ERROR`` policy and dead-lettered at once: it can never succeed.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from faststream import ContextRepo
from faststream.exceptions import HandlerException, RejectMessage
from faststream.rabbit import RabbitRouter
from faststream.rabbit.annotations import RabbitMessage

from jiandu_shared.contracts import Envelope, EventData
from jiandu_shared.correlation import correlation_scope
from jiandu_shared.messaging.batching import HOLD_SECONDS, Apply, BatchingConsumer
from jiandu_shared.messaging.topology import EVENTS_EXCHANGE, Subscription, consumer_queue
from jiandu_shared.storage.availability import retry_while_unavailable
from jiandu_shared.storage.unit_of_work import UnitOfWork

logger = logging.getLogger("jiandu.messaging")

Handler = TypeVar("Handler", bound=Callable[..., Awaitable[Any]])
U = TypeVar("U", bound=UnitOfWork)

MAX_BACKOFF_SECONDS = 2.0


def _delivery_count(message: RabbitMessage | None) -> int:
    """Deliveries before this one, as a quorum queue counts them."""
    headers = (message.headers if message is not None else None) or {}
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
        # The broker's context, set when the router is included: a failing handler reads its
        # message's delivery count there. Asking for ``message: RabbitMessage`` as a parameter
        # instead makes FastStream resolve it in a worker thread for every message (py-spy).
        self.context: ContextRepo | None = None

    def subscriber(
        self, data_model: type[EventData], *, hold: bool = True
    ) -> Callable[[Handler], Handler]:
        """``hold``: retry the handler in place while its database is unreachable (a batched
        handler holds its whole batch itself)."""
        subscription = Subscription(self.consumer, data_model.event_type)
        if subscription in self.subscriptions:
            raise ValueError(f"{subscription.queue_name} is subscribed twice")
        self.subscriptions.append(subscription)
        queue = consumer_queue(subscription, self.delivery_limit)

        def decorate(handler: Handler) -> Handler:
            async def with_delivery_policy(envelope: Envelope[Any]) -> Any:
                with correlation_scope(envelope.correlation_id, str(envelope.event_id)):
                    try:
                        if not hold:
                            return await handler(envelope)
                        return await retry_while_unavailable(
                            lambda: handler(envelope),
                            what=f"{subscription.queue_name} on {envelope.event_id}",
                            hold_seconds=HOLD_SECONDS,
                        )
                    except HandlerException:
                        raise
                    except Exception as exc:
                        count = _delivery_count(
                            self.context.get_local("message") if self.context else None
                        )
                        logger.exception(
                            "%s failed on %s (delivery %d of at most %d); rejected, to be redelivered "
                            "or dead-lettered at the limit",
                            subscription.queue_name,
                            envelope.event_id,
                            count + 1,
                            self.delivery_limit,
                        )
                        await asyncio.sleep(min(0.05 * 2**count, MAX_BACKOFF_SECONDS))
                        raise RejectMessage(requeue=True) from exc

            # FastStream validates the body and documents the channel from this signature.
            with_delivery_policy.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
                [
                    inspect.Parameter(
                        "envelope",
                        inspect.Parameter.POSITIONAL_OR_KEYWORD,
                        annotation=Envelope[data_model],  # type: ignore[valid-type]
                    ),
                ]
            )
            with_delivery_policy.__name__ = handler.__name__
            with_delivery_policy.__qualname__ = handler.__qualname__
            with_delivery_policy.__doc__ = handler.__doc__

            self.router.subscriber(
                queue,
                EVENTS_EXCHANGE,
                title=subscription.queue_name,
                description=(handler.__doc__ or "").strip() or None,
            )(with_delivery_policy)
            return handler

        return decorate

    def batched(
        self, data_model: type[EventData], uow: Callable[[], U], *, name: str
    ) -> Callable[[Apply[U]], Apply[U]]:
        """Subscribe ``apply(envelope, uow)``: run in an open unit of work, in batches, with the
        inbox checked for it under the consumer name ``<service>.<name>`` (see ``batching``)."""

        def decorate(apply: Apply[U]) -> Apply[U]:
            batcher = BatchingConsumer(f"{self.consumer}.{name}", uow, apply)

            async def handler(envelope: Envelope[Any]) -> None:
                await batcher.submit(envelope)

            handler.__name__ = handler.__qualname__ = name
            handler.__doc__ = apply.__doc__
            self.subscriber(data_model, hold=False)(handler)
            return apply

        return decorate
