"""Citizens' opinions by a deputy's code (一人一码): 码上提, 码上答, 即提即转即办(复), and raising an
opinion to a deputy suggestion or a supervision topic."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from jiandu_deputies.adapters.opinion_repository import CitizenOpinionFilter
from jiandu_deputies.config import DeputiesSettings
from jiandu_deputies.domain.opinions import CitizenOpinion, IssueCategory, TopicRaise
from jiandu_deputies.domain.suggestions import DeputySuggestion
from jiandu_deputies.service_layer.unit_of_work import DeputiesUnitOfWork
from jiandu_shared.calendar import Period, WorkingCalendar, local_date
from jiandu_shared.clock import Clock
from jiandu_shared.errors import Conflict, NotFound
from jiandu_shared.storage.group_commit import GroupCommit
from jiandu_shared.storage.idempotency import IdempotentRequest


async def commit(uow: DeputiesUnitOfWork, *, duplicate: str) -> None:
    """``uow.commit()``, turning what the database refused because of a concurrent change into
    a 409; ``duplicate`` says what a uniqueness violation means to the caller."""
    try:
        await uow.commit()
    except IntegrityError as exc:
        raise Conflict(duplicate) from exc
    except StaleDataError as exc:
        raise Conflict(
            "the record was changed by another request meanwhile; reload and retry"
        ) from exc


@dataclass(frozen=True)
class OpinionRules:
    """The configured periods of 码上答 and 即转即办."""

    answer: Period
    department_reply: Period
    due_soon_working_days: int

    @classmethod
    def from_settings(cls, settings: DeputiesSettings) -> OpinionRules:
        return cls(
            settings.opinion_answer,
            settings.opinion_department_reply,
            settings.opinion_due_soon_working_days,
        )


@dataclass(frozen=True)
class Scope:
    """What a caller may see of citizens' opinions: all (staff), a deputy's, a department's."""

    deputy_id: uuid.UUID | None = None
    department_id: uuid.UUID | None = None

    def allows(self, opinion: CitizenOpinion) -> bool:
        if self.deputy_id is not None and opinion.deputy_id != self.deputy_id:
            return False
        return self.department_id is None or opinion.department_id == self.department_id


EVERYTHING = Scope()


def _visible(opinion: CitizenOpinion, scope: Scope) -> CitizenOpinion:
    """Outside the caller's scope an opinion is absent, not forbidden: ids cannot be probed."""
    if not scope.allows(opinion):
        raise NotFound(CitizenOpinion.WHAT, opinion.id)
    return opinion


# --- 码上提: a citizen submits through a deputy's code -------------------------------------------


@dataclass(frozen=True)
class SubmitOpinion:
    code: str
    category: IssueCategory
    subject: str
    content: str
    citizen_name: str | None = None
    citizen_contact: str | None = None


@dataclass(frozen=True)
class Submitted:
    opinion: CitizenOpinion
    tracking_secret: str


async def submit(
    command: SubmitOpinion,
    group: GroupCommit[DeputiesUnitOfWork],
    clock: Clock,
    rules: OpinionRules,
    idempotency: IdempotentRequest | None = None,
) -> Submitted:
    """码上提 is public and bursty (a QR code on a poster): concurrent submissions share a
    transaction (see ``jiandu_shared.storage.group_commit``)."""

    async def submit_one(uow: DeputiesUnitOfWork) -> Submitted:
        # Neither read can see what the batch's earlier submissions added, so they need not
        # flush those first: the batch's rows go in at its commit, in one statement each.
        with uow.session.no_autoflush:
            deputy = await uow.deputies.by_public_code(command.code)
            if deputy is None or not deputy.active:
                # A deputy who left office has no code any more: the answer for an unknown one.
                raise NotFound("deputy with code", command.code)
            calendar = await uow.calendar.working_calendar()
        opinion, secret = CitizenOpinion.submit(
            deputy_id=deputy.id,
            public_code=deputy.public_code,
            category=command.category,
            subject=command.subject,
            content=command.content,
            citizen_name=command.citizen_name,
            citizen_contact=command.citizen_contact,
            answer_period=rules.answer,
            calendar=calendar,
            now=clock.now(),
        )
        uow.citizen_opinions.add(opinion)
        # A retry with the same Idempotency-Key must get the secret shown once.
        uow.record_created(opinion.id, tracking_secret=secret)
        return Submitted(opinion, secret)

    try:
        return await group.run(submit_one, idempotency=idempotency)
    except IntegrityError as exc:
        raise Conflict("an opinion with this tracking code exists; submit again") from exc


async def track(code: str, secret: str, uow: DeputiesUnitOfWork) -> CitizenOpinion:
    """A citizen's view of their own opinion: code and secret must both match."""
    async with uow:
        opinion = await uow.citizen_opinions.by_tracking_code(code)
        if opinion is None or not opinion.verify_secret(secret):
            # Same answer for a wrong code and a wrong secret: codes cannot be probed.
            raise NotFound("opinion with tracking code", code)
        return opinion


# --- reading -----------------------------------------------------------------------------------


async def get(opinion_id: uuid.UUID, uow: DeputiesUnitOfWork, scope: Scope) -> CitizenOpinion:
    async with uow:
        return _visible(await uow.citizen_opinions.get(opinion_id), scope)


async def find(
    where: CitizenOpinionFilter, uow: DeputiesUnitOfWork, clock: Clock, *, limit: int, offset: int
) -> tuple[Sequence[CitizenOpinion], int]:
    async with uow:
        return await uow.citizen_opinions.find(
            where, today=local_date(clock.now()), limit=limit, offset=offset
        )


# --- the responses -----------------------------------------------------------------------------

Act = Callable[[CitizenOpinion, WorkingCalendar], Any]


async def _act(
    opinion_id: uuid.UUID, uow: DeputiesUnitOfWork, scope: Scope, act: Act
) -> CitizenOpinion:
    """Load (locked), act, commit: the shape of every response."""
    async with uow:
        opinion = _visible(await uow.citizen_opinions.get_locked(opinion_id), scope)
        calendar = await uow.calendar.working_calendar()
        act(opinion, calendar)
        uow.citizen_opinions.changed(opinion)
        await commit(uow, duplicate="unexpected duplicate")
    return opinion


async def answer(
    opinion_id: uuid.UUID, text: str, uow: DeputiesUnitOfWork, clock: Clock, scope: Scope
) -> CitizenOpinion:
    """码上答: the deputy answers the citizen."""
    return await _act(opinion_id, uow, scope, lambda o, _: o.answer(answer=text, now=clock.now()))


async def transfer(
    opinion_id: uuid.UUID,
    department_id: uuid.UUID,
    note: str | None,
    uow: DeputiesUnitOfWork,
    clock: Clock,
    rules: OpinionRules,
    scope: Scope,
) -> CitizenOpinion:
    """即转即办: the department owes a reply within the configured period."""

    def act(opinion: CitizenOpinion, calendar: WorkingCalendar) -> None:
        opinion.transfer(
            department_id=department_id,
            note=note,
            reply_period=rules.department_reply,
            calendar=calendar,
            now=clock.now(),
        )

    return await _act(opinion_id, uow, scope, act)


async def reply_as_department(
    opinion_id: uuid.UUID,
    department_id: uuid.UUID,
    text: str,
    uow: DeputiesUnitOfWork,
    clock: Clock,
) -> CitizenOpinion:
    """即办即复: the department the opinion was transferred to says what it did."""
    return await _act(
        opinion_id,
        uow,
        Scope(department_id=department_id),
        lambda o, _: o.reply_as_department(
            department_id=department_id, reply=text, now=clock.now()
        ),
    )


@dataclass(frozen=True)
class RaiseAsSuggestion:
    title: str | None = None
    content: str | None = None


async def raise_as_suggestion(
    opinion_id: uuid.UUID,
    command: RaiseAsSuggestion,
    uow: DeputiesUnitOfWork,
    clock: Clock,
    scope: Scope,
) -> tuple[CitizenOpinion, DeputySuggestion]:
    """The deputy takes the opinion up as a suggestion of their own, in one transaction.

    The suggestion says what the deputy writes, by default the opinion's subject and content;
    never the citizen's name or contact.
    """
    async with uow:
        opinion = _visible(await uow.citizen_opinions.get_locked(opinion_id), scope)
        now = clock.now()
        suggestion = DeputySuggestion.submit(
            deputy_id=opinion.deputy_id,
            title=command.title or opinion.subject,
            content=command.content or opinion.content,
            category=opinion.category,
            citizen_opinion_id=opinion.id,
            now=now,
        )
        opinion.raise_as_suggestion(suggestion_id=suggestion.id, now=now)
        uow.suggestions.add(suggestion)
        uow.citizen_opinions.changed(opinion)
        await commit(uow, duplicate="this opinion was already raised to a suggestion")
    return opinion, suggestion


@dataclass(frozen=True)
class RaiseAsTopic:
    focus_area: str
    rationale: str
    title: str | None = None
    year: int | None = None  # default: next year, the one whose topics are being collected


async def raise_as_topic(
    opinion_id: uuid.UUID,
    command: RaiseAsTopic,
    uow: DeputiesUnitOfWork,
    clock: Clock,
    scope: Scope,
) -> CitizenOpinion:
    """人大代表出题: publish ``deputies.opinion.raised_as_topic``; topics records the proposal."""

    def act(opinion: CitizenOpinion, _: WorkingCalendar) -> None:
        now = clock.now()
        year = command.year if command.year is not None else local_date(now).year + 1
        topic = TopicRaise(
            year=year,
            focus_area=command.focus_area,
            title=command.title or opinion.subject,
            rationale=command.rationale,
        )
        opinion.raise_as_topic(topic, now=now)

    return await _act(opinion_id, uow, scope, act)
