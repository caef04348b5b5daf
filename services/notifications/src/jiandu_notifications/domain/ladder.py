"""Escalation ladders (催办升级): an unhandled item climbs reminder → warning → the
responsible organ's head → the committee leadership, one step every N working days on the
official calendar, and stops as soon as the item is handled.

A kind of item (a deliberation opinion today; a deputy's suggestion or an audit finding as
their services publish deadlines) has a policy: the events that start its ladder, the events
that stop it, and the steps with their working-day gaps, all configuration.

Pure domain: no framework imports.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Protocol

from jiandu_notifications.domain.notification import Addressee, RecipientRole
from jiandu_shared.contracts import EventData
from jiandu_shared.contracts.notifications import LadderEscalated


class Rung(StrEnum):
    """Who a step reaches, besides the tracking committee's staff from the warning on."""

    REMINDER = "reminder"  # 催办: the organ
    WARNING = "warning"  # 警示: the organ and the tracking committee
    ORGAN_HEAD = "organ_head"  # 约谈负责人: the organ's head
    COMMITTEE_LEADERSHIP = "committee_leadership"  # 报主任会议: the committee leadership


@dataclass(frozen=True)
class LadderStep:
    rung: Rung
    after_working_days: int  # after the previous step (the first: after the start)


@dataclass(frozen=True)
class LadderPolicy:
    kind: str
    item_field: str  # the item's id in the events' data, e.g. "opinion_id"
    start_on: tuple[str, ...]  # event types that start the ladder (the first one does)
    stop_on: tuple[str, ...]  # event types that mean the item was handled
    steps: tuple[LadderStep, ...]

    def __post_init__(self) -> None:
        if not self.steps:
            raise ValueError(f"ladder policy {self.kind!r} has no steps")
        if any(s.after_working_days < 0 for s in self.steps):
            raise ValueError(f"ladder policy {self.kind!r}: working days cannot be negative")

    def with_gaps(self, gaps: Mapping[str, int]) -> LadderPolicy:
        """The same ladder with some steps' working-day gaps changed (configuration)."""
        unknown = set(gaps) - {s.rung.value for s in self.steps}
        if unknown:
            raise ValueError(f"ladder {self.kind!r} has no step {', '.join(sorted(unknown))}")
        steps = tuple(
            LadderStep(s.rung, int(gaps.get(s.rung.value, s.after_working_days)))
            for s in self.steps
        )
        return LadderPolicy(self.kind, self.item_field, self.start_on, self.stop_on, steps)


OPINION_LADDER = LadderPolicy(
    kind="opinion",
    item_field="opinion_id",
    start_on=("topics.opinion.due_soon", "topics.opinion.overdue"),
    stop_on=("topics.opinion.report_submitted", "topics.opinion.closed"),
    steps=(
        LadderStep(Rung.REMINDER, 0),
        LadderStep(Rung.WARNING, 3),
        LadderStep(Rung.ORGAN_HEAD, 5),
        LadderStep(Rung.COMMITTEE_LEADERSHIP, 5),
    ),
)


class CalendarDeadline(Protocol):
    @property
    def due(self) -> date: ...

    @property
    def provisional(self) -> bool: ...


class Calendar(Protocol):
    def add_working_days(self, start: date, n: int) -> CalendarDeadline: ...

    def working_days_between(self, a: date, b: date) -> int: ...


class LadderState(StrEnum):
    CLIMBING = "climbing"
    TOPPED = "topped"  # every step was taken; nothing further happens by itself
    STOPPED = "stopped"  # the item was handled


def ladder_id(kind: str, item_id: uuid.UUID, round_: int) -> uuid.UUID:
    return uuid.uuid5(item_id, f"ladder:{kind}:{round_}")


@dataclass(eq=False)
class EscalationLadder:
    id: uuid.UUID
    kind: str
    item_id: uuid.UUID
    round: int
    organ_id: uuid.UUID | None
    committee_id: uuid.UUID | None
    correlation_id: str
    started_on: date
    next_step: int  # index of the step still to take
    next_step_on: date | None
    provisional: bool  # next_step_on was counted without an official calendar for its year
    state: LadderState
    created_at: datetime
    last_step_on: date | None = None
    stopped_at: datetime | None = None
    stopped_by: str | None = None
    events: list[EventData] = field(default_factory=list, repr=False)

    @classmethod
    def start(
        cls,
        policy: LadderPolicy,
        data: Mapping[str, Any],
        *,
        correlation_id: str,
        today: date,
        now: datetime,
        calendar: Calendar,
    ) -> EscalationLadder:
        item_id = uuid.UUID(str(data[policy.item_field]))
        round_ = int(data.get("round", 1))
        first = calendar.add_working_days(today, policy.steps[0].after_working_days)
        return cls(
            id=ladder_id(policy.kind, item_id, round_),
            kind=policy.kind,
            item_id=item_id,
            round=round_,
            organ_id=_uuid_or_none(data.get("organ_id")),
            committee_id=_uuid_or_none(data.get("committee_id")),
            correlation_id=correlation_id,
            started_on=today,
            next_step=0,
            next_step_on=first.due,
            provisional=first.provisional,
            state=LadderState.CLIMBING,
            created_at=now,
        )

    def due_steps(
        self, policy: LadderPolicy, today: date, now: datetime, calendar: Calendar
    ) -> list[Rung]:
        """Take every step that has fallen due by ``today`` (several, after a long outage)."""
        taken: list[Rung] = []
        while (
            self.state is LadderState.CLIMBING
            and self.next_step_on is not None
            and self.next_step_on <= today
        ):
            step = policy.steps[self.next_step]
            self.events.append(
                LadderEscalated(
                    ladder_id=self.id,
                    item_kind=self.kind,
                    item_id=self.item_id,
                    round=self.round,
                    step=self.next_step,
                    step_name=step.rung.value,
                    organ_id=self.organ_id,
                    committee_id=self.committee_id,
                    started_on=self.started_on,
                    working_days_since_start=calendar.working_days_between(
                        self.started_on, self.next_step_on
                    ),
                    escalated_at=now,
                )
            )
            taken.append(step.rung)
            self.last_step_on = self.next_step_on
            self.next_step += 1
            if self.next_step >= len(policy.steps):
                self.state, self.next_step_on = LadderState.TOPPED, None
            else:
                following = calendar.add_working_days(
                    self.next_step_on, policy.steps[self.next_step].after_working_days
                )
                self.next_step_on, self.provisional = following.due, following.provisional
        return taken

    def stop(self, event_type: str, now: datetime) -> bool:
        """The item was handled: no further step. False when it had already stopped."""
        if self.state is LadderState.STOPPED:
            return False
        self.state, self.next_step_on = LadderState.STOPPED, None
        self.stopped_at, self.stopped_by = now, event_type
        return True

    def reschedule(self, policy: LadderPolicy, calendar: Calendar) -> None:
        """Count the next step again, e.g. after an official calendar was loaded."""
        if self.state is not LadderState.CLIMBING:
            return
        following = calendar.add_working_days(
            self.last_step_on or self.started_on,
            policy.steps[self.next_step].after_working_days,
        )
        self.next_step_on, self.provisional = following.due, following.provisional

    def addressees(self, rung: Rung) -> list[Addressee]:
        organ = str(self.organ_id) if self.organ_id else None
        committee = Addressee(
            RecipientRole.COMMITTEE_STAFF, str(self.committee_id) if self.committee_id else None
        )
        if rung is Rung.REMINDER:
            return [Addressee(RecipientRole.DEPARTMENT, organ)]
        if rung is Rung.WARNING:
            return [Addressee(RecipientRole.DEPARTMENT, organ), committee]
        if rung is Rung.ORGAN_HEAD:
            return [Addressee(RecipientRole.ORGAN_HEAD, organ), committee]
        return [Addressee(RecipientRole.COMMITTEE_LEADERSHIP), committee]


def _uuid_or_none(value: object) -> uuid.UUID | None:
    return uuid.UUID(str(value)) if value else None


def policies_by_event(policies: Sequence[LadderPolicy]) -> dict[str, list[LadderPolicy]]:
    found: dict[str, list[LadderPolicy]] = {}
    for policy in policies:
        for event_type in (*policy.start_on, *policy.stop_on):
            found.setdefault(event_type, []).append(policy)
    return found
