"""Deputy suggestions (代表建议): submission, assignment to lead and co-handling departments,
leader-led handling (领办督办), co-handlers' input, the lead department's reply, the deputy's
rating and re-handling after 不满意."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from jiandu_deputies.adapters.suggestion_repository import SuggestionFilter
from jiandu_deputies.config import DeputiesSettings
from jiandu_deputies.domain.opinions import IssueCategory
from jiandu_deputies.domain.suggestions import DeputySuggestion
from jiandu_deputies.service_layer.opinions import commit
from jiandu_deputies.service_layer.unit_of_work import DeputiesUnitOfWork
from jiandu_shared.calendar import Period, WorkingCalendar, local_date
from jiandu_shared.clock import Clock
from jiandu_shared.contracts.topics import SatisfactionLevel
from jiandu_shared.errors import NotFound


@dataclass(frozen=True)
class SuggestionRules:
    reply: Period
    rehandling: Period
    due_soon_working_days: int
    reply_needs_all_inputs: bool

    @classmethod
    def from_settings(cls, settings: DeputiesSettings) -> SuggestionRules:
        return cls(
            settings.suggestion_reply,
            settings.suggestion_rehandling,
            settings.suggestion_due_soon_working_days,
            settings.suggestion_reply_needs_all_inputs,
        )


@dataclass(frozen=True)
class Scope:
    """What a caller may see: all (staff), a deputy's own, a department's (lead or co)."""

    deputy_id: uuid.UUID | None = None
    department_id: uuid.UUID | None = None

    def allows(self, suggestion: DeputySuggestion) -> bool:
        if self.deputy_id is not None and suggestion.deputy_id != self.deputy_id:
            return False
        return self.department_id is None or suggestion.handled_by(self.department_id)


EVERYTHING = Scope()


def _visible(suggestion: DeputySuggestion, scope: Scope) -> DeputySuggestion:
    if not scope.allows(suggestion):
        raise NotFound(DeputySuggestion.WHAT, suggestion.id)
    return suggestion


@dataclass(frozen=True)
class SubmitSuggestion:
    deputy_id: uuid.UUID
    title: str
    content: str
    category: IssueCategory


async def submit(
    command: SubmitSuggestion, uow: DeputiesUnitOfWork, clock: Clock
) -> DeputySuggestion:
    async with uow:
        deputy = await uow.deputies.by_id(command.deputy_id)
        if deputy is None or not deputy.active:
            raise NotFound("serving deputy", command.deputy_id)
        suggestion = DeputySuggestion.submit(
            deputy_id=command.deputy_id,
            title=command.title,
            content=command.content,
            category=command.category,
            now=clock.now(),
        )
        uow.suggestions.add(suggestion)
        uow.record_created(suggestion.id)
        await commit(uow, duplicate="unexpected duplicate suggestion")
    return suggestion


async def get(suggestion_id: uuid.UUID, uow: DeputiesUnitOfWork, scope: Scope) -> DeputySuggestion:
    async with uow:
        return _visible(await uow.suggestions.get(suggestion_id), scope)


async def find(
    where: SuggestionFilter, uow: DeputiesUnitOfWork, clock: Clock, *, limit: int, offset: int
) -> tuple[Sequence[DeputySuggestion], int]:
    async with uow:
        return await uow.suggestions.find(
            where, today=local_date(clock.now()), limit=limit, offset=offset
        )


Act = Callable[[DeputySuggestion, WorkingCalendar], Any]


async def _act(
    suggestion_id: uuid.UUID,
    uow: DeputiesUnitOfWork,
    act: Act,
    scope: Scope = EVERYTHING,
    *,
    duplicate: str = "unexpected duplicate",
) -> DeputySuggestion:
    async with uow:
        suggestion = _visible(await uow.suggestions.get_locked(suggestion_id), scope)
        calendar = await uow.calendar.working_calendar()
        act(suggestion, calendar)
        uow.suggestions.changed(suggestion)
        await commit(uow, duplicate=duplicate)
    return suggestion


async def assign(
    suggestion_id: uuid.UUID,
    lead_department_id: uuid.UUID,
    co_department_ids: Sequence[uuid.UUID],
    uow: DeputiesUnitOfWork,
    clock: Clock,
    rules: SuggestionRules,
    *,
    period: Period | None = None,
) -> DeputySuggestion:
    """交办, due the configured reply period after today unless staff give one."""

    def act(suggestion: DeputySuggestion, calendar: WorkingCalendar) -> None:
        suggestion.assign(
            lead_department_id=lead_department_id,
            co_department_ids=tuple(co_department_ids),
            period=period or rules.reply,
            calendar=calendar,
            now=clock.now(),
        )

    return await _act(suggestion_id, uow, act)


async def assign_leader(
    suggestion_id: uuid.UUID,
    leader_id: uuid.UUID,
    leader_title: str,
    uow: DeputiesUnitOfWork,
    clock: Clock,
) -> DeputySuggestion:
    return await _act(
        suggestion_id,
        uow,
        lambda s, _: s.assign_leader(
            leader_id=leader_id, leader_title=leader_title, now=clock.now()
        ),
    )


async def give_co_handling_input(
    suggestion_id: uuid.UUID,
    department_id: uuid.UUID,
    content: str,
    uow: DeputiesUnitOfWork,
    clock: Clock,
) -> DeputySuggestion:
    return await _act(
        suggestion_id,
        uow,
        lambda s, _: s.give_co_handling_input(
            department_id=department_id, content=content, now=clock.now()
        ),
        Scope(department_id=department_id),
        duplicate=f"department {department_id} already gave its input in this round",
    )


async def reply(
    suggestion_id: uuid.UUID,
    department_id: uuid.UUID,
    content: str,
    uow: DeputiesUnitOfWork,
    clock: Clock,
    rules: SuggestionRules,
) -> DeputySuggestion:
    return await _act(
        suggestion_id,
        uow,
        lambda s, _: s.reply(
            department_id=department_id,
            content=content,
            now=clock.now(),
            require_all_inputs=rules.reply_needs_all_inputs,
        ),
        Scope(department_id=department_id),
    )


async def rate(
    suggestion_id: uuid.UUID,
    deputy_id: uuid.UUID,
    rating: SatisfactionLevel,
    comment: str | None,
    uow: DeputiesUnitOfWork,
    clock: Clock,
    rules: SuggestionRules,
) -> DeputySuggestion:
    """The deputy's rating; 不满意 starts re-handling within the configured period."""

    def act(suggestion: DeputySuggestion, calendar: WorkingCalendar) -> None:
        suggestion.rate(
            deputy_id=deputy_id,
            rating=rating,
            comment=comment,
            rehandling_period=rules.rehandling,
            calendar=calendar,
            now=clock.now(),
        )

    return await _act(suggestion_id, uow, act, Scope(deputy_id=deputy_id))
