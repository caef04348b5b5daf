"""The disclosure policy (代表信息公开) as a pure function: audiences and their fields."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from jiandu_deputies.domain.disclosure import (
    Audience,
    audience_of,
    disclose,
    sees_contact,
    visible_fields,
)
from jiandu_deputies.domain.registry import (
    CONTACT_FIELDS,
    Deputy,
    DeputyField,
    DeputyLevel,
    DeputyProfile,
)

NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
TODAY = date(2026, 12, 7)


def deputy(published: set[DeputyField]) -> Deputy:
    return Deputy.register(
        level=DeputyLevel.TOWNSHIP,
        registry_number="T-1",
        profile=DeputyProfile(
            name="马军",
            constituency="第二选区",
            birth_year=1990,
            ethnicity="回族",
            phone="13800138000",
            email="ma@example.cn",
            published=frozenset(published),
        ),
        now=NOW,
        today=TODAY,
    )


def test_audiences() -> None:
    d = uuid.uuid4()
    assert audience_of(None, None, d) is Audience.PUBLIC
    assert audience_of("citizen", "c", d) is Audience.PUBLIC
    assert audience_of("deputy", str(d), d) is Audience.SELF
    assert audience_of("deputy", "other", d) is Audience.COLLEAGUE
    assert audience_of("committee_member", str(d), d) is Audience.COLLEAGUE
    assert audience_of("department", "x", d) is Audience.OFFICIAL
    assert audience_of("partner_agency", "x", d) is Audience.OFFICIAL
    assert audience_of("committee_staff", "x", d) is Audience.STAFF
    assert audience_of("operator", "x", d) is Audience.STAFF
    assert audience_of("someone new", "x", d) is Audience.PUBLIC  # fail closed


def test_contact_per_audience() -> None:
    entry = deputy({DeputyField.PHONE})
    assert sees_contact(entry, Audience.STAFF) == CONTACT_FIELDS
    assert sees_contact(entry, Audience.SELF) == CONTACT_FIELDS
    assert sees_contact(entry, Audience.COLLEAGUE) == {DeputyField.PHONE}
    assert sees_contact(entry, Audience.PUBLIC) == {DeputyField.PHONE}
    assert sees_contact(entry, Audience.OFFICIAL) == frozenset()


def test_public_values_and_age_band() -> None:
    entry = deputy({DeputyField.AGE_BAND, DeputyField.ETHNICITY})
    values = disclose(entry, Audience.PUBLIC, TODAY).values
    assert values["age_band"] == "35-44"
    assert values["ethnicity"] == "回族"
    assert "birth_year" not in values and "phone" not in values
    assert DeputyField.BIRTH_YEAR not in visible_fields(entry, Audience.COLLEAGUE)
    staff = disclose(entry, Audience.STAFF, TODAY).values
    assert staff["birth_year"] == 1990 and staff["phone"] == "13800138000"
    assert staff["published"] == ["age_band", "ethnicity"]
