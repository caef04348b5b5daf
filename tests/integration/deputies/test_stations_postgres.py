"""Stations, dual contact and performance on PostgreSQL: the migration matches the mappings,
JSON lists of ids are searched, decimals in JSON read back exactly, reports and scores agree
with SQLite's."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from jiandu_deputies.adapters.metadata import metadata
from jiandu_deputies.bootstrap import SPEC as DEPUTIES
from jiandu_deputies.domain.registry import Gender
from jiandu_shared.clock import FixedClock
from tests.service.deputies.stations_support import STAFF, add_deputy, as_deputy
from tests.service.topics.test_schema import differences
from tests.support.collection import in_memory

pytestmark = pytest.mark.postgres

NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
TABLES = {
    "liaison_stations",
    "station_checks",
    "station_activities",
    "station_rating_indexes",
    "station_ratings",
    "committee_members",
    "voters",
    "contact_links",
    "contact_records",
    "deputy_activities",
    "performance_rules",
    "performance_scores",
}


async def test_stations_dual_contact_and_scores_on_postgres(
    data_dir: Path, postgres_url: str
) -> None:
    async with in_memory(DEPUTIES, data_dir, FixedClock(NOW), database_url=postgres_url) as (
        service,
        client,
    ):
        async with service.runtime.database.engine.connect() as connection:
            assert await connection.run_sync(differences, metadata, TABLES) == []

        deputy = await add_deputy(service, "甲", gender=Gender.FEMALE, birth_year=1980)
        other = await add_deputy(service, "乙", gender=Gender.MALE, birth_year=1960)
        station = (
            await client.post(
                "/stations",
                json={
                    "name": "腾飞社区代表联络站",
                    "kind": "liaison_station",
                    "level": "community",
                },
                headers=STAFF,
            )
        ).json()
        sid = station["id"]
        await client.put(
            f"/stations/{sid}/deputies", json={"deputy_ids": [str(deputy)]}, headers=STAFF
        )
        found = await client.get("/stations", params={"deputy_id": str(deputy)}, headers=STAFF)
        assert [s["id"] for s in found.json()["items"]] == [sid]
        none = await client.get("/stations", params={"deputy_id": str(other)}, headers=STAFF)
        assert none.json()["total"] == 0
        logged = await client.post(
            f"/stations/{sid}/activities",
            json={
                "kind": "reception",
                "held_on": "2026-11-20",
                "title": "接待选民",
                "deputy_ids": [str(deputy)],
                "opinions_collected": 3,
                "opinions_handled": 2,
                "opinions_replied_in_time": 2,
                "satisfaction_responses": 3,
                "satisfied_responses": 2,
            },
            headers=STAFF,
        )
        assert logged.status_code == 201, logged.text
        rating = await client.post(f"/stations/{sid}/ratings/2026", headers=STAFF)
        assert rating.status_code == 201, rating.text
        again = await client.get(f"/stations/{sid}/ratings/2026", headers=STAFF)
        assert again.json() == rating.json()
        # 1/12 activities -> 0.0833 x 25 = 2.08; handled 0.6667 -> 0.3704 x 25 = 9.26;
        # in time 1 -> 20; satisfied 0.6667 -> 0.1906 x 15 = 2.86; no six haves -> 0.
        assert again.json()["total_points"] == "34.20"

        voter = await client.post(
            "/voters", json={"name": "选民", "phone": "13800138000"}, headers=STAFF
        )
        assigned = await client.post(
            "/dual-contact/assignments/voters",
            json={"deputy_ids": [str(deputy), str(other)]},
            headers=STAFF,
        )
        (placed,) = assigned.json()["placed"]
        assert placed["contactee_id"] == voter.json()["id"]
        report = await client.get("/dual-contact/uncontacted", headers=STAFF)
        assert report.json()["uncontacted_count"] == 1
        recorded = await client.post(
            f"/dual-contact/links/{placed['link_id']}/contacts",
            json={"contacted_on": "2026-12-01", "channel": "visit"},
            headers=as_deputy(placed["contactor_id"]),
        )
        assert recorded.status_code == 201, recorded.text
        report = await client.get("/dual-contact/uncontacted", headers=STAFF)
        assert report.json()["uncontacted_count"] == 0

        # Station duty 2, and, for whoever was linked, a voter contact 1; the missing "ones"
        # (visit, suggestion, inspection, report, station duty) cost 5 + 5 + 5 + 10 (+ 5).
        preview = await client.get(f"/deputy-performance/{deputy}/2026/preview", headers=STAFF)
        assert preview.status_code == 200, preview.text
        kinds = [line["kind"] for line in preview.json()["lines"]]
        assert "station_duty" in kinds
        published = await client.post(f"/deputy-performance/{deputy}/2026", headers=STAFF)
        assert published.status_code == 201, published.text
        read = await client.get(f"/deputy-performance/{deputy}/2026", headers=STAFF)
        assert read.json() == published.json()
