"""The annual supervision plan (年度监督计划/要点): the year's topics and how each is supervised.

Adopted topics become plan items, each with a responsible committee (专(工)委室), the organs or
departments supervised, one or more supervision methods (监督方式) and a planned quarter or
month. The plan is drafted, then published; once published it no longer changes.

Pure domain: no framework imports. Aggregates collect the events they raise in ``events``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from jiandu_shared.calendar import aware_utc
from jiandu_shared.contracts import EventData
from jiandu_shared.contracts.topics import PlannedItem, PlanPublished, SupervisionMethod
from jiandu_shared.errors import Conflict, NotFound, RuleViolation
from jiandu_shared.state_machine import TransitionTable

MAX_TITLE = 200


class PlanState(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


class PlanAction(StrEnum):
    ADD_ITEM = "add_item"
    CHANGE_ITEM = "change_item"
    REMOVE_ITEM = "remove_item"
    PUBLISH = "publish"


_S, _A = PlanState, PlanAction

TRANSITIONS: TransitionTable[PlanState, PlanAction] = TransitionTable(
    "annual plan",
    {
        _S.DRAFT: {
            _A.ADD_ITEM: _S.DRAFT,
            _A.CHANGE_ITEM: _S.DRAFT,
            _A.REMOVE_ITEM: _S.DRAFT,
            _A.PUBLISH: _S.PUBLISHED,
        },
        _S.PUBLISHED: {},
    },
)


@dataclass(frozen=True)
class Schedule:
    """When an item is planned: a quarter, or a month (which gives the quarter)."""

    quarter: int
    month: int | None = None

    @classmethod
    def of(cls, *, quarter: int | None, month: int | None) -> Schedule:
        if month is not None and not 1 <= month <= 12:
            raise RuleViolation(f"planned month must be 1 to 12, not {month}")
        if quarter is not None and not 1 <= quarter <= 4:
            raise RuleViolation(f"planned quarter must be 1 to 4, not {quarter}")
        if month is None and quarter is None:
            raise RuleViolation("a plan item needs a planned quarter or month")
        if month is not None:
            from_month = (month - 1) // 3 + 1
            if quarter is not None and quarter != from_month:
                raise RuleViolation(f"month {month} is in quarter {from_month}, not {quarter}")
            return cls(from_month, month)
        assert quarter is not None
        return cls(quarter)


def _title(text: str) -> str:
    text = text.strip()
    if not text or len(text) > MAX_TITLE:
        raise RuleViolation(f"a plan item needs a title of 1 to {MAX_TITLE} characters")
    return text


def _methods(methods: Iterable[SupervisionMethod]) -> list[SupervisionMethod]:
    chosen = list(dict.fromkeys(SupervisionMethod(m) for m in methods))
    if not chosen:
        allowed = ", ".join(m.value for m in SupervisionMethod)
        raise RuleViolation(f"a plan item needs at least one supervision method ({allowed})")
    return chosen


def _organs(organ_ids: Iterable[uuid.UUID]) -> list[uuid.UUID]:
    organs = list(dict.fromkeys(organ_ids))
    if not organs:
        raise RuleViolation("a plan item needs at least one target organ or department")
    return organs


@dataclass(eq=False)
class PlanItem:
    """One supervised topic of the plan (监督项目)."""

    id: uuid.UUID
    plan_id: uuid.UUID
    number: int
    title: str
    focus_area: str
    proposal_id: uuid.UUID | None  # None for an item that did not come from the collection
    committee_id: uuid.UUID
    target_organ_ids: list[uuid.UUID]
    methods: list[SupervisionMethod]
    planned_quarter: int
    planned_month: int | None

    def planned(self) -> PlannedItem:
        return PlannedItem(
            plan_item_id=self.id,
            number=self.number,
            title=self.title,
            focus_area=self.focus_area,
            proposal_id=self.proposal_id,
            committee_id=self.committee_id,
            target_organ_ids=tuple(self.target_organ_ids),
            methods=tuple(self.methods),
            planned_quarter=self.planned_quarter,
            planned_month=self.planned_month,
        )


class AnnualPlan:
    """The annual supervision plan (年度监督计划) of one year."""

    WHAT = "annual plan"

    def __init__(
        self,
        *,
        id: uuid.UUID,
        year: int,
        title: str,
        created_at: datetime,
        state: PlanState = PlanState.DRAFT,
        items: list[PlanItem] | None = None,
        updated_at: datetime | None = None,
        published_at: datetime | None = None,
    ) -> None:
        self.id = id
        self.year = year
        self.title = title
        self.created_at = created_at
        self.state = state
        self.items: list[PlanItem] = items if items is not None else []
        self.updated_at = updated_at or created_at
        self.published_at = published_at
        self.events: list[EventData] = []

    @classmethod
    def draft(cls, *, year: int, title: str | None, now: datetime) -> AnnualPlan:
        text = (title or "").strip() or f"{year}年度监督工作计划"
        if len(text) > MAX_TITLE:
            raise RuleViolation(f"a plan title has at most {MAX_TITLE} characters")
        return cls(id=uuid.uuid4(), year=year, title=text, created_at=aware_utc(now))

    # --- the state machine --------------------------------------------------------------

    def allowed_actions(self) -> frozenset[PlanAction]:
        return TRANSITIONS.allowed(self.state)

    def require(self, action: PlanAction) -> None:
        """Fail now if ``action`` is not allowed, before the caller does further work."""
        self._require(action)

    def _require(self, action: PlanAction) -> None:
        TRANSITIONS.require(self.state, action)

    def _move(self, action: PlanAction, now: datetime) -> None:
        self.state = TRANSITIONS.move(self.state, action)
        # Every change touches the plan's own row, so concurrent edits are detected.
        self.updated_at = aware_utc(now)

    # --- queries ------------------------------------------------------------------------

    def ordered_items(self) -> list[PlanItem]:
        return sorted(self.items, key=lambda i: i.number)

    def item(self, item_id: uuid.UUID) -> PlanItem:
        for item in self.items:
            if item.id == item_id:
                return item
        raise NotFound("plan item", item_id)

    def _check_proposal_free(
        self, proposal_id: uuid.UUID | None, item_id: uuid.UUID | None
    ) -> None:
        if proposal_id is None:
            return
        for other in self.items:
            if other.proposal_id == proposal_id and other.id != item_id:
                raise Conflict(f"proposal {proposal_id} is already plan item {other.number}")

    # --- transitions --------------------------------------------------------------------

    def add_item(
        self,
        *,
        title: str,
        focus_area: str,
        committee_id: uuid.UUID,
        target_organ_ids: Iterable[uuid.UUID],
        methods: Iterable[SupervisionMethod],
        schedule: Schedule,
        proposal_id: uuid.UUID | None = None,
        now: datetime,
    ) -> PlanItem:
        self._require(PlanAction.ADD_ITEM)
        self._check_proposal_free(proposal_id, None)
        item = PlanItem(
            id=uuid.uuid4(),
            plan_id=self.id,
            number=max((i.number for i in self.items), default=0) + 1,
            title=_title(title),
            focus_area=focus_area,
            proposal_id=proposal_id,
            committee_id=committee_id,
            target_organ_ids=_organs(target_organ_ids),
            methods=_methods(methods),
            planned_quarter=schedule.quarter,
            planned_month=schedule.month,
        )
        self.items.append(item)
        self._move(PlanAction.ADD_ITEM, now)
        return item

    def change_item(
        self,
        item_id: uuid.UUID,
        *,
        now: datetime,
        title: str | None = None,
        focus_area: str | None = None,
        committee_id: uuid.UUID | None = None,
        target_organ_ids: Iterable[uuid.UUID] | None = None,
        methods: Iterable[SupervisionMethod] | None = None,
        schedule: Schedule | None = None,
    ) -> PlanItem:
        """Change what is given; lists are replaced, never edited in place."""
        self._require(PlanAction.CHANGE_ITEM)
        item = self.item(item_id)
        if title is not None:
            item.title = _title(title)
        if focus_area is not None:
            item.focus_area = focus_area
        if committee_id is not None:
            item.committee_id = committee_id
        if target_organ_ids is not None:
            item.target_organ_ids = _organs(target_organ_ids)
        if methods is not None:
            item.methods = _methods(methods)
        if schedule is not None:
            item.planned_quarter, item.planned_month = schedule.quarter, schedule.month
        self._move(PlanAction.CHANGE_ITEM, now)
        return item

    def remove_item(self, item_id: uuid.UUID, *, now: datetime) -> PlanItem:
        self._require(PlanAction.REMOVE_ITEM)
        item = self.item(item_id)
        self.items = [i for i in self.items if i.id != item_id]
        self._move(PlanAction.REMOVE_ITEM, now)
        return item

    def publish(self, *, now: datetime) -> list[PlanItem]:
        """Publish the plan; returns its items in order (their proposals are told next)."""
        self._require(PlanAction.PUBLISH)
        if not self.items:
            raise RuleViolation(f"the {self.year} plan has no items to publish")
        items = self.ordered_items()
        self.published_at = aware_utc(now)
        self._move(PlanAction.PUBLISH, now)
        self.events.append(
            PlanPublished(
                plan_id=self.id,
                year=self.year,
                item_count=len(items),
                items=tuple(i.planned() for i in items),
                published_at=self.published_at,
            )
        )
        return items
