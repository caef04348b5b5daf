"""Citizens' opinions (民情民意) by a deputy's code: transitions and deadlines, no I/O."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest

from jiandu_deputies.domain.opinions import (
    CitizenOpinion,
    IssueCategory,
    OpinionAction,
    OpinionState,
    StepKind,
    TopicRaise,
)
from jiandu_shared.calendar import CHINA_TZ, OfficialYear, Period, WorkingCalendar
from jiandu_shared.contracts.deputies.opinions import (
    CitizenOpinionDeadlineRecomputed,
    OpinionAnswered,
    OpinionDepartmentReplied,
    OpinionRaisedAsSuggestion,
    OpinionRaisedAsTopic,
    OpinionResponseDueSoon,
    OpinionResponseOverdue,
    OpinionSubmitted,
    OpinionTransferred,
    Responder,
)
from jiandu_shared.errors import InvalidTransition, RuleViolation

DEPUTY = uuid.UUID("00000000-0000-4000-8000-0000000de701")
DEPARTMENT = uuid.UUID("00000000-0000-4000-8000-00000000a001")
CALENDAR = WorkingCalendar()
FIVE_DAYS = Period.working_days(5)


def china(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=CHINA_TZ).astimezone(UTC)


def submitted(
    on: date = date(2026, 12, 7),
    period: Period = FIVE_DAYS,
    calendar: WorkingCalendar = CALENDAR,
    **changes: object,
) -> tuple[CitizenOpinion, str]:
    values: dict[str, object] = {
        "deputy_id": DEPUTY,
        "public_code": "7K3QX9ZP",
        "category": IssueCategory.TRANSPORT,
        "subject": "  公交站台没有遮雨棚 ",
        "content": "Residents wait in the rain at the stop by the market.",
        "citizen_name": "王五",
        "citizen_contact": "13800000000",
        "answer_period": period,
        "calendar": calendar,
        "now": china(on),
    }
    values.update(changes)
    return CitizenOpinion.submit(**values)  # type: ignore[arg-type]


def test_submission_gives_a_tracking_code_a_secret_and_an_answer_deadline() -> None:
    opinion, secret = submitted()
    assert opinion.state is OpinionState.SUBMITTED
    assert opinion.tracking_code.startswith("MY-")
    assert opinion.subject == "公交站台没有遮雨棚"
    assert opinion.verify_secret(secret) and not opinion.verify_secret(secret + "x")
    assert secret not in opinion.secret_hash
    assert opinion.deadline.due == date(2026, 12, 14)  # five working days after Monday
    assert opinion.responder is Responder.DEPUTY
    assert [s.kind for s in opinion.steps] == [StepKind.SUBMITTED]
    (event,) = opinion.events
    assert isinstance(event, OpinionSubmitted)
    assert event.due == date(2026, 12, 14) and event.tracking_code == opinion.tracking_code
    # Identifiers and facts only: the citizen's name and contact stay here.
    dumped = event.model_dump_json()
    assert "王五" not in dumped and "13800000000" not in dumped


def test_the_answer_deadline_counts_working_days_across_the_national_day_holiday() -> None:
    # 30 Sep 2025: 1-8 Oct are off, Saturday 11 Oct is a make-up working day (调休).
    opinion, _ = submitted(on=date(2025, 9, 30))
    assert opinion.deadline.due == date(2025, 10, 14)
    assert not opinion.deadline.provisional


def test_the_deadline_follows_a_year_an_operator_loaded_into_the_calendar() -> None:
    # 2027 is not in the package: counted Monday to Friday and provisional …
    plain, _ = submitted(on=date(2027, 2, 8), calendar=WorkingCalendar())
    assert plain.deadline.due == date(2027, 2, 15) and plain.deadline.provisional
    # … until the official arrangement is loaded: the Spring Festival days are off.
    festival = {date(2027, 2, d) for d in range(9, 16)}
    loaded = WorkingCalendar(
        [OfficialYear(2027, festival, {date(2027, 2, 20)}, source="国办发明电〔2026〕X号")]
    )
    opinion, _ = submitted(on=date(2027, 2, 8), calendar=loaded)
    # 16, 17, 18, 19 Feb, then Saturday 20 Feb (make-up working day) is the fifth.
    assert opinion.deadline.due == date(2027, 2, 20)
    assert not opinion.deadline.provisional


def test_the_deputy_answers_and_the_opinion_is_closed() -> None:
    opinion, _ = submitted()
    opinion.events.clear()
    opinion.answer(answer="已联系公交公司，下月加装。", now=china(date(2026, 12, 9)))
    assert opinion.state is OpinionState.ANSWERED
    assert opinion.responder is None and opinion.closed_at is not None
    assert opinion.steps[-1].kind is StepKind.ANSWERED and opinion.steps[-1].on_time
    (event,) = opinion.events
    assert isinstance(event, OpinionAnswered) and event.on_time
    with pytest.raises(InvalidTransition):
        opinion.answer(answer="again", now=china(date(2026, 12, 9)))


def test_a_late_answer_is_recorded_as_late() -> None:
    opinion, _ = submitted()
    opinion.answer(answer="迟到的答复", now=china(date(2026, 12, 15)))
    assert opinion.steps[-1].on_time is False


def test_transfer_gives_the_department_its_own_deadline_and_it_replies() -> None:
    opinion, _ = submitted()
    opinion.events.clear()
    deadline = opinion.transfer(
        department_id=DEPARTMENT,
        note="转交区交通运输局办理",
        reply_period=Period.working_days(10),
        calendar=CALENDAR,
        now=china(date(2026, 12, 8)),
    )
    assert opinion.state is OpinionState.TRANSFERRED
    assert opinion.responder is Responder.DEPARTMENT
    assert deadline.due == date(2026, 12, 22) and opinion.deadline_number == 2
    (event,) = opinion.events
    assert isinstance(event, OpinionTransferred) and event.department_id == DEPARTMENT
    with pytest.raises(RuleViolation):
        opinion.reply_as_department(
            department_id=uuid.uuid4(), reply="not ours", now=china(date(2026, 12, 9))
        )
    opinion.reply_as_department(
        department_id=DEPARTMENT, reply="已加装遮雨棚", now=china(date(2026, 12, 18))
    )
    assert str(opinion.state) == OpinionState.HANDLED.value
    assert [s.kind for s in opinion.steps] == [
        StepKind.SUBMITTED,
        StepKind.TRANSFERRED,
        StepKind.DEPARTMENT_REPLIED,
    ]
    assert isinstance(opinion.events[-1], OpinionDepartmentReplied)


def test_raising_to_a_suggestion_or_a_topic_closes_the_opinion() -> None:
    opinion, _ = submitted()
    suggestion_id = uuid.uuid4()
    opinion.raise_as_suggestion(suggestion_id=suggestion_id, now=china(date(2026, 12, 8)))
    assert opinion.state is OpinionState.RAISED_AS_SUGGESTION
    assert opinion.suggestion_id == suggestion_id
    assert isinstance(opinion.events[-1], OpinionRaisedAsSuggestion)
    assert opinion.allowed_actions() == frozenset()

    topic, _ = submitted()
    topic.raise_as_topic(
        TopicRaise(2027, "elderly_care_social_security", "农村养老服务站", "Voters raised it."),
        now=china(date(2026, 12, 8)),
    )
    assert topic.state is OpinionState.RAISED_AS_TOPIC
    event = topic.events[-1]
    assert isinstance(event, OpinionRaisedAsTopic)
    assert event.citizen_opinion_id == topic.id and event.deputy_id == DEPUTY
    assert event.year == 2027 and event.title == "农村养老服务站"


def test_a_topic_cannot_be_raised_for_a_past_year() -> None:
    opinion, _ = submitted()
    with pytest.raises(RuleViolation):
        opinion.raise_as_topic(TopicRaise(2025, "ecology", "t", "r"), now=china(date(2026, 12, 8)))
    assert opinion.state is OpinionState.SUBMITTED


def test_only_submitted_opinions_take_the_deputys_responses() -> None:
    opinion, _ = submitted()
    assert opinion.allowed_actions() == {
        OpinionAction.ANSWER,
        OpinionAction.TRANSFER,
        OpinionAction.RAISE_AS_SUGGESTION,
        OpinionAction.RAISE_AS_TOPIC,
    }
    with pytest.raises(InvalidTransition):
        opinion.reply_as_department(
            department_id=DEPARTMENT, reply="x", now=china(date(2026, 12, 8))
        )


def test_bad_text_is_refused() -> None:
    with pytest.raises(RuleViolation):
        submitted(subject="   ")
    with pytest.raises(RuleViolation):
        submitted(content="x" * 5001)
    blank_contact, _ = submitted(citizen_contact="  ", citizen_name=None)
    assert blank_contact.citizen_contact is None


def test_due_soon_and_overdue_findings_name_the_responder() -> None:
    opinion, _ = submitted()
    assert opinion.due_soon_reminder_on(1, CALENDAR) == date(2026, 12, 11)
    opinion.events.clear()
    opinion.remind_due_soon(calendar=CALENDAR, now=china(date(2026, 12, 11)))
    opinion.mark_overdue(now=china(date(2026, 12, 15)))
    due_soon, overdue = opinion.events
    assert isinstance(due_soon, OpinionResponseDueSoon)
    assert due_soon.responder is Responder.DEPUTY and due_soon.working_days_left == 1
    assert isinstance(overdue, OpinionResponseOverdue) and overdue.department_id is None
    assert opinion.steps[-1].kind is StepKind.RESPONSE_OVERDUE
    assert opinion.past_due(date(2026, 12, 15)) and not opinion.past_due(date(2026, 12, 14))
    opinion.answer(answer="late", now=china(date(2026, 12, 16)))
    assert opinion.due_soon_reminder_on(1, CALENDAR) is None
    with pytest.raises(RuleViolation):
        opinion.mark_overdue(now=china(date(2026, 12, 16)))


def test_a_provisional_deadline_is_recounted_when_its_year_becomes_official() -> None:
    opinion, _ = submitted(on=date(2027, 2, 8), calendar=WorkingCalendar())
    assert opinion.deadline.due == date(2027, 2, 15) and opinion.deadline.provisional
    assert not opinion.recompute_deadline(calendar=WorkingCalendar(), now=china(date(2027, 2, 9)))
    festival = {date(2027, 2, d) for d in range(9, 16)}
    loaded = WorkingCalendar([OfficialYear(2027, festival, set(), source="国办发明电")])
    opinion.events.clear()
    assert opinion.recompute_deadline(calendar=loaded, now=china(date(2027, 2, 9)))
    assert opinion.deadline.due == date(2027, 2, 22) and not opinion.deadline.provisional
    assert opinion.deadline_number == 2  # a new deadline: its own reminder and finding
    (event,) = opinion.events
    assert isinstance(event, CitizenOpinionDeadlineRecomputed)
    assert (event.previous_due, event.due) == (date(2027, 2, 15), date(2027, 2, 22))
    assert not opinion.recompute_deadline(calendar=loaded, now=china(date(2027, 2, 9)))


def test_a_deadline_found_overdue_is_not_recounted() -> None:
    opinion, _ = submitted(on=date(2027, 2, 8), calendar=WorkingCalendar())
    opinion.mark_overdue(now=china(date(2027, 2, 16)))
    loaded = WorkingCalendar([OfficialYear(2027, {date(2027, 2, 9)}, set(), source="x")])
    assert not opinion.recompute_deadline(calendar=loaded, now=china(date(2027, 2, 17)))
    assert opinion.deadline.due == date(2027, 2, 15)
