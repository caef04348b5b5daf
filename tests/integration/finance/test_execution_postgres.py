"""Budget-execution imports on PostgreSQL: the binary COPY into a staging table, the set-based
merge and the GROUP BY rules on a few thousand rows with a planted anomaly of every kind."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from jiandu_finance.bootstrap import SPEC as FINANCE
from jiandu_shared.clock import FixedClock
from tests.support.collection import in_memory, outbox_events
from tests.support.execution import STAFF, PlantedYear, as_csv, row

pytestmark = pytest.mark.postgres

CSV = {"Content-Type": "text/csv", **STAFF}


async def test_copy_merge_and_rules_on_postgres(data_dir: Path, postgres_url: str) -> None:
    clock = FixedClock(datetime(2026, 12, 7, 2, tzinfo=UTC))
    planted = PlantedYear(4000)
    path = data_dir.parent / "planted.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    count = planted.write_csv(path)
    async with in_memory(FINANCE, data_dir, clock, database_url=postgres_url) as (service, finance):
        assert service.runtime.database.dialect == "postgresql"
        created = await finance.post("/budgets", json=planted.budget(), headers=STAFF)
        assert created.status_code == 201, created.text
        body = path.read_bytes()
        # Two replicas receiving the same file at once: one imports, the other finds duplicates.
        first, second = await asyncio.gather(
            finance.post("/execution/imports", content=body, headers=CSV),
            finance.post("/execution/imports", content=body, headers=CSV),
        )
        assert (first.status_code, second.status_code) == (201, 201), (first.text, second.text)
        imported = first if first.json()["rows_imported"] else second
        other = second if imported is first else first
        assert (other.json()["rows_imported"], other.json()["findings_flagged"]) == (0, 0)
        report = imported.json()
        assert (report["rows_read"], report["rows_imported"]) == (count, count)
        assert report["as_of"] == "2026-12-05"
        found = await finance.get("/execution/findings", params={"limit": 200}, headers=STAFF)
        items: list[dict[str, Any]] = found.json()["items"]
        assert {(f["rule"], f["subject"]) for f in items} == planted.expected
        by_key = {(f["rule"], f["subject"]): f for f in items}
        unknown = by_key[("no_budget_line", planted.unknown)]
        assert unknown["amount"] == "30001.99"
        assert unknown["evidence"]["figures"]["payments_naming_unknown_line"] == 2
        assert [r["amount"] for r in unknown["evidence"]["rows"]] == ["30000.00", "1.99"]
        realloc = by_key[("large_reallocation", planted.realloc)]
        assert realloc["evidence"]["rows"][0]["reallocation_amount"] == "-400000.00"
        rush = by_key[("year_end_rush", planted.rush)]
        assert len(rush["evidence"]["rows"]) == 10  # row_refs default
        assert len(await outbox_events(service, "finance.execution_finding.flagged")) == len(
            planted.expected
        )

        # The same file again: every row a duplicate, no second flag.
        again = await finance.post("/execution/imports", content=body, headers=CSV)
        assert (again.json()["rows_imported"], again.json()["rows_duplicate"]) == (0, count)
        assert again.json()["findings_flagged"] == 0

        # All or nothing on PostgreSQL too: one bad row, nothing of the file lands.
        fresh = [row("2026-11-30", "D000", "10.00", "L000-00", row_id=f"N{i}") for i in range(50)]
        fresh[10] = row("2026-11-30", "D000", "10.001", "L000-00", row_id="N10")
        refused = await finance.post("/execution/imports", content=as_csv(fresh), headers=CSV)
        assert refused.status_code == 422
        assert refused.json()["rejections"][0]["line"] == 12
        async with service.uow() as uow:
            assert await uow.execution.count_rows(2026) == count
        valid = await finance.post(
            "/execution/imports?mode=valid_rows", content=as_csv(fresh), headers=CSV
        )
        assert valid.json()["rows_imported"] == 49
        async with service.uow() as uow:
            assert await uow.execution.count_rows(2026) == count + 49
