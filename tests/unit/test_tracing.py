"""A flow's timeline: causes before effects even where records are stamped late, and the
`jiandu trace` command's table, warnings and exit codes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from jiandu_shared import cli
from jiandu_shared.tracing import TraceEntry, timeline
from tests.support.servers import free_port

T0 = datetime(2027, 3, 1, 2, 0, tzinfo=UTC)


def at(ms: float) -> datetime:
    return T0 + timedelta(milliseconds=ms)


def entry(ms: float, service: str, kind: str, event_id: str = "e1", **more: str) -> TraceEntry:
    return TraceEntry(
        at=at(ms), service=service, kind=kind, event_type="t.a.b", event_id=event_id, **more
    )


def test_a_batched_consumption_comes_before_its_effects() -> None:
    # A batched consumer writes its inbox row after the handlers ran.
    stored = entry(10, "notifications", "notification.stored", causation_id="e1")
    consumed = entry(12, "notifications", "inbox.consumed")
    ordered = timeline([stored, consumed])
    assert [e.kind for e in ordered] == ["inbox.consumed", "notification.stored"]
    assert ordered[0].at == at(10)
    assert consumed.at == at(12), "the entries given are left as they were"


def test_a_publication_comes_no_later_than_its_first_consumption_and_says_so() -> None:
    published = entry(20, "topics", "outbox.published", detail="confirmed by the broker")
    consumed = entry(15, "notifications", "inbox.consumed")
    other = entry(17, "finance", "inbox.consumed")
    ordered = timeline([other, published, consumed])
    assert [(e.service, e.kind) for e in ordered] == [
        ("topics", "outbox.published"),
        ("notifications", "inbox.consumed"),
        ("finance", "inbox.consumed"),
    ]
    assert ordered[0].at == at(15)
    assert ordered[0].detail == (
        "confirmed by the broker; the confirm came 5 ms after a consumer took it"
    )
    # Another event's publication is not moved.
    late = entry(30, "topics", "outbox.published", event_id="e2")
    assert timeline([late, consumed])[1].at == at(30)


def test_a_request_comes_first_among_what_it_recorded_at_the_same_instant() -> None:
    recorded = entry(0, "topics", "outbox.recorded")
    request = entry(0, "topics", "http.request")
    assert [e.kind for e in timeline([recorded, request])] == ["http.request", "outbox.recorded"]


def test_the_table_shows_milliseconds_from_the_first_record() -> None:
    entries = timeline(
        [
            entry(0, "topics", "http.request", detail="POST /proposals"),
            entry(12.5, "notifications", "inbox.consumed", event_id="0123456789ab", detail="by x"),
        ]
    )
    lines = cli.render("flow-1", entries).splitlines()
    assert lines[0] == "Flow flow-1: 2 records in topics, notifications, from 2027-03-01T02:00:00Z"
    assert lines[1].split() == [
        "+0.0",
        "ms",
        "topics",
        "http.request",
        "t.a.b",
        "e1",
        "POST",
        "/proposals",
    ]
    assert lines[2].split() == [
        "+12.5",
        "ms",
        "notifications",
        "inbox.consumed",
        "t.a.b",
        "01234567",
        "by",
        "x",
    ]
    assert cli.render("none", []) == "No records of flow 'none' in the services that answered."


def test_the_services_are_found_where_the_environment_says(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("JIANDU_HOST", "10.0.0.5")
    monkeypatch.setenv("JIANDU_FINANCE_PORT", "9003")
    assert cli.default_urls() == {
        "topics": "http://10.0.0.5:8001",
        "deputies": "http://10.0.0.5:8002",
        "finance": "http://10.0.0.5:9003",
        "notifications": "http://10.0.0.5:8004",
    }


def test_no_service_answering_is_a_failure_naming_each(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    closed = {name: f"http://127.0.0.1:{free_port()}" for name in cli.SERVICES}
    monkeypatch.setattr(cli, "default_urls", lambda: dict(closed))
    assert cli.main(["trace", "flow-1", "--timeout", "2"]) == 1
    out, err = capsys.readouterr()
    assert out.strip() == "No records of flow 'flow-1' in the services that answered."
    assert [line.split()[1] for line in err.splitlines()] == list(cli.SERVICES)
    assert all(line.startswith("warning: ") for line in err.splitlines())


def test_a_url_must_name_a_service(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["trace", "flow-1", "--url", "billing=http://x"])
    assert exited.value.code == 2
    assert "SERVICE=URL" in capsys.readouterr().err
