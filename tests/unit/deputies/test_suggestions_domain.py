"""Deputy suggestions (代表建议): assignment, co-handling, reply, rating and re-handling, no I/O."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest

from jiandu_deputies.domain.opinions import IssueCategory
from jiandu_deputies.domain.suggestions import DeputySuggestion, SuggestionState
from jiandu_shared.calendar import CHINA_TZ, Period, WorkingCalendar
from jiandu_shared.contracts.deputies.suggestions import (
    SuggestionAssigned,
    SuggestionCoHandlingInputGiven,
    SuggestionLeaderAssigned,
    SuggestionRated,
    SuggestionRehandlingStarted,
    SuggestionReplied,
    SuggestionReplyDueSoon,
    SuggestionReplyOverdue,
    SuggestionSubmitted,
)
from jiandu_shared.contracts.topics import SatisfactionLevel
from jiandu_shared.errors import Conflict, InvalidTransition, RuleViolation

DEPUTY = uuid.UUID("00000000-0000-4000-8000-0000000de701")
LEAD = uuid.UUID("00000000-0000-4000-8000-00000000a001")
CO = uuid.UUID("00000000-0000-4000-8000-00000000a002")
CO2 = uuid.UUID("00000000-0000-4000-8000-00000000a003")
LEADER = uuid.UUID("00000000-0000-4000-8000-00000000b001")
CALENDAR = WorkingCalendar()


def china(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=CHINA_TZ).astimezone(UTC)


def assigned(*co: uuid.UUID) -> DeputySuggestion:
    suggestion = DeputySuggestion.submit(
        deputy_id=DEPUTY,
        title="加强农村饮水安全",
        content="Several villages still rely on wells that fail in summer.",
        category=IssueCategory.AGRICULTURE,
        now=china(date(2026, 3, 2)),
    )
    suggestion.assign(
        lead_department_id=LEAD,
        co_department_ids=list(co),
        period=Period.months(3),
        calendar=CALENDAR,
        now=china(date(2026, 3, 2)),
    )
    return suggestion


def test_submission_and_assignment_to_lead_and_co_handlers() -> None:
    suggestion = assigned(CO, CO2)
    submitted, assignment = suggestion.events
    assert isinstance(submitted, SuggestionSubmitted) and submitted.year == 2026
    assert isinstance(assignment, SuggestionAssigned)
    assert assignment.co_department_ids == (CO, CO2)
    # Three calendar months from 2 March 2026 is 2 June, a Tuesday and a working day.
    assert assignment.due == date(2026, 6, 2)
    assert suggestion.state is SuggestionState.ASSIGNED
    assert suggestion.lead_department_id == LEAD and suggestion.handled_by(CO2)


def test_a_month_deadline_on_a_holiday_moves_to_the_next_working_day() -> None:
    suggestion = DeputySuggestion.submit(
        deputy_id=DEPUTY,
        title="t",
        content="c",
        category=IssueCategory.OTHER,
        now=china(date(2026, 9, 1)),
    )
    deadline = suggestion.assign(
        lead_department_id=LEAD,
        co_department_ids=[],
        period=Period.months(1),
        calendar=CALENDAR,
        now=china(date(2026, 9, 1)),
    )
    # 1 October 2026 is National Day: the deadline is the first working day after the holiday.
    assert deadline.due > date(2026, 10, 1)
    assert CALENDAR.is_workday(deadline.due)
    assert all(not CALENDAR.is_workday(date(2026, 10, d)) for d in range(1, deadline.due.day))


def test_the_lead_cannot_be_a_co_handler() -> None:
    suggestion = DeputySuggestion.submit(
        deputy_id=DEPUTY,
        title="t",
        content="c",
        category=IssueCategory.OTHER,
        now=china(date(2026, 3, 2)),
    )
    with pytest.raises(RuleViolation):
        suggestion.assign(
            lead_department_id=LEAD,
            co_department_ids=[LEAD],
            period=Period.months(3),
            calendar=CALENDAR,
            now=china(date(2026, 3, 2)),
        )
    assert suggestion.state is SuggestionState.SUBMITTED


def test_the_lead_replies_only_with_every_co_handlers_input() -> None:
    suggestion = assigned(CO)
    with pytest.raises(Conflict):
        suggestion.reply(department_id=LEAD, content="答复", now=china(date(2026, 4, 1)))
    with pytest.raises(RuleViolation):
        suggestion.give_co_handling_input(
            department_id=LEAD, content="not a co-handler", now=china(date(2026, 3, 20))
        )
    suggestion.give_co_handling_input(
        department_id=CO, content="协办意见", now=china(date(2026, 3, 20))
    )
    with pytest.raises(Conflict):
        suggestion.give_co_handling_input(
            department_id=CO, content="again", now=china(date(2026, 3, 21))
        )
    with pytest.raises(RuleViolation):
        suggestion.reply(department_id=CO, content="not the lead", now=china(date(2026, 4, 1)))
    suggestion.reply(department_id=LEAD, content="已完成水源改造", now=china(date(2026, 4, 1)))
    assert suggestion.state is SuggestionState.REPLIED
    assert isinstance(suggestion.events[-2], SuggestionCoHandlingInputGiven)
    replied = suggestion.events[-1]
    assert isinstance(replied, SuggestionReplied) and replied.on_time


def test_leader_led_handling() -> None:
    suggestion = assigned()
    suggestion.assign_leader(leader_id=LEADER, leader_title="副区长", now=china(date(2026, 3, 3)))
    assert suggestion.leader_id == LEADER and suggestion.leader_title == "副区长"
    assert isinstance(suggestion.events[-1], SuggestionLeaderAssigned)
    with pytest.raises(Conflict):
        suggestion.assign_leader(
            leader_id=LEADER, leader_title="副区长", now=china(date(2026, 3, 3))
        )


def test_unsatisfied_starts_rehandling_and_satisfied_completes() -> None:
    suggestion = assigned()
    suggestion.reply(department_id=LEAD, content="first reply", now=china(date(2026, 4, 1)))
    with pytest.raises(RuleViolation):
        suggestion.rate(
            deputy_id=uuid.uuid4(),
            rating=SatisfactionLevel.SATISFIED,
            comment=None,
            rehandling_period=Period.months(1),
            calendar=CALENDAR,
            now=china(date(2026, 4, 2)),
        )
    with pytest.raises(RuleViolation):  # 不满意 needs a reason
        suggestion.rate(
            deputy_id=DEPUTY,
            rating=SatisfactionLevel.UNSATISFIED,
            comment=None,
            rehandling_period=Period.months(1),
            calendar=CALENDAR,
            now=china(date(2026, 4, 2)),
        )
    suggestion.rate(
        deputy_id=DEPUTY,
        rating=SatisfactionLevel.UNSATISFIED,
        comment="只答复未落实",
        rehandling_period=Period.months(1),
        calendar=CALENDAR,
        now=china(date(2026, 4, 2)),
    )
    assert suggestion.state is SuggestionState.ASSIGNED
    assert (
        len(suggestion.rounds) == 2 and suggestion.rounds[0].rating is SatisfactionLevel.UNSATISFIED
    )
    rated, again = suggestion.events[-2:]
    assert isinstance(rated, SuggestionRated) and not rated.completed
    assert isinstance(again, SuggestionRehandlingStarted) and again.round == 2
    assert again.due == date(2026, 5, 6)  # 2 May falls in the Labour Day holiday (1-5 May)
    suggestion.reply(department_id=LEAD, content="second reply", now=china(date(2026, 4, 20)))
    suggestion.rate(
        deputy_id=DEPUTY,
        rating=SatisfactionLevel.BASICALLY_SATISFIED,
        comment=None,
        rehandling_period=Period.months(1),
        calendar=CALENDAR,
        now=china(date(2026, 4, 21)),
    )
    assert str(suggestion.state) == SuggestionState.COMPLETED.value and suggestion.completed_at
    with pytest.raises(InvalidTransition):
        suggestion.reply(department_id=LEAD, content="x", now=china(date(2026, 4, 22)))


def test_due_soon_and_overdue_findings() -> None:
    suggestion = assigned()
    assert (
        suggestion.due_soon_reminder_on(10, CALENDAR)
        == CALENDAR.subtract_working_days(date(2026, 6, 2), 10).due
    )
    suggestion.events.clear()
    suggestion.remind_due_soon(calendar=CALENDAR, now=china(date(2026, 5, 20)))
    suggestion.mark_overdue(now=china(date(2026, 6, 3)))
    due_soon, overdue = suggestion.events
    assert isinstance(due_soon, SuggestionReplyDueSoon) and due_soon.lead_department_id == LEAD
    assert isinstance(overdue, SuggestionReplyOverdue) and overdue.due == date(2026, 6, 2)
    assert suggestion.past_due(date(2026, 6, 3))
