"""Events of state-asset reports (国有资产管理情况报告).

The government reports on state assets to the standing committee: a comprehensive report
(综合报告) once per term over the four ledgers (四本账), special reports (专项报告) in the
other years. Deliberation publishes ``finance.report.deliberated`` (kind ``state_assets``,
see ``reports.py``); the topics service tracks each opinion and reports its evaluation back.

Amounts are exact decimal yuan sent as strings; natural-resource quantities are decimal
strings with their unit.
"""

from __future__ import annotations

import uuid
from enum import StrEnum

from pydantic import AwareDatetime, Field

from jiandu_shared.contracts.envelope import EventData
from jiandu_shared.contracts.topics import SatisfactionLevel


class AssetReportKind(StrEnum):
    COMPREHENSIVE = "comprehensive"  # 综合报告: all four ledgers
    SPECIAL = "special"  # 专项报告: one ledger


class AssetLedger(StrEnum):
    """The four ledgers of state assets (国有资产"四本账")."""

    ENTERPRISE = "enterprise"  # 企业国有资产
    FINANCIAL_ENTERPRISE = "financial_enterprise"  # 金融企业国有资产
    ADMINISTRATIVE_INSTITUTIONAL = "administrative_institutional"  # 行政事业性国有资产
    NATURAL_RESOURCE = "natural_resource"  # 国有自然资源


class _AssetReportEvent(EventData):
    asset_report_id: uuid.UUID

    def aggregate_key(self) -> str:
        return f"asset_report:{self.asset_report_id}"


class AssetReportSubmitted(_AssetReportEvent):
    """The government submitted a state-asset report to the standing committee."""

    event_type = "finance.asset_report.submitted"

    year: int = Field(ge=2000, le=2100)
    kind: AssetReportKind
    ledgers: tuple[AssetLedger, ...] = Field(min_length=1)
    title: str = Field(min_length=1, max_length=200)
    submitted_at: AwareDatetime


class AssetFiguresRecorded(_AssetReportEvent):
    """Ledger figures were added to a report before its deliberation (counts only)."""

    event_type = "finance.asset_report.figures_recorded"

    figures: int = Field(ge=1)
    total_figures: int = Field(ge=1)
    recorded_at: AwareDatetime


class AssetOpinionResultRecorded(_AssetReportEvent):
    """Topics reported the evaluation of an opinion on this report; the report shows it."""

    event_type = "finance.asset_report.opinion_result_recorded"

    opinion_ref: str = Field(min_length=1, max_length=100)
    round: int = Field(ge=1)
    verdict: SatisfactionLevel
    passed: bool
    rated_at: AwareDatetime
