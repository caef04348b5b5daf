"""Yearly statistics (年度统计) a standing committee publishes about its supervision work.

Read-only: one unit of work, SQL aggregates (``adapters.statistics_queries``), nothing written.
What "the year" means differs by subject and is part of each field's description:

- proposals and the plan: the year they are *for* (the collection year, the plan's year);
- supervision reports: the year (in China) they were filed;
- deliberation opinions: their year of deliberation (``year`` of the opinion, as
  ``GET /opinions?year=`` filters), whenever their rounds were evaluated;
- special inquiries: the year they were held (``held_on``).
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from fractions import Fraction
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, Field

from jiandu_shared.calendar import WorkingCalendar, local_date
from jiandu_shared.clock import Clock
from jiandu_shared.contracts.topics import ProposalSource, SatisfactionLevel, SupervisionMethod
from jiandu_topics.adapters.statistics_queries import (
    Implementation,
    StatisticsQueries,
    VerdictCounts,
)
from jiandu_topics.domain.opinion import OpinionState
from jiandu_topics.domain.plan import PlanState
from jiandu_topics.domain.proposal import ProposalStatus
from jiandu_topics.service_layer.unit_of_work import TopicsUnitOfWork

E = TypeVar("E", bound=StrEnum)

DAYS_TO_IMPLEMENTATION = (
    "From the opinion's first assignment (交办, round 1) to the submission of the "
    "implementation report that the members then rated satisfied or basically satisfied (the "
    "first passing round; for an opinion handled twice, the second-handling report). Both "
    "instants are taken as dates in China. Calendar days: the difference of the two dates. "
    "Working days: the working days after the assignment day up to and including the report "
    "day, on the working calendar (official holidays and make-up days; loaded years win; a "
    "year without an official calendar counts Monday to Friday, see "
    "working_days_unofficial_years). Averaged over the implemented opinions of the year; null "
    "when none was implemented. Unlike an opinion's own days_to_implementation, which ends "
    "when the passing evaluation closed, this measures the organ's time to implement."
)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class VerdictCountsOut(_Frozen):
    """How many evaluation results (测评结果, one per evaluated round or rated answer) had
    each verdict: 满意 / 基本满意 / 不满意."""

    satisfied: int = 0
    basically_satisfied: int = 0
    unsatisfied: int = 0


class DepartmentSatisfactionOut(_Frozen):
    department_id: uuid.UUID = Field(description="The organ or department rated")
    opinion_evaluations: VerdictCountsOut = Field(
        description="Results of the evaluation rounds of its deliberation opinions of the year"
    )
    inquiry_answers: VerdictCountsOut = Field(
        description="Results of its rated answers in special inquiries held in the year"
    )


class SatisfactionOut(_Frozen):
    """Satisfaction distribution (满意度测评结果), each source reported separately."""

    opinion_evaluations: VerdictCountsOut = Field(description="All organs together")
    inquiry_answers: VerdictCountsOut = Field(description="All departments together")
    by_department: list[DepartmentSatisfactionOut] = Field(
        description="Every department with at least one result, ordered by id"
    )


class ShareOut(_Frozen):
    count: int
    of: int = Field(description="The denominator")
    share: float = Field(description="count / of, rounded to 4 places; 0 when of is 0")


class DaysToImplementationOut(_Frozen):
    implemented: int = Field(description="Opinions of the year whose implementation passed")
    average_calendar_days: float | None = Field(description="Rounded to 2 places")
    average_working_days: float | None = Field(description="Rounded to 2 places")
    working_days_unofficial_years: list[int] = Field(
        description="Years without an official calendar the working-day counts touched"
    )


class PlanStatisticsOut(_Frozen):
    state: PlanState | None = Field(description="The year's plan, if drafted")
    items_supervised: int = Field(
        description="Items of the year's published plan (0 while it is a draft or absent)"
    )
    items_by_method: dict[SupervisionMethod, int] = Field(
        description="Published items per supervision method; an item with several methods "
        "counts once under each"
    )


class OpinionStatisticsOut(_Frozen):
    total: int = Field(description="Deliberation opinions of the year (year of deliberation)")
    by_state: dict[OpinionState, int]
    assigned: int = Field(description="Opinions assigned to an organ at least once")
    overdue: int = Field(
        description="Overdue on as_of: marked overdue, or owing a report after the due day "
        "(as GET /opinions?overdue=true counts them)"
    )
    overdue_at_some_point: int = Field(description="Opinions with a round marked overdue")
    second_handling: ShareOut = Field(
        description="Opinions that needed second handling (二次办理) among those assigned"
    )
    days_to_implementation: DaysToImplementationOut = Field(description=DAYS_TO_IMPLEMENTATION)
    organs_rated: int = Field(description="Distinct organs with an evaluated round")


class InquiryStatisticsOut(_Frozen):
    held: int = Field(description="Special inquiries (专题询问) held in the year")
    answers_rated: int
    departments_rated: int = Field(description="Distinct departments with a rated answer")


class YearStatistics(_Frozen):
    """What a committee publishes about a year of supervision (年度监督工作统计)."""

    year: int
    as_of: date = Field(description="The date in China the figures were taken")
    proposals_by_source: dict[ProposalSource, int] = Field(
        description="Proposals for the year by their own source (merged duplicates included)"
    )
    proposals_by_status: dict[ProposalStatus, int]
    plan: PlanStatisticsOut
    supervision_reports_filed: int = Field(description="督办报告 filed in the year")
    opinions: OpinionStatisticsOut
    inquiries: InquiryStatisticsOut
    departments_rated: int = Field(
        description="Distinct organs or departments rated in the year, on opinions or in "
        "special inquiries"
    )
    satisfaction: SatisfactionOut


def _counts(verdicts: VerdictCounts, department: uuid.UUID | None = None) -> VerdictCountsOut:
    tally: Counter[SatisfactionLevel] = Counter()
    for (who, level), n in verdicts.items():
        if department is None or who == department:
            tally[level] += n
    return VerdictCountsOut(
        satisfied=tally[SatisfactionLevel.SATISFIED],
        basically_satisfied=tally[SatisfactionLevel.BASICALLY_SATISFIED],
        unsatisfied=tally[SatisfactionLevel.UNSATISFIED],
    )


def _share(count: int, of: int) -> ShareOut:
    share = Fraction(count, of) if of else Fraction(0)
    return ShareOut(count=count, of=of, share=round(float(share), 4))


def days_to_implementation(
    done: list[Implementation], calendar: WorkingCalendar
) -> DaysToImplementationOut:
    """Average calendar and working days from assignment to the passing report."""
    if not done:
        return DaysToImplementationOut(
            implemented=0,
            average_calendar_days=None,
            average_working_days=None,
            working_days_unofficial_years=[],
        )
    calendar_days = working_days = 0
    unofficial: set[int] = set()
    for one in done:
        start, end = local_date(one.assigned_at), local_date(one.reported_at)
        calendar_days += (end - start).days
        working_days += calendar.working_days_between(start, end)
        unofficial.update(calendar.unofficial_years_between(start, end))
    return DaysToImplementationOut(
        implemented=len(done),
        average_calendar_days=round(calendar_days / len(done), 2),
        average_working_days=round(working_days / len(done), 2),
        working_days_unofficial_years=sorted(unofficial),
    )


def _complete(counts: Mapping[E, int], members: type[E]) -> dict[E, int]:
    """Every member of the enum, with 0 where nothing was counted."""
    return {member: counts.get(member, 0) for member in members}


async def year_statistics(year: int, uow: TopicsUnitOfWork, clock: Clock) -> YearStatistics:
    """The statistics of ``year`` as of now; a year with nothing recorded gives zeros."""
    today = local_date(clock.now())
    async with uow:
        q = StatisticsQueries(uow.session)
        calendar = await uow.calendar.working_calendar()
        by_source = await q.proposals_by_source(year)
        by_status = await q.proposals_by_status(year)
        plan_state = await q.plan_state(year)
        methods = await q.plan_item_methods(year) if plan_state is PlanState.PUBLISHED else []
        reports = await q.supervision_reports_filed(year)
        by_state = await q.opinions_by_state(year)
        assigned = await q.opinions_assigned(year)
        second = await q.opinions_in_second_handling(year)
        overdue = await q.opinions_overdue(year, today)
        ever_overdue = await q.opinions_ever_overdue(year)
        done = await q.implementations(year)
        opinion_verdicts = await q.opinion_verdicts(year)
        held = await q.inquiries_held(year)
        answer_verdicts = await q.answer_verdicts(year)

    per_method = Counter(m for item in methods for m in item)
    organs = {who for who, _ in opinion_verdicts}
    departments = {who for who, _ in answer_verdicts}
    return YearStatistics(
        year=year,
        as_of=today,
        proposals_by_source=_complete(by_source, ProposalSource),
        proposals_by_status=_complete(by_status, ProposalStatus),
        plan=PlanStatisticsOut(
            state=plan_state,
            items_supervised=len(methods),
            items_by_method={m: per_method[m] for m in SupervisionMethod},
        ),
        supervision_reports_filed=reports,
        opinions=OpinionStatisticsOut(
            total=sum(by_state.values()),
            by_state=_complete(by_state, OpinionState),
            assigned=assigned,
            overdue=overdue,
            overdue_at_some_point=ever_overdue,
            second_handling=_share(second, assigned),
            days_to_implementation=days_to_implementation(done, calendar),
            organs_rated=len(organs),
        ),
        inquiries=InquiryStatisticsOut(
            held=held,
            answers_rated=sum(answer_verdicts.values()),
            departments_rated=len(departments),
        ),
        departments_rated=len(organs | departments),
        satisfaction=SatisfactionOut(
            opinion_evaluations=_counts(opinion_verdicts),
            inquiry_answers=_counts(answer_verdicts),
            by_department=[
                DepartmentSatisfactionOut(
                    department_id=who,
                    opinion_evaluations=_counts(opinion_verdicts, who),
                    inquiry_answers=_counts(answer_verdicts, who),
                )
                for who in sorted(organs | departments)
            ],
        ),
    )
