"""State-asset reports (国有资产管理情况报告) over the four ledgers, and the opinions of their
deliberation as topics reports them back.

Jixi: the county government reports on state assets once per term in a comprehensive report
(综合报告) and on one subject in special reports (专项报告) in the other years, over four
ledgers (四本账: enterprise, financial-enterprise, administrative & institutional, natural
resources). After deliberation the government must report within 6 months how it handled the
opinions (研究处理和整改问责情况): the topics service tracks that loop (assignment, report,
satisfaction evaluation) and sends each result back, which this report then shows.

Pure domain: no framework imports. Aggregates collect the events they raise in ``events``.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import TypeVar

from jiandu_shared.calendar import aware_utc, local_date
from jiandu_shared.contracts import EventData
from jiandu_shared.contracts.finance import DeliberatedOpinion, ReportDeliberated, ReportKind
from jiandu_shared.contracts.finance.assets import (
    AssetFiguresRecorded,
    AssetLedger,
    AssetOpinionResultRecorded,
    AssetReportKind,
    AssetReportSubmitted,
)
from jiandu_shared.contracts.topics import SatisfactionLevel
from jiandu_shared.errors import Conflict, RuleViolation
from jiandu_shared.state_machine import TransitionTable

MAX_FIGURES = 500
MAX_OPINIONS = 50

LEDGER_LABELS: dict[AssetLedger, str] = {
    AssetLedger.ENTERPRISE: "企业国有资产",
    AssetLedger.FINANCIAL_ENTERPRISE: "金融企业国有资产",
    AssetLedger.ADMINISTRATIVE_INSTITUTIONAL: "行政事业性国有资产",
    AssetLedger.NATURAL_RESOURCE: "国有自然资源",
}


def _text(value: str, what: str, limit: int) -> str:
    value = value.strip()
    if not value or len(value) > limit:
        raise RuleViolation(f"{what} needs 1 to {limit} characters")
    return value


# --- Opinions of a deliberation and their results, shared with audit-rectification reports --


@dataclass
class ReportOpinion:
    """One deliberation opinion (审议意见) on a financial report, as finance keeps it.

    ``ref`` is finance's own reference, unique within the report; topics names it when it
    reports a result. The latest result is the one of the highest handling round (a second
    handling 二次办理 after an unsatisfied verdict has round 2, and so on).
    """

    ref: str
    number: int
    title: str
    organ_id: uuid.UUID
    result_round: int | None = None
    satisfied: int | None = None
    basically_satisfied: int | None = None
    unsatisfied: int | None = None
    verdict: SatisfactionLevel | None = None
    passed: bool | None = None
    rated_at: datetime | None = None

    def record_result(
        self,
        *,
        round: int,
        satisfied: int,
        basically_satisfied: int,
        unsatisfied: int,
        verdict: SatisfactionLevel,
        passed: bool,
        rated_at: datetime,
    ) -> bool:
        """Keep the result if it is of the latest round seen; False when it is older (or the
        same round again): results may arrive out of order and a round is rated once."""
        if self.result_round is not None and round <= self.result_round:
            return False
        self.result_round = round
        self.satisfied = satisfied
        self.basically_satisfied = basically_satisfied
        self.unsatisfied = unsatisfied
        self.verdict = SatisfactionLevel(verdict)
        self.passed = passed
        self.rated_at = aware_utc(rated_at)
        return True


class AssetReportOpinion(ReportOpinion):
    """An opinion on a state-asset report (its own table)."""


@dataclass(frozen=True)
class OpinionDraft:
    title: str
    organ_id: uuid.UUID


OpinionT = TypeVar("OpinionT", bound=ReportOpinion)


def draft_opinions(
    prefix: str, drafts: Sequence[OpinionDraft], make: type[OpinionT]
) -> list[OpinionT]:
    if not drafts:
        raise RuleViolation("a deliberation issues at least one opinion")
    if len(drafts) > MAX_OPINIONS:
        raise RuleViolation(f"at most {MAX_OPINIONS} opinions per deliberation")
    return [
        make(
            ref=f"{prefix}-{n}",
            number=n,
            title=_text(d.title, "an opinion's title", 200),
            organ_id=d.organ_id,
        )
        for n, d in enumerate(drafts, start=1)
    ]


def deliberated_event(
    *,
    report_id: uuid.UUID,
    kind: ReportKind,
    committee_id: uuid.UUID,
    year: int,
    opinions: Sequence[ReportOpinion],
    deliberated_at: datetime,
) -> ReportDeliberated:
    return ReportDeliberated(
        report_id=report_id,
        report_kind=kind,
        committee_id=committee_id,
        year=year,
        opinions=tuple(
            DeliberatedOpinion(opinion_ref=o.ref, title=o.title, organ_id=o.organ_id)
            for o in opinions
        ),
        deliberated_at=deliberated_at,
    )


# --- Ledger figures ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FigureDraft:
    ledger: AssetLedger
    item: str
    amount: Decimal | None = None
    quantity: Decimal | None = None
    unit: str | None = None


@dataclass
class LedgerFigure:
    """One figure of a ledger (e.g. 资产总额, 负债总额, 国有资本权益, 土地面积).

    Money ledgers give ``amount`` in yuan. The natural-resource ledger gives a physical
    ``quantity`` with its ``unit`` (亩, 公顷, 立方米…) and, where it was valued, an amount too.
    """

    number: int
    ledger: AssetLedger
    item: str
    amount: Decimal | None = None
    quantity: Decimal | None = None
    unit: str | None = None

    @classmethod
    def checked(
        cls,
        *,
        number: int,
        ledger: AssetLedger,
        item: str,
        amount: Decimal | None,
        quantity: Decimal | None,
        unit: str | None,
    ) -> LedgerFigure:
        ledger = AssetLedger(ledger)
        item = _text(item, "a figure's item", 100)
        unit = unit.strip() if unit is not None else None
        if (quantity is None) != (not unit):
            raise RuleViolation(f"'{item}': a quantity comes with its unit, and a unit with it")
        if quantity is not None and quantity < 0:
            raise RuleViolation(f"'{item}': a quantity cannot be negative")
        if ledger is AssetLedger.NATURAL_RESOURCE:
            if quantity is None:
                raise RuleViolation(
                    f"'{item}': natural-resource figures give a quantity with its unit "
                    "(e.g. 亩, 公顷, 立方米)"
                )
        else:
            if amount is None:
                raise RuleViolation(f"'{item}': {LEDGER_LABELS[ledger]} figures give an amount")
            if quantity is not None:
                raise RuleViolation(f"'{item}': only natural-resource figures have a quantity")
        return cls(
            number=number, ledger=ledger, item=item, amount=amount, quantity=quantity, unit=unit
        )


# --- The report -------------------------------------------------------------------------------


class AssetReportState(StrEnum):
    SUBMITTED = "submitted"  # figures may still be added
    DELIBERATED = "deliberated"  # 审议: opinions issued, tracked in topics


class AssetReportAction(StrEnum):
    RECORD_FIGURES = "record_figures"
    DELIBERATE = "deliberate"
    RECORD_RESULT = "record_result"


_S, _A = AssetReportState, AssetReportAction

TRANSITIONS: TransitionTable[AssetReportState, AssetReportAction] = TransitionTable(
    "state-asset report",
    {
        _S.SUBMITTED: {_A.RECORD_FIGURES: _S.SUBMITTED, _A.DELIBERATE: _S.DELIBERATED},
        _S.DELIBERATED: {_A.RECORD_RESULT: _S.DELIBERATED},
    },
)


class AssetReport:
    """A state-asset report (国有资产管理情况报告) of one year.

    A comprehensive report covers all four ledgers and must carry figures of each before it is
    deliberated; a special report covers the one ledger it names and has figures of it only.
    """

    WHAT = "state-asset report"

    def __init__(
        self,
        *,
        id: uuid.UUID,
        year: int,
        kind: AssetReportKind,
        ledger: AssetLedger | None,
        title: str,
        submitted_at: datetime,
        submitted_by: str,
        state: AssetReportState = AssetReportState.SUBMITTED,
        figures: list[LedgerFigure] | None = None,
        opinions: list[AssetReportOpinion] | None = None,
        committee_id: uuid.UUID | None = None,
        deliberated_at: datetime | None = None,
    ) -> None:
        self.id = id
        self.year = year
        self.kind = kind
        self.ledger = ledger
        self.title = title
        self.submitted_at = submitted_at
        self.submitted_by = submitted_by
        self.state = state
        self.figures: list[LedgerFigure] = figures if figures is not None else []
        self.opinions: list[AssetReportOpinion] = opinions if opinions is not None else []
        self.committee_id = committee_id
        self.deliberated_at = deliberated_at
        self.events: list[EventData] = []

    @property
    def ledgers(self) -> tuple[AssetLedger, ...]:
        if self.kind is AssetReportKind.COMPREHENSIVE:
            return tuple(AssetLedger)
        assert self.ledger is not None
        return (self.ledger,)

    @classmethod
    def submit(
        cls,
        *,
        year: int,
        kind: AssetReportKind,
        ledger: AssetLedger | None,
        title: str,
        submitted_by: str,
        now: datetime,
    ) -> AssetReport:
        now = aware_utc(now)
        kind = AssetReportKind(kind)
        if year > local_date(now).year:
            raise RuleViolation(f"a state-asset report cannot be of a future year ({year})")
        if kind is AssetReportKind.SPECIAL and ledger is None:
            raise RuleViolation("a special report (专项报告) names the ledger it is on")
        if kind is AssetReportKind.COMPREHENSIVE and ledger is not None:
            raise RuleViolation("a comprehensive report (综合报告) covers all four ledgers")
        report = cls(
            id=uuid.uuid4(),
            year=year,
            kind=kind,
            ledger=None if ledger is None else AssetLedger(ledger),
            title=_text(title, "a report's title", 200),
            submitted_at=now,
            submitted_by=submitted_by,
        )
        report.events.append(
            AssetReportSubmitted(
                asset_report_id=report.id,
                year=year,
                kind=kind,
                ledgers=report.ledgers,
                title=report.title,
                submitted_at=now,
            )
        )
        return report

    def allowed_actions(self) -> frozenset[AssetReportAction]:
        return TRANSITIONS.allowed(self.state)

    def record_figures(self, figures: Sequence[FigureDraft], *, now: datetime) -> None:
        """Add ledger figures while the report is not deliberated."""
        TRANSITIONS.require(self.state, AssetReportAction.RECORD_FIGURES)
        if not figures:
            raise RuleViolation("give at least one figure")
        if len(self.figures) + len(figures) > MAX_FIGURES:
            raise RuleViolation(f"a report holds at most {MAX_FIGURES} figures")
        seen = {(f.ledger, f.item) for f in self.figures}
        added: list[LedgerFigure] = []
        for draft in figures:
            figure = LedgerFigure.checked(
                number=len(self.figures) + len(added) + 1,
                ledger=draft.ledger,
                item=draft.item,
                amount=draft.amount,
                quantity=draft.quantity,
                unit=draft.unit,
            )
            if figure.ledger not in self.ledgers:
                raise RuleViolation(
                    f"'{figure.item}': this special report is on "
                    f"{LEDGER_LABELS[self.ledgers[0]]}, not {LEDGER_LABELS[figure.ledger]}"
                )
            if (figure.ledger, figure.item) in seen:
                raise Conflict(f"'{figure.item}' of ledger {figure.ledger} is already recorded")
            seen.add((figure.ledger, figure.item))
            added.append(figure)
        self.figures.extend(added)
        self.events.append(
            AssetFiguresRecorded(
                asset_report_id=self.id,
                figures=len(added),
                total_figures=len(self.figures),
                recorded_at=aware_utc(now),
            )
        )

    def totals(self) -> dict[AssetLedger, Decimal]:
        """Sum of the amounts per ledger (exact)."""
        sums: dict[AssetLedger, Decimal] = {}
        for f in self.figures:
            if f.amount is not None:
                sums[f.ledger] = sums.get(f.ledger, Decimal("0.00")) + f.amount
        return sums

    def deliberate(
        self,
        *,
        committee_id: uuid.UUID,
        opinions: Sequence[OpinionDraft],
        now: datetime,
    ) -> None:
        """审议: the standing committee deliberated the report and issued opinions; topics
        tracks each of them (6-month report-back for state assets)."""
        TRANSITIONS.require(self.state, AssetReportAction.DELIBERATE)
        missing = [lg for lg in self.ledgers if not any(f.ledger is lg for f in self.figures)]
        if missing:
            raise RuleViolation(
                "the report has no figures yet for: "
                + ", ".join(LEDGER_LABELS[lg] for lg in missing)
            )
        now = aware_utc(now)
        self.opinions = draft_opinions("SA", opinions, AssetReportOpinion)
        self.committee_id = committee_id
        self.deliberated_at = now
        self.state = TRANSITIONS.move(self.state, AssetReportAction.DELIBERATE)
        self.events.append(
            deliberated_event(
                report_id=self.id,
                kind=ReportKind.STATE_ASSETS,
                committee_id=committee_id,
                year=self.year,
                opinions=self.opinions,
                deliberated_at=now,
            )
        )

    def opinion(self, ref: str) -> AssetReportOpinion | None:
        return next((o for o in self.opinions if o.ref == ref), None)

    def record_opinion_result(
        self,
        *,
        ref: str,
        round: int,
        satisfied: int,
        basically_satisfied: int,
        unsatisfied: int,
        verdict: SatisfactionLevel,
        passed: bool,
        rated_at: datetime,
    ) -> bool:
        """Show an evaluation result topics reported; False when there was nothing new."""
        TRANSITIONS.require(self.state, AssetReportAction.RECORD_RESULT)
        opinion = self.opinion(ref)
        if opinion is None:
            raise RuleViolation(f"report {self.id} has no opinion '{ref}'")
        if not opinion.record_result(
            round=round,
            satisfied=satisfied,
            basically_satisfied=basically_satisfied,
            unsatisfied=unsatisfied,
            verdict=verdict,
            passed=passed,
            rated_at=rated_at,
        ):
            return False
        self.events.append(
            AssetOpinionResultRecorded(
                asset_report_id=self.id,
                opinion_ref=ref,
                round=round,
                verdict=verdict,
                passed=passed,
                rated_at=aware_utc(rated_at),
            )
        )
        return True
