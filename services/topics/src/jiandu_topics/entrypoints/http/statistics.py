"""HTTP API of the yearly statistics (年度统计) of supervision work: read-only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Path

from jiandu_shared.clock import Clock
from jiandu_shared.web.auth import Principal, Role, require
from jiandu_topics.service_layer import statistics
from jiandu_topics.service_layer.statistics import DAYS_TO_IMPLEMENTATION, YearStatistics
from jiandu_topics.service_layer.unit_of_work import TopicsUnitOfWork

Reader = Annotated[Principal, Depends(require(Role.COMMITTEE_STAFF, Role.COMMITTEE_MEMBER))]
Year = Annotated[int, Path(ge=2000, le=2100, description="The year the figures are for")]

DESCRIPTION = f"""
Figures a committee publishes about one year, computed now from what is recorded (nothing is
cached). A year with nothing recorded gives zeros; a year outside 2000-2100 is a 422.

Which records belong to the year:
- **proposals** and the **plan**: those *for* the year (the collection year, the plan's year);
  `plan.items_supervised` counts the items of the published plan only;
- **supervision reports** (督办报告): filed in the year (date in China);
- **deliberation opinions** (审议意见): of the year of deliberation (the opinion's `year`),
  whenever their rounds were evaluated; `overdue` is as of today (`as_of`);
- **special inquiries** (专题询问): held in the year (`held_on`).

**Satisfaction** counts evaluation *results* (one verdict per closed evaluation round of an
opinion, one per rated inquiry answer), not members' votes, per department and per source.
`departments_rated` is the number of distinct organs or departments with at least one result
from either source.

**Second handling** (二次办理): opinions with a second round among the opinions assigned.

**Days to implementation**: {DAYS_TO_IMPLEMENTATION}
"""


def build_router(uow: Callable[[], TopicsUnitOfWork], clock: Clock) -> APIRouter:
    router = APIRouter(tags=["statistics"])

    @router.get(
        "/statistics/{year}",
        summary="Statistics of a year's supervision work (staff, members)",
        description=DESCRIPTION,
    )
    async def year_statistics(year: Year, _: Reader) -> YearStatistics:
        return await statistics.year_statistics(year, uow(), clock)

    return router
