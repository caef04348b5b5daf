"""Topology values: quorum queues with a DLQ each and a bounded delivery count."""

from __future__ import annotations

from jiandu_shared.messaging.topology import (
    DEAD_LETTER_EXCHANGE_NAME,
    Subscription,
    consumer_queue,
    dead_letter_queue,
    queue_arguments,
)


def test_a_subscription_is_one_quorum_queue_bound_by_its_exact_event_type() -> None:
    sub = Subscription("notifications", "topics.proposal.submitted")
    queue = consumer_queue(sub, delivery_limit=5)
    assert queue.name == "notifications.topics.proposal.submitted"
    assert queue.routing_key == "topics.proposal.submitted"  # no wildcard, no overlap
    args = queue_arguments(sub, 5)
    assert args["x-queue-type"] == "quorum"
    assert args["x-dead-letter-exchange"] == DEAD_LETTER_EXCHANGE_NAME
    assert args["x-dead-letter-routing-key"] == sub.queue_name
    assert args["x-delivery-limit"] == 4  # RabbitMQ counts returns; 5 deliveries in all
    assert args["x-dead-letter-strategy"] == "at-least-once"


def test_each_queue_has_its_own_dead_letter_queue() -> None:
    sub = Subscription("notifications", "topics.proposal.submitted")
    dlq = dead_letter_queue(sub)
    assert dlq.name == "notifications.topics.proposal.submitted.dlq"
    assert dlq.routing_key == sub.queue_name
