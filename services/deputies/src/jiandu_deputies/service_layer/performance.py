"""Deputies' activities and the yearly performance score (履职"五个一"量化考评)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from jiandu_deputies.domain.performance import (
    DeputyActivity,
    KindRule,
    PerformanceScore,
    Performed,
    Score,
    ScoringRules,
    Source,
    default_rules,
    score,
)
from jiandu_deputies.service_layer.stations import commit, require_deputies
from jiandu_deputies.service_layer.unit_of_work import DeputiesUnitOfWork
from jiandu_shared.calendar import CHINA_TZ, local_date
from jiandu_shared.clock import Clock
from jiandu_shared.contracts.deputies.stations import ContactLinkKind, DeputyActivityKind
from jiandu_shared.errors import Conflict, NotFound, RuleViolation


async def record_activity(
    *,
    deputy_id: uuid.UUID,
    kind: DeputyActivityKind,
    held_on: date,
    title: str,
    recorded_by: str,
    uow: DeputiesUnitOfWork,
    clock: Clock,
) -> DeputyActivity:
    now = clock.now()
    async with uow:
        await require_deputies(uow, [deputy_id], active=False)
        activity = DeputyActivity.record(
            deputy_id=deputy_id,
            kind=kind,
            held_on=held_on,
            title=title,
            recorded_by=recorded_by,
            today=local_date(now),
            now=now,
        )
        uow.performance.add(activity)
        uow.record_created(activity.id)
        await commit(uow, duplicate="unexpected duplicate")
    return activity


async def get_activity(activity_id: uuid.UUID, uow: DeputiesUnitOfWork) -> DeputyActivity:
    async with uow:
        return await uow.performance.activity(activity_id)


async def list_activities(
    uow: DeputiesUnitOfWork,
    *,
    deputy_id: uuid.UUID | None,
    kind: DeputyActivityKind | None,
    year: int,
    limit: int,
    offset: int,
) -> tuple[Sequence[DeputyActivity], int]:
    async with uow:
        return await uow.performance.activities(
            deputy_id=deputy_id,
            kind=kind,
            start=date(year, 1, 1),
            end=date(year, 12, 31),
            limit=limit,
            offset=offset,
        )


# --- rules ---------------------------------------------------------------------------------


async def _rules(uow: DeputiesUnitOfWork, clock: Clock) -> ScoringRules:
    stored = await uow.performance.current_rules()
    return stored if stored is not None else default_rules(clock.now())


async def current_rules(uow: DeputiesUnitOfWork, clock: Clock) -> ScoringRules:
    async with uow:
        return await _rules(uow, clock)


async def rules_version(version: int, uow: DeputiesUnitOfWork, clock: Clock) -> ScoringRules:
    async with uow:
        if version == 0:
            return default_rules(clock.now())
        found = await uow.performance.rules(version)
        if found is None:
            raise NotFound("performance rules version", version)
        return found


async def set_rules(
    *,
    kinds: Mapping[DeputyActivityKind, KindRule],
    max_total: Decimal,
    set_by: str,
    uow: DeputiesUnitOfWork,
    clock: Clock,
) -> ScoringRules:
    async with uow:
        latest = await uow.performance.current_rules()
        rules = ScoringRules.define(
            version=1 if latest is None else latest.version + 1,
            kinds=kinds,
            max_total=max_total,
            set_by=set_by,
            now=clock.now(),
        )
        uow.performance.add_rules(rules)
        uow.record_created(rules.version)
        await commit(uow, duplicate="another rules version was set meanwhile; retry")
    return rules


# --- scores --------------------------------------------------------------------------------


async def _performed(deputy_id: uuid.UUID, year: int, uow: DeputiesUnitOfWork) -> list[Performed]:
    """Everything the service recorded of the deputy in ``year`` (in China): their
    activities, station activities they were present at, suggestions they submitted,
    citizens' opinions they responded to, and their contacts with linked voters."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    own, _ = await uow.performance.activities(deputy_id=deputy_id, start=start, end=end)
    performed = [a.performed() for a in own]
    at_stations, _ = await uow.stations.activities(None, start=start, end=end, deputy_id=deputy_id)
    performed.extend(
        Performed(DeputyActivityKind.STATION_DUTY, a.held_on, Source.STATION, a.id, a.title)
        for a in at_stations
    )
    contacts, _ = await uow.dual_contact.records(
        kind=ContactLinkKind.DEPUTY_VOTER, contactor_id=deputy_id, start=start, end=end
    )
    # The year in China: from 1 January 00:00 (UTC+8) to the next.
    year_start = datetime(year, 1, 1, tzinfo=CHINA_TZ)
    year_end = datetime(year + 1, 1, 1, tzinfo=CHINA_TZ)
    performed.extend(
        Performed(DeputyActivityKind.SUGGESTION, local_date(at), Source.SUGGESTION, ref, title)
        for ref, title, at in await uow.performance.suggestions_submitted(
            deputy_id, year_start, year_end
        )
    )
    performed.extend(
        Performed(
            DeputyActivityKind.OPINION_ANSWERED,
            local_date(at),
            Source.OPINION,
            ref,
            "回应群众意见 (码上答)",  # the citizen's subject stays with the opinion
        )
        for ref, at in await uow.performance.opinions_responded(deputy_id, year_start, year_end)
    )
    performed.extend(
        Performed(
            DeputyActivityKind.VOTER_CONTACT,
            c.contacted_on,
            Source.CONTACT,
            c.id,
            f"联系选民 ({c.channel.value})",
        )
        for c in contacts
    )
    return performed


def _scoreable(year: int, clock: Clock) -> None:
    if year > local_date(clock.now()).year:
        raise RuleViolation(f"{year} has not begun; it cannot be scored yet")


@dataclass(frozen=True)
class Preview:
    deputy_id: uuid.UUID
    year: int
    rules: ScoringRules
    score: Score


async def preview_score(
    deputy_id: uuid.UUID, year: int, uow: DeputiesUnitOfWork, clock: Clock
) -> Preview:
    _scoreable(year, clock)
    async with uow:
        if await uow.deputies.by_id(deputy_id) is None:
            raise NotFound("deputy", deputy_id)
        rules = await _rules(uow, clock)
        performed = await _performed(deputy_id, year, uow)
    return Preview(deputy_id, year, rules, score(performed, rules))


async def publish_score(
    deputy_id: uuid.UUID, year: int, *, published_by: str, uow: DeputiesUnitOfWork, clock: Clock
) -> PerformanceScore:
    _scoreable(year, clock)
    async with uow:
        if await uow.deputies.by_id(deputy_id) is None:
            raise NotFound("deputy", deputy_id)
        if await uow.performance.score(deputy_id, year) is not None:
            raise Conflict(f"the {year} score of deputy {deputy_id} is already published")
        published = PerformanceScore.publish(
            deputy_id=deputy_id,
            year=year,
            performed=await _performed(deputy_id, year, uow),
            rules=await _rules(uow, clock),
            published_by=published_by,
            now=clock.now(),
        )
        uow.performance.add_score(published)
        await commit(uow, duplicate=f"the {year} score of deputy {deputy_id} is already published")
    return published


async def get_score(deputy_id: uuid.UUID, year: int, uow: DeputiesUnitOfWork) -> PerformanceScore:
    async with uow:
        found = await uow.performance.score(deputy_id, year)
        if found is None:
            raise NotFound(f"{year} score of deputy", deputy_id)
        return found


async def list_scores(
    uow: DeputiesUnitOfWork, *, year: int, limit: int, offset: int
) -> tuple[Sequence[PerformanceScore], int]:
    async with uow:
        return await uow.performance.scores(year=year, limit=limit, offset=offset)
