"""Batched consumption on both databases: one transaction, a savepoint per message."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from jiandu_notifications.adapters.orm import inbox, notifications
from jiandu_notifications.bootstrap import SPEC
from jiandu_notifications.domain.notification import Notification, RecipientRole
from jiandu_notifications.service_layer.unit_of_work import NotificationsUnitOfWork
from jiandu_shared.clock import SystemClock
from jiandu_shared.contracts import Envelope, wrap
from jiandu_shared.contracts.topics import ProposalSource, ProposalSubmitted
from jiandu_shared.messaging.batching import BatchingConsumer
from jiandu_shared.service import bootstrap
from jiandu_shared.settings import service_settings
from tests.support.services import platform

pytestmark = pytest.mark.postgres


def envelope(title: str) -> Envelope[ProposalSubmitted]:
    data = ProposalSubmitted(
        proposal_id=uuid.uuid4(),
        tracking_code="JD-BATCH00001",
        year=2027,
        source=ProposalSource.PUBLIC,
        focus_area="batch",
        title=title,
    )
    return wrap(data, producer="topics")  # type: ignore[return-value,unused-ignore]


APPLIED: list[str] = []


async def record(event: Envelope[ProposalSubmitted], uow: NotificationsUnitOfWork) -> None:
    APPLIED.append(event.data.title)
    uow.notifications.add(
        Notification.record(
            recipient_role=RecipientRole.COMMITTEE_STAFF,
            kind="batch",
            title=event.data.title,
            body="-",
            correlation_id=event.correlation_id,
            source_event_id=event.event_id,
            source_event_type=event.type,
            now=SystemClock().now(),
        )
    )
    if event.data.title.startswith("fail"):
        raise RuntimeError("this message cannot be handled")


async def test_a_batch_commits_what_succeeds_in_order_once(
    data_dir: Path, database_url: Callable[[], str | None]
) -> None:
    settings = service_settings(
        "notifications",
        platform=platform("amqp://unused/", data_dir),
        database_url=database_url(),
    )
    service = bootstrap(SPEC, settings)
    await service.runtime.migrate()
    batcher = BatchingConsumer("notifications.test", service.uow, record)

    good = [envelope(f"ok-{n}") for n in range(20)]
    bad = envelope("fail-1")
    stream = [*good[:10], bad, good[3], *good[10:]]  # a failure and a duplicate in mid-stream
    APPLIED.clear()
    results = await asyncio.gather(*(batcher.submit(e) for e in stream), return_exceptions=True)

    expected = [*(f"ok-{n}" for n in range(10)), "fail-1", *(f"ok-{n}" for n in range(10, 20))]
    # The failure made the batch go again message by message: that last pass is in order.
    assert APPLIED[-len(expected) :] == expected
    assert isinstance(results[10], RuntimeError)
    assert results[11] is False  # the duplicate of ok-3 had no second effect
    assert [r for i, r in enumerate(results) if i not in (10, 11)] == [True] * 20
    async with service.runtime.database.session() as session:
        titles = (
            await session.scalars(
                select(notifications.c.title).order_by(notifications.c.created_at)
            )
        ).all()
        handled = await session.scalar(select(func.count()).select_from(inbox))
    assert sorted(titles) == sorted(f"ok-{n}" for n in range(20))
    assert handled == 20, "the failed message left no inbox row, so it can be redelivered"
    await service.runtime.database.dispose()
