"""The notifications unit of work: the kernel's, with this service's repositories."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession

from jiandu_notifications import SERVICE_NAME
from jiandu_notifications.adapters import orm
from jiandu_notifications.adapters.repository import (
    DeliveryRepository,
    LadderRepository,
    NotificationRepository,
    RecipientRepository,
    SubscriberRepository,
)
from jiandu_shared.storage.database import Database
from jiandu_shared.storage.unit_of_work import UnitOfWork


class NotificationsUnitOfWork(UnitOfWork):
    notifications: NotificationRepository
    recipients: RecipientRepository
    subscribers: SubscriberRepository
    deliveries: DeliveryRepository
    ladders: LadderRepository

    def __init__(self, database: Database, on_commit: Callable[[], None] | None = None) -> None:
        super().__init__(database, orm.metadata, SERVICE_NAME, on_commit)

    def _open(self, session: AsyncSession) -> None:
        self.notifications = NotificationRepository(session, self.track)
        self.recipients = RecipientRepository(session, self.track)
        self.subscribers = SubscriberRepository(session, self.track)
        self.deliveries = DeliveryRepository(session, self.track)
        self.ladders = LadderRepository(session, self.track)
