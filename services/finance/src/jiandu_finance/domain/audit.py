"""Audit findings and their rectification (审计查出问题整改), and the rectification rate.

Jixi: the standing committee hears the audit work report on the year's budget execution
(审计工作报告) and the rectification report (审计整改报告), follows every finding until it is
rectified (跟踪督办) and rates the rectifying units (对审计整改单位进行满意度测评). Haining: a
double closed loop with the audit office, before, during and after (事前、事中、事后), to raise
the rectification rate year on year (审计查出问题整改率逐年提升).

- ``AuditReport``: the audit office's report of a year; the committee rates each responsible
  unit's rectification and deliberates the rectification report (opinions tracked in topics).
- ``AuditFinding``: one finding (its own aggregate, so that units report on their findings
  without contending for the report), with its rectification reports and, when it shows
  suspected violations of discipline or law, its referral to partner agencies.
- ``RectificationRate``: the rectification rate, count-based and amount-based (see there).

Pure domain: no framework imports. Aggregates collect the events they raise in ``events``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from jiandu_finance.domain.assets import (
    OpinionDraft,
    ReportOpinion,
    deliberated_event,
    draft_opinions,
)
from jiandu_shared.agencies import Agency
from jiandu_shared.calendar import aware_utc, local_date
from jiandu_shared.contracts import EventData
from jiandu_shared.contracts.finance import ReportKind
from jiandu_shared.contracts.finance.audit import (
    AuditFindingOverdue,
    AuditFindingRecorded,
    AuditFindingRectificationReported,
    AuditFindingReferred,
    AuditRectificationOpinionResultRecorded,
    AuditReportRegistered,
    AuditUnitRated,
    FindingCategory,
    RectificationStatus,
)
from jiandu_shared.contracts.topics import SatisfactionLevel
from jiandu_shared.errors import Conflict, RuleViolation
from jiandu_shared.state_machine import TransitionTable

ZERO = Decimal("0.00")
MAX_TEXT = 5_000
# Agencies a finding with suspected violations may be referred to (问题线索移送).
REFERRAL_AGENCIES = frozenset({Agency.DISCIPLINE_INSPECTION, Agency.PROCURATORATE})

STATUS_LABELS: dict[RectificationStatus, str] = {
    RectificationStatus.NOT_RECTIFIED: "未整改",
    RectificationStatus.IN_PROGRESS: "正在整改",
    RectificationStatus.PARTLY_RECTIFIED: "部分整改",
    RectificationStatus.RECTIFIED: "已整改",
}


def _text(value: str, what: str, limit: int = MAX_TEXT) -> str:
    value = value.strip()
    if not value or len(value) > limit:
        raise RuleViolation(f"{what} needs 1 to {limit} characters")
    return value


# --- Satisfaction rating of a unit's rectification ---------------------------------------------


def satisfaction_verdict(
    satisfied: int, basically_satisfied: int, unsatisfied: int
) -> SatisfactionLevel:
    """The verdict of a tally, by the common rule "不满意票超过半数的为不满意，满意票超过半数的为
    满意，其余为基本满意": unsatisfied when more than half the votes cast are unsatisfied,
    satisfied when more than half are satisfied, otherwise basically satisfied."""
    if min(satisfied, basically_satisfied, unsatisfied) < 0:
        raise RuleViolation("vote counts cannot be negative")
    total = satisfied + basically_satisfied + unsatisfied
    if total == 0:
        raise RuleViolation("a satisfaction rating needs at least one vote")
    if Fraction(unsatisfied, total) > Fraction(1, 2):
        return SatisfactionLevel.UNSATISFIED
    if Fraction(satisfied, total) > Fraction(1, 2):
        return SatisfactionLevel.SATISFIED
    return SatisfactionLevel.BASICALLY_SATISFIED


@dataclass
class UnitRating:
    """The committee's rating of one unit's rectification (审计整改满意度测评)."""

    unit_id: uuid.UUID
    satisfied: int
    basically_satisfied: int
    unsatisfied: int
    verdict: SatisfactionLevel
    rated_at: datetime
    rated_by: str


class AuditReportOpinion(ReportOpinion):
    """An opinion on the audit-rectification report (its own table)."""


class AuditReport:
    """The audit office's report on a year (审计工作报告), its findings' rectification rated per
    unit and its rectification report deliberated.

    Its findings are aggregates of their own (``AuditFinding``) naming this report.
    """

    WHAT = "audit report"

    def __init__(
        self,
        *,
        id: uuid.UUID,
        year: int,
        auditor_office: str,
        title: str,
        registered_at: datetime,
        registered_by: str,
        findings_count: int = 0,
        ratings: list[UnitRating] | None = None,
        opinions: list[AuditReportOpinion] | None = None,
        committee_id: uuid.UUID | None = None,
        deliberated_at: datetime | None = None,
    ) -> None:
        self.id = id
        self.year = year
        self.auditor_office = auditor_office
        self.title = title
        self.registered_at = registered_at
        self.registered_by = registered_by
        self.findings_count = findings_count
        self.ratings: list[UnitRating] = ratings if ratings is not None else []
        self.opinions: list[AuditReportOpinion] = opinions if opinions is not None else []
        self.committee_id = committee_id
        self.deliberated_at = deliberated_at
        self.events: list[EventData] = []

    @classmethod
    def register(
        cls, *, year: int, auditor_office: str, title: str, registered_by: str, now: datetime
    ) -> AuditReport:
        now = aware_utc(now)
        if year > local_date(now).year:
            raise RuleViolation(f"an audit report cannot be on a future year ({year})")
        report = cls(
            id=uuid.uuid4(),
            year=year,
            auditor_office=_text(auditor_office, "the auditor office", 100),
            title=_text(title, "a report's title", 200),
            registered_at=now,
            registered_by=registered_by,
        )
        report.events.append(
            AuditReportRegistered(
                audit_report_id=report.id,
                year=year,
                auditor_office=report.auditor_office,
                title=report.title,
                registered_at=now,
            )
        )
        return report

    @property
    def deliberated(self) -> bool:
        return self.deliberated_at is not None

    def record_finding(
        self,
        *,
        unit_id: uuid.UUID,
        category: FindingCategory,
        amount: Decimal,
        description: str,
        deadline: date,
        recorded_by: str,
        now: datetime,
    ) -> AuditFinding:
        """A finding of this report, numbered in order; the deadline is the rectification
        deadline the report sets (a date), after the day it is recorded."""
        if self.deliberated:
            raise Conflict(
                f"the rectification report of audit report {self.id} was deliberated; "
                "findings are closed"
            )
        now = aware_utc(now)
        if amount < 0:
            raise RuleViolation("a finding's amount cannot be negative")
        if deadline <= local_date(now):
            raise RuleViolation(f"the rectification deadline {deadline} must be after today")
        self.findings_count += 1
        finding = AuditFinding(
            id=uuid.uuid4(),
            audit_report_id=self.id,
            year=self.year,
            number=self.findings_count,
            unit_id=unit_id,
            category=FindingCategory(category),
            amount=amount,
            description=_text(description, "a finding's description"),
            deadline=deadline,
            recorded_at=now,
            recorded_by=recorded_by,
        )
        finding.events.append(
            AuditFindingRecorded(
                finding_id=finding.id,
                audit_report_id=self.id,
                year=self.year,
                number=finding.number,
                unit_id=unit_id,
                category=finding.category,
                amount=amount,
                deadline=deadline,
                recorded_at=now,
            )
        )
        return finding

    def rate_unit(
        self,
        *,
        unit_id: uuid.UUID,
        responsible_units: Iterable[uuid.UUID],
        satisfied: int,
        basically_satisfied: int,
        unsatisfied: int,
        rated_by: str,
        now: datetime,
    ) -> UnitRating:
        """Rate a unit's rectification of its findings in this report, once."""
        if unit_id not in set(responsible_units):
            raise RuleViolation(f"unit {unit_id} is responsible for no finding of this report")
        if any(r.unit_id == unit_id for r in self.ratings):
            raise Conflict(f"unit {unit_id} was already rated on this report")
        now = aware_utc(now)
        rating = UnitRating(
            unit_id=unit_id,
            satisfied=satisfied,
            basically_satisfied=basically_satisfied,
            unsatisfied=unsatisfied,
            verdict=satisfaction_verdict(satisfied, basically_satisfied, unsatisfied),
            rated_at=now,
            rated_by=rated_by,
        )
        self.ratings.append(rating)
        self.events.append(
            AuditUnitRated(
                audit_report_id=self.id,
                year=self.year,
                unit_id=unit_id,
                satisfied=satisfied,
                basically_satisfied=basically_satisfied,
                unsatisfied=unsatisfied,
                verdict=rating.verdict,
                rated_at=now,
            )
        )
        return rating

    def deliberate(
        self, *, committee_id: uuid.UUID, opinions: Sequence[OpinionDraft], now: datetime
    ) -> None:
        """The committee deliberated the rectification report (审计整改报告) and issued
        opinions; topics tracks each through the closed loop."""
        if self.deliberated:
            raise Conflict(f"the rectification report of audit report {self.id} was deliberated")
        if self.findings_count == 0:
            raise RuleViolation(
                "record the report's findings before deliberating their rectification"
            )
        now = aware_utc(now)
        self.opinions = draft_opinions("AR", opinions, AuditReportOpinion)
        self.committee_id = committee_id
        self.deliberated_at = now
        self.events.append(
            deliberated_event(
                report_id=self.id,
                kind=ReportKind.AUDIT_RECTIFICATION,
                committee_id=committee_id,
                year=self.year,
                opinions=self.opinions,
                deliberated_at=now,
            )
        )

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
        opinion = next((o for o in self.opinions if o.ref == ref), None)
        if opinion is None:
            raise RuleViolation(f"audit report {self.id} has no opinion '{ref}'")
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
            AuditRectificationOpinionResultRecorded(
                audit_report_id=self.id,
                opinion_ref=ref,
                round=round,
                verdict=verdict,
                passed=passed,
                rated_at=aware_utc(rated_at),
            )
        )
        return True


# --- Findings --------------------------------------------------------------------------------


class FindingAction(StrEnum):
    REPORT_RECTIFICATION = "report_rectification"
    REFER = "refer"


_S, _A = RectificationStatus, FindingAction
_ANY_STATUS = frozenset(RectificationStatus)

# A finding stays open until rectified (整改到位); it may be referred at any time, once.
TRANSITIONS: TransitionTable[RectificationStatus, FindingAction] = TransitionTable(
    "audit finding",
    {
        _S.NOT_RECTIFIED: {_A.REPORT_RECTIFICATION: _ANY_STATUS, _A.REFER: _S.NOT_RECTIFIED},
        _S.IN_PROGRESS: {_A.REPORT_RECTIFICATION: _ANY_STATUS, _A.REFER: _S.IN_PROGRESS},
        _S.PARTLY_RECTIFIED: {
            _A.REPORT_RECTIFICATION: _ANY_STATUS,
            _A.REFER: _S.PARTLY_RECTIFIED,
        },
        _S.RECTIFIED: {_A.REFER: _S.RECTIFIED},
    },
)


@dataclass
class Rectification:
    """One rectification report (整改情况报告) of the responsible unit on a finding.

    Amounts are cumulative, as of this report: what was rectified (整改金额) and, of the
    money, what was recovered (追回/收回资金).
    """

    number: int
    status: RectificationStatus
    rectified_amount: Decimal
    recovered_amount: Decimal
    summary: str
    reported_at: datetime
    reported_by: str
    on_time: bool


class AuditFinding:
    """A finding of an audit report (审计查出问题) and its rectification by the responsible unit."""

    WHAT = "audit finding"

    def __init__(
        self,
        *,
        id: uuid.UUID,
        audit_report_id: uuid.UUID,
        year: int,
        number: int,
        unit_id: uuid.UUID,
        category: FindingCategory,
        amount: Decimal,
        description: str,
        deadline: date,
        recorded_at: datetime,
        recorded_by: str,
        status: RectificationStatus = RectificationStatus.NOT_RECTIFIED,
        rectified_amount: Decimal = ZERO,
        recovered_amount: Decimal = ZERO,
        rectifications: list[Rectification] | None = None,
        referred_to: list[Agency] | None = None,
        referral_reason: str | None = None,
        referred_at: datetime | None = None,
        overdue_at: datetime | None = None,
    ) -> None:
        self.id = id
        self.audit_report_id = audit_report_id
        self.year = year
        self.number = number
        self.unit_id = unit_id
        self.category = category
        self.amount = amount
        self.description = description
        self.deadline = deadline
        self.recorded_at = recorded_at
        self.recorded_by = recorded_by
        self.status = status
        self.rectified_amount = rectified_amount
        self.recovered_amount = recovered_amount
        self.rectifications: list[Rectification] = (
            rectifications if rectifications is not None else []
        )
        self.referred_to = referred_to
        self.referral_reason = referral_reason
        self.referred_at = referred_at
        self.overdue_at = overdue_at  # when the sweep found the deadline passed, once
        self.events: list[EventData] = []

    def allowed_actions(self) -> frozenset[FindingAction]:
        allowed = TRANSITIONS.allowed(self.status)
        return allowed - {FindingAction.REFER} if self.referred_at is not None else allowed

    def overdue(self, today: date) -> bool:
        """Past its deadline and not rectified."""
        return self.status is not RectificationStatus.RECTIFIED and today > self.deadline

    def mark_overdue(self, *, now: datetime) -> bool:
        """Record, once, that the deadline passed before the finding was rectified; False when
        it is not overdue or was marked before. A later rectification does not undo it."""
        now = aware_utc(now)
        if self.overdue_at is not None or not self.overdue(local_date(now)):
            return False
        self.overdue_at = now
        self.events.append(
            AuditFindingOverdue(
                finding_id=self.id,
                audit_report_id=self.audit_report_id,
                year=self.year,
                unit_id=self.unit_id,
                deadline=self.deadline,
                status=self.status,
                marked_at=now,
            )
        )
        return True

    def report_rectification(
        self,
        *,
        status: RectificationStatus,
        rectified_amount: Decimal,
        recovered_amount: Decimal,
        summary: str,
        reported_by: str,
        now: datetime,
    ) -> Rectification:
        """The unit reports where its rectification stands, with cumulative amounts.

        Amounts never go back (a report adds to what was rectified before) and never exceed
        the finding's amount. "Rectified" (已整改) means rectified in full: the whole amount.
        Recovered money is part of what was rectified.
        """
        status = RectificationStatus(status)
        target = TRANSITIONS.move(self.status, FindingAction.REPORT_RECTIFICATION, status)
        now = aware_utc(now)
        if rectified_amount < 0 or recovered_amount < 0:
            raise RuleViolation("amounts cannot be negative")
        if rectified_amount > self.amount:
            raise RuleViolation(
                f"the rectified amount {rectified_amount} exceeds the finding's {self.amount}"
            )
        if recovered_amount > rectified_amount:
            raise RuleViolation(
                f"the recovered amount {recovered_amount} is part of the rectified "
                f"{rectified_amount} and cannot exceed it"
            )
        if rectified_amount < self.rectified_amount or recovered_amount < self.recovered_amount:
            raise RuleViolation(
                "amounts are cumulative: they cannot fall below the last report's "
                f"(rectified {self.rectified_amount}, recovered {self.recovered_amount})"
            )
        if status is RectificationStatus.RECTIFIED and rectified_amount != self.amount:
            raise RuleViolation(
                f"'rectified' (已整改) means in full: the rectified amount must be {self.amount}"
            )
        if status is RectificationStatus.NOT_RECTIFIED and rectified_amount > 0:
            raise RuleViolation("a finding with money rectified is at least partly rectified")
        rectification = Rectification(
            number=len(self.rectifications) + 1,
            status=status,
            rectified_amount=rectified_amount,
            recovered_amount=recovered_amount,
            summary=_text(summary, "a rectification report"),
            reported_at=now,
            reported_by=reported_by,
            on_time=local_date(now) <= self.deadline,
        )
        self.rectifications.append(rectification)
        self.status = target
        self.rectified_amount = rectified_amount
        self.recovered_amount = recovered_amount
        self.events.append(
            AuditFindingRectificationReported(
                finding_id=self.id,
                audit_report_id=self.audit_report_id,
                unit_id=self.unit_id,
                report_number=rectification.number,
                status=status,
                amount=self.amount,
                rectified_amount=rectified_amount,
                recovered_amount=recovered_amount,
                on_time=rectification.on_time,
                reported_at=now,
            )
        )
        return rectification

    def refer(self, *, agencies: Iterable[Agency], reason: str, now: datetime) -> None:
        """Refer the finding, with suspected violations, to partner agencies (问题线索移送);
        the event is RESTRICTED, for the named agencies' subscribers only."""
        TRANSITIONS.require(self.status, FindingAction.REFER)
        if self.referred_at is not None:
            raise Conflict(
                f"finding {self.id} was referred on {self.referred_at.isoformat()} already"
            )
        chosen = sorted({Agency(a) for a in agencies})
        if not chosen:
            raise RuleViolation("name at least one agency to refer the finding to")
        refused = [a for a in chosen if a not in REFERRAL_AGENCIES]
        if refused:
            raise RuleViolation(
                "findings are referred to discipline inspection or the procuratorate, not "
                + ", ".join(refused)
            )
        now = aware_utc(now)
        self.referred_to = list(chosen)
        self.referral_reason = _text(reason, "a referral's reason", 2000)
        self.referred_at = now
        self.events.append(
            AuditFindingReferred(
                finding_id=self.id,
                audit_report_id=self.audit_report_id,
                year=self.year,
                unit_id=self.unit_id,
                category=self.category,
                amount=self.amount,
                agencies=tuple(chosen),
                reason=self.referral_reason,
                referred_at=now,
            )
        )


# --- The rectification rate (审计查出问题整改率) -------------------------------------------------

RATE_PLACES = 4  # a share with four decimals: a percentage with two


def _share(numerator: int, denominator: int) -> Decimal | None:
    """numerator / denominator rounded half up to ``RATE_PLACES`` decimals, exactly (integer
    arithmetic, no float and no intermediate rounding); None when the denominator is 0."""
    if denominator == 0:
        return None
    scale = 10**RATE_PLACES
    rounded = (2 * numerator * scale + denominator) // (2 * denominator)
    return Decimal(rounded).scaleb(-RATE_PLACES)


@dataclass(frozen=True)
class FindingFigures:
    """What the rate needs of one finding."""

    status: RectificationStatus
    amount: Decimal
    rectified_amount: Decimal
    recovered_amount: Decimal


@dataclass(frozen=True)
class RectificationRate:
    """The rectification rate (整改率) of a set of findings, two ways:

    - **count rate** = findings rectified in full (已整改) / all findings. Partly rectified
      (部分整改), in-progress (正在整改) and not rectified (未整改) findings count 0: only a
      finding rectified in full (整改到位) counts as rectified. Partial work is credited by the
      amount rate instead.
    - **amount rate** = Σ rectified amount / Σ finding amount, over all findings (findings
      without money add 0 to both sums). The rectified amount of a finding is the cumulative
      amount of its latest rectification report.

    Both are decimal shares rounded half up to 4 decimals (``0.6667`` = 66.67%), computed
    from the exact integer fen and counts, which are given beside them; None when there is
    nothing to divide by (no findings, or no money).
    """

    findings: int
    rectified: int
    partly_rectified: int
    in_progress: int
    not_rectified: int
    amount: Decimal
    rectified_amount: Decimal
    recovered_amount: Decimal

    @classmethod
    def of(cls, findings: Iterable[FindingFigures]) -> RectificationRate:
        counts = dict.fromkeys(RectificationStatus, 0)
        amount = rectified = recovered = ZERO
        for f in findings:
            counts[f.status] += 1
            amount += f.amount
            rectified += f.rectified_amount
            recovered += f.recovered_amount
        return cls(
            findings=sum(counts.values()),
            rectified=counts[RectificationStatus.RECTIFIED],
            partly_rectified=counts[RectificationStatus.PARTLY_RECTIFIED],
            in_progress=counts[RectificationStatus.IN_PROGRESS],
            not_rectified=counts[RectificationStatus.NOT_RECTIFIED],
            amount=amount,
            rectified_amount=rectified,
            recovered_amount=recovered,
        )

    @property
    def count_rate(self) -> Decimal | None:
        return _share(self.rectified, self.findings)

    @property
    def amount_rate(self) -> Decimal | None:
        return _share(int(self.rectified_amount * 100), int(self.amount * 100))


def change(current: Decimal | None, previous: Decimal | None) -> Decimal | None:
    """Year-on-year change of a rate (in share points, e.g. ``0.1250`` = +12.5 points)."""
    if current is None or previous is None:
        return None
    return current - previous
