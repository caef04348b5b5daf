"""What the members' and finance pages make of the services' answers: pure view logic."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from jiandu_console.domain.members_finance_ops_finance import (
    debt_chart,
    execution_chart,
    rate_rows,
    rectification_unit_chart,
    rectification_year_chart,
    satisfaction_chart,
)
from jiandu_console.domain.members_finance_ops_voting import (
    REMEMBERED,
    inquiry_view,
    remember_vote,
    voted_on,
)


def t(key: str) -> str:
    return key


def question(number: int, *, result: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"id": f"q{number}", "number": number, "department_id": "d2", "result": result}


def inquiry(state: str, questions: list[dict[str, Any]], current: str | None) -> dict[str, Any]:
    return {
        "state": state,
        "questions": questions,
        "current_question_id": current,
        "department_ids": ["d1", "d2"],
    }


RESULT = {"satisfied": 2, "basically_satisfied": 0, "unsatisfied": 1, "verdict": "satisfied"}


def test_the_question_under_rating_is_to_vote_until_this_member_voted() -> None:
    asked = inquiry("rating", [question(1, result=RESULT), question(2), question(3)], "q3")
    view = inquiry_view(asked, set())
    assert (view.mode, view.progress, view.progress_percent) == ("vote", "3 / 3", 100)
    assert view.current is not None and view.current["id"] == "q3"
    assert view.department_index == 2
    assert [q["number"] for q in view.rated] == [1]
    assert inquiry_view(asked, {"q3"}).mode == "voted"


def test_between_questions_the_member_waits_and_at_the_end_sees_results() -> None:
    done = [question(1, result=RESULT)]
    assert inquiry_view(inquiry("in_session", done, None), set()).mode == "waiting"
    answering = inquiry_view(inquiry("question_put", [*done, question(2)], "q2"), set())
    assert (answering.mode, answering.progress) == ("answering", "2 / 2")
    assert inquiry_view(inquiry("scheduled", [], None), set()).mode == "scheduled"
    concluded = inquiry_view(inquiry("concluded", done, None), set())
    assert (concluded.mode, concluded.progress, concluded.progress_percent) == (
        "concluded",
        "1 / 1",
        100,
    )
    assert inquiry_view(inquiry("in_session", [], None), set()).progress_percent == 0


def test_the_cookie_remembers_each_members_votes_apart_and_only_the_latest() -> None:
    cookie = remember_vote(None, "member-a", "q1")
    cookie = remember_vote(cookie, "member-b", "q2")
    cookie = remember_vote(cookie, "member-a", "q1")  # once only
    assert voted_on(cookie, "member-a") == {"q1"}
    assert voted_on(cookie, "member-b") == {"q2"}
    assert voted_on(cookie, "member-c") == set()
    assert voted_on("garbage.__", "member-a") == set()
    for n in range(REMEMBERED + 5):
        cookie = remember_vote(cookie, "member-a", f"x{n}")
    assert len(cookie.split(".")) == REMEMBERED
    assert "q1" not in voted_on(cookie, "member-a")
    assert f"x{REMEMBERED + 4}" in voted_on(cookie, "member-a")
    assert all(c not in cookie for c in ',; "\\')  # plain cookie characters


def test_execution_bars_are_percentages_against_the_time_progress() -> None:
    chart = execution_chart(
        {
            "time_share": "0.4959",
            "departments": [
                {
                    "department_code": "D01",
                    "executed_share": "0.4500",
                    "spent": "1",
                    "adjusted_budget": "2",
                },
                {
                    "department_code": "D02",
                    "executed_share": "0.6000",
                    "spent": "3",
                    "adjusted_budget": "5",
                },
                {
                    "department_code": "D03",
                    "executed_share": None,
                    "spent": "0",
                    "adjusted_budget": "0",
                },
            ],
        },
        t,
    )
    assert [(b.label, b.data_value, b.tone) for b in chart.bars] == [
        ("D01", "45.00", "behind"),
        ("D02", "60.00", ""),
        ("D03", "", ""),
    ]
    (time,) = chart.thresholds
    assert (time.label, time.value) == ("finance.time_progress", Decimal("49.59"))


def test_rectification_rates_per_unit_and_per_year() -> None:
    rate = {"findings": 4, "rectified": 3, "count_rate": "0.7500", "amount_rate": None}
    by_unit = {"groups": [{"key": "0f3c9a2e-aaaa-bbbb", "rate": rate}]}
    (bar,) = rectification_unit_chart(by_unit).bars
    assert (bar.label, bar.data_value, bar.note) == ("0f3c9a2e", "75.00", "0f3c9a2e-aaaa-bbbb")
    assert rate_rows(by_unit)[0]["count_rate"] == "75.00%"
    assert rate_rows(by_unit)[0]["amount_rate"] == "—"
    by_year = {
        "groups": [
            {"key": "2026", "rate": {**rate, "count_rate": "0.5"}},
            {"key": "2025", "rate": rate},
        ]
    }
    assert [(p.label, p.data_value) for p in rectification_year_chart(by_year).points] == [
        ("2025", "75.00"),
        ("2026", "50.00"),
    ]


def test_debt_ratio_bars_are_toned_by_level_against_the_three_warning_lines() -> None:
    def position(year: int, value: str | None, level: str | None) -> dict[str, Any]:
        return {
            "year": year,
            "indicators": [
                {"indicator": "debt_service_ratio", "value": "1.00", "level": "none"},
                {"indicator": "debt_ratio", "value": value, "level": level},
            ],
        }

    rules: list[dict[str, Any]] = [
        {"indicator": "debt_ratio", "yellow": "80.00", "orange": "100.00", "red": "120.00"},
        {"indicator": "overdue_amount", "yellow": "1", "orange": None, "red": None},
    ]
    chart = debt_chart(
        [
            position(2026, "131.25", "red"),
            position(2025, "42.50", "none"),
            position(2024, None, None),
        ],
        rules,
        t,
    )
    assert [(b.label, b.data_value, b.tone) for b in chart.bars] == [
        ("2024", "", ""),
        ("2025", "42.50", ""),
        ("2026", "131.25", "red"),
    ]
    assert [(line.tone, str(line.value)) for line in chart.thresholds] == [
        ("yellow", "80.00"),
        ("orange", "100.00"),
        ("red", "120.00"),
    ]
    assert chart.maximum == Decimal(200)
    assert debt_chart([position(2026, "10", "none")], None, t).thresholds == []


def test_satisfaction_adds_opinion_and_inquiry_results_per_department() -> None:
    def counts(s: int, b: int, u: int) -> dict[str, int]:
        return {"satisfied": s, "basically_satisfied": b, "unsatisfied": u}

    chart = satisfaction_chart(
        {
            "satisfaction": {
                "by_department": [
                    {
                        "department_id": "11111111-2222",
                        "opinion_evaluations": counts(1, 1, 0),
                        "inquiry_answers": counts(2, 0, 1),
                    }
                ]
            }
        }
    )
    (row,) = chart.rows
    assert (row.label, row.total) == ("11111111", 5)
    assert [(s.series, s.value) for s in row.segments] == [
        ("satisfied", 3),
        ("basically_satisfied", 1),
        ("unsatisfied", 1),
    ]
