"""Supervision reports (督办报告) that committees file on the items they track.

Binchuan: "督办委室报告督办情况" — the committee responsible for a deliberation opinion (or a
plan item) reports how it supervised the handling; 26 such reports in the seed.

Pure domain: no framework imports. Aggregates collect the events they raise in ``events``.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from jiandu_shared.calendar import aware_utc, local_date
from jiandu_shared.contracts import EventData
from jiandu_shared.contracts.topics import SupervisionReportFiled
from jiandu_shared.errors import RuleViolation
from jiandu_topics.domain.opinion import DeliberationOpinion, OpinionState

MAX_SUMMARY = 20_000


class SupervisionReport:
    """A supervision report (督办报告): filed once, then part of the record."""

    WHAT = "supervision report"

    def __init__(
        self,
        *,
        id: uuid.UUID,
        committee_id: uuid.UUID,
        opinion_id: uuid.UUID | None,
        plan_item_id: uuid.UUID | None,
        organ_id: uuid.UUID | None,
        year: int,
        title: str,
        summary: str,
        filed_at: datetime,
        filed_by: str,
    ) -> None:
        self.id = id
        self.committee_id = committee_id
        self.opinion_id = opinion_id
        self.plan_item_id = plan_item_id
        self.organ_id = organ_id
        self.year = year
        self.title = title
        self.summary = summary
        self.filed_at = filed_at
        self.filed_by = filed_by
        self.events: list[EventData] = []

    @classmethod
    def file(
        cls,
        *,
        committee_id: uuid.UUID,
        title: str,
        summary: str,
        filed_by: str,
        now: datetime,
        opinion: DeliberationOpinion | None = None,
        plan_item_id: uuid.UUID | None = None,
    ) -> SupervisionReport:
        """File a report on ``opinion`` or on a plan item; only the responsible committee may."""
        now = aware_utc(now)
        title, summary = title.strip(), summary.strip()
        if not title or len(title) > 200:
            raise RuleViolation("a supervision report needs a title of 1 to 200 characters")
        if not summary or len(summary) > MAX_SUMMARY:
            raise RuleViolation(
                f"a supervision report needs a summary of 1 to {MAX_SUMMARY} characters"
            )
        organ_id: uuid.UUID | None = None
        if opinion is not None:
            if opinion.committee_id != committee_id:
                raise RuleViolation(
                    f"opinion {opinion.id} is tracked by committee {opinion.committee_id}; "
                    "only that committee files supervision reports on it"
                )
            if opinion.state is OpinionState.DRAFTED:
                raise RuleViolation(
                    f"opinion {opinion.id} has not been assigned yet: there is nothing to supervise"
                )
            if plan_item_id is not None and plan_item_id != opinion.plan_item_id:
                raise RuleViolation(
                    f"opinion {opinion.id} belongs to plan item {opinion.plan_item_id}, "
                    f"not {plan_item_id}"
                )
            plan_item_id, organ_id = opinion.plan_item_id, opinion.organ_id
        elif plan_item_id is None:
            raise RuleViolation("a supervision report is on an opinion or on a plan item")
        report = cls(
            id=uuid.uuid4(),
            committee_id=committee_id,
            opinion_id=opinion.id if opinion else None,
            plan_item_id=plan_item_id,
            organ_id=organ_id,
            year=local_date(now).year,
            title=title,
            summary=summary,
            filed_at=now,
            filed_by=filed_by,
        )
        report.events.append(
            SupervisionReportFiled(
                report_id=report.id,
                committee_id=committee_id,
                opinion_id=report.opinion_id,
                plan_item_id=plan_item_id,
                organ_id=organ_id,
                year=report.year,
                title=title,
                filed_at=now,
            )
        )
        return report
