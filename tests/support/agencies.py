"""A partner agency's broker user in a test's vhost, with exactly the exported permissions."""

from __future__ import annotations

from urllib.parse import urlsplit

from jiandu_shared.agencies import Agency
from jiandu_shared.messaging.definitions import definitions
from tests.support.servers import RabbitNode


def agency_user(rabbit: RabbitNode, rabbit_url: str, agency: Agency) -> str:
    vhost = urlsplit(rabbit_url).path.lstrip("/")
    user, password = agency.broker_user, "agency-password"
    exported = next(
        p for p in definitions(3, "jiandu")["permissions"] if p["user"] == agency.broker_user
    )
    try:
        rabbit.ctl("add_user", user, password)
    except RuntimeError:
        rabbit.ctl("change_password", user, password)
    rabbit.ctl(
        "set_permissions",
        "-p",
        vhost,
        user,
        exported["configure"],
        exported["write"],
        exported["read"],
    )
    return f"amqp://{user}:{password}@127.0.0.1:{rabbit.port}/{vhost}"
