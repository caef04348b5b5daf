"""The agency's verifier accepts what the platform signs, and nothing else."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import pytest

from jiandu_agency.verification import Reason, Rejected, Verifier
from tests.agency.conftest import NEW_SECRET, SECRET, event_body, signed

Tamper = Callable[[dict[str, str], bytes], tuple[dict[str, str], bytes]]


def verifier(*secrets: str, max_age: int = 300) -> Verifier:
    return Verifier(secrets or (SECRET,), max_age_seconds=max_age, future_skew_seconds=60)


def test_what_the_platform_signs_is_accepted_with_the_id_from_the_body() -> None:
    body = event_body()
    event = verifier().verify(signed(body), body, now=time.time())
    assert event.event_id == json.loads(body)["event_id"]
    assert event.event_type == "topics.opinion.rated"
    assert event.envelope["data"]["note"] == "整改不到位"


def test_rotation_either_secret_of_two_is_enough() -> None:
    body = event_body()
    both = signed(body, NEW_SECRET, SECRET)  # the platform signs with both while rotating
    verifier(SECRET).verify(both, body, now=time.time())  # agency not switched yet
    verifier(NEW_SECRET).verify(both, body, now=time.time())  # agency switched
    verifier(NEW_SECRET).verify(signed(body, NEW_SECRET), body, now=time.time())  # old retired
    with pytest.raises(Rejected) as caught:
        verifier(SECRET).verify(signed(body, NEW_SECRET), body, now=time.time())
    assert caught.value.reason is Reason.FORGED


@pytest.mark.parametrize(
    ("tamper", "reason"),
    [
        (lambda h, b: (h, b.replace(b"unsatisfied", b"satisfied__")), Reason.FORGED),
        (lambda h, b: ({**h, "X-Jiandu-Signature": "v1=" + "0" * 64}, b), Reason.FORGED),
        (lambda h, b: ({**h, "X-Jiandu-Signature": "sha1=abc"}, b), Reason.FORGED),
        (
            lambda h, b: ({k: v for k, v in h.items() if k != "X-Jiandu-Signature"}, b),
            Reason.UNSIGNED,
        ),
        (
            lambda h, b: ({k: v for k, v in h.items() if k != "X-Jiandu-Timestamp"}, b),
            Reason.UNSIGNED,
        ),
        (lambda h, b: ({**h, "X-Jiandu-Timestamp": "yesterday"}, b), Reason.MALFORMED),
        (lambda h, b: ({**h, "X-Jiandu-Event-Id": "another-id"}, b), Reason.MISMATCH),
        (lambda h, b: ({**h, "X-Jiandu-Event-Type": "topics.plan.published"}, b), Reason.MISMATCH),
    ],
)
def test_tampered_messages_are_rejected_with_the_reason(tamper: Tamper, reason: Reason) -> None:
    body = event_body()
    headers, sent = tamper(signed(body), body)
    with pytest.raises(Rejected) as caught:
        verifier().verify(headers, sent, now=time.time())
    assert caught.value.reason is reason


def test_a_changed_timestamp_breaks_the_signature() -> None:
    body = event_body()
    headers = signed(body, at=time.time() - 3600)
    headers["X-Jiandu-Timestamp"] = str(int(time.time()))  # "refresh" a captured message
    with pytest.raises(Rejected) as caught:
        verifier().verify(headers, body, now=time.time())
    assert caught.value.reason is Reason.FORGED


def test_old_and_future_timestamps_are_stale() -> None:
    body, now = event_body(), time.time()
    with pytest.raises(Rejected) as old:
        verifier().verify(signed(body, at=now - 301), body, now=now)
    assert old.value.reason is Reason.STALE
    with pytest.raises(Rejected) as ahead:
        verifier().verify(signed(body, at=now + 120), body, now=now)
    assert ahead.value.reason is Reason.STALE
    verifier().verify(signed(body, at=now - 299), body, now=now)
    verifier().verify(signed(body, at=now + 30), body, now=now)  # small clock skew
    # Queue mode waits for a returning agency: a day-old queued message is still fresh there.
    verifier(max_age=7 * 86400).verify(signed(body, at=now - 86400), body, now=now)


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b'{"type": "x"}', b"\xff\xfe"])
def test_signed_bodies_that_are_not_events_are_malformed(body: bytes) -> None:
    from jiandu_shared.webhooks import signature_header

    now = int(time.time())
    headers = {
        "X-Jiandu-Timestamp": str(now),
        "X-Jiandu-Signature": signature_header([SECRET], now, body),
    }
    with pytest.raises(Rejected) as caught:
        verifier().verify(headers, body, now=now)
    assert caught.value.reason is Reason.MALFORMED


def test_a_verifier_without_secrets_is_refused() -> None:
    with pytest.raises(ValueError, match="secret"):
        Verifier((), max_age_seconds=300, future_skew_seconds=60)
