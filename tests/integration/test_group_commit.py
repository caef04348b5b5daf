"""Group commit on both databases: concurrent submissions share transactions, and each keeps
its own correlation id, origin, Idempotency-Key and failure."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from jiandu_shared.clock import SystemClock
from jiandu_shared.contracts.topics import ProposalSource
from jiandu_shared.correlation import correlation_scope
from jiandu_shared.errors import Conflict
from jiandu_shared.service import Service, bootstrap
from jiandu_shared.settings import service_settings
from jiandu_shared.storage.availability import database_unavailable
from jiandu_shared.storage.group_commit import GroupCommit
from jiandu_shared.storage.idempotency import IdempotentRequest, replay
from jiandu_topics.adapters.metadata import metadata, outbox
from jiandu_topics.adapters.orm import proposals
from jiandu_topics.bootstrap import SPEC
from jiandu_topics.domain.collection import FocusAreas
from jiandu_topics.service_layer import collection
from jiandu_topics.service_layer.unit_of_work import TopicsUnitOfWork
from tests.support.collection import collection_year
from tests.support.servers import free_port
from tests.support.services import platform

pytestmark = pytest.mark.postgres

idempotency_keys = metadata.tables["idempotency_keys"]

YEAR = collection_year()
CLOCK = SystemClock()
AREAS = FocusAreas({"preschool_childcare": "学前教育"})


async def started(data_dir: Path, database_url: Callable[[], str | None]) -> Service[Any]:
    settings = service_settings(
        "topics", platform=platform("amqp://unused/", data_dir), database_url=database_url()
    )
    service = bootstrap(SPEC, settings)
    await service.runtime.migrate()
    await collection.schedule_window(
        year=YEAR,
        opens_on=date(YEAR - 1, 1, 1),
        closes_on=date(YEAR, 12, 31),
        uow=service.uow(),
        clock=CLOCK,
    )
    await collection.open_window(YEAR, service.uow(), CLOCK)
    return service


def command(title: str, year: int = YEAR) -> collection.SubmitProposal:
    return collection.SubmitProposal(
        year=year,
        source=ProposalSource.PUBLIC,
        focus_area="preschool_childcare",
        title=title,
        rationale="-",
        submitter_name="李四",
        submitter_contact=None,
        submitter_ref=None,
    )


async def submit(
    group: GroupCommit[TopicsUnitOfWork],
    title: str,
    *,
    year: int = YEAR,
    key: str | None = None,
) -> collection.Submitted:
    """One request: its own correlation id and origin, as the HTTP middleware sets them."""
    idempotency = IdempotentRequest.of("POST /proposals", key, title)
    with correlation_scope(f"corr-{title}", origin=f"POST /proposals {title}"):
        return await collection.submit_proposal(
            command(title, year), group, CLOCK, AREAS, idempotency
        )


async def test_concurrent_submissions_share_transactions_and_keep_their_own_context(
    data_dir: Path, database_url: Callable[[], str | None]
) -> None:
    service = await started(data_dir, database_url)
    group = GroupCommit(service.uow, name="test")
    titles = [f"p{n:02d}" for n in range(40)]

    results = await asyncio.gather(*(submit(group, t, key=f"key-{t}") for t in titles))

    assert [r.proposal.title for r in results] == titles
    assert group.works == 40
    assert group.batches < 40, "concurrent submissions were grouped"
    async with service.runtime.database.session() as session:
        rows = (
            await session.execute(
                select(outbox.c.correlation_id, outbox.c.origin, outbox.c.payload).where(
                    outbox.c.event_type == "topics.proposal.submitted"
                )
            )
        ).all()
        stored = await session.scalar(select(func.count()).select_from(proposals))
        keys = await session.scalar(select(func.count()).select_from(idempotency_keys))
    assert stored == 40 and keys == 40
    by_title = {json.loads(r.payload)["data"]["title"]: r for r in rows}
    assert set(by_title) == set(titles)
    for title, row in by_title.items():
        assert row.correlation_id == f"corr-{title}"
        assert row.origin == f"POST /proposals {title}"
    # A retry of one of them replays what its own request created, secret included.
    async with service.runtime.database.session() as session:
        retried = IdempotentRequest.of("POST /proposals", "key-p17", "p17")
        assert retried is not None
        first = await replay(session, idempotency_keys, retried)
    assert first is not None
    assert first.body == {
        "id": str(results[17].proposal.id),
        "tracking_secret": results[17].tracking_secret,
    }
    await service.runtime.database.dispose()


async def test_a_failing_submission_fails_alone(
    data_dir: Path, database_url: Callable[[], str | None]
) -> None:
    service = await started(data_dir, database_url)
    group = GroupCommit(service.uow, name="test")

    outcomes = await asyncio.gather(
        *(submit(group, f"ok{n}") for n in range(10)),
        submit(group, "no-window", year=YEAR + 5),  # raises mid-batch
        *(submit(group, f"ok{n}") for n in range(10, 20)),
        return_exceptions=True,
    )

    assert isinstance(outcomes[10], Conflict)
    assert "no collection window" in str(outcomes[10])
    good = [o for i, o in enumerate(outcomes) if i != 10]
    assert all(isinstance(o, collection.Submitted) for o in good)
    async with service.runtime.database.session() as session:
        titles = sorted((await session.scalars(select(proposals.c.title))).all())
        events = await session.scalar(
            select(func.count()).where(outbox.c.event_type == "topics.proposal.submitted")
        )
    assert titles == sorted(f"ok{n}" for n in range(20))
    assert events == 20, "one event per stored proposal, none for the refused one"
    await service.runtime.database.dispose()


async def test_a_lone_submission_is_its_own_transaction(
    data_dir: Path, database_url: Callable[[], str | None]
) -> None:
    service = await started(data_dir, database_url)
    group = GroupCommit(service.uow, name="test")

    first = await submit(group, "alone")
    second = await submit(group, "later")

    assert (group.batches, group.works) == (2, 2)
    assert first.proposal.id != second.proposal.id
    await service.runtime.database.dispose()


async def test_an_unreachable_database_fails_the_whole_batch_at_once(data_dir: Path) -> None:
    """Not one transaction per request after the batch failed: each would wait for the dead
    server again. Every request gets the error (503 at the HTTP layer) from the one attempt."""
    dead = f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/nothing"
    settings = service_settings(
        "topics", platform=platform("amqp://unused/", data_dir), database_url=dead
    )
    service = bootstrap(SPEC, settings)
    opened: list[TopicsUnitOfWork] = []

    def counting_uow() -> TopicsUnitOfWork:
        opened.append(service.uow())
        return opened[-1]

    group = GroupCommit(counting_uow, name="test")
    outcomes = await asyncio.gather(
        *(submit(group, f"down{n}") for n in range(10)), return_exceptions=True
    )

    assert all(isinstance(o, Exception) and database_unavailable(o) for o in outcomes), outcomes
    assert len(opened) == 1, "one attempt for the batch, not one more per request"
    await service.runtime.database.dispose()
