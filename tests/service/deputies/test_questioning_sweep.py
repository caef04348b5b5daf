"""The deadline sweep of tracked problems (问政跟踪问效): reminders and overdue findings once per
commitment, provisional deadlines recounted once the year's official calendar is loaded."""

from __future__ import annotations

from datetime import date, timedelta

import httpx

from jiandu_deputies.service_layer.questioning import QuestioningSettings, sweep_deadlines
from jiandu_deputies.service_layer.unit_of_work import DeputiesUnitOfWork
from jiandu_shared.calendar import OfficialYear
from jiandu_shared.clock import FixedClock
from jiandu_shared.service import Service
from tests.service.deputies.legislation_support import DEPARTMENT, STAFF, outbox_events
from tests.service.deputies.test_questioning_http import held_session, question

Running = tuple[Service[DeputiesUnitOfWork], httpx.AsyncClient]
SETTINGS = QuestioningSettings(due_soon_working_days=2)


async def sweep(service: Service[DeputiesUnitOfWork], clock: FixedClock) -> int:
    return int(await sweep_deadlines(service.uow, clock, SETTINGS))


async def test_reminded_and_found_overdue_once_per_commitment(
    deputies_service: Running, clock: FixedClock
) -> None:
    service, client = deputies_service
    session_id = await held_session(client)
    problem = await question(client, session_id)
    path = f"/questioning-problems/{problem['id']}"
    assert await sweep(service, clock) == 0  # nothing committed yet
    await client.post(
        f"{path}/commit", json={"commitment": "c", "working_days": 2}, headers=DEPARTMENT
    )  # due Wednesday 9 December; reminded from Monday
    assert await sweep(service, clock) == 1
    assert await sweep(service, clock) == 0
    clock.advance(timedelta(days=3))  # Thursday
    assert await sweep(service, clock) == 1
    assert await sweep(service, clock) == 0
    soon = await outbox_events(service, "deputies.questioning_problem.due_soon")
    late = await outbox_events(service, "deputies.questioning_problem.overdue")
    assert [(e["due"], e["commitment_number"]) for e in soon] == [("2026-12-09", 1)]
    assert [(e["due"], e["commitment_number"]) for e in late] == [("2026-12-09", 1)]

    # Unresolved, committed again: the new deadline is reminded and found overdue anew.
    await client.post(
        f"{path}/conclude", json={"resolved": False, "satisfaction": "unsatisfied"}, headers=STAFF
    )
    await client.post(
        f"{path}/commit", json={"commitment": "c2", "working_days": 1}, headers=DEPARTMENT
    )  # due Friday 11 December
    assert await sweep(service, clock) == 1
    clock.advance(timedelta(days=4))  # Monday 14th
    assert await sweep(service, clock) == 1
    late = await outbox_events(service, "deputies.questioning_problem.overdue")
    assert [(e["due"], e["commitment_number"]) for e in late][-1] == ("2026-12-11", 2)
    # A reported resolution owes nothing more.
    await client.post(f"{path}/resolution", json={"summary": "done"}, headers=DEPARTMENT)
    clock.advance(timedelta(days=7))
    assert await sweep(service, clock) == 0


async def test_a_provisional_deadline_is_recounted_when_its_year_is_loaded(
    deputies_service: Running, clock: FixedClock
) -> None:
    service, client = deputies_service
    session_id = await held_session(client)
    problem = await question(client, session_id)
    path = f"/questioning-problems/{problem['id']}"
    committed = await client.post(
        f"{path}/commit", json={"commitment": "c", "working_days": 30}, headers=DEPARTMENT
    )
    before = committed.json()["deadline"]
    assert before["provisional"] is True
    assert await sweep(service, clock) == 0  # 2027 still unknown: nothing to recount
    async with service.uow() as uow:
        await uow.calendar.save(
            OfficialYear(
                year=2027, holidays={date(2027, 1, 1)}, makeup_workdays=set(), source="国办发明电"
            ),
            loaded_at=service.clock.now(),
            loaded_by="test",
        )
        await uow.commit()
    assert await sweep(service, clock) == 1
    (recomputed,) = await outbox_events(service, "deputies.questioning_problem.deadline_recomputed")
    assert recomputed["previous_due"] == before["due"]
    assert recomputed["provisional"] is False
    assert recomputed["due"] > before["due"]  # New Year's Day is off
    after = (await client.get(path, headers=STAFF)).json()["deadline"]
    assert (after["due"], after["staff_notice"]) == (recomputed["due"], None)
    assert await sweep(service, clock) == 0
