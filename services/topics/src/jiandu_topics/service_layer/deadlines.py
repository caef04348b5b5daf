"""The deadline sweep: due-soon reminders (临期提醒) and overdue findings, once each.

Every replica runs the sweep on a schedule. Exactly-once comes from storage, not timing: for
each finding the sweep first *claims* it with a conditional UPDATE on the opinion's current
round (``SET due_soon_for = :due WHERE due_soon_for IS NULL OR due_soon_for <> :due``, or
``SET overdue_claimed_at = :now WHERE overdue_claimed_at IS NULL``, both also ``AND due = :due``,
the date it judged by), and only the caller whose UPDATE changed the row raises the
event, in the same transaction as the claim. A replica that loses the race, or a restart
that repeats a sweep, changes nothing. A recomputed deadline (new calendar) is a new due
date, so it gets its own reminder; a second handling is a new round, so it gets its own too.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm.exc import StaleDataError

from jiandu_shared.calendar import DeadlineRules, WorkingCalendar, local_date
from jiandu_shared.clock import Clock
from jiandu_shared.errors import DomainError
from jiandu_topics.service_layer.unit_of_work import TopicsUnitOfWork

logger = logging.getLogger("jiandu.topics.deadlines")


async def sweep_deadlines(
    uow: Callable[[], TopicsUnitOfWork], clock: Clock, rules: DeadlineRules
) -> int:
    """Remind and mark overdue what is due; returns how many events it raised."""
    now = clock.now()
    today = local_date(now)
    async with uow() as reading:
        calendar = await reading.calendar.working_calendar()
        # Beyond one working day more than the reminder offset, nothing can be due soon yet.
        horizon = calendar.add_working_days(today, rules.due_soon_working_days + 1).due
        candidates = await reading.opinions.deadline_candidates(today=today, horizon=horizon)
    acted = 0
    for opinion_id in candidates:
        try:
            acted += await check_deadline(opinion_id, uow(), calendar, rules, now)
        except (DomainError, StaleDataError):
            # Another request changed the opinion meanwhile: the next sweep looks again.
            logger.info("deadline sweep skipped opinion %s", opinion_id, exc_info=True)
    return acted


async def check_deadline(
    opinion_id: uuid.UUID,
    uow: TopicsUnitOfWork,
    calendar: WorkingCalendar,
    rules: DeadlineRules,
    now: datetime,
) -> int:
    """Remind or mark overdue one opinion if due and not claimed yet; 1 if it raised an event.

    Safe on a stale candidate list: the claim, not the list, decides.
    """
    today = local_date(now)
    async with uow:
        opinion = await uow.opinions.get_locked(opinion_id)
        handling = opinion.current_round
        remind_on = opinion.due_soon_reminder_on(rules, calendar)
        if handling is None or remind_on is None:
            return 0
        due = handling.deadline.due
        # Claim first, act second: nothing of the opinion is dirty yet when the UPDATE runs.
        if today > due:
            if not await uow.opinions.claim_overdue(opinion.id, handling.number, due, now):
                return 0
            opinion.mark_overdue(now=now)
            uow.opinions.changed(opinion)
        elif today >= remind_on:
            if not await uow.opinions.claim_due_soon(opinion.id, handling.number, due, now):
                return 0
            opinion.remind_due_soon(rules=rules, calendar=calendar, now=now)
        else:
            return 0
        await uow.commit()
        return 1
