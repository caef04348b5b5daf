"""The yearly collection of supervision topics (年度监督议题征集): its window and focus areas.

Staff open a collection window (征集窗口) for the topics of a year; proposals are accepted only
while it is open and the day (in China) lies between its opening and closing dates. Proposals
name one of the focus areas the committee has configured.

Pure domain: no framework imports. Aggregates collect the events they raise in ``events``.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from jiandu_shared.calendar import aware_utc
from jiandu_shared.contracts import EventData
from jiandu_shared.contracts.topics import CollectionWindowClosed, CollectionWindowOpened
from jiandu_shared.errors import Conflict, RuleViolation
from jiandu_shared.state_machine import TransitionTable


@dataclass(frozen=True)
class FocusAreas:
    """The focus areas (重点领域) a proposal may name: code -> label, from configuration."""

    labels: Mapping[str, str]

    def require(self, code: str) -> str:
        if code not in self.labels:
            allowed = ", ".join(sorted(self.labels))
            raise RuleViolation(f"unknown focus area {code!r}; allowed: {allowed}")
        return code


class WindowState(StrEnum):
    SCHEDULED = "scheduled"
    OPEN = "open"
    CLOSED = "closed"


class WindowAction(StrEnum):
    OPEN = "open"
    CLOSE = "close"
    RESCHEDULE = "reschedule"


_S, _A = WindowState, WindowAction

TRANSITIONS: TransitionTable[WindowState, WindowAction] = TransitionTable(
    "collection window",
    {
        _S.SCHEDULED: {_A.OPEN: _S.OPEN, _A.RESCHEDULE: _S.SCHEDULED},
        _S.OPEN: {_A.CLOSE: _S.CLOSED, _A.RESCHEDULE: _S.OPEN},
        # Reopening lets staff extend a collection that closed too early.
        _S.CLOSED: {_A.OPEN: _S.OPEN},
    },
)


def _check_dates(year: int, opens_on: date, closes_on: date) -> None:
    if opens_on > closes_on:
        raise RuleViolation(
            f"a collection window cannot close ({closes_on}) before it opens ({opens_on})"
        )
    # Topics for a year are collected in that year or the one before it.
    if opens_on.year < year - 1 or closes_on.year > year:
        raise RuleViolation(
            f"the collection window for {year} must lie between {year - 1}-01-01 and {year}-12-31"
        )


class CollectionWindow:
    """The yearly collection window (征集窗口) of supervision topics; one per year."""

    WHAT = "collection window"

    def __init__(
        self,
        *,
        id: uuid.UUID,
        year: int,
        opens_on: date,
        closes_on: date,
        created_at: datetime,
        state: WindowState = WindowState.SCHEDULED,
        opened_at: datetime | None = None,
        closed_at: datetime | None = None,
    ) -> None:
        self.id = id
        self.year = year
        self.opens_on = opens_on
        self.closes_on = closes_on
        self.created_at = created_at
        self.state = state
        self.opened_at = opened_at
        self.closed_at = closed_at
        self.events: list[EventData] = []

    @classmethod
    def schedule(
        cls, *, year: int, opens_on: date, closes_on: date, now: datetime
    ) -> CollectionWindow:
        _check_dates(year, opens_on, closes_on)
        return cls(
            id=uuid.uuid4(),
            year=year,
            opens_on=opens_on,
            closes_on=closes_on,
            created_at=aware_utc(now),
        )

    def __str__(self) -> str:
        return f"the {self.year} collection window ({self.opens_on} to {self.closes_on})"

    def allowed_actions(self) -> frozenset[WindowAction]:
        return TRANSITIONS.allowed(self.state)

    def _require(self, action: WindowAction) -> None:
        TRANSITIONS.require(self.state, action)

    def _move(self, action: WindowAction) -> None:
        self.state = TRANSITIONS.move(self.state, action)

    def open(self, *, now: datetime) -> None:
        self._require(WindowAction.OPEN)
        self._move(WindowAction.OPEN)
        self.opened_at = aware_utc(now)
        self.closed_at = None
        self.events.append(
            CollectionWindowOpened(
                window_id=self.id,
                year=self.year,
                opens_on=self.opens_on,
                closes_on=self.closes_on,
                opened_at=self.opened_at,
            )
        )

    def close(self, *, now: datetime) -> None:
        self._require(WindowAction.CLOSE)
        self._move(WindowAction.CLOSE)
        self.closed_at = aware_utc(now)
        self.events.append(
            CollectionWindowClosed(
                window_id=self.id,
                year=self.year,
                opens_on=self.opens_on,
                closes_on=self.closes_on,
                closed_at=self.closed_at,
            )
        )

    def reschedule(self, *, opens_on: date, closes_on: date) -> None:
        self._require(WindowAction.RESCHEDULE)
        _check_dates(self.year, opens_on, closes_on)
        self.opens_on, self.closes_on = opens_on, closes_on
        self._move(WindowAction.RESCHEDULE)

    def accepts(self, today: date) -> bool:
        return self.state is WindowState.OPEN and self.opens_on <= today <= self.closes_on

    def require_accepting(self, today: date) -> None:
        """Refuse a proposal on ``today`` (a date in China) unless the window takes it."""
        if self.state is not WindowState.OPEN:
            raise Conflict(f"{self} is not open (it is {self.state}); proposals are not accepted")
        if today < self.opens_on:
            raise Conflict(
                f"{self} has not opened yet; proposals are accepted from {self.opens_on}"
            )
        if today > self.closes_on:
            raise Conflict(f"{self} closed on {self.closes_on}; proposals are no longer accepted")
