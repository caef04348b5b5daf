"""The notifications service as a user meets it: events arrive (FastStream's test broker), the
directory's people are reached on their channels (a real SMTP server, a real webhook receiver),
subscribers get what they are entitled to and nothing else, ladders climb on working days."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from jiandu_notifications.bootstrap import SPEC as NOTIFICATIONS
from jiandu_shared.clock import FixedClock
from jiandu_shared.contracts import EventData, wrap
from jiandu_shared.contracts.topics import (
    OpinionAssigned,
    OpinionNoticeCirculated,
    OpinionOverdue,
    OpinionRated,
    OpinionReportSubmitted,
    ProposalSource,
    ProposalSubmitted,
    SatisfactionLevel,
)
from jiandu_shared.messaging.topology import EVENTS_EXCHANGE
from jiandu_shared.service import Service
from jiandu_shared.web.auth import Role, mint_token
from jiandu_shared.webhooks import verify
from tests.support.http_recorder import RecordingServer, http_server

__all__ = ["http_server"]  # the recording HTTP receiver fixture, shared with the channel tests
from tests.support.collection import in_memory
from tests.support.servers import free_port
from tests.support.services import TEST_SECRET, eventually
from tests.support.smtp import Mailbox, smtp_server

# Monday 7 December 2026, 10:00 in China.
NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
ORGAN, OTHER_ORGAN, COMMITTEE = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()


def token(role: Role, subject: str = "tester", org: str | None = None) -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_token(TEST_SECRET, subject, role, org)}"}


OPERATOR = token(Role.OPERATOR)
STAFF = token(Role.COMMITTEE_STAFF)


@pytest.fixture
def mailbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[Mailbox]:
    with smtp_server() as (box, port):
        monkeypatch.setenv("JIANDU_NOTIFICATIONS_SMTP_PORT", str(port))
        monkeypatch.setenv("JIANDU_NOTIFICATIONS_DISPATCH_POLL_SECONDS", "0.05")
        # The clock stands still in these tests; the settle window has a test of its own.
        monkeypatch.setenv("JIANDU_NOTIFICATIONS_ORDER_SETTLE_SECONDS", "0")
        yield box


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
async def service(
    data_dir: Path, clock: FixedClock, mailbox: Mailbox
) -> AsyncIterator[tuple[Service[Any], httpx.AsyncClient]]:
    async with in_memory(NOTIFICATIONS, data_dir, clock) as running:
        yield running


async def deliver(
    service: Service[Any], data: EventData, *, times: int = 1, correlation: str = "c-1"
) -> uuid.UUID:
    envelope = wrap(data, producer=data.event_type.split(".")[0], correlation_id=correlation)
    for _ in range(times):
        await service.runtime.broker.publish(
            envelope.model_dump_json().encode(),
            exchange=EVENTS_EXCHANGE,
            routing_key=data.event_type,
            content_type="application/json",
        )
    return envelope.event_id


def assigned(opinion: uuid.UUID, organ: uuid.UUID = ORGAN, round_: int = 1) -> OpinionAssigned:
    return OpinionAssigned(
        opinion_id=opinion,
        committee_id=COMMITTEE,
        organ_id=organ,
        round=round_,
        title="关于学前教育工作的审议意见",
        assigned_at=NOW,
        due=date(2027, 2, 26),
        provisional=True,
        unofficial_years=(2027,),
    )


def overdue(opinion: uuid.UUID) -> OpinionOverdue:
    return OpinionOverdue(
        opinion_id=opinion,
        committee_id=COMMITTEE,
        organ_id=ORGAN,
        round=1,
        due=date(2026, 12, 4),
        provisional=False,
        marked_at=NOW,
    )


async def add_people(client: httpx.AsyncClient) -> dict[str, str]:
    people = {
        "organ": {
            "role": "department",
            "ref": str(ORGAN),
            "name": "县教育局办公室",
            "email": "jyj@example.gov.cn",
            "channels": ["email"],
        },
        "head": {
            "role": "organ_head",
            "ref": str(ORGAN),
            "name": "县教育局局长",
            "email": "head@example.gov.cn",
            "channels": ["email"],
            "locale": "en",
        },
        "committee": {
            "role": "committee_staff",
            "ref": str(COMMITTEE),
            "name": "教科文卫工委",
            "email": "jkw@example.gov.cn",
            "channels": ["email"],
        },
        "leadership": {
            "role": "committee_leadership",
            "name": "主任会议",
            "email": "zrhy@example.gov.cn",
            "channels": ["email"],
        },
    }
    ids = {}
    for key, body in people.items():
        response = await client.post("/recipients", json=body, headers=STAFF)
        assert response.status_code == 201, response.text
        ids[key] = response.json()["id"]
    return ids


def mail_to(box: Mailbox, address: str) -> list[bytes]:
    return [content for rcpts, content in box.messages if address in rcpts]


async def test_an_assigned_opinion_reaches_the_organ_inbox_and_its_contact_by_email_once(
    service: tuple[Service[Any], httpx.AsyncClient], mailbox: Mailbox
) -> None:
    svc, client = service
    await add_people(client)
    opinion = uuid.uuid4()
    event_id = await deliver(svc, assigned(opinion), times=2)  # a redelivery has no second effect

    organ_token = token(Role.DEPARTMENT, "jyj-clerk", str(ORGAN))

    async def inbox() -> list[dict[str, Any]]:
        page = await client.get("/inbox", headers=organ_token)
        assert page.status_code == 200, page.text
        return list(page.json()["items"])

    [note] = await eventually(inbox)
    assert note["kind"] == "topics.opinion.assigned"
    assert "审议意见交办" in note["title"] and "2027-02-26" in note["body"]
    assert "暂定" in note["body"] or "官方节假日" in note["body"]  # a provisional deadline says so
    # Another organ sees none of it.
    other = await client.get("/inbox", headers=token(Role.DEPARTMENT, "x", str(OTHER_ORGAN)))
    assert other.json()["total"] == 0
    assert (
        await client.post(
            f"/inbox/{note['id']}/read", headers=token(Role.DEPARTMENT, "x", str(OTHER_ORGAN))
        )
    ).status_code == 404
    read = await client.post(f"/inbox/{note['id']}/read", headers=organ_token)
    assert read.status_code == 200 and read.json()["read_at"]
    assert (await client.get("/inbox", params={"unread_only": True}, headers=organ_token)).json()[
        "total"
    ] == 0

    await eventually(lambda: _async(mail_to(mailbox, "jyj@example.gov.cn")))
    [mail] = mail_to(mailbox, "jyj@example.gov.cn")
    assert "审议意见交办".encode() in mail or b"=?utf-8?" in mail.lower()
    # Not the committee nor the head: the assignment is for the organ.
    assert not mail_to(mailbox, "head@example.gov.cn")
    deliveries = (
        await client.get("/deliveries", params={"event_id": str(event_id)}, headers=OPERATOR)
    ).json()
    assert deliveries["total"] == 1
    [delivery] = deliveries["items"]
    assert delivery["status"] == "sent" and delivery["attempts"] == 1
    detail = (await client.get(f"/deliveries/{delivery['id']}", headers=OPERATOR)).json()
    assert [a["outcome"] for a in detail["attempt_log"]] == ["sent"]


async def _async(value: Any) -> Any:
    return value


async def test_an_overdue_opinion_climbs_its_ladder_in_working_days_and_stops_when_handled(
    service: tuple[Service[Any], httpx.AsyncClient], clock: FixedClock, mailbox: Mailbox
) -> None:
    svc, client = service
    await add_people(client)
    opinion = uuid.uuid4()
    await deliver(svc, overdue(opinion))

    async def ladder() -> dict[str, Any] | None:
        page = (
            await client.get("/ladders", params={"item_id": str(opinion)}, headers=STAFF)
        ).json()
        return page["items"][0] if page["items"] else None

    first = await eventually(ladder)
    # Started on Monday 7 December with the reminder; the warning 3 working days later.
    assert first["started_on"] == "2026-12-07" and first["next_step"] == 1
    assert first["next_step_on"] == "2026-12-10"
    await eventually(
        lambda: _async(len(mail_to(mailbox, "jyj@example.gov.cn")) >= 2)
    )  # overdue + reminder

    from jiandu_notifications.service_layer import ladders
    from jiandu_notifications.service_layer.context import Context

    ctx = Context.for_clock(clock)
    clock.set(datetime(2026, 12, 9, 2, 0, tzinfo=UTC))  # Wednesday: nothing due yet
    assert await ladders.sweep(svc.uow(), ctx) == 0
    clock.set(datetime(2026, 12, 10, 2, 0, tzinfo=UTC))  # Thursday: the warning
    assert await ladders.sweep(svc.uow(), ctx) == 1
    assert await ladders.sweep(svc.uow(), ctx) == 0  # a second sweep takes no step twice
    # The organ head: 5 working days after the warning (a weekend between) -> Thursday 17th.
    current = await ladder()
    assert current is not None and current["next_step_on"] == "2026-12-17"
    clock.set(datetime(2026, 12, 17, 2, 0, tzinfo=UTC))
    assert await ladders.sweep(svc.uow(), ctx) == 1
    await eventually(lambda: _async(mail_to(mailbox, "head@example.gov.cn")))
    [head_mail] = mail_to(mailbox, "head@example.gov.cn")
    assert b"For the organ" in head_mail  # the head reads English, as the directory says

    # The organ reports: the ladder stops before the leadership step.
    await deliver(
        svc,
        OpinionReportSubmitted(
            opinion_id=opinion,
            committee_id=COMMITTEE,
            organ_id=ORGAN,
            round=1,
            submitted_at=clock.now(),
            due=date(2026, 12, 4),
            on_time=False,
        ),
    )
    stopped = await eventually(lambda: _stopped(ladder))
    assert stopped["stopped_by"] == "topics.opinion.report_submitted"
    clock.set(datetime(2027, 1, 29, 2, 0, tzinfo=UTC))
    assert await ladders.sweep(svc.uow(), ctx) == 0
    assert not mail_to(mailbox, "zrhy@example.gov.cn")


async def _stopped(ladder: Any) -> Any:
    found = await ladder()
    return found if found and found["state"] == "stopped" else None


def agency_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "code": "county-discipline",
        "name": "县纪委监委",
        "kind": "agency",
        "agency": "discipline_inspection",
        "method": "webhook",
        "webhook_url": "http://127.0.0.1:9/never",
        "entitled_types": ["topics.opinion.*"],
        "entitled_classifications": ["internal", "restricted"],
        "subscriptions": [{"pattern": "topics.opinion.notice_circulated"}],
        "secret": "agency-secret-0123456789",
    }
    body.update(changes)
    return body


async def test_bad_subscription_definitions_get_a_4xx_naming_the_field(
    service: tuple[Service[Any], httpx.AsyncClient],
) -> None:
    _, client = service
    cases: dict[str, dict[str, Any]] = {
        "subscriptions[0].pattern": {"subscriptions": [{"pattern": "finance.#"}]},
        "entitled_types[0]": {"entitled_types": ["nothing.matches.this"]},
        "subscriptions[0].classifications": {
            "entitled_classifications": ["internal"],
            "subscriptions": [{"pattern": "topics.opinion.#", "classifications": ["restricted"]}],
        },
        "webhook_url": {"webhook_url": None},
    }
    for field, change in cases.items():
        response = await client.post("/subscribers", json=agency_body(**change), headers=OPERATOR)
        assert response.status_code == 422, response.text
        assert field in response.text, (field, response.text)
    syntax = await client.post(
        "/subscribers", json=agency_body(subscriptions=[{"pattern": "topics..x"}]), headers=OPERATOR
    )
    assert syntax.status_code == 422 and "pattern" in syntax.text
    staff = await client.post("/subscribers", json=agency_body(), headers=STAFF)
    assert staff.status_code == 403


async def test_a_partner_agency_receives_exactly_what_it_is_entitled_to_signed(
    service: tuple[Service[Any], httpx.AsyncClient], http_server: RecordingServer
) -> None:
    svc, client = service
    created = await client.post(
        "/subscribers",
        json=agency_body(
            webhook_url=http_server.url("/jiandu"),
            subscriptions=[
                {"pattern": "topics.opinion.notice_circulated"},
                {"pattern": "topics.opinion.overdue", "organ_ids": [str(ORGAN)]},
            ],
        ),
        headers=OPERATOR,
    )
    assert created.status_code == 201, created.text
    assert created.json()["secret"] == "agency-secret-0123456789"
    assert "value" not in json.dumps(
        (await client.get("/subscribers/county-discipline", headers=OPERATOR)).json()
    )

    opinion = uuid.uuid4()
    notice = await deliver(
        svc,
        OpinionNoticeCirculated(
            opinion_id=opinion, committee_id=COMMITTEE, organ_id=ORGAN, round=1, circulated_at=NOW
        ),
    )
    await deliver(svc, overdue(opinion))  # organ matches the filter
    other = overdue(uuid.uuid4()).model_copy(update={"organ_id": OTHER_ORGAN})
    await deliver(svc, other)  # another organ: filtered out
    await deliver(svc, assigned(opinion))  # entitled, not subscribed
    await deliver(
        svc,
        ProposalSubmitted(
            proposal_id=uuid.uuid4(),
            tracking_code="JD-X",
            year=2027,
            source=ProposalSource.PUBLIC,
            focus_area="ecology",
            title="x",
        ),
    )  # not entitled

    await eventually(lambda: _async(len(http_server.requests) >= 2))
    await eventually(lambda: _delivered(client, 2))
    types = [r.headers["X-Jiandu-Event-Type"] for r in http_server.requests]
    assert sorted(types) == ["topics.opinion.notice_circulated", "topics.opinion.overdue"]
    first = next(r for r in http_server.requests if r.headers["X-Jiandu-Event-Id"] == str(notice))
    verify(first.headers, first.body, ["agency-secret-0123456789"], now=time.time())
    envelope = json.loads(first.body)
    assert envelope["type"] == "topics.opinion.notice_circulated"
    assert envelope["data"]["organ_id"] == str(ORGAN)

    # Rotation without downtime: both secrets sign until the old one is retired.
    rotated = await client.post("/subscribers/county-discipline/secrets", json={}, headers=OPERATOR)
    assert rotated.status_code == 201
    new_secret = rotated.json()["secret"]
    await deliver(
        svc,
        OpinionNoticeCirculated(
            opinion_id=uuid.uuid4(),
            committee_id=COMMITTEE,
            organ_id=ORGAN,
            round=1,
            circulated_at=NOW,
        ),
    )
    await eventually(lambda: _async(len(http_server.requests) >= 3))
    last = http_server.requests[-1]
    for secret in ("agency-secret-0123456789", new_secret):
        verify(last.headers, last.body, [secret], now=time.time())

    # Agencies see their joint-meeting digest, and only their own.
    own = token(Role.PARTNER_AGENCY, "jw", "county-discipline")
    digest = await client.get("/joint-meetings/county-discipline/2026/4", headers=own)
    assert digest.status_code == 200, digest.text
    assert digest.json()["total"] == 3
    assert (
        await client.get(
            "/joint-meetings/county-discipline/2026/4",
            headers=token(Role.PARTNER_AGENCY, "x", "audit"),
        )
    ).status_code == 403


async def _delivered(client: httpx.AsyncClient, n: int) -> bool:
    page = (await client.get("/deliveries", params={"status": "sent"}, headers=OPERATOR)).json()
    return bool(page["total"] >= n)


async def test_a_receiver_that_is_down_gets_everything_in_order_when_it_returns(
    service: tuple[Service[Any], httpx.AsyncClient], clock: FixedClock
) -> None:
    svc, client = service
    port = free_port()  # nothing listens yet: the receiver is down
    created = await client.post(
        "/subscribers",
        json=agency_body(
            webhook_url=f"http://127.0.0.1:{port}/hook",
            subscriptions=[{"pattern": "topics.opinion.#"}],
        ),
        headers=OPERATOR,
    )
    assert created.status_code == 201, created.text
    opinion = uuid.uuid4()
    sent = [
        await deliver(svc, assigned(opinion, round_=i + 1), correlation=f"c-{i}") for i in range(3)
    ]

    async def attempts() -> list[int]:
        page = (await client.get("/deliveries", headers=OPERATOR)).json()
        return sorted(d["attempts"] for d in page["items"])

    # The head of the line failed (connection refused) and waits its backoff; the later ones
    # wait behind it, untried, so order per aggregate holds.
    assert await eventually(lambda: _equal(attempts, [0, 0, 1]))
    receiver = _start_receiver(port)
    try:
        clock.advance(timedelta(minutes=10))  # past the backoff
        await eventually(lambda: _async(len(receiver.requests) >= 3), timeout=15)
        order = [r.headers["X-Jiandu-Event-Id"] for r in receiver.requests]
        assert order == [str(e) for e in sent]
    finally:
        receiver.close()


async def test_a_slow_receiver_does_not_hold_the_service_up(
    service: tuple[Service[Any], httpx.AsyncClient],
) -> None:
    """On SQLite the dispatcher sends with no transaction open: while a webhook takes its
    time, the API answers and new events are taken in (its one connection is free)."""
    svc, client = service
    port = free_port()
    receiver = _start_receiver(port)
    try:
        created = await client.post(
            "/subscribers",
            json=agency_body(
                webhook_url=f"http://127.0.0.1:{port}/slow/3",
                subscriptions=[{"pattern": "topics.opinion.#"}],
            ),
            headers=OPERATOR,
        )
        assert created.status_code == 201, created.text
        await deliver(svc, assigned(uuid.uuid4()), correlation="slow-1")
        await eventually(lambda: _async(len(receiver.requests) >= 1), timeout=15)
        started = time.monotonic()  # the receiver now holds the request for 3 s
        page = await client.get("/deliveries", headers=OPERATOR)
        assert page.status_code == 200
        await deliver(svc, assigned(uuid.uuid4()), correlation="slow-2")
        assert time.monotonic() - started < 1.5, "the API waited for the slow receiver"

        async def recorded() -> list[int]:
            items = (await client.get("/deliveries", headers=OPERATOR)).json()["items"]
            return sorted(d["attempts"] for d in items if d["correlation_id"] == "slow-1")

        assert await eventually(lambda: _equal(recorded, [1]), timeout=15)
    finally:
        receiver.close()


async def test_an_earlier_event_that_arrives_later_still_goes_first(
    mailbox: Mailbox, data_dir: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Assigned and rated travel on different queues: rated may be consumed first. Within the
    settle window the line is ordered by when the events happened, not by arrival."""
    monkeypatch.setenv("JIANDU_NOTIFICATIONS_ORDER_SETTLE_SECONDS", "30")
    port = free_port()
    receiver = _start_receiver(port)
    try:
        async with in_memory(NOTIFICATIONS, data_dir, clock) as (svc, client):
            created = await client.post(
                "/subscribers",
                json=agency_body(
                    webhook_url=f"http://127.0.0.1:{port}/hook",
                    subscriptions=[{"pattern": "topics.opinion.#"}],
                ),
                headers=OPERATOR,
            )
            assert created.status_code == 201, created.text
            opinion = uuid.uuid4()
            first = wrap(assigned(opinion), producer="topics")
            second = wrap(rated_event(opinion), producer="topics")
            for envelope in (second, first):  # the later event is consumed first
                await svc.runtime.broker.publish(
                    envelope.model_dump_json().encode(),
                    exchange=EVENTS_EXCHANGE,
                    routing_key=envelope.type,
                    content_type="application/json",
                )

            async def waiting() -> list[int]:
                page = (await client.get("/deliveries", headers=OPERATOR)).json()
                # The quarter's joint-meeting digest to the new subscriber may be there too.
                return [
                    d["attempts"]
                    for d in page["items"]
                    if d["event_type"].startswith("topics.opinion.")
                ]

            ours = {str(first.event_id), str(second.event_id)}

            def order() -> list[str]:
                sent = [r.headers["X-Jiandu-Event-Id"] for r in receiver.requests]
                return [event_id for event_id in sent if event_id in ours]

            assert await eventually(lambda: _equal(waiting, [0, 0]))
            await asyncio.sleep(0.3)
            assert order() == [], "nothing goes out inside the window"
            clock.advance(timedelta(seconds=31))
            await eventually(lambda: _async(len(order()) >= 2), timeout=15)
            assert order() == [str(first.event_id), str(second.event_id)]
    finally:
        receiver.close()


def rated_event(opinion: uuid.UUID) -> OpinionRated:
    return OpinionRated(
        opinion_id=opinion,
        committee_id=COMMITTEE,
        organ_id=ORGAN,
        round=1,
        satisfied=10,
        basically_satisfied=2,
        unsatisfied=1,
        verdict=SatisfactionLevel.SATISFIED,
        rated_at=NOW,
    )


async def _equal(check: Any, expected: Any) -> bool:
    return bool(await check() == expected)


class _Receiver(RecordingServer):
    close: Any


def _start_receiver(port: int) -> _Receiver:
    import threading
    from http.server import ThreadingHTTPServer

    from tests.support.http_recorder import handler_for

    recording = _Receiver(port=port)
    httpd = ThreadingHTTPServer(("127.0.0.1", port), handler_for(recording))
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()

    def close() -> None:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)

    recording.close = close
    return recording


async def test_a_permanent_failure_lands_on_the_failed_list_and_replays_once_fixed(
    service: tuple[Service[Any], httpx.AsyncClient], http_server: RecordingServer
) -> None:
    svc, client = service
    created = await client.post(
        "/subscribers",
        json=agency_body(
            webhook_url=http_server.url("/status/404"),
            subscriptions=[{"pattern": "topics.opinion.#"}],
        ),
        headers=OPERATOR,
    )
    assert created.status_code == 201, created.text
    event = await deliver(svc, assigned(uuid.uuid4()))

    async def failed() -> list[dict[str, Any]]:
        page = (
            await client.get("/deliveries", params={"status": "failed"}, headers=OPERATOR)
        ).json()
        return list(page["items"])

    [failure] = await eventually(failed)
    assert failure["event_id"] == str(event) and "404" in failure["last_error"]
    # The operator fixes the address and replays the failed list.
    moved = await client.put(
        "/subscribers/county-discipline/webhook",
        json={"webhook_url": http_server.url("/ok")},
        headers=OPERATOR,
    )
    assert moved.status_code == 200, moved.text
    replayed = await client.post("/deliveries/replay", json={}, headers=OPERATOR)
    assert replayed.json() == {"replayed": 1, "delivery_ids": [failure["id"]]}
    await eventually(lambda: _delivered(client, 1))
    assert [r.path for r in http_server.requests] == ["/status/404", "/ok"]
    detail = (await client.get(f"/deliveries/{failure['id']}", headers=OPERATOR)).json()
    assert [a["outcome"] for a in detail["attempt_log"]] == ["permanent", "sent"]
