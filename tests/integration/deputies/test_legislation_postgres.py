"""Contact points, micro projects and questioning on PostgreSQL: the migration matches the
mappings, and the service flows (row locks, sums of fen, per-law and per-point counts, claims of
the deadline sweep) behave as on SQLite."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from jiandu_deputies.adapters.metadata import metadata
from jiandu_deputies.bootstrap import SPEC as DEPUTIES
from jiandu_deputies.service_layer.unit_of_work import DeputiesUnitOfWork
from jiandu_shared.clock import FixedClock
from jiandu_shared.service import Service
from tests.service.deputies import (
    test_legislation_http,
    test_micro_projects_http,
    test_questioning_http,
    test_questioning_sweep,
)
from tests.service.topics.test_schema import differences
from tests.support.collection import in_memory

pytestmark = pytest.mark.postgres

NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
TABLES = {
    "legislative_contact_points",
    "draft_laws",
    "draft_law_articles",
    "opinion_packages",
    "legislative_opinions",
    "micro_projects",
    "micro_project_votes",
    "micro_project_spendings",
    "questioning_sessions",
    "questioning_attendees",
    "problem_clues",
    "questioning_problems",
    "problem_progress_reports",
}

Running = tuple[Service[DeputiesUnitOfWork], httpx.AsyncClient]


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
async def on_postgres(
    data_dir: Path, postgres_url: str, clock: FixedClock
) -> AsyncIterator[Running]:
    async with in_memory(DEPUTIES, data_dir, clock, database_url=postgres_url) as running:
        yield running


async def test_the_migration_matches_the_mappings(on_postgres: Running) -> None:
    service, _ = on_postgres
    async with service.runtime.database.engine.connect() as connection:
        assert await connection.run_sync(differences, metadata, TABLES) == []


async def test_micro_projects_on_postgres(on_postgres: Running) -> None:
    await test_micro_projects_http.test_the_whole_loop_from_a_citizens_idea_to_acceptance(
        on_postgres
    )


async def test_department_scoping_and_totals_on_postgres(on_postgres: Running) -> None:
    await test_micro_projects_http.test_departments_see_and_act_on_their_own_projects_only(
        on_postgres
    )


async def test_money_stays_exact_on_postgres(on_postgres: Running) -> None:
    await test_micro_projects_http.test_the_four_finance_events_carry_exact_decimal_strings(
        on_postgres
    )


async def test_one_vote_each_on_postgres(on_postgres: Running) -> None:
    await test_micro_projects_http.test_each_deputy_votes_once_and_only_deputies_vote(on_postgres)


async def test_legislation_on_postgres(on_postgres: Running) -> None:
    await test_legislation_http.test_opinions_per_article_go_to_the_legislature_as_one_package(
        on_postgres
    )


async def test_counts_per_law_and_point_on_postgres(on_postgres: Running) -> None:
    await test_legislation_http.test_counts_per_law_and_per_point(on_postgres)


async def test_questioning_on_postgres(on_postgres: Running) -> None:
    await test_questioning_http.test_a_problem_from_a_clue_to_a_resolution_rated_by_the_public(
        on_postgres
    )


async def test_deadline_sweep_on_postgres(on_postgres: Running, clock: FixedClock) -> None:
    await test_questioning_sweep.test_reminded_and_found_overdue_once_per_commitment(
        on_postgres, clock
    )
