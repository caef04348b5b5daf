"""The annual supervision plan (年度监督计划): items while draft, then published."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from jiandu_shared.contracts.topics import PlanPublished, SupervisionMethod
from jiandu_shared.errors import Conflict, InvalidTransition, NotFound, RuleViolation
from jiandu_topics.domain.plan import AnnualPlan, PlanState, Schedule

NOW = datetime(2027, 1, 10, 2, 0, tzinfo=UTC)
COMMITTEE = uuid.UUID(int=1)
EDUCATION = uuid.UUID(int=10)
M = SupervisionMethod


def plan_with(n: int) -> AnnualPlan:
    plan = AnnualPlan.draft(year=2027, title=None, now=NOW)
    for i in range(n):
        plan.add_item(
            title=f"Item {i + 1}",
            focus_area="ecology",
            committee_id=COMMITTEE,
            target_organ_ids=[EDUCATION],
            methods=[M.WORK_REPORT_DELIBERATION, M.SPECIAL_INQUIRY],
            schedule=Schedule.of(quarter=None, month=(i % 12) + 1),
            proposal_id=uuid.uuid4(),
            now=NOW,
        )
    return plan


def test_a_plan_of_29_items_is_published_with_every_item_in_its_event() -> None:
    plan = plan_with(29)
    assert plan.title == "2027年度监督工作计划"
    items = plan.publish(now=NOW)
    assert [i.number for i in items] == list(range(1, 30))
    (event,) = plan.events
    assert isinstance(event, PlanPublished)
    assert event.item_count == 29
    assert [i.plan_item_id for i in event.items] == [i.id for i in items]
    assert event.items[0].methods == (M.WORK_REPORT_DELIBERATION, M.SPECIAL_INQUIRY)
    assert event.items[4].planned_month == 5 and event.items[4].planned_quarter == 2
    assert plan.state is PlanState.PUBLISHED


def test_a_published_plan_no_longer_changes() -> None:
    plan = plan_with(2)
    plan.publish(now=NOW)
    item = plan.items[0]
    with pytest.raises(InvalidTransition) as raised:
        plan.change_item(item.id, title="changed", now=NOW)
    assert raised.value.state == "published" and raised.value.allowed == []
    with pytest.raises(InvalidTransition):
        plan.remove_item(item.id, now=NOW)
    with pytest.raises(InvalidTransition):
        plan.publish(now=NOW)
    with pytest.raises(InvalidTransition):
        plan.add_item(
            title="late",
            focus_area="ecology",
            committee_id=COMMITTEE,
            target_organ_ids=[EDUCATION],
            methods=[M.INSPECTION_VISIT],
            schedule=Schedule.of(quarter=4, month=None),
            now=NOW,
        )


def test_an_empty_plan_cannot_be_published() -> None:
    with pytest.raises(RuleViolation, match="no items"):
        plan_with(0).publish(now=NOW)


def test_items_change_and_go_while_draft() -> None:
    plan = plan_with(3)
    first, second, _third = plan.ordered_items()
    plan.change_item(
        first.id,
        title="执法检查: 安全生产法",
        methods=[M.LAW_ENFORCEMENT_INSPECTION, M.LAW_ENFORCEMENT_INSPECTION],
        schedule=Schedule.of(quarter=3, month=None),
        now=NOW,
    )
    assert first.methods == [M.LAW_ENFORCEMENT_INSPECTION]  # repeats dropped
    assert (first.planned_quarter, first.planned_month) == (3, None)
    plan.remove_item(second.id, now=NOW)
    assert [i.number for i in plan.ordered_items()] == [1, 3]
    again = plan.add_item(
        title="new",
        focus_area="ecology",
        committee_id=COMMITTEE,
        target_organ_ids=[EDUCATION],
        methods=[M.PERFORMANCE_REVIEW],
        schedule=Schedule.of(quarter=1, month=None),
        now=NOW,
    )
    assert again.number == 4  # numbers are never reused
    with pytest.raises(NotFound):
        plan.change_item(uuid.uuid4(), title="x", now=NOW)


def test_item_rules() -> None:
    plan = plan_with(1)
    taken = plan.items[0].proposal_id

    def add(**changes: object) -> None:
        values: dict[str, object] = {
            "title": "x",
            "focus_area": "ecology",
            "committee_id": COMMITTEE,
            "target_organ_ids": [EDUCATION],
            "methods": [M.SPECIAL_DELIBERATION],
            "schedule": Schedule.of(quarter=2, month=None),
            "now": NOW,
        }
        values.update(changes)
        plan.add_item(**values)  # type: ignore[arg-type]

    with pytest.raises(RuleViolation, match="supervision method"):
        add(methods=[])
    with pytest.raises(RuleViolation, match="target organ"):
        add(target_organ_ids=[])
    with pytest.raises(RuleViolation, match="title"):
        add(title=" ")
    with pytest.raises(Conflict, match="already plan item 1"):
        add(proposal_id=taken)
    assert len(plan.items) == 1


@pytest.mark.parametrize(
    ("quarter", "month", "expected"),
    [(2, None, (2, None)), (None, 12, (4, 12)), (1, 3, (1, 3))],
)
def test_a_schedule_is_a_quarter_or_a_month(
    quarter: int | None, month: int | None, expected: tuple[int, int | None]
) -> None:
    schedule = Schedule.of(quarter=quarter, month=month)
    assert (schedule.quarter, schedule.month) == expected


@pytest.mark.parametrize(
    ("quarter", "month", "message"),
    [
        (None, None, "quarter or month"),
        (2, 12, "quarter 4, not 2"),
        (5, None, "1 to 4"),
        (None, 13, "1 to 12"),
    ],
)
def test_bad_schedules_are_refused(quarter: int | None, month: int | None, message: str) -> None:
    with pytest.raises(RuleViolation, match=message):
        Schedule.of(quarter=quarter, month=month)
