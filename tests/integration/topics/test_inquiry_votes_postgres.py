"""Special-inquiry votes under concurrency on PostgreSQL: members vote at once, one vote per
member per answer, and closing the rating tallies every vote it accepted, no more, no less."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from jiandu_shared.clock import FixedClock
from jiandu_shared.web.auth import Role
from jiandu_topics.bootstrap import SPEC as TOPICS
from tests.support.collection import STAFF, in_memory
from tests.support.services import auth

pytestmark = pytest.mark.postgres

EDUCATION = "00000000-0000-4000-8000-00000000d001"


def member(n: int) -> dict[str, str]:
    return auth(Role.COMMITTEE_MEMBER, f"00000000-0000-4000-8000-{n:012d}")


async def question_on_the_floor(topics: httpx.AsyncClient) -> tuple[str, str]:
    inquiry = await topics.post(
        "/inquiries",
        json={
            "committee_id": "00000000-0000-4000-8000-00000000c001",
            "title": "关于养老服务体系建设的专题询问",
            "held_on": "2027-06-25",
            "department_ids": [EDUCATION],
        },
        headers=STAFF,
    )
    iid = inquiry.json()["id"]
    await topics.post(f"/inquiries/{iid}/open", headers=STAFF)
    question = await topics.post(
        f"/inquiries/{iid}/questions",
        json={"department_id": EDUCATION, "question": "?"},
        headers=member(0),
    )
    qid = question.json()["id"]
    answered = await topics.post(
        f"/inquiries/{iid}/questions/{qid}/answer", json={"summary": "答"}, headers=STAFF
    )
    assert answered.status_code == 200, answered.text
    return iid, qid


async def test_concurrent_votes_and_a_racing_close_lose_and_double_nothing(
    data_dir: Path, postgres_url: str
) -> None:
    clock = FixedClock(datetime(2027, 6, 25, 2, tzinfo=UTC))
    async with in_memory(TOPICS, data_dir, clock, database_url=postgres_url) as (_, topics):
        iid, qid = await question_on_the_floor(topics)
        votes = f"/inquiries/{iid}/questions/{qid}/votes"

        async def cast(n: int) -> int:
            response = await topics.post(votes, json={"rating": "satisfied"}, headers=member(n))
            return response.status_code

        # Twenty members at once, and member 1 pressing the button five times.
        statuses = await asyncio.gather(*(cast(n) for n in [*range(1, 21), 1, 1, 1, 1]))
        assert Counter(statuses) == {201: 20, 409: 4}

        # Closing the rating while ten more members are voting.
        closing = asyncio.create_task(
            topics.post(f"/inquiries/{iid}/questions/{qid}/close-rating", headers=STAFF)
        )
        late_statuses = await asyncio.gather(*(cast(n) for n in range(21, 31)))
        closed = await closing
        assert closed.status_code == 200, closed.text
        assert set(late_statuses) <= {201, 409}
        accepted = 20 + late_statuses.count(201)
        assert closed.json()["result"]["total"] == accepted

        view = (await topics.get(f"/inquiries/{iid}", headers=STAFF)).json()
        assert view["questions"][0]["votes_cast"] == accepted
