"""The portal's and the department pages' view logic: windows, timelines, worklists."""

from __future__ import annotations

from datetime import date
from typing import Any

from jiandu_console.service_layer import portal as view

TODAY = date(2026, 12, 7)


def window(year: int, opens: str, closes: str, state: str, accepting: bool) -> dict[str, Any]:
    return {
        "year": year,
        "opens_on": opens,
        "closes_on": closes,
        "state": state,
        "accepting_today": accepting,
    }


def test_open_windows_are_those_accepting_today() -> None:
    windows = view.collection_windows(
        [
            window(2027, "2026-12-01", "2026-12-31", "open", True),
            window(2026, "2025-11-01", "2025-11-30", "closed", False),
        ],
        TODAY,
    )
    assert [w["year"] for w in windows.open] == [2027]


def test_without_an_open_window_the_next_one_is_named() -> None:
    windows = view.collection_windows(
        [
            window(2028, "2027-11-01", "2027-11-30", "scheduled", False),
            window(2027, "2027-01-10", "2027-02-10", "scheduled", False),
            window(2026, "2025-11-01", "2025-11-30", "closed", False),
        ],
        TODAY,
    )
    assert windows.open == []
    assert windows.upcoming is not None and windows.upcoming["year"] == 2027


def test_a_closed_window_is_not_the_next_one() -> None:
    windows = view.collection_windows(
        [window(2027, "2026-12-20", "2026-12-31", "closed", False)], TODAY
    )
    assert windows.open == [] and windows.upcoming is None


def proposal(status: str, **extra: Any) -> dict[str, Any]:
    return {
        "tracking_code": "JD-ABCDEFGHJK",
        "title": "农村饮水",
        "status": status,
        "submitted_at": "2026-12-06T02:00:00Z",
        "decline_reason": None,
        "merged_into_title": None,
        "plan": None,
        **extra,
    }


def test_a_submitted_proposal_waits_for_screening() -> None:
    timeline = view.proposal_timeline(proposal("submitted"))
    assert [s.key for s in timeline.steps] == [
        "step.proposal.submitted",
        "step.proposal.screening",
    ]
    assert timeline.steps[0].at == "2026-12-06"
    assert not timeline.steps[-1].done
    assert timeline.next_actor == "actor.committee_staff"
    assert timeline.state_key == "state.proposal.submitted"


def test_a_declined_proposal_says_why_and_waits_for_nobody() -> None:
    timeline = view.proposal_timeline(proposal("declined", decline_reason="不属于监督范围"))
    assert timeline.steps[-1].key == "step.proposal.declined"
    assert timeline.steps[-1].text == "不属于监督范围"
    assert timeline.next_actor is None


def test_a_proposal_in_the_plan_shows_every_step_once() -> None:
    plan = {
        "item_title": "饮水安全专项",
        "planned_quarter": 2,
        "included_at": "2027-01-05T08:00:00Z",
    }
    timeline = view.proposal_timeline(proposal("included_in_plan", plan=plan))
    assert [s.key for s in timeline.steps] == [
        "step.proposal.submitted",
        "step.proposal.shortlisted",
        "step.proposal.adopted",
        "step.proposal.included_in_plan",
    ]
    assert timeline.steps[-1].at == "2027-01-05"
    assert ("step.proposal.quarter", "Q2") in timeline.details
    assert timeline.next_actor is None


def test_an_opinion_timeline_follows_the_service_steps_and_the_next_responder() -> None:
    tracked = {
        "tracking_code": "MY-ABCDEFGHJK",
        "subject": "路灯",
        "state": "transferred",
        "waiting_for": "department",
        "due": "2026-12-15",
        "steps": [
            {"number": 2, "kind": "transferred", "at": "2026-12-07T01:00:00Z", "text": "转住建局"},
            {"number": 1, "kind": "submitted", "at": "2026-12-06T01:00:00Z", "text": None},
        ],
    }
    timeline = view.opinion_timeline(tracked)
    assert [s.key for s in timeline.steps] == [
        "step.opinion.submitted",
        "step.opinion.transferred",
    ]
    assert timeline.next_actor == "actor.department" and timeline.due == "2026-12-15"
    answered = view.opinion_timeline({**tracked, "state": "answered", "waiting_for": None})
    assert answered.next_actor is None and answered.due is None


def test_tracking_codes_name_their_service() -> None:
    assert view.tracking_kind("jd-abc") == "proposal"
    assert view.tracking_kind("MY-ABC") == "opinion"
    assert view.tracking_kind("WSS-ABC") == "micro_project"
    assert view.tracking_kind("XYZ") is None


def test_urgency_of_a_deadline() -> None:
    assert view.urgency("2026-12-06", TODAY, owed=True) == "overdue"
    assert view.urgency("2026-12-20", TODAY, owed=True, past_due=True) == "overdue"
    assert view.urgency("2026-12-10", TODAY, owed=True) == "due_soon"
    assert view.urgency("2027-02-01", TODAY, owed=True) == ""
    assert view.urgency("2026-12-06", TODAY, owed=False) == ""
    assert view.urgency(None, TODAY, owed=True) == ""


def topic_opinion(state: str, due: str, past_due: bool = False) -> dict[str, Any]:
    return {
        "id": f"op-{state}",
        "title": state,
        "state": state,
        "deadline": {"due": due, "provisional": True},
        "past_due": past_due,
    }


def test_a_worklist_puts_overdue_then_due_soon_then_the_rest_then_nothing_to_do() -> None:
    items = [
        view.topic_opinion_item(topic_opinion("reported", "2026-12-01"), TODAY),
        view.topic_opinion_item(topic_opinion("assigned", "2027-03-01"), TODAY),
        view.topic_opinion_item(topic_opinion("in_progress", "2026-12-09"), TODAY),
        view.topic_opinion_item(topic_opinion("overdue", "2026-12-01", True), TODAY),
        view.finding_item(
            {
                "id": "f1",
                "year": 2026,
                "number": 3,
                "description": "专项资金闲置",
                "status": "in_progress",
                "deadline": "2026-12-08",
                "overdue": False,
            },
            TODAY,
        ),
    ]
    ordered = view.worklist(items)
    assert [i.id for i in ordered] == [
        "op-overdue",
        "f1",
        "op-in_progress",
        "op-assigned",
        "op-reported",
    ]
    assert ordered[0].urgency == "overdue" and ordered[1].urgency == "due_soon"
    assert ordered[-1].todo == "dept.todo.none" and ordered[-1].urgency == ""
    assert ordered[0].provisional


def test_a_suggestion_asks_the_lead_to_reply_and_a_missing_co_handler_for_input() -> None:
    suggestion = {
        "id": "s1",
        "title": "建议",
        "state": "assigned",
        "lead_department_id": "lead",
        "co_department_ids": ["co", "done"],
        "missing_inputs": ["co"],
        "deadline": {"due": "2027-03-01", "provisional": False},
        "past_due": False,
    }
    assert view.suggestion_item(suggestion, TODAY, "lead").todo == "dept.todo.reply"
    assert view.suggestion_item(suggestion, TODAY, "co").todo == "dept.todo.co_input"
    assert view.suggestion_item(suggestion, TODAY, "done").todo == "dept.todo.none"


def test_a_citizen_opinion_is_owed_only_while_transferred() -> None:
    base = {
        "id": "c1",
        "subject": "积水",
        "deadline": {"due": "2026-12-08", "provisional": False},
        "past_due": False,
    }
    owed = view.citizen_opinion_item(
        {**base, "state": "transferred", "waiting_for": "department"}, TODAY
    )
    assert owed.todo == "dept.todo.reply" and owed.urgency == "due_soon"
    done = view.citizen_opinion_item({**base, "state": "handled", "waiting_for": None}, TODAY)
    assert done.todo == "dept.todo.none" and done.due is None


def test_service_messages_read_in_chinese() -> None:
    errors = {
        "title": "String should have at least 1 character",
        "content": "String should have at most 5000 characters",
        "year": "Field required",
    }
    assert view.readable_errors(errors, "zh") == {
        "title": "请填写此项",
        "content": "不能超过 5000 个字",
        "year": "请填写此项",
    }
    assert view.readable_errors(errors, "en") == errors


def test_a_micro_project_timeline_names_who_acts_next() -> None:
    tracked = {
        "tracking_code": "WSS-ABCDEFGHJK",
        "title": "修缮村道",
        "state": "voting",
        "proposed_at": "2026-11-01T02:00:00Z",
        "accepted_on": None,
    }
    timeline = view.micro_project_timeline(tracked)
    assert [s.key for s in timeline.steps] == ["step.micro.proposed", "state.micro.voting"]
    assert timeline.next_actor == "actor.deputies_vote"
    done = view.micro_project_timeline(
        {**tracked, "state": "accepted", "accepted_on": "2027-05-01"}
    )
    assert done.next_actor is None and done.steps[-1].at == "2027-05-01"
