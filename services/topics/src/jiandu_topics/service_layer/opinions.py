"""Deliberation opinions (审议意见): the closed loop 交办+跟踪+落实+测评+反馈, and opinions that
arrive from reports deliberated in other services (finance)."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from jiandu_shared.calendar import (
    DeadlineRules,
    Period,
    PeriodLimits,
    WorkingCalendar,
    local_date,
)
from jiandu_shared.clock import Clock
from jiandu_shared.contracts import Envelope
from jiandu_shared.contracts.finance import ReportDeliberated
from jiandu_shared.contracts.topics import OpinionOrigin, SatisfactionLevel
from jiandu_shared.errors import NotFound, RuleViolation
from jiandu_topics.adapters.opinion_repository import OpinionFilter
from jiandu_topics.config import TopicsSettings
from jiandu_topics.domain.opinion import (
    DeliberationOpinion,
    OpinionKind,
    SatisfactionThresholds,
    assignment_period,
)
from jiandu_topics.service_layer.conflicts import commit
from jiandu_topics.service_layer.unit_of_work import TopicsUnitOfWork

logger = logging.getLogger("jiandu.topics.opinions")

FINANCE = "finance"
# Inbox name of the subscriber that turns finance's deliberated reports into opinions.
RECEIVE_FINANCE_REPORT = "topics.receive_finance_report_opinions"


@dataclass(frozen=True)
class OpinionRules:
    """The configured rules the loop runs on (periods, override limits, evaluation)."""

    deadlines: DeadlineRules
    limits: PeriodLimits
    thresholds: SatisfactionThresholds

    @classmethod
    def from_settings(cls, settings: TopicsSettings) -> OpinionRules:
        return cls(settings.deadline_rules, settings.period_limits, settings.opinion_thresholds)

    def period(self, kind: OpinionKind, override: Period | None) -> Period:
        return (
            assignment_period(self.deadlines, kind)
            if override is None
            else self.limits.check(override)
        )

    def second_handling(self, override: Period | None) -> Period:
        return self.deadlines.second_handling if override is None else self.limits.check(override)


# --- drafting and reading --------------------------------------------------------------------


@dataclass(frozen=True)
class DraftOpinion:
    title: str
    committee_id: uuid.UUID | None = None
    plan_item_id: uuid.UUID | None = None
    year: int | None = None
    kind: OpinionKind = OpinionKind.GENERAL


async def draft(command: DraftOpinion, uow: TopicsUnitOfWork, clock: Clock) -> DeliberationOpinion:
    async with uow:
        committee_id = command.committee_id
        if command.plan_item_id is not None:
            item = await uow.plans.item(command.plan_item_id)
            if item is None:
                raise NotFound("plan item", command.plan_item_id)
            if committee_id is None:
                committee_id = item.committee_id
            elif committee_id != item.committee_id:
                raise RuleViolation(
                    f"plan item {item.number} is the responsibility of committee "
                    f"{item.committee_id}, not {committee_id}"
                )
        if committee_id is None:
            raise RuleViolation("name the responsible committee (committee_id) or a plan item")
        opinion = DeliberationOpinion.draft(
            committee_id=committee_id,
            title=command.title,
            plan_item_id=command.plan_item_id,
            year=command.year,
            kind=command.kind,
            now=clock.now(),
        )
        uow.opinions.add(opinion)
        uow.record_created(opinion.id)
        await commit(uow, duplicate="unexpected duplicate opinion")
    return opinion


def _visible(opinion: DeliberationOpinion, organ_scope: uuid.UUID | None) -> DeliberationOpinion:
    """A department sees only what was assigned to its organisation; to it the rest is absent."""
    if organ_scope is not None and opinion.organ_id != organ_scope:
        raise NotFound(DeliberationOpinion.WHAT, opinion.id)
    return opinion


async def get(
    opinion_id: uuid.UUID, uow: TopicsUnitOfWork, *, organ_scope: uuid.UUID | None = None
) -> DeliberationOpinion:
    async with uow:
        return _visible(await uow.opinions.get(opinion_id), organ_scope)


async def find(
    where: OpinionFilter, uow: TopicsUnitOfWork, clock: Clock, *, limit: int, offset: int
) -> tuple[Sequence[DeliberationOpinion], int]:
    async with uow:
        return await uow.opinions.find(
            where, today=local_date(clock.now()), limit=limit, offset=offset
        )


# --- the transitions ---------------------------------------------------------------------------


Act = Callable[[DeliberationOpinion, WorkingCalendar], Any]


async def _act(
    opinion_id: uuid.UUID,
    uow: TopicsUnitOfWork,
    act: Act,
    *,
    organ_scope: uuid.UUID | None = None,
    duplicate: str = "unexpected duplicate",
    vote: bool = False,
) -> DeliberationOpinion:
    """Load (locked), act, commit: the shape of every transition of the loop.

    A vote only adds a row of its own: it takes a shared lock and leaves the opinion's row
    (and version) alone, so members voting at once do not conflict with each other.
    """
    async with uow:
        opinion = _visible(await uow.opinions.get_locked(opinion_id, shared=vote), organ_scope)
        calendar = await uow.calendar.working_calendar()
        act(opinion, calendar)
        if not vote:
            uow.opinions.changed(opinion)
        await commit(uow, duplicate=duplicate)
    return opinion


async def assign(
    opinion_id: uuid.UUID,
    organ_id: uuid.UUID,
    uow: TopicsUnitOfWork,
    clock: Clock,
    rules: OpinionRules,
    *,
    period: Period | None = None,
) -> DeliberationOpinion:
    """交办, with the rule's period for the opinion's kind unless staff give one (within limits)."""

    def act(opinion: DeliberationOpinion, calendar: WorkingCalendar) -> None:
        opinion.assign(
            organ_id=organ_id,
            period=rules.period(opinion.kind, period),
            calendar=calendar,
            now=clock.now(),
        )

    return await _act(opinion_id, uow, act)


async def acknowledge(
    opinion_id: uuid.UUID, uow: TopicsUnitOfWork, clock: Clock, *, organ_scope: uuid.UUID | None
) -> DeliberationOpinion:
    return await _act(
        opinion_id, uow, lambda o, _: o.acknowledge(now=clock.now()), organ_scope=organ_scope
    )


async def submit_report(
    opinion_id: uuid.UUID,
    summary: str,
    uow: TopicsUnitOfWork,
    clock: Clock,
    *,
    organ_scope: uuid.UUID | None,
) -> DeliberationOpinion:
    return await _act(
        opinion_id,
        uow,
        lambda o, _: o.submit_report(summary=summary, now=clock.now()),
        organ_scope=organ_scope,
    )


async def open_evaluation(
    opinion_id: uuid.UUID, uow: TopicsUnitOfWork, clock: Clock
) -> DeliberationOpinion:
    return await _act(opinion_id, uow, lambda o, _: o.open_evaluation(now=clock.now()))


async def rate(
    opinion_id: uuid.UUID,
    member: uuid.UUID,
    rating: SatisfactionLevel,
    uow: TopicsUnitOfWork,
    clock: Clock,
) -> DeliberationOpinion:
    return await _act(
        opinion_id,
        uow,
        lambda o, _: o.rate(member_id=member, rating=rating, now=clock.now()),
        duplicate=f"member {member} has already rated this round",
        vote=True,
    )


async def close_evaluation(
    opinion_id: uuid.UUID, uow: TopicsUnitOfWork, clock: Clock, rules: OpinionRules
) -> DeliberationOpinion:
    return await _act(
        opinion_id,
        uow,
        lambda o, _: o.close_evaluation(thresholds=rules.thresholds, now=clock.now()),
    )


async def circulate_notice(
    opinion_id: uuid.UUID, uow: TopicsUnitOfWork, clock: Clock
) -> DeliberationOpinion:
    return await _act(opinion_id, uow, lambda o, _: o.circulate_notice(now=clock.now()))


async def reopen_for_second_handling(
    opinion_id: uuid.UUID,
    uow: TopicsUnitOfWork,
    clock: Clock,
    rules: OpinionRules,
    *,
    period: Period | None = None,
) -> DeliberationOpinion:
    """二次办理 with the second-handling period unless staff give one (within limits)."""

    def act(opinion: DeliberationOpinion, calendar: WorkingCalendar) -> None:
        opinion.reopen_for_second_handling(
            period=rules.second_handling(period), calendar=calendar, now=clock.now()
        )

    return await _act(opinion_id, uow, act)


async def publish_feedback(
    opinion_id: uuid.UUID, uow: TopicsUnitOfWork, clock: Clock
) -> DeliberationOpinion:
    return await _act(opinion_id, uow, lambda o, _: o.publish_feedback(now=clock.now()))


async def close(opinion_id: uuid.UUID, uow: TopicsUnitOfWork, clock: Clock) -> DeliberationOpinion:
    return await _act(opinion_id, uow, lambda o, _: o.close(now=clock.now()))


# --- opinions on reports deliberated in finance -------------------------------------------------


async def receive_finance_report(
    envelope: Envelope[ReportDeliberated], uow: TopicsUnitOfWork, clock: Clock, rules: OpinionRules
) -> int:
    """One opinion per item, assigned at once with the period of the report's kind.

    Idempotent twice over: the inbox drops a redelivered event, and the origin (report id +
    finance's reference) drops an item that arrived before in another event. Returns how many
    opinions were created.
    """
    data = envelope.data
    kind = OpinionKind(str(data.report_kind))
    period = rules.period(kind, None)
    created = 0
    async with uow:
        if not await uow.first_delivery(RECEIVE_FINANCE_REPORT, envelope):
            return 0
        calendar = await uow.calendar.working_calendar()
        now = clock.now()
        for item in data.opinions:
            if await uow.opinions.by_origin(FINANCE, data.report_id, item.opinion_ref) is not None:
                logger.info("opinion %s of report %s exists", item.opinion_ref, data.report_id)
                continue
            opinion = DeliberationOpinion.draft(
                committee_id=data.committee_id,
                title=item.title,
                year=data.year,
                kind=kind,
                origin=OpinionOrigin(
                    service=FINANCE,
                    report_id=data.report_id,
                    report_kind=str(data.report_kind),
                    opinion_ref=item.opinion_ref,
                ),
                now=now,
            )
            opinion.assign(organ_id=item.organ_id, period=period, calendar=calendar, now=now)
            uow.opinions.add(opinion)
            created += 1
        await uow.commit()
    return created
