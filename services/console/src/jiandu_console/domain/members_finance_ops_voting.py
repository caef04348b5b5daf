"""What a member's phone shows of a special inquiry: pure, from the topics service's answer.

One question is on the floor at a time (一问一答一测评): the member sees the answer under
rating with three big buttons, then waits for the next; results appear as each rating closes
and per department when the inquiry concludes. The service keeps who voted how secret and
does not say whether this member voted, so the console remembers the answers this browser
rated (a cookie of question ids tagged by member) to show "voted, wait for the next".
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

RATINGS = ("satisfied", "basically_satisfied", "unsatisfied")
VOTED_COOKIE = "jiandu_voted"
REMEMBERED = 40  # question ids kept in the cookie


def _tag(subject: str) -> str:
    return hashlib.sha256(subject.encode()).hexdigest()[:8]


def voted_on(cookie: str | None, subject: str) -> set[str]:
    """The question ids this member rated from this browser."""
    tag = _tag(subject)
    out = set()
    for entry in (cookie or "").split("."):
        who, _, question = entry.partition("_")
        if who == tag and question:
            out.add(question)
    return out


def remember_vote(cookie: str | None, subject: str, question_id: str) -> str:
    """The cookie with one more rated question, the oldest dropped beyond ``REMEMBERED``."""
    entry = f"{_tag(subject)}_{question_id}"
    entries = [e for e in (cookie or "").split(".") if e and e != entry]
    return ".".join([*entries, entry][-REMEMBERED:])


@dataclass(frozen=True)
class InquiryView:
    """``mode``: vote | voted | answering | waiting | scheduled | concluded."""

    mode: str
    number: int  # the question on the floor, or the last one put
    total: int  # questions put so far
    current: Mapping[str, Any] | None
    rated: Sequence[Mapping[str, Any]] = field(default_factory=list)  # closed, newest first
    department_index: int = 0  # 1-based position of the current department, 0 if none

    @property
    def progress(self) -> str:
        return f"{self.number} / {self.total}"

    @property
    def progress_percent(self) -> int:
        return 0 if self.total == 0 else round(100 * self.number / self.total)


def inquiry_view(inquiry: Mapping[str, Any], voted: set[str]) -> InquiryView:
    questions: list[Mapping[str, Any]] = list(inquiry.get("questions") or [])
    state = inquiry["state"]
    current_id = inquiry.get("current_question_id")
    current = next((q for q in questions if q["id"] == current_id), None)
    rated = [q for q in reversed(questions) if q.get("result") is not None]
    total = len(questions)
    number = int(current["number"]) if current is not None else total
    departments = list(inquiry.get("department_ids") or [])
    index = 0
    if current is not None and current["department_id"] in departments:
        index = departments.index(current["department_id"]) + 1
    if state == "concluded":
        mode = "concluded"
    elif state == "scheduled":
        mode = "scheduled"
    elif state == "rating" and current is not None:
        mode = "voted" if current["id"] in voted else "vote"
    elif state == "question_put":
        mode = "answering"
    else:
        mode = "waiting"
    return InquiryView(mode, number, total, current, rated, index)
