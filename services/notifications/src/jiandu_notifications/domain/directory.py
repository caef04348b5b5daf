"""The directory of people and organs the service reaches (通讯录): the only place in the
platform where their e-mail addresses and phone numbers live (ARCHITECTURE §10a).

Events name organs, committees, members and deputies by id; the directory says who stands
behind an inbox and on which channels they want to be reached.

Pure domain: no framework imports.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from enum import StrEnum

from jiandu_notifications.domain.notification import Addressee, RecipientRole
from jiandu_notifications.domain.outgoing import ChannelKind
from jiandu_shared.contracts import EventData
from jiandu_shared.errors import RuleViolation


class Locale(StrEnum):
    ZH = "zh"
    EN = "en"


class DigestFrequency(StrEnum):
    NONE = "none"  # each notification as it happens
    DAILY = "daily"
    WEEKLY = "weekly"


PERSONAL_CHANNELS = (ChannelKind.EMAIL, ChannelKind.SMS)


@dataclass(eq=False)
class Recipient:
    """A person or office behind an inbox, with the channels they are reached on."""

    id: uuid.UUID
    role: RecipientRole
    ref: str | None  # the organ/committee/member/deputy id this entry stands for; None: any
    name: str
    email: str | None = None
    phone: str | None = None
    channels: list[ChannelKind] = field(default_factory=list)
    locale: Locale = Locale.ZH
    digest: DigestFrequency = DigestFrequency.NONE
    active: bool = True
    events: list[EventData] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        self.check()

    def check(self) -> None:
        for channel in self.channels:
            if channel not in PERSONAL_CHANNELS:
                raise RuleViolation(
                    f"a directory entry is reached by e-mail or SMS, not {channel}: "
                    "webhooks and agency queues belong to subscribers"
                )
        if ChannelKind.EMAIL in self.channels and not self.email:
            raise RuleViolation("channel 'email' needs an e-mail address")
        if ChannelKind.SMS in self.channels and not self.phone:
            raise RuleViolation("channel 'sms' needs a phone number")

    def stands_for(self, addressee: Addressee) -> bool:
        """Whether this entry reads ``addressee``'s inbox: same role, and the same ref unless
        one side means the whole role (e.g. every member, or a leader of every committee)."""
        if not self.active or self.role is not addressee.role:
            return False
        return addressee.ref is None or self.ref is None or self.ref == addressee.ref

    def address_on(self, channel: ChannelKind) -> str:
        address = self.email if channel is ChannelKind.EMAIL else self.phone
        if not address:
            raise RuleViolation(f"{self.name} has no address for {channel}")
        return address

    def immediate_channels(self) -> list[ChannelKind]:
        """Channels to send on as things happen; a digest subscriber gets e-mail in the digest."""
        if self.digest is DigestFrequency.NONE:
            return list(self.channels)
        return [c for c in self.channels if c is not ChannelKind.EMAIL]
