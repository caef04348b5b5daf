"""The deadline sweep of citizens' opinions and deputy suggestions: due-soon reminders (临期提醒)
and overdue findings, each emitted once.

Every replica runs the sweep on a schedule. Exactly-once comes from storage, not timing (as in
topics): for each finding the sweep first *claims* it with a conditional UPDATE — on an
opinion, ``SET due_soon_claimed_for = :n WHERE deadline_number = :n AND (… IS NULL OR … < :n)``
(each new deadline, e.g. a transfer to a department, has a new number); on a suggestion's
current round, ``SET due_soon_for = :due`` / ``SET overdue_claimed_at = :now`` guarded by the
due date it judged by — and only the caller whose UPDATE changed the row raises the event, in
the same transaction as the claim. A replica that loses the race, or a sweep repeated after a
restart, changes nothing.

Provisional deadlines (counted Monday to Friday for a year with no official calendar) are
recounted by the same sweep once that year's calendar is loaded in topics and followed here.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm.exc import StaleDataError

from jiandu_deputies.service_layer.unit_of_work import DeputiesUnitOfWork
from jiandu_shared.calendar import WorkingCalendar, local_date
from jiandu_shared.clock import Clock
from jiandu_shared.errors import DomainError

logger = logging.getLogger("jiandu.deputies.deadlines")


@dataclass(frozen=True)
class ReminderRules:
    opinion_due_soon_working_days: int
    suggestion_due_soon_working_days: int


async def sweep_deadlines(
    uow: Callable[[], DeputiesUnitOfWork], clock: Clock, rules: ReminderRules
) -> int:
    """Remind and mark overdue what is due; returns how many events it raised."""
    now = clock.now()
    today = local_date(now)
    acted = await recompute_provisional(uow, now)
    async with uow() as reading:
        calendar = await reading.calendar.working_calendar()
        # Beyond one working day more than the reminder offset, nothing can be due soon yet.
        opinion_horizon = calendar.add_working_days(
            today, rules.opinion_due_soon_working_days + 1
        ).due
        suggestion_horizon = calendar.add_working_days(
            today, rules.suggestion_due_soon_working_days + 1
        ).due
        opinions = await reading.citizen_opinions.deadline_candidates(
            today=today, horizon=opinion_horizon
        )
        suggestions = await reading.suggestions.deadline_candidates(
            today=today, horizon=suggestion_horizon
        )
    for opinion_id in opinions:
        try:
            acted += await check_opinion(opinion_id, uow(), calendar, rules, now)
        except (DomainError, StaleDataError):
            # Another request changed the opinion meanwhile: the next sweep looks again.
            logger.info("deadline sweep skipped opinion %s", opinion_id, exc_info=True)
    for suggestion_id in suggestions:
        try:
            acted += await check_suggestion(suggestion_id, uow(), calendar, rules, now)
        except (DomainError, StaleDataError):
            logger.info("deadline sweep skipped suggestion %s", suggestion_id, exc_info=True)
    return acted


async def recompute_provisional(uow: Callable[[], DeputiesUnitOfWork], now: datetime) -> int:
    """Recount provisional deadlines whose unknown years now have an official calendar (loaded
    in topics and followed here): the reminders and overdue findings then judge by them."""
    async with uow() as reading:
        calendar = await reading.calendar.working_calendar()
        opinions = await reading.citizen_opinions.provisional_open()
        suggestions = await reading.suggestions.provisional_open()

    def now_known(years: tuple[int, ...]) -> bool:
        return any(calendar.is_official(year) for year in years)

    moved = 0
    for opinion_id, years in opinions:
        if not now_known(years):
            continue
        try:
            async with uow() as unit:
                opinion = await unit.citizen_opinions.get_locked(opinion_id)
                if opinion.recompute_deadline(calendar=calendar, now=now):
                    unit.citizen_opinions.changed(opinion)
                    await unit.commit()
                    moved += 1
        except (DomainError, StaleDataError):
            logger.info("deadline recount skipped opinion %s", opinion_id, exc_info=True)
    for suggestion_id, years in suggestions:
        if not now_known(years):
            continue
        try:
            async with uow() as unit:
                suggestion = await unit.suggestions.get_locked(suggestion_id)
                if suggestion.recompute_deadline(calendar=calendar, now=now):
                    unit.suggestions.changed(suggestion)
                    await unit.commit()
                    moved += 1
        except (DomainError, StaleDataError):
            logger.info("deadline recount skipped suggestion %s", suggestion_id, exc_info=True)
    return moved


async def check_opinion(
    opinion_id: uuid.UUID,
    uow: DeputiesUnitOfWork,
    calendar: WorkingCalendar,
    rules: ReminderRules,
    now: datetime,
) -> int:
    """Remind or mark overdue one opinion if due and not claimed yet; 1 if it raised an event."""
    today = local_date(now)
    async with uow:
        opinion = await uow.citizen_opinions.get_locked(opinion_id)
        remind_on = opinion.due_soon_reminder_on(rules.opinion_due_soon_working_days, calendar)
        if remind_on is None:
            return 0
        number = opinion.deadline_number
        # Claim first, act second: nothing of the opinion is dirty yet when the UPDATE runs.
        if today > opinion.deadline.due:
            if not await uow.citizen_opinions.claim_overdue(opinion.id, number):
                return 0
            opinion.mark_overdue(now=now)
            uow.citizen_opinions.changed(opinion)
        elif today >= remind_on:
            if not await uow.citizen_opinions.claim_due_soon(opinion.id, number):
                return 0
            opinion.remind_due_soon(calendar=calendar, now=now)
        else:
            return 0
        await uow.commit()
        return 1


async def check_suggestion(
    suggestion_id: uuid.UUID,
    uow: DeputiesUnitOfWork,
    calendar: WorkingCalendar,
    rules: ReminderRules,
    now: datetime,
) -> int:
    """Remind or mark overdue one suggestion's current round; 1 if it raised an event."""
    today = local_date(now)
    async with uow:
        suggestion = await uow.suggestions.get_locked(suggestion_id)
        handling = suggestion.current_round
        remind_on = suggestion.due_soon_reminder_on(
            rules.suggestion_due_soon_working_days, calendar
        )
        if handling is None or remind_on is None:
            return 0
        due = handling.deadline.due
        if today > due:
            if not await uow.suggestions.claim_overdue(suggestion.id, handling.number, due, now):
                return 0
            suggestion.mark_overdue(now=now)
            uow.suggestions.changed(suggestion)
        elif today >= remind_on:
            if not await uow.suggestions.claim_due_soon(suggestion.id, handling.number, due):
                return 0
            suggestion.remind_due_soon(calendar=calendar, now=now)
        else:
            return 0
        await uow.commit()
        return 1
