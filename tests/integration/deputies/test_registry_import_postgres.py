"""The registry on PostgreSQL: a roster of hundreds imported, re-imported, and two imports racing
on the same natural keys (the constraint, not luck, keeps one entry per deputy)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from jiandu_deputies.adapters.orm_registry import deputies as deputies_table
from jiandu_deputies.bootstrap import SPEC as DEPUTIES
from jiandu_deputies.service_layer import importing
from jiandu_shared.clock import FixedClock
from jiandu_shared.errors import Conflict
from jiandu_shared.web.auth import Role
from tests.support.collection import in_memory
from tests.support.deputies_files import DeputyRoster
from tests.support.services import auth

pytestmark = pytest.mark.postgres

STAFF = auth(Role.COMMITTEE_STAFF, "staff-1")
NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)


async def test_import_reimport_and_racing_imports(data_dir: Path, postgres_url: str) -> None:
    async with in_memory(DEPUTIES, data_dir, FixedClock(NOW), database_url=postgres_url) as (
        service,
        client,
    ):
        roster = DeputyRoster.generate(400, bad={9: "bad_phone", 99: "duplicate_key"})
        first = await client.post(
            "/deputies/imports?mode=valid_rows", files=roster.upload("xlsx"), headers=STAFF
        )
        assert first.status_code == 200, first.text
        assert (first.json()["created"], first.json()["rejected"]) == (397, 3)

        fixed = DeputyRoster.generate(400)
        fixed.rows[5]["unit"] = "新单位"
        second = (
            await client.post("/deputies/imports", files=fixed.upload(), headers=STAFF)
        ).json()
        assert (second["created"], second["updated"], second["unchanged"]) == (3, 1, 396)

        # Two imports of one new roster at once: one wins, the other creates nothing twice.
        racing = DeputyRoster.generate(50, prefix="RC", seed=3).csv_bytes()

        async def run() -> str:
            try:
                report = await importing.import_roster(
                    racing,
                    mode=importing.ImportMode.ALL_OR_NOTHING,
                    imported_by="race",
                    uow=service.uow(),
                    clock=service.clock,
                )
            except Conflict:
                return "conflict"
            return f"created {report.created} unchanged {report.unchanged}"

        outcomes = sorted(await asyncio.gather(run(), run()))
        assert outcomes in (
            ["conflict", "created 50 unchanged 0"],
            ["created 0 unchanged 50", "created 50 unchanged 0"],
        ), outcomes
        async with service.runtime.database.session() as session:
            count = await session.scalar(select(func.count()).select_from(deputies_table))
        assert count == 450

        some = (await client.get("/deputies?limit=1&level=county", headers=STAFF)).json()
        code = some["items"][0]["public_code"]
        card = await client.get(f"/public/deputies/{code.lower()}")
        assert card.status_code == 200
