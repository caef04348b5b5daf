"""Who is told of what: each event type the platform publishes and the inboxes it reaches.

The rules read identifiers from the event (an organ's id, a committee's id, a tracking code);
the directory then says who stands behind each inbox. An event type with no rule reaches no
inbox, only the subscribers entitled to it.

Pure domain: no framework imports.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from jiandu_notifications.domain.notification import Addressee, RecipientRole
from jiandu_notifications.domain.sources import recipient_of_source
from jiandu_shared.contracts import EventData
from jiandu_shared.contracts.topics import ProposalSource

Rule = Callable[[Mapping[str, Any]], Iterable[Addressee]]

STAFF = Addressee(RecipientRole.COMMITTEE_STAFF)
LEADERSHIP = Addressee(RecipientRole.COMMITTEE_LEADERSHIP)
MEMBERS = Addressee(RecipientRole.COMMITTEE_MEMBER)


def organ(data: Mapping[str, Any], key: str = "organ_id") -> Addressee:
    return Addressee(RecipientRole.DEPARTMENT, str(data[key]))


def committee(data: Mapping[str, Any]) -> Addressee:
    """The committee (专(工)委) that tracks an item: its staff's inbox."""
    return Addressee(RecipientRole.COMMITTEE_STAFF, str(data["committee_id"]))


def source_of(data: Mapping[str, Any]) -> list[Addressee]:
    role, ref = recipient_of_source(
        ProposalSource(data["source"]),
        submitter_ref=data.get("submitter_ref"),
        tracking_code=data["tracking_code"],
    )
    return [Addressee(role, ref)]


def _organs_of_plan(data: Mapping[str, Any]) -> list[Addressee]:
    organs = {str(o) for item in data["items"] for o in item["target_organ_ids"]}
    return [STAFF, MEMBERS, *(Addressee(RecipientRole.DEPARTMENT, o) for o in sorted(organs))]


def _inquiry_departments(key: str) -> Rule:
    def rule(data: Mapping[str, Any]) -> list[Addressee]:
        if key == "department_results":
            ids = [r["department_id"] for r in data[key]]
        else:
            ids = list(data[key])
        return [STAFF, *(Addressee(RecipientRole.DEPARTMENT, str(i)) for i in ids)]

    return rule


RULES: dict[str, Rule] = {
    # Topic collection: staff screen new proposals; every source hears each outcome.
    "topics.proposal.submitted": lambda d: [STAFF],
    "topics.proposal.shortlisted": source_of,
    "topics.proposal.merged": source_of,
    "topics.proposal.adopted": source_of,
    "topics.proposal.declined": source_of,
    "topics.proposal.included_in_plan": source_of,
    "topics.plan.published": _organs_of_plan,
    # Deliberation opinions: the closed loop 交办 → 跟踪 → 落实 → 测评 → 反馈.
    "topics.opinion.assigned": lambda d: [organ(d)],
    "topics.opinion.deadline_recomputed": lambda d: [organ(d)],
    "topics.opinion.due_soon": lambda d: [organ(d), committee(d)],
    "topics.opinion.overdue": lambda d: [organ(d), committee(d)],
    "topics.opinion.report_submitted": lambda d: [committee(d)],
    "topics.opinion.rated": lambda d: [organ(d), committee(d)],
    "topics.opinion.notice_circulated": lambda d: [organ(d), committee(d), LEADERSHIP],
    "topics.opinion.second_handling_started": lambda d: [organ(d), committee(d), LEADERSHIP],
    "topics.opinion.feedback_published": lambda d: [organ(d), STAFF],
    # Special inquiries: responding departments are told, results go to them and to staff.
    "topics.inquiry.scheduled": _inquiry_departments("department_ids"),
    "topics.inquiry.answer_rated": lambda d: [organ(d, "department_id")],
    "topics.inquiry.concluded": _inquiry_departments("department_results"),
    "topics.supervision_report.filed": lambda d: (
        [LEADERSHIP, committee(d)] + ([organ(d)] if d.get("organ_id") else [])
    ),
    "topics.review.concluded": lambda d: [organ(d), committee(d)],
    "topics.calendar.year_loaded": lambda d: [STAFF],
    # Other services.
    "finance.report.deliberated": lambda d: [committee(d)],
    "deputies.opinion.raised_as_topic": lambda d: [
        Addressee(RecipientRole.DEPUTY, str(d["deputy_id"])),
        STAFF,
    ],
}


def addressees(event_type: str, data: EventData | Mapping[str, Any]) -> list[Addressee]:
    """The inboxes an event reaches, without repeats, in the rule's order."""
    rule = RULES.get(event_type)
    if rule is None:
        return []
    values = data.model_dump(mode="json") if isinstance(data, EventData) else data
    seen: dict[Addressee, None] = {}
    for addressee in rule(values):
        seen.setdefault(addressee, None)
    return list(seen)
