"""Definitions of directory entries and subscribers as they arrive, through the API or from
provisioning files: validated here, so both ways refuse the same mistakes with the same
words (the field named)."""

from __future__ import annotations

import os
import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, field_validator, model_validator
from pydantic.config import JsonDict

from jiandu_notifications.domain.directory import DigestFrequency, Locale, Recipient
from jiandu_notifications.domain.notification import RecipientRole
from jiandu_notifications.domain.outgoing import ChannelKind
from jiandu_notifications.domain.subscriber import (
    DeliveryMethod,
    SigningSecret,
    Subscriber,
    SubscriberKind,
    Subscription,
)
from jiandu_shared.agencies import Agency
from jiandu_shared.contracts import Classification
from jiandu_shared.web.text import WHITE_SPACE

PATTERN = r"^(?:[a-z0-9_]+|\*|#)(?:\.(?:[a-z0-9_]+|\*|#))*$"
Pattern = Annotated[str, Field(min_length=1, max_length=200, pattern=PATTERN)]
Ref = Annotated[str, Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_.:-]+$")]
Email = Annotated[
    str,
    Field(
        max_length=254,
        pattern=rf"^[^@{WHITE_SPACE}\x00]+@[^@{WHITE_SPACE}\x00]+\.[^@{WHITE_SPACE}\x00]+$",
        examples=["office@example.gov.cn"],
    ),
]
Phone = Annotated[
    str, Field(max_length=20, pattern=r"^\+?[0-9]{5,19}$", examples=["+8613800000000"])
]
Code = Annotated[str, Field(min_length=2, max_length=64, pattern=r"^[a-z0-9][a-z0-9_-]*$")]
Secret = Annotated[str, Field(min_length=16, max_length=200, pattern=r"^[\x21-\x7e]+$")]


def _needs(channel: str, field: str) -> JsonDict:
    """JSON Schema for "``channel`` among the channels needs ``field``" (the validator's rule)."""
    return {
        "anyOf": [
            {"properties": {"channels": {"not": {"contains": {"const": channel}}}}},
            {"required": [field], "properties": {field: {"type": "string"}}},
        ]
    }


class RecipientIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        # The rules of ``_addresses`` below, stated for clients.
        json_schema_extra={"allOf": [_needs("email", "email"), _needs("sms", "phone")]},
    )

    role: RecipientRole
    ref: Ref | None = Field(
        default=None,
        description="The organ/committee/member/deputy id this entry stands for; none: any",
    )
    name: str = Field(min_length=1, max_length=200)
    email: Email | None = None
    phone: Phone | None = None
    channels: list[ChannelKind] = Field(
        default_factory=list,
        max_length=2,
        # A directory entry is reached by e-mail or SMS only (``_personal_channels``).
        json_schema_extra={
            "items": {"type": "string", "enum": [ChannelKind.EMAIL, ChannelKind.SMS]}
        },
        description="'email' needs an e-mail address, 'sms' a phone number",
    )
    locale: Locale = Locale.ZH
    digest: DigestFrequency = DigestFrequency.NONE
    active: bool = True

    @field_validator("channels")
    @classmethod
    def _personal_channels(cls, value: list[ChannelKind]) -> list[ChannelKind]:
        wrong = [c for c in value if c not in (ChannelKind.EMAIL, ChannelKind.SMS)]
        if wrong:
            raise ValueError("a directory entry is reached by 'email' or 'sms' only")
        return list(dict.fromkeys(value))

    @model_validator(mode="after")
    def _addresses(self) -> RecipientIn:
        if ChannelKind.EMAIL in self.channels and not self.email:
            raise ValueError("channel 'email' needs 'email'")
        if ChannelKind.SMS in self.channels and not self.phone:
            raise ValueError("channel 'sms' needs 'phone'")
        return self

    def to_recipient(self, recipient_id: uuid.UUID | None = None) -> Recipient:
        return Recipient(
            id=recipient_id or uuid.uuid4(),
            role=self.role,
            ref=self.ref,
            name=self.name,
            email=self.email,
            phone=self.phone,
            channels=list(self.channels),
            locale=self.locale,
            digest=self.digest,
            active=self.active,
        )


class SubscriptionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    pattern: Pattern = Field(description="Routing-key pattern: '*' one word, '#' any number")
    focus_areas: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(
        default_factory=list, max_length=50
    )
    organ_ids: list[uuid.UUID] = Field(default_factory=list, max_length=200)
    classifications: list[Classification] = Field(default_factory=list, max_length=3)

    def to_subscription(self) -> Subscription:
        return Subscription(
            pattern=self.pattern,
            focus_areas=tuple(self.focus_areas),
            organ_ids=tuple(str(o) for o in self.organ_ids),
            classifications=tuple(self.classifications),
        )


class SubscriberIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: Code
    name: str = Field(min_length=1, max_length=200)
    kind: SubscriberKind
    method: DeliveryMethod
    agency: Agency | None = None
    webhook_url: HttpUrl | None = Field(default=None, max_length=2000)
    entitled_types: list[Pattern] = Field(min_length=1, max_length=100)
    entitled_classifications: list[Classification] = Field(min_length=1, max_length=3)
    subscriptions: list[SubscriptionIn] = Field(min_length=1, max_length=100)
    secret: Secret | None = Field(
        default=None, description="The first signing secret; generated when omitted"
    )
    active: bool = True

    def to_subscriber(self, now: datetime, secret: str) -> Subscriber:
        return Subscriber(
            id=uuid.uuid4(),
            code=self.code,
            name=self.name,
            kind=self.kind,
            method=self.method,
            agency=self.agency,
            webhook_url=str(self.webhook_url) if self.webhook_url else None,
            entitled_types=list(self.entitled_types),
            entitled_classifications=list(self.entitled_classifications),
            subscriptions=[s.to_subscription() for s in self.subscriptions],
            secrets=[SigningSecret(uuid.uuid4(), secret, now)],
            created_at=now,
            active=self.active,
        )


class ProvisionedSubscriber(SubscriberIn):
    """A subscriber in a provisioning file: its secret may come from the environment."""

    secret_env: Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9_]*$")] | None = None

    def resolved_secret(self) -> str | None:
        if self.secret_env:
            value = os.environ.get(self.secret_env)
            if not value:
                raise ValueError(f"secret_env: {self.secret_env} is not set in the environment")
            return value
        return self.secret


class ProvisionedRecipient(RecipientIn):
    key: Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.:-]+$")] = Field(
        description="Stable key of the entry in the file: re-provisioning updates, not duplicates"
    )

    @property
    def stable_id(self) -> uuid.UUID:
        return uuid.uuid5(uuid.NAMESPACE_URL, f"jiandu:directory:{self.key}")
