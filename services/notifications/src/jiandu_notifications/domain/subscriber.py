"""Subscribers (订阅方): partner agencies and other departments that receive events as data.

A subscriber is entitled to some event types and classifications (set by an operator), and
subscribes within that entitlement by routing-key pattern plus filters (focus area, organ,
classification). It receives by signed webhook or, for a partner agency, in its own broker
queue. Coordinated supervision (贯通协同) with discipline inspection, procuratorate, audit and
patrol is, in this system, a set of such subscribers.

Pure domain: no framework imports.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from functools import lru_cache
from typing import Any

from jiandu_notifications.domain.outgoing import ChannelKind
from jiandu_shared.agencies import Agency
from jiandu_shared.contracts import Classification, EventData
from jiandu_shared.errors import RuleViolation

_WORD = r"[a-z0-9_]+"
PATTERN_RE = re.compile(rf"^(?:{_WORD}|\*|#)(?:\.(?:{_WORD}|\*|#))*$")
MAX_SECRETS = 3  # while rotating: the newest signs first, older ones until retired


class InvalidSubscription(RuleViolation):
    """A subscription definition that cannot be accepted; names the offending field."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(f"{field_name}: {message}")
        self.field = field_name


@lru_cache(maxsize=4096)  # every event asks of every subscriber; patterns and types are few
def topic_matches(pattern: str, key: str) -> bool:
    """AMQP topic matching: ``*`` is exactly one word, ``#`` zero or more."""

    def match(p: list[str], k: list[str]) -> bool:
        if not p:
            return not k
        head, rest = p[0], p[1:]
        if head == "#":
            return any(match(rest, k[i:]) for i in range(len(k) + 1))
        if not k:
            return False
        return (head == "*" or head == k[0]) and match(rest, k[1:])

    return match(pattern.split("."), key.split("."))


class SubscriberKind(StrEnum):
    AGENCY = "agency"  # a partner agency of coordinated supervision
    DEPARTMENT = "department"  # another department or system of the congress or government


class DeliveryMethod(StrEnum):
    WEBHOOK = "webhook"
    AGENCY_QUEUE = "agency_queue"


@dataclass(frozen=True)
class Subscription:
    """Event types by routing-key pattern, narrowed by optional filters (all must hold)."""

    pattern: str
    focus_areas: tuple[str, ...] = ()
    organ_ids: tuple[str, ...] = ()
    classifications: tuple[Classification, ...] = ()

    def matches(
        self, event_type: str, classification: Classification, data: Mapping[str, Any]
    ) -> bool:
        if not topic_matches(self.pattern, event_type):
            return False
        if self.classifications and classification not in self.classifications:
            return False
        if self.focus_areas and not (_focus_areas(data) & set(self.focus_areas)):
            return False
        return not self.organ_ids or bool(_organs(data) & set(self.organ_ids))


def _focus_areas(data: Mapping[str, Any]) -> set[str]:
    found = {str(data["focus_area"])} if data.get("focus_area") else set()
    for item in data.get("items", ()) or ():
        if isinstance(item, Mapping) and item.get("focus_area"):
            found.add(str(item["focus_area"]))
    return found


def _organs(data: Mapping[str, Any]) -> set[str]:
    found = {str(data[k]) for k in ("organ_id", "department_id") if data.get(k)}
    found.update(str(d) for d in data.get("department_ids", ()) or ())
    for item in data.get("items", ()) or ():
        if isinstance(item, Mapping):
            found.update(str(o) for o in item.get("target_organ_ids", ()))
    return found


@dataclass(frozen=True)
class SigningSecret:
    id: uuid.UUID
    value: str
    created_at: datetime


@dataclass(eq=False)
class Subscriber:
    id: uuid.UUID
    code: str  # unique, e.g. "audit" or "county-audit-bureau"
    name: str
    kind: SubscriberKind
    method: DeliveryMethod
    # What an operator entitled it to: event-type patterns and classifications.
    entitled_types: list[str]
    entitled_classifications: list[Classification]
    subscriptions: list[Subscription]
    created_at: datetime
    agency: Agency | None = None
    webhook_url: str | None = None
    secrets: list[SigningSecret] = field(default_factory=list)
    active: bool = True
    events: list[EventData] = field(default_factory=list, repr=False)

    def check(self, catalogue_types: Iterable[str]) -> None:
        """Raise :class:`InvalidSubscription` naming the first field that is wrong."""
        known = sorted(catalogue_types)
        if self.kind is SubscriberKind.AGENCY and self.agency is None:
            raise InvalidSubscription("agency", "a partner-agency subscriber names its agency")
        if self.method is DeliveryMethod.AGENCY_QUEUE and self.agency is None:
            raise InvalidSubscription("method", "an agency queue needs the subscriber's agency")
        if self.method is DeliveryMethod.WEBHOOK and not self.webhook_url:
            raise InvalidSubscription("webhook_url", "a webhook subscriber needs its URL")
        if not self.secrets:
            raise InvalidSubscription("secrets", "at least one signing secret is needed")
        for i, pattern in enumerate(self.entitled_types):
            _check_pattern(f"entitled_types[{i}]", pattern, known)
        if not self.entitled_classifications:
            raise InvalidSubscription("entitled_classifications", "entitle at least one")
        for i, sub in enumerate(self.subscriptions):
            where = f"subscriptions[{i}]"
            matched = _check_pattern(f"{where}.pattern", sub.pattern, known)
            outside = [t for t in matched if not self.entitled_to_type(t)]
            if outside:
                raise InvalidSubscription(
                    f"{where}.pattern",
                    f"'{sub.pattern}' reaches event types outside the entitlement: "
                    + ", ".join(outside[:5]),
                )
            refused = [c for c in sub.classifications if c not in self.entitled_classifications]
            if refused:
                raise InvalidSubscription(
                    f"{where}.classifications",
                    f"not entitled to {', '.join(refused)}; entitled: "
                    + ", ".join(self.entitled_classifications),
                )

    def entitled_to_type(self, event_type: str) -> bool:
        return any(topic_matches(p, event_type) for p in self.entitled_types)

    def wants(
        self, event_type: str, classification: Classification, data: Mapping[str, Any]
    ) -> bool:
        """Whether this subscriber receives the event: entitled, and subscribed to it."""
        if not self.active or not self.entitled_to_type(event_type):
            return False
        if classification not in self.entitled_classifications:
            return False
        return any(s.matches(event_type, classification, data) for s in self.subscriptions)

    def signing_secrets(self) -> tuple[str, ...]:
        return tuple(
            s.value for s in sorted(self.secrets, key=lambda s: s.created_at, reverse=True)
        )

    def add_secret(self, secret: SigningSecret) -> None:
        """Start a rotation: the new secret signs beside the old ones until they are retired."""
        if len(self.secrets) >= MAX_SECRETS:
            raise RuleViolation(
                f"a subscriber holds at most {MAX_SECRETS} secrets; retire an old one first"
            )
        self.secrets = [*self.secrets, secret]

    def retire_secret(self, secret_id: uuid.UUID) -> None:
        remaining = [s for s in self.secrets if s.id != secret_id]
        if len(remaining) == len(self.secrets):
            raise RuleViolation(f"no secret {secret_id} on subscriber {self.code}")
        if not remaining:
            raise RuleViolation("the last secret cannot be retired: add its successor first")
        self.secrets = remaining

    @property
    def channel(self) -> ChannelKind:
        if self.method is DeliveryMethod.AGENCY_QUEUE:
            return ChannelKind.AGENCY_QUEUE
        return ChannelKind.WEBHOOK

    @property
    def address(self) -> str:
        if self.method is DeliveryMethod.AGENCY_QUEUE:
            assert self.agency is not None
            return self.agency.value
        assert self.webhook_url is not None
        return self.webhook_url


def _check_pattern(field_name: str, pattern: str, known: list[str]) -> list[str]:
    if not PATTERN_RE.match(pattern):
        raise InvalidSubscription(
            field_name,
            f"'{pattern}' is not a routing-key pattern (words of a-z, 0-9, _ separated by dots; "
            "'*' one word, '#' any number)",
        )
    matched = [t for t in known if topic_matches(pattern, t)]
    if not matched:
        raise InvalidSubscription(field_name, f"'{pattern}' matches no event type in the catalogue")
    return matched
