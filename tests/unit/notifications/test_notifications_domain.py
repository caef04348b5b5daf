"""The notifications domain in milliseconds: matching, entitlement, retries, ladders, routing."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from jiandu_notifications.adapters.templates import TemplateBook
from jiandu_notifications.domain.delivery import (
    Delivery,
    DeliveryStatus,
    RetryPolicy,
    TargetKind,
)
from jiandu_notifications.domain.directory import Recipient
from jiandu_notifications.domain.ladder import OPINION_LADDER, EscalationLadder, LadderState, Rung
from jiandu_notifications.domain.notification import Addressee, RecipientRole
from jiandu_notifications.domain.outgoing import ChannelKind, SendOutcome
from jiandu_notifications.domain.routing import RULES, addressees
from jiandu_notifications.domain.subscriber import (
    DeliveryMethod,
    InvalidSubscription,
    SigningSecret,
    Subscriber,
    SubscriberKind,
    Subscription,
    topic_matches,
)
from jiandu_shared.agencies import Agency
from jiandu_shared.calendar import WorkingCalendar
from jiandu_shared.contracts import CATALOGUE, Classification
from jiandu_shared.errors import RuleViolation

NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
TYPES = frozenset(s.type for s in CATALOGUE)


@pytest.mark.parametrize(
    ("pattern", "key", "matches"),
    [
        ("topics.opinion.*", "topics.opinion.rated", True),
        ("topics.*", "topics.opinion.rated", False),
        ("topics.#", "topics.opinion.rated", True),
        ("#", "finance.report.deliberated", True),
        ("#.rated", "topics.opinion.rated", True),
        ("topics.opinion.rated", "topics.opinion.rated_x", False),
    ],
)
def test_topic_patterns_match_as_rabbitmq_does(pattern: str, key: str, matches: bool) -> None:
    assert topic_matches(pattern, key) is matches


def agency(**changes: Any) -> Subscriber:
    values: dict[str, Any] = {
        "id": uuid.uuid4(),
        "code": "audit",
        "name": "县审计局",
        "kind": SubscriberKind.AGENCY,
        "method": DeliveryMethod.AGENCY_QUEUE,
        "agency": Agency.AUDIT,
        "entitled_types": ["topics.opinion.*"],
        "entitled_classifications": [Classification.INTERNAL],
        "subscriptions": [Subscription("topics.opinion.overdue", organ_ids=("o-1",))],
        "secrets": [SigningSecret(uuid.uuid4(), "s" * 20, NOW)],
        "created_at": NOW,
    }
    values.update(changes)
    return Subscriber(**values)


def test_a_subscriber_gets_only_entitled_subscribed_and_filtered_events() -> None:
    s = agency()
    s.check(TYPES)
    assert s.wants("topics.opinion.overdue", Classification.INTERNAL, {"organ_id": "o-1"})
    assert not s.wants("topics.opinion.overdue", Classification.INTERNAL, {"organ_id": "o-2"})
    assert not s.wants("topics.opinion.overdue", Classification.RESTRICTED, {"organ_id": "o-1"})
    assert not s.wants("topics.opinion.rated", Classification.INTERNAL, {"organ_id": "o-1"})
    s.active = False
    assert not s.wants("topics.opinion.overdue", Classification.INTERNAL, {"organ_id": "o-1"})


def test_a_subscription_beyond_the_entitlement_is_refused_naming_the_field() -> None:
    with pytest.raises(InvalidSubscription) as refused:
        agency(subscriptions=[Subscription("topics.#")]).check(TYPES)
    assert refused.value.field == "subscriptions[0].pattern"
    assert "topics.calendar.year_loaded" in str(refused.value)
    with pytest.raises(InvalidSubscription, match="agency"):
        agency(agency=None).check(TYPES)


def test_secrets_rotate_newest_first_and_the_last_cannot_be_retired() -> None:
    s = agency()
    old = s.secrets[0]
    new = SigningSecret(uuid.uuid4(), "n" * 20, NOW + timedelta(days=1))
    s.add_secret(new)
    assert s.signing_secrets() == ("n" * 20, "s" * 20)
    s.retire_secret(old.id)
    with pytest.raises(RuleViolation, match="last secret"):
        s.retire_secret(new.id)


def delivery(event_type: str = "topics.opinion.assigned") -> Delivery:
    return Delivery.create(
        event_id=uuid.uuid4(),
        event_type=event_type,
        correlation_id="c",
        aggregate_key="a",
        channel=ChannelKind.WEBHOOK,
        target_kind=TargetKind.SUBSCRIBER,
        target_id=uuid.uuid4(),
        address="http://x",
        subject="s",
        text="",
        now=NOW,
    )


def test_transient_failures_back_off_with_jitter_then_give_up() -> None:
    policy = RetryPolicy(max_attempts=3, base_seconds=2, max_seconds=60, jitter=0.25)
    d = delivery()
    d.record(SendOutcome.transient("HTTP 503"), NOW, policy)
    assert d.status is DeliveryStatus.PENDING and d.next_attempt_at is not None
    assert timedelta(seconds=1.5) <= d.next_attempt_at - NOW <= timedelta(seconds=2.5)
    d.record(SendOutcome.transient("HTTP 503"), NOW, policy)
    d.record(SendOutcome.transient("HTTP 503"), NOW, policy)
    assert str(d.status) == "failed"
    assert "gave up after 3 attempts" in (d.last_error or "")
    assert [e.event_type for e in d.events] == ["notifications.delivery.failed"]
    d.replay(NOW)
    assert (d.status, d.attempts) == (DeliveryStatus.PENDING, 0)
    delays = {policy.delay(5, random.Random(i)).total_seconds() for i in range(5)}
    assert len(delays) > 1 and all(24 <= x <= 40 for x in delays)


def test_a_permanent_failure_fails_at_once_and_own_delivery_events_do_not_loop() -> None:
    d = delivery("notifications.delivery.failed")
    d.record(SendOutcome.permanent("HTTP 404"), NOW, RetryPolicy())
    assert d.status is DeliveryStatus.FAILED and d.events == []
    assert delivery().id != delivery().id  # identity is per event, target and channel


def test_a_delivery_is_one_per_event_target_and_channel() -> None:
    a = delivery()
    b = Delivery.create(
        event_id=a.event_id,
        event_type=a.event_type,
        correlation_id="other",
        aggregate_key="a",
        channel=a.channel,
        target_kind=a.target_kind,
        target_id=a.target_id,
        address="http://y",
        subject="s",
        text="",
        now=NOW,
    )
    assert a.id == b.id


def test_the_opinion_ladder_climbs_on_working_days_and_stops() -> None:
    calendar = WorkingCalendar()
    item = uuid.uuid4()
    data = {
        "opinion_id": str(item),
        "organ_id": str(uuid.uuid4()),
        "committee_id": str(uuid.uuid4()),
        "round": 1,
    }
    monday = date(2026, 12, 7)
    ladder = EscalationLadder.start(
        OPINION_LADDER, data, correlation_id="c", today=monday, now=NOW, calendar=calendar
    )
    assert ladder.due_steps(OPINION_LADDER, monday, NOW, calendar) == [Rung.REMINDER]
    assert ladder.next_step_on == date(2026, 12, 10)
    # After a long outage every step that fell due is taken, in order, once.
    later = date(2027, 1, 29)
    assert ladder.due_steps(OPINION_LADDER, later, NOW, calendar) == [
        Rung.WARNING,
        Rung.ORGAN_HEAD,
        Rung.COMMITTEE_LEADERSHIP,
    ]
    assert ladder.state is LadderState.TOPPED
    assert [e.model_dump()["step_name"] for e in ladder.events] == [
        "reminder",
        "warning",
        "organ_head",
        "committee_leadership",
    ]
    assert ladder.addressees(Rung.COMMITTEE_LEADERSHIP)[0] == Addressee(
        RecipientRole.COMMITTEE_LEADERSHIP
    )
    assert ladder.stop("topics.opinion.report_submitted", NOW)
    assert not ladder.stop("topics.opinion.closed", NOW)


def test_ladder_gaps_are_configuration() -> None:
    changed = OPINION_LADDER.with_gaps({"warning": 1})
    assert [s.after_working_days for s in changed.steps] == [0, 1, 5, 5]
    with pytest.raises(ValueError, match="no step"):
        OPINION_LADDER.with_gaps({"nonsense": 1})


def test_every_routed_event_is_in_the_catalogue_and_has_its_own_template() -> None:
    book = TemplateBook.load()
    for event_type in RULES:
        assert event_type in TYPES, event_type
        assert event_type in book.kinds, event_type
    for kind in book.kinds:
        assert kind in TYPES or kind.split(".")[0] in {
            "ladder",
            "digest",
            "joint_meeting",
            "default",
        }
    for rung in Rung:
        assert f"ladder.{rung.value}" in book.kinds


def test_recipients_stand_for_inboxes_and_their_whole_role() -> None:
    organ = str(uuid.uuid4())
    contact = Recipient(
        uuid.uuid4(),
        RecipientRole.DEPARTMENT,
        organ,
        "办公室",
        email="a@b.cn",
        channels=[ChannelKind.EMAIL],
    )
    assert contact.stands_for(Addressee(RecipientRole.DEPARTMENT, organ))
    assert not contact.stands_for(Addressee(RecipientRole.DEPARTMENT, str(uuid.uuid4())))
    assert not contact.stands_for(Addressee(RecipientRole.ORGAN_HEAD, organ))
    with pytest.raises(RuleViolation, match="needs a phone"):
        Recipient(uuid.uuid4(), RecipientRole.DEPARTMENT, organ, "x", channels=[ChannelKind.SMS])
    assert addressees(
        "topics.opinion.notice_circulated", {"organ_id": organ, "committee_id": "c"}
    ) == [
        Addressee(RecipientRole.DEPARTMENT, organ),
        Addressee(RecipientRole.COMMITTEE_STAFF, "c"),
        Addressee(RecipientRole.COMMITTEE_LEADERSHIP),
    ]
