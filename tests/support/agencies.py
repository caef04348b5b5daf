"""A partner agency's broker user in a test's vhost, with exactly the exported permissions
(the kernel's own grant, as jiandu-up and operators use it)."""

from __future__ import annotations

from jiandu_shared.agencies import Agency
from jiandu_shared.messaging.agency_access import amqp_url_for, grant, vhost_of
from tests.support.servers import RabbitNode


def agency_user(rabbit: RabbitNode, rabbit_url: str, agency: Agency) -> str:
    password = "agency-password"
    grant(rabbit.ctl, agency, vhost_of(rabbit_url), password)
    return amqp_url_for(rabbit_url, agency.broker_user, password)
