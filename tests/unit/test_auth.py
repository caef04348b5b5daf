"""Bearer tokens and roles."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi import HTTPException

from jiandu_shared.web.auth import Role, mint_token, read_token

SECRET = "unit-test-secret-unit-test-secret-0123"


def test_a_token_names_its_subject_and_role() -> None:
    who = read_token(SECRET, mint_token(SECRET, "alice", Role.COMMITTEE_STAFF, "budget-committee"))
    assert (who.subject, who.role, who.organisation) == (
        "alice",
        Role.COMMITTEE_STAFF,
        "budget-committee",
    )


@pytest.mark.parametrize(
    "token",
    [
        mint_token("another-secret-another-secret-another", "mallory", Role.OPERATOR),
        mint_token(SECRET, "late", Role.OPERATOR, ttl=timedelta(seconds=-1)),
        "not-a-token",
    ],
)
def test_forged_expired_or_garbled_tokens_are_refused(token: str) -> None:
    with pytest.raises(HTTPException) as refused:
        read_token(SECRET, token)
    assert refused.value.status_code == 401
