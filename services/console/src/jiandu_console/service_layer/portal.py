"""View logic of the citizen portal and the department pages (pure: no I/O, no clock).

Pages fetch the services' JSON and hand it here: which collection window takes proposals,
a submission's timeline (every step, who acts next, by when), and a department's worklist
with deadlines classified as overdue or due soon.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from jiandu_shared.calendar import local_date

Json = Mapping[str, Any]

DUE_SOON_DAYS = 7  # a deadline within this many calendar days is highlighted as due soon


# --- collection windows ----------------------------------------------------------------------


@dataclass(frozen=True)
class Windows:
    """The windows taking proposals today, and the next one to open if none does."""

    open: list[Json]
    upcoming: Json | None


def collection_windows(windows: Iterable[Json], today: date) -> Windows:
    items = list(windows)
    accepting = sorted((w for w in items if w.get("accepting_today")), key=lambda w: int(w["year"]))
    later = [
        w
        for w in items
        if w.get("state") in ("scheduled", "open") and _date(w.get("opens_on")) > today
    ]
    upcoming = min(later, key=lambda w: _date(w["opens_on"]), default=None)
    return Windows(open=accepting, upcoming=upcoming)


# --- timelines ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One step of a submission's path: a label key, when, and what was said."""

    key: str
    at: str | None = None  # an ISO date (YYYY-MM-DD)
    text: str | None = None
    on_time: bool | None = None
    done: bool = True


@dataclass(frozen=True)
class Timeline:
    kind: str  # proposal | opinion | micro_project
    code: str
    title: str
    state_key: str
    steps: list[Step]
    next_actor: str | None = None  # a label key (actor.*), None when finished
    due: str | None = None
    details: list[tuple[str, str]] = field(default_factory=list)


def day(value: object) -> str | None:
    """The day of an ISO date, or of an instant as a date in China (or None)."""
    if not value:
        return None
    text = str(value)
    try:
        instant = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text[:10]
    if instant.tzinfo is None:
        return instant.date().isoformat()
    return str(local_date(instant).isoformat())


def _date(value: object) -> date:
    return date.fromisoformat(str(value)[:10])


PROPOSAL_NEXT = {
    "submitted": "actor.committee_staff",
    "shortlisted": "actor.committee_staff",
    "adopted": "actor.plan",
}


def proposal_timeline(tracked: Json) -> Timeline:
    """A proposal tracked by its submitter (topics' TrackedProposalOut)."""
    status = str(tracked["status"])
    steps = [Step("step.proposal.submitted", day(tracked.get("submitted_at")))]
    details: list[tuple[str, str]] = []
    if status == "shortlisted":
        steps.append(Step("step.proposal.shortlisted"))
    elif status == "adopted":
        steps += [Step("step.proposal.shortlisted"), Step("step.proposal.adopted")]
    elif status == "declined":
        steps.append(Step("step.proposal.declined", text=tracked.get("decline_reason")))
    elif status == "merged":
        steps.append(Step("step.proposal.merged", text=tracked.get("merged_into_title")))
    plan = tracked.get("plan")
    if plan:
        if status not in ("merged", "adopted", "shortlisted"):
            steps += [Step("step.proposal.shortlisted"), Step("step.proposal.adopted")]
        text = plan.get("item_title")
        steps.append(Step("step.proposal.included_in_plan", day(plan.get("included_at")), text))
        if plan.get("planned_quarter"):
            details.append(("step.proposal.quarter", f"Q{plan['planned_quarter']}"))
    next_actor = None if plan else PROPOSAL_NEXT.get(status)
    if next_actor is not None:
        steps.append(Step("step.proposal.screening", done=False))
    return Timeline(
        kind="proposal",
        code=str(tracked["tracking_code"]),
        title=str(tracked.get("title") or ""),
        state_key="state.proposal." + ("included_in_plan" if plan else status),
        steps=steps,
        next_actor=next_actor,
        details=details,
    )


def opinion_timeline(tracked: Json) -> Timeline:
    """A citizen's opinion to a deputy (deputies' TrackedOpinionOut): the service's steps."""
    steps = [
        Step(
            "step.opinion." + str(s["kind"]),
            day(s.get("at")),
            s.get("text"),
            s.get("on_time"),
        )
        for s in sorted(tracked.get("steps") or [], key=lambda s: int(s.get("number") or 0))
    ]
    waiting = tracked.get("waiting_for")
    return Timeline(
        kind="opinion",
        code=str(tracked["tracking_code"]),
        title=str(tracked.get("subject") or ""),
        state_key="state.opinion." + str(tracked["state"]),
        steps=steps,
        next_actor=None if not waiting else f"actor.{waiting}",
        due=day(tracked.get("due")) if waiting else None,
    )


MICRO_NEXT = {
    "proposed": "actor.committee_staff",
    "screened": "actor.deputies_vote",
    "voting": "actor.deputies_vote",
    "approved": "actor.government",
    "in_progress": "actor.government",
    "completed": "actor.government",
}


def micro_project_timeline(tracked: Json) -> Timeline:
    """A micro project followed by its proposer (deputies' PublicProjectOut)."""
    state = str(tracked["state"])
    steps = [Step("step.micro.proposed", day(tracked.get("proposed_at")))]
    if state != "proposed":
        steps.append(Step("state.micro." + state, day(tracked.get("accepted_on")), None))
    return Timeline(
        kind="micro_project",
        code=str(tracked["tracking_code"]),
        title=str(tracked.get("title") or ""),
        state_key="state.micro." + state,
        steps=steps,
        next_actor=MICRO_NEXT.get(state),
    )


def tracking_kind(code: str) -> str | None:
    """Which service issued a tracking code, by its prefix (JD-, MY-, WSS-)."""
    prefix = code.strip().upper().split("-", 1)[0]
    return {"JD": "proposal", "MY": "opinion", "WSS": "micro_project"}.get(prefix)


# --- a department's worklist -------------------------------------------------------------------


@dataclass(frozen=True)
class WorkItem:
    kind: str  # opinion | citizen_opinion | suggestion | finding
    id: str
    title: str
    state_key: str
    due: str | None
    urgency: str  # overdue | due_soon | "" (nothing owed or far off)
    todo: str  # a dept.todo.* label key
    href: str
    provisional: bool = False


def urgency(due: str | None, today: date, *, owed: bool, past_due: bool = False) -> str:
    if not owed or due is None:
        return ""
    days = (_date(due) - today).days
    if past_due or days < 0:
        return "overdue"
    return "due_soon" if days <= DUE_SOON_DAYS else ""


def deadline_of(item: Json) -> tuple[str | None, bool]:
    deadline = item.get("deadline")
    if isinstance(deadline, Mapping):
        return day(deadline.get("due")), bool(deadline.get("provisional"))
    return day(deadline), False


TOPIC_OPINION_TODO = {
    "assigned": "dept.todo.acknowledge_or_report",
    "in_progress": "dept.todo.report",
    "overdue": "dept.todo.report",
}


def topic_opinion_item(o: Json, today: date) -> WorkItem:
    state = str(o["state"])
    due, provisional = deadline_of(o)
    todo = TOPIC_OPINION_TODO.get(state, "dept.todo.none")
    owed = state in TOPIC_OPINION_TODO
    return WorkItem(
        "opinion",
        str(o["id"]),
        str(o["title"]),
        "state.topic_opinion." + state,
        due,
        urgency(due, today, owed=owed, past_due=bool(o.get("past_due"))),
        todo,
        f"/department/opinions/{o['id']}",
        provisional,
    )


def citizen_opinion_item(o: Json, today: date) -> WorkItem:
    owed = o.get("waiting_for") == "department" and o.get("state") == "transferred"
    due, provisional = deadline_of(o)
    return WorkItem(
        "citizen_opinion",
        str(o["id"]),
        str(o["subject"]),
        "state.opinion." + str(o["state"]),
        due if owed else None,
        urgency(due, today, owed=owed, past_due=bool(o.get("past_due"))),
        "dept.todo.reply" if owed else "dept.todo.none",
        f"/department/citizen-opinions/{o['id']}",
        provisional and owed,
    )


def suggestion_role(s: Json, organisation: str) -> str:
    return "lead" if str(s.get("lead_department_id")) == organisation else "co"


def suggestion_todo(s: Json, organisation: str) -> str:
    if s.get("state") != "assigned":
        return "dept.todo.none"
    if suggestion_role(s, organisation) == "lead":
        return "dept.todo.reply"
    missing = {str(m) for m in s.get("missing_inputs") or []}
    return "dept.todo.co_input" if organisation in missing else "dept.todo.none"


def suggestion_item(s: Json, today: date, organisation: str) -> WorkItem:
    todo = suggestion_todo(s, organisation)
    owed = todo != "dept.todo.none"
    due, provisional = deadline_of(s)
    return WorkItem(
        "suggestion",
        str(s["id"]),
        str(s["title"]),
        "state.suggestion." + str(s["state"]),
        due,
        urgency(due, today, owed=owed, past_due=bool(s.get("past_due"))),
        todo,
        f"/department/suggestions/{s['id']}",
        provisional,
    )


def finding_item(f: Json, today: date) -> WorkItem:
    owed = f.get("status") != "rectified"
    due = day(f.get("deadline"))
    return WorkItem(
        "finding",
        str(f["id"]),
        f"{f.get('year')}-{f.get('number')} {str(f.get('description') or '')[:80]}",
        "rect." + str(f["status"]),
        due,
        urgency(due, today, owed=owed, past_due=bool(f.get("overdue"))),
        "dept.todo.rectify" if owed else "dept.todo.none",
        f"/department/findings/{f['id']}",
    )


URGENCY_ORDER = {"overdue": 0, "due_soon": 1, "": 2}


def worklist(items: Iterable[WorkItem]) -> list[WorkItem]:
    """Overdue first, then due soon, then the rest; each by its deadline (none last)."""
    return sorted(
        items,
        key=lambda i: (
            i.todo == "dept.todo.none",
            URGENCY_ORDER[i.urgency],
            i.due is None,
            i.due or "",
            i.title,
        ),
    )


# --- the services' validation messages, readable next to a field ----------------------------

_AT_MOST = re.compile(r"at most (\d+) characters?")
_AT_LEAST = re.compile(r"at least (\d+) characters?")


def readable_error(message: str, language: str) -> str:
    """A pydantic message a citizen can read, in Chinese when the page is in Chinese."""
    if language != "zh":
        return message
    if (m := _AT_MOST.search(message)) is not None:
        return f"不能超过 {m.group(1)} 个字"
    if (m := _AT_LEAST.search(message)) is not None:
        return "请填写此项" if m.group(1) == "1" else f"至少需要 {m.group(1)} 个字"
    if "required" in message.lower() or "missing" in message.lower():
        return "请填写此项"
    if "should match pattern" in message or "valid" in message.lower():
        return f"格式不正确（{message}）"
    return message


def readable_errors(errors: Mapping[str, str], language: str) -> dict[str, str]:
    return {name: readable_error(text, language) for name, text in errors.items()}
