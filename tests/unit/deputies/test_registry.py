"""The deputies registry's domain: registration, public codes, validation, updates, leaving office."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from jiandu_deputies.domain.registry import (
    CODE_ALPHABET,
    AgeBand,
    Deputy,
    DeputyField,
    DeputyLevel,
    DeputyProfile,
    Gender,
    LeaveReason,
    age_band,
    new_public_code,
    normalize_phone,
    normalize_public_code,
)
from jiandu_shared.contracts.deputies.registry import (
    DeputyLeftOffice,
    DeputyRegistered,
    DeputyUpdated,
)
from jiandu_shared.errors import Conflict, RuleViolation

NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
TODAY = date(2026, 12, 7)


def profile(**changes: object) -> DeputyProfile:
    values: dict[str, object] = {
        "name": "王芳",
        "constituency": "第三选区",
        "sector": "农民",
        "unit": "昌吉市某合作社",
        "position": "理事长",
        "gender": Gender.FEMALE,
        "birth_year": 1978,
        "industry": "农业",
        "skills": ("种植", "电商"),
        "phone": "138 0013 8000",
        "email": "Wang@Example.cn",
        "published": frozenset({DeputyField.UNIT, DeputyField.PHONE}),
    }
    values.update(changes)
    return DeputyProfile(**values)  # type: ignore[arg-type]


def register(**changes: object) -> Deputy:
    return Deputy.register(
        level=DeputyLevel.COUNTY,
        registry_number="XZ-0001",
        profile=profile(**changes),
        now=NOW,
        today=TODAY,
    )


def test_registration_normalizes_and_raises_an_event_without_contact_data() -> None:
    deputy = register()
    assert deputy.phone == "13800138000"
    assert deputy.email == "wang@example.cn"
    assert deputy.active
    (event,) = deputy.events
    assert isinstance(event, DeputyRegistered)
    assert event.public_code == deputy.public_code
    dumped = event.model_dump_json()
    assert "13800138000" not in dumped and "example" not in dumped


def test_public_codes_are_short_url_safe_and_forgive_misreadings() -> None:
    code = new_public_code()
    assert len(code) == 8 and set(code) <= set(CODE_ALPHABET)
    assert not set(code) & set("ILOU")
    assert normalize_public_code(code.lower()) == code
    assert normalize_public_code("oi1l-abcd") == "0111ABCD"
    assert normalize_public_code("short") is None
    assert normalize_public_code("ABCDEFGU") is None  # U is not in the alphabet


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("13800138000", "13800138000"),
        ("+86 138-0013-8000", "13800138000"),
        ("0994-2345678", "0994-2345678"),
        ("12345", None),
        ("23800138000", None),
    ],
)
def test_phone_numbers(text: str, stored: str | None) -> None:
    assert normalize_phone(text) == stored


def test_every_problem_of_a_profile_is_reported() -> None:
    bad = profile(
        name=" ",
        birth_year=2015,
        phone="12345",
        email="nope",
        published=frozenset({DeputyField.BIRTH_YEAR, DeputyField.ADDRESS}),
    ).normalized()
    problems = bad.problems(TODAY)
    text = " | ".join(problems)
    assert "name is required" in text
    assert "birth year 2015" in text
    assert "phone" in text and "email" in text
    assert "birth_year" in text  # cannot be chosen for publication
    assert "address is to be published but is empty" in text
    with pytest.raises(RuleViolation):
        register(phone="12345")


def test_registry_number_is_checked() -> None:
    with pytest.raises(RuleViolation, match="registry number"):
        Deputy.register(
            level=DeputyLevel.COUNTY,
            registry_number="bad number!",
            profile=profile(),
            now=NOW,
            today=TODAY,
        )


def test_update_names_changed_fields_and_is_silent_when_nothing_changed() -> None:
    deputy = register()
    deputy.events.clear()
    assert deputy.update(profile(), now=NOW, today=TODAY) == ()
    assert deputy.events == []
    changed = deputy.update(profile(phone="13900139000", position="社长"), now=NOW, today=TODAY)
    assert set(changed) == {"phone", "position"}
    (event,) = deputy.events
    assert isinstance(event, DeputyUpdated)
    assert set(event.changed_fields) == {"phone", "position"}
    assert "13900139000" not in event.model_dump_json()


def test_leaving_office_once() -> None:
    deputy = register()
    deputy.events.clear()
    deputy.leave_office(
        on=date(2026, 11, 30), reason=LeaveReason.TRANSFERRED, note="调往外县", now=NOW
    )
    assert not deputy.active and deputy.left_on == date(2026, 11, 30)
    (event,) = deputy.events
    assert isinstance(event, DeputyLeftOffice) and event.reason is LeaveReason.TRANSFERRED
    with pytest.raises(Conflict):
        deputy.leave_office(on=date(2026, 12, 1), reason=LeaveReason.OTHER, note=None, now=NOW)


def test_age_bands() -> None:
    assert age_band(1995, TODAY) is AgeBand.UNDER_35
    assert age_band(1978, TODAY) is AgeBand.FROM_45_TO_54
    assert age_band(1950, TODAY) is AgeBand.FROM_65
