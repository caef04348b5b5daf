"""Repositories of deliberation opinions, supervision reports and follow-up reviews."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.orm.attributes import flag_modified

from jiandu_shared.errors import NotFound
from jiandu_shared.storage.repository import Repository, equal_to
from jiandu_topics.adapters.orm_opinions import (
    deliberation_opinions,
    follow_up_reviews,
    opinion_rounds,
    supervision_reports,
)
from jiandu_topics.domain.opinion import AWAITING_REPORT, DeliberationOpinion, OpinionState
from jiandu_topics.domain.report import SupervisionReport
from jiandu_topics.domain.review import FollowUpReview, ReviewState

_O, _R = deliberation_opinions.c, opinion_rounds.c
_AWAITING = [str(s) for s in AWAITING_REPORT]


def _current_rounds() -> Any:
    """Each opinion's latest handling round (the one its deadline belongs to)."""
    latest = (
        select(_R.opinion_id, func.max(_R.number).label("number"))
        .group_by(_R.opinion_id)
        .subquery("latest_round")
    )
    return opinion_rounds.join(
        latest, and_(_R.opinion_id == latest.c.opinion_id, _R.number == latest.c.number)
    )


def _overdue(today: date) -> ColumnElement[bool]:
    """Marked overdue, or still owing a report after its due day (the sweep may lag)."""
    return or_(
        _O.state == str(OpinionState.OVERDUE),
        and_(_O.state.in_(_AWAITING), _R.due < today),
    )


@dataclass(frozen=True)
class OpinionFilter:
    year: int | None = None
    organ_id: uuid.UUID | None = None
    committee_id: uuid.UUID | None = None
    state: OpinionState | None = None
    overdue: bool | None = None
    plan_item_id: uuid.UUID | None = None


class OpinionRepository(Repository[DeliberationOpinion]):
    entity = DeliberationOpinion
    label = "deliberation opinion"

    async def get_locked(
        self, opinion_id: uuid.UUID, *, shared: bool = False
    ) -> DeliberationOpinion:
        """Load the opinion with its row locked until commit (PostgreSQL; SQLite serialises
        writers anyway): exclusively to change it, or shared to add a vote.

        Shared locks let members vote at once, yet a closing evaluation waits for their votes
        and a vote after the closing sees the evaluation closed.
        """
        opinion = await self.session.get(
            DeliberationOpinion, opinion_id, with_for_update={"read": shared}
        )
        if opinion is None:
            raise NotFound(self.label, opinion_id)
        return self.seen(opinion)

    def changed(self, opinion: DeliberationOpinion) -> None:
        """Write the opinion's row even if only its children changed, so its version moves on
        and a concurrent change to the same opinion fails instead of being overwritten."""
        flag_modified(opinion, "state")

    async def find(
        self, where: OpinionFilter, *, today: date, limit: int, offset: int
    ) -> tuple[Sequence[DeliberationOpinion], int]:
        conditions: list[ColumnElement[bool]] = []
        if where.year is not None:
            conditions.append(_O.year == where.year)
        if where.organ_id is not None:
            conditions.append(_O.organ_id == where.organ_id)
        if where.committee_id is not None:
            conditions.append(_O.committee_id == where.committee_id)
        if where.state is not None:
            conditions.append(_O.state == str(where.state))
        if where.plan_item_id is not None:
            conditions.append(_O.plan_item_id == where.plan_item_id)
        if where.overdue is not None:
            conditions.append(_overdue(today) if where.overdue else ~_overdue(today))

        def filtered(query: Select[Any]) -> Select[Any]:
            return query.select_from(
                deliberation_opinions.outerjoin(_current_rounds(), _R.opinion_id == _O.id)
            ).where(*conditions)

        total = await self.session.scalar(filtered(select(func.count(_O.id))))
        rows = await self.session.scalars(
            filtered(select(DeliberationOpinion))
            .order_by(_O.drafted_at.desc(), _O.id)
            .limit(limit)
            .offset(offset)
        )
        return [self.seen(o) for o in rows], int(total or 0)

    async def by_origin(
        self, service: str, report_id: uuid.UUID, opinion_ref: str
    ) -> DeliberationOpinion | None:
        opinion = await self.session.scalar(
            select(DeliberationOpinion).where(
                _O.origin_service == service,
                _O.origin_report_id == report_id,
                _O.origin_ref == opinion_ref,
            )
        )
        return None if opinion is None else self.seen(opinion)

    async def awaiting_report_crossing(self, year: int) -> Sequence[DeliberationOpinion]:
        """Opinions owing a report whose current period counts days of ``year``."""
        rows = await self.session.scalars(
            select(DeliberationOpinion)
            .select_from(deliberation_opinions.join(_current_rounds(), _R.opinion_id == _O.id))
            .where(
                _O.state.in_(_AWAITING),
                _R.starts_on < date(year, 12, 31),
                _R.due >= date(year, 1, 1),
            )
            .order_by(_O.id)
        )
        return [self.seen(o) for o in rows]

    async def deadline_candidates(self, *, today: date, horizon: date) -> list[uuid.UUID]:
        """Opinions that may need a due-soon reminder or an overdue mark: due by ``horizon``,
        not yet reminded for this due date (or already past it), not yet claimed overdue."""
        ids = await self.session.scalars(
            select(_O.id)
            .select_from(deliberation_opinions.join(_current_rounds(), _R.opinion_id == _O.id))
            .where(
                _O.state.in_(_AWAITING),
                _R.due <= horizon,
                _R.overdue_claimed_at.is_(None),
                or_(_R.due < today, _R.due_soon_for.is_(None), _R.due_soon_for != _R.due),
            )
            .order_by(_R.due, _O.id)
        )
        return list(ids)

    async def claim_due_soon(
        self, opinion_id: uuid.UUID, round_number: int, due: date, now: datetime
    ) -> bool:
        """Claim the reminder of this round's deadline ``due``; only one caller ever wins."""
        claimed = await self.session.execute(
            update(opinion_rounds)
            .where(
                _R.opinion_id == opinion_id,
                _R.number == round_number,
                _R.due == due,
                or_(_R.due_soon_for.is_(None), _R.due_soon_for != due),
            )
            .values(due_soon_for=due, due_soon_claimed_at=now)
        )
        return bool(claimed.rowcount == 1)  # type: ignore[attr-defined]

    async def claim_overdue(
        self, opinion_id: uuid.UUID, round_number: int, due: date, now: datetime
    ) -> bool:
        """Claim the overdue finding of this round (with deadline ``due``); one caller wins."""
        claimed = await self.session.execute(
            update(opinion_rounds)
            .where(
                _R.opinion_id == opinion_id,
                _R.number == round_number,
                _R.due == due,
                _R.overdue_claimed_at.is_(None),
            )
            .values(overdue_claimed_at=now)
        )
        return bool(claimed.rowcount == 1)  # type: ignore[attr-defined]


class SupervisionReportRepository(Repository[SupervisionReport]):
    entity = SupervisionReport
    label = "supervision report"

    async def find(
        self,
        *,
        committee_id: uuid.UUID | None,
        opinion_id: uuid.UUID | None,
        plan_item_id: uuid.UUID | None,
        year: int | None,
        limit: int,
        offset: int,
    ) -> tuple[Sequence[SupervisionReport], int]:
        c = supervision_reports.c
        conditions = equal_to(
            (c.committee_id, committee_id),
            (c.opinion_id, opinion_id),
            (c.plan_item_id, plan_item_id),
            (c.year, year),
        )
        return await self.page(
            supervision_reports, conditions, (c.filed_at.desc(), c.id), limit=limit, offset=offset
        )


class ReviewRepository(Repository[FollowUpReview]):
    entity = FollowUpReview
    label = "follow-up review"

    def changed(self, review: FollowUpReview) -> None:
        """Write the review's row (and move its version) even if only a finding was added."""
        flag_modified(review, "state")

    async def open_for(self, opinion_id: uuid.UUID) -> FollowUpReview | None:
        c = follow_up_reviews.c
        review = await self.session.scalar(
            select(FollowUpReview).where(
                c.opinion_id == opinion_id, c.state == str(ReviewState.OPEN)
            )
        )
        return None if review is None else self.seen(review)

    async def find(
        self,
        *,
        year: int | None,
        committee_id: uuid.UUID | None,
        opinion_id: uuid.UUID | None,
        state: ReviewState | None,
        limit: int,
        offset: int,
    ) -> tuple[Sequence[FollowUpReview], int]:
        c = follow_up_reviews.c
        conditions = equal_to(
            (c.year, year),
            (c.committee_id, committee_id),
            (c.opinion_id, opinion_id),
            (c.state, None if state is None else str(state)),
        )
        return await self.page(
            follow_up_reviews, conditions, (c.opened_at.desc(), c.id), limit=limit, offset=offset
        )
