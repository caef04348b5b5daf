"""Repository of state-asset reports (国有资产管理情况报告)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm.attributes import flag_modified

from jiandu_finance.adapters.orm_audit import asset_reports
from jiandu_finance.domain.assets import AssetReport, AssetReportState
from jiandu_shared.contracts.finance.assets import AssetReportKind
from jiandu_shared.storage.repository import Repository, equal_to


class AssetReportRepository(Repository[AssetReport]):
    entity = AssetReport
    label = "state-asset report"

    def changed(self, report: AssetReport) -> None:
        """Write the report's row (and move its version) even if only its children changed."""
        flag_modified(report, "state")

    async def find(
        self,
        *,
        year: int | None,
        kind: AssetReportKind | None,
        state: AssetReportState | None,
        limit: int,
        offset: int,
    ) -> tuple[Sequence[AssetReport], int]:
        c = asset_reports.c
        conditions = equal_to((c.year, year), (c.kind, kind), (c.state, state))
        return await self.page(
            asset_reports,
            conditions,
            (c.year.desc(), c.submitted_at.desc(), c.id),
            limit=limit,
            offset=offset,
        )
