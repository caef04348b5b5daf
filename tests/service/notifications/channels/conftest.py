"""Real local servers for the channel senders: an HTTP server that records what it gets and
answers what the path asks for, and a message factory."""

from __future__ import annotations

import json
import uuid
from typing import Any

from jiandu_notifications.domain.outgoing import ChannelKind, OutgoingMessage
from tests.support.http_recorder import Recorded, RecordingServer, http_server

__all__ = ["Recorded", "RecordingServer", "http_server", "outgoing"]


def outgoing(channel: ChannelKind, address: str, **overrides: Any) -> OutgoingMessage:
    payload = json.dumps(
        {"type": "finance.audit_finding.referred", "data": {"title": "审计查出问题的整改"}},
        ensure_ascii=False,
    ).encode()
    values: dict[str, Any] = {
        "delivery_id": uuid.uuid4(),
        "channel": channel,
        "address": address,
        "event_id": uuid.uuid4(),
        "event_type": "finance.audit_finding.referred",
        "correlation_id": f"corr-{uuid.uuid4().hex[:8]}",
        "subject": "审计查出问题整改情况的通知",
        "text": "您好:\n关于2025年度审计查出问题的整改情况,请于十个工作日内答复。\n—— 人大常委会",
        "payload": payload,
        "secrets": ("new-secret-0123456789", "old-secret-9876543210"),
    }
    values.update(overrides)
    return OutgoingMessage(**values)
