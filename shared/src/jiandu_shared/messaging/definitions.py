"""Export the platform's topology as a RabbitMQ definitions file for operators (§3).

``python -m jiandu_shared.messaging.definitions > deploy/rabbitmq/definitions.json``

It holds what the services declare themselves (exchanges, each subscription's quorum queue
and DLQ, bindings) plus users: one for the services, and one per partner agency whose
permissions reach only its own queue ``agency.<agency>.events`` (filled by notifications). Agency users have no password
until an operator sets one (``rabbitmqctl change_password``).
"""

from __future__ import annotations

import base64
import hashlib
import importlib
import json
import os
import sys
from typing import Any

from jiandu_shared.agencies import Agency
from jiandu_shared.messaging.topology import (
    AGENCIES_EXCHANGE_NAME,
    DEAD_LETTER_EXCHANGE_NAME,
    EVENTS_EXCHANGE_NAME,
    Subscription,
    agency_queue_arguments,
    queue_arguments,
)
from jiandu_shared.settings import PlatformSettings

SERVICES = ("topics", "deputies", "finance", "notifications")
VHOST = "/"


def rabbit_password_hash(username: str, password: str) -> str:
    """RabbitMQ's salted SHA-256 hash; the salt derives from the username so exports are stable."""
    salt = hashlib.sha256(f"jiandu:{username}".encode()).digest()[:4]
    return base64.b64encode(salt + hashlib.sha256(salt + password.encode()).digest()).decode()


def subscriptions() -> list[Subscription]:
    from jiandu_shared.service import bootstrap

    found: list[Subscription] = []
    for name in SERVICES:
        spec = importlib.import_module(f"jiandu_{name}.bootstrap").SPEC
        found.extend(bootstrap(spec).runtime.events.subscriptions)
    return sorted(found, key=lambda s: s.queue_name)


def agency_permissions(agency: Agency) -> tuple[str, str, str]:
    """(configure, write, read) of an agency's broker user. It may only consume from its own
    queue: no configure, no write (so no bindings of its own), no reading of any other queue,
    its DLQ included."""
    return "^$", "^$", rf"^agency\.{agency.value}\.events$"


def definitions(delivery_limit: int, service_password: str) -> dict[str, Any]:
    subs = subscriptions()
    queues: list[dict[str, Any]] = []
    bindings: list[dict[str, Any]] = []
    for sub in subs:
        queues.append(
            {
                "name": sub.queue_name,
                "vhost": VHOST,
                "durable": True,
                "auto_delete": False,
                "arguments": queue_arguments(sub, delivery_limit),
            }
        )
        queues.append(
            {
                "name": sub.dead_letter_queue_name,
                "vhost": VHOST,
                "durable": True,
                "auto_delete": False,
                "arguments": {"x-queue-type": "quorum"},
            }
        )
        bindings.append(
            {
                "source": EVENTS_EXCHANGE_NAME,
                "vhost": VHOST,
                "destination": sub.queue_name,
                "destination_type": "queue",
                "routing_key": sub.event_type,
                "arguments": {},
            }
        )
        bindings.append(
            {
                "source": DEAD_LETTER_EXCHANGE_NAME,
                "vhost": VHOST,
                "destination": sub.dead_letter_queue_name,
                "destination_type": "queue",
                "routing_key": sub.queue_name,
                "arguments": {},
            }
        )
    users: list[dict[str, Any]] = [
        {
            "name": "jiandu",
            "password_hash": rabbit_password_hash("jiandu", service_password),
            "hashing_algorithm": "rabbit_password_hashing_sha256",
            "tags": ["administrator"],
        }
    ]
    permissions: list[dict[str, Any]] = [
        {"user": "jiandu", "vhost": VHOST, "configure": ".*", "write": ".*", "read": ".*"}
    ]
    for agency in Agency:
        _agency_queues(agency, delivery_limit, queues, bindings)
        user = agency.broker_user
        users.append(
            {
                "name": user,
                "password_hash": "",
                "hashing_algorithm": "rabbit_password_hashing_sha256",
                "tags": [],
            }
        )
        configure, write, read = agency_permissions(agency)
        permissions.append(
            {"user": user, "vhost": VHOST, "configure": configure, "write": write, "read": read}
        )
    return {
        "rabbit_version": "3.10.8",
        "users": users,
        "vhosts": [{"name": VHOST}],
        "permissions": permissions,
        "exchanges": [
            {
                "name": EVENTS_EXCHANGE_NAME,
                "vhost": VHOST,
                "type": "topic",
                "durable": True,
                "auto_delete": False,
                "internal": False,
                "arguments": {},
            },
            {
                "name": AGENCIES_EXCHANGE_NAME,
                "vhost": VHOST,
                "type": "direct",
                "durable": True,
                "auto_delete": False,
                "internal": False,
                "arguments": {},
            },
            {
                "name": DEAD_LETTER_EXCHANGE_NAME,
                "vhost": VHOST,
                "type": "direct",
                "durable": True,
                "auto_delete": False,
                "internal": False,
                "arguments": {},
            },
        ],
        "queues": queues,
        "bindings": bindings,
    }


def _agency_queues(
    agency: Agency,
    delivery_limit: int,
    queues: list[dict[str, Any]],
    bindings: list[dict[str, Any]],
) -> None:
    dlq = agency.dead_letter_queue_name
    for name, arguments in (
        (agency.queue_name, agency_queue_arguments(agency, delivery_limit)),
        (dlq, {"x-queue-type": "quorum"}),
    ):
        queues.append(
            {
                "name": name,
                "vhost": VHOST,
                "durable": True,
                "auto_delete": False,
                "arguments": arguments,
            }
        )
    for source, destination, key in (
        (AGENCIES_EXCHANGE_NAME, agency.queue_name, agency.value),
        (DEAD_LETTER_EXCHANGE_NAME, dlq, agency.queue_name),
    ):
        bindings.append(
            {
                "source": source,
                "vhost": VHOST,
                "destination": destination,
                "destination_type": "queue",
                "routing_key": key,
                "arguments": {},
            }
        )


def main() -> None:
    password = os.environ.get("JIANDU_RABBIT_SERVICE_PASSWORD", "jiandu")
    limit = PlatformSettings().delivery_limit
    json.dump(definitions(limit, password), sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
