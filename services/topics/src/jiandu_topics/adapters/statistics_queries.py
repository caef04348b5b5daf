"""Read-only SQL for the yearly statistics (统计) of the topics service.

Plain aggregates over the tables of every area, alike on SQLite and PostgreSQL: counts and
GROUP BYs in SQL; what needs the working calendar or the date in China (days to
implementation) or a JSON list (a plan item's methods) is read as rows and finished in Python.
Nothing here loads an aggregate or writes.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ColumnElement, Select, and_, distinct, func, select, type_coerce
from sqlalchemy.ext.asyncio import AsyncSession

from jiandu_shared.contracts.topics import ProposalSource, SatisfactionLevel, SupervisionMethod
from jiandu_topics.adapters.opinion_repository import _current_rounds, _overdue
from jiandu_topics.adapters.orm import proposals
from jiandu_topics.adapters.orm_inquiries import inquiries, inquiry_questions
from jiandu_topics.adapters.orm_opinions import (
    deliberation_opinions,
    opinion_rounds,
    supervision_reports,
)
from jiandu_topics.adapters.orm_plan import plan_items, plans
from jiandu_topics.domain.opinion import OpinionState
from jiandu_topics.domain.plan import PlanState
from jiandu_topics.domain.proposal import ProposalStatus

_O, _R = deliberation_opinions.c, opinion_rounds.c
_Q, _I = inquiry_questions.c, inquiries.c

# A department's verdict counts: (department id, verdict) -> results with that verdict.
VerdictCounts = Counter[tuple[uuid.UUID, SatisfactionLevel]]


def _verdict(result: ColumnElement[Any]) -> ColumnElement[str]:
    """The verdict inside a stored tally (JSON): ``json_extract`` / ``->>`` by dialect."""
    verdict: ColumnElement[str] = type_coerce(result, JSON)["verdict"].as_string()
    return verdict


def _held_in(year: int) -> ColumnElement[bool]:
    return _I.held_on.between(date(year, 1, 1), date(year, 12, 31))


@dataclass(frozen=True)
class Implementation:
    """When an opinion was first assigned and when the report rated as passing came in."""

    opinion_id: uuid.UUID
    assigned_at: datetime
    reported_at: datetime


class StatisticsQueries:
    """The queries behind ``GET /statistics/{year}``; each takes the year it counts."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def _grouped(self, query: Any) -> dict[Any, int]:
        return {key: int(count) for key, count in (await self.session.execute(query)).all()}

    # --- topic collection and the plan -----------------------------------------------------

    async def proposals_by_source(self, year: int) -> dict[ProposalSource, int]:
        c = proposals.c
        rows = await self._grouped(
            select(c.source, func.count()).where(c.year == year).group_by(c.source)
        )
        return {ProposalSource(str(k)): v for k, v in rows.items()}

    async def proposals_by_status(self, year: int) -> dict[ProposalStatus, int]:
        c = proposals.c
        rows = await self._grouped(
            select(c.status, func.count()).where(c.year == year).group_by(c.status)
        )
        return {ProposalStatus(str(k)): v for k, v in rows.items()}

    async def plan_state(self, year: int) -> PlanState | None:
        state = await self.session.scalar(select(plans.c.state).where(plans.c.year == year))
        return None if state is None else PlanState(str(state))

    async def plan_item_methods(self, year: int) -> list[list[SupervisionMethod]]:
        """The methods of every item of the year's plan (one list per item)."""
        rows = await self.session.scalars(
            select(plan_items.c.methods)
            .select_from(plan_items.join(plans, plans.c.id == plan_items.c.plan_id))
            .where(plans.c.year == year)
        )
        return [list(methods) for methods in rows]

    # --- supervision reports -----------------------------------------------------------------

    async def supervision_reports_filed(self, year: int) -> int:
        c = supervision_reports.c
        return int(await self.session.scalar(select(func.count()).where(c.year == year)) or 0)

    # --- deliberation opinions (of the year of deliberation) --------------------------------

    async def opinions_by_state(self, year: int) -> dict[OpinionState, int]:
        rows = await self._grouped(
            select(_O.state, func.count()).where(_O.year == year).group_by(_O.state)
        )
        return {OpinionState(str(k)): v for k, v in rows.items()}

    async def _opinions_with_rounds(self, year: int, *where: ColumnElement[bool]) -> int:
        """Opinions of ``year`` with at least one handling round matching ``where``."""
        count = await self.session.scalar(
            select(func.count(distinct(_R.opinion_id)))
            .select_from(opinion_rounds.join(deliberation_opinions, _O.id == _R.opinion_id))
            .where(_O.year == year, *where)
        )
        return int(count or 0)

    async def opinions_assigned(self, year: int) -> int:
        return await self._opinions_with_rounds(year, _R.number == 1)

    async def opinions_in_second_handling(self, year: int) -> int:
        return await self._opinions_with_rounds(year, _R.number > 1)

    async def opinions_ever_overdue(self, year: int) -> int:
        return await self._opinions_with_rounds(year, _R.overdue_at.is_not(None))

    async def opinions_overdue(self, year: int, today: date) -> int:
        """Overdue on ``today`` exactly as ``GET /opinions?overdue=true`` counts them (the
        repository's own condition, so the list and the statistics cannot disagree)."""
        count = await self.session.scalar(
            select(func.count(_O.id))
            .select_from(deliberation_opinions.outerjoin(_current_rounds(), _R.opinion_id == _O.id))
            .where(_O.year == year, _overdue(today))
        )
        return int(count or 0)

    async def opinion_verdicts(self, year: int) -> VerdictCounts:
        """Every closed evaluation round of the year's opinions, by organ and verdict."""
        rated = (
            select(_O.organ_id.label("department_id"), _verdict(_R.result).label("verdict"))
            .select_from(opinion_rounds.join(deliberation_opinions, _O.id == _R.opinion_id))
            .where(_O.year == year, _R.result.is_not(None), _O.organ_id.is_not(None))
        )
        return await self._count_verdicts(rated)

    async def implementations(self, year: int) -> list[Implementation]:
        """Opinions of ``year`` whose implementation passed: the first assignment and the
        report of the first round rated satisfied or basically satisfied."""
        first = opinion_rounds.alias("first_round")
        rows = await self.session.execute(
            select(_R.opinion_id, _R.number, first.c.assigned_at, _R.report_submitted_at)
            .select_from(
                opinion_rounds.join(deliberation_opinions, _O.id == _R.opinion_id).join(
                    first, and_(first.c.opinion_id == _R.opinion_id, first.c.number == 1)
                )
            )
            .where(
                _O.year == year,
                _R.result.is_not(None),
                _R.report_submitted_at.is_not(None),
                _verdict(_R.result) != SatisfactionLevel.UNSATISFIED.value,
            )
            .order_by(_R.opinion_id, _R.number)
        )
        passed: dict[uuid.UUID, Implementation] = {}
        for opinion_id, _number, assigned_at, reported_at in rows.all():
            passed.setdefault(opinion_id, Implementation(opinion_id, assigned_at, reported_at))
        return list(passed.values())

    # --- special inquiries (held in the year) ------------------------------------------------

    async def inquiries_held(self, year: int) -> int:
        count = await self.session.scalar(select(func.count()).where(_held_in(year)))
        return int(count or 0)

    async def answer_verdicts(self, year: int) -> VerdictCounts:
        """Every rated answer of the inquiries held in ``year``, by department and verdict."""
        rated = (
            select(_Q.department_id.label("department_id"), _verdict(_Q.result).label("verdict"))
            .select_from(inquiry_questions.join(inquiries, _I.id == _Q.inquiry_id))
            .where(_held_in(year), _Q.result.is_not(None))
        )
        return await self._count_verdicts(rated)

    async def _count_verdicts(self, rated: Select[Any]) -> VerdictCounts:
        # Grouped outside a subquery: PostgreSQL would not see two renderings of the JSON
        # path (each with its own bind parameter) as the same GROUP BY expression.
        sub = rated.subquery("rated")
        rows = await self.session.execute(
            select(sub.c.department_id, sub.c.verdict, func.count()).group_by(
                sub.c.department_id, sub.c.verdict
            )
        )
        return Counter(
            {(department, SatisfactionLevel(level)): int(n) for department, level, n in rows.all()}
        )
