"""Finance charts: execution against time progress, rectification rates, debt ratio, satisfaction."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from jiandu_console.adapters.upstream import UpstreamError
from jiandu_console.domain import labels_members_finance_ops  # noqa: F401  (registers labels)
from jiandu_console.domain.members_finance_ops_finance import (
    debt_chart,
    execution_chart,
    rate_rows,
    rectification_unit_chart,
    rectification_year_chart,
    satisfaction_chart,
)
from jiandu_console.entrypoints.session import Viewer, viewer
from jiandu_console.entrypoints.templating import render
from jiandu_shared.calendar import local_date
from jiandu_shared.clock import SystemClock
from jiandu_shared.web.auth import Role

REGION = r"^[0-9A-Za-z_-]{1,32}$"


async def _figures(call: Awaitable[Any]) -> tuple[Any, str]:
    """The service's answer, or None and why not (one chart missing never breaks the page)."""
    try:
        return await call, ""
    except UpstreamError as exc:
        if exc.status == 401:
            raise
        return None, "finance.no_data" if exc.status == 404 else "finance.unavailable"


def build_router() -> APIRouter:
    router = APIRouter()

    @router.get("/finance", response_class=HTMLResponse)
    async def charts(
        request: Request,
        who: Annotated[Viewer, Depends(viewer)],
        year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
        region: Annotated[str | None, Query(max_length=32, pattern=REGION)] = None,
        as_of: date | None = None,
    ) -> Response:
        who.require(Role.COMMITTEE_STAFF, Role.COMMITTEE_MEMBER)
        year = year or local_date(SystemClock().now()).year
        up = who.upstream

        progress, progress_problem = await _figures(
            up.get("finance", "/execution/progress", year=year, as_of=as_of)
        )
        by_unit, unit_problem = await _figures(
            up.get("finance", "/audit/rectification-rates", group_by="unit", year=year)
        )
        by_year, year_problem = await _figures(
            up.get("finance", "/audit/rectification-rates", group_by="year")
        )
        statistics, statistics_problem = await _figures(up.get("topics", f"/statistics/{year}"))

        debt: dict[str, Any] = {"region": region, "readings": [], "rules": None}
        debt_problem = ""
        if not region:
            listed, debt_problem = await _figures(up.get("finance", "/debt/years", limit=1))
            if listed and listed["items"]:
                region = str(listed["items"][0]["region"])
        if region:
            debt["region"] = region
            years, debt_problem = await _figures(
                up.get("finance", "/debt/years", region=region, limit=100)
            )
            for item in sorted((years or {}).get("items", []), key=lambda y: y["year"])[-10:]:
                position, _ = await _figures(
                    up.get("finance", f"/debt/years/{region}/{item['year']}/position")
                )
                if position is not None:
                    debt["readings"].append(position)
            debt["rules"], rules_problem = await _figures(up.get("finance", "/debt/warning-rules"))
            debt_problem = debt_problem or rules_problem

        t = who.t
        return render(
            request,
            who,
            "finance/charts.html",
            year=year,
            region=region or "",
            as_of=as_of.isoformat() if as_of else "",
            progress=progress,
            execution=None if progress is None else execution_chart(progress, t),
            progress_problem=progress_problem,
            unit_rates=[] if by_unit is None else rate_rows(by_unit),
            unit_chart=None if by_unit is None else rectification_unit_chart(by_unit),
            unit_problem=unit_problem,
            year_chart=None if by_year is None else rectification_year_chart(by_year),
            year_problem=year_problem,
            debt=debt,
            debt_chart=debt_chart(debt["readings"], debt["rules"], t) if debt["readings"] else None,
            debt_problem=debt_problem,
            satisfaction=None if statistics is None else satisfaction_chart(statistics),
            statistics_problem=statistics_problem,
        )

    return router
