"""Who sees which field of a deputy's entry (代表信息公开): the one disclosure policy.

Every area that shows a deputy to someone (the registry's API, citizens' opinions, dual
contact, liaison stations) asks this module, so the rule lives in one place:

============================ ====================================================================
audience                     sees
============================ ====================================================================
``STAFF`` (committee staff,  everything: profile, exact birth year, every contact field, the
operators)                   consent list and the record (registry number, leaving office)
``SELF`` (the deputy, token  the same as staff: their own entry in full
subject = deputy id)
``COLLEAGUE`` (other         the working profile (sector, unit, position, gender, age band,
deputies, committee members) industry, skills), plus ethnicity and contact fields only where
                             the deputy consented to publish them
``OFFICIAL`` (departments,   the working profile and other consented fields, but never any
partner agencies)            personal contact field, whatever the consent
``PUBLIC`` (citizens, no     name, level, constituency, term, and only the fields the deputy
account)                     consented to publish
============================ ====================================================================

The role names come from ``jiandu_shared.web.auth.Role`` as plain strings, so this module
stays free of the web framework; an unknown role is treated as the public (fail closed).
Pure domain: no framework imports.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from jiandu_deputies.domain.registry import (
    ALWAYS_PUBLIC,
    CONTACT_FIELDS,
    Deputy,
    DeputyField,
)


class Audience(StrEnum):
    STAFF = "staff"
    SELF = "self"
    COLLEAGUE = "colleague"
    OFFICIAL = "official"
    PUBLIC = "public"


# What each role is, before asking whether the reader is the deputy themself.
_BY_ROLE = {
    "committee_staff": Audience.STAFF,
    "operator": Audience.STAFF,
    "deputy": Audience.COLLEAGUE,
    "committee_member": Audience.COLLEAGUE,
    "department": Audience.OFFICIAL,
    "partner_agency": Audience.OFFICIAL,
    "citizen": Audience.PUBLIC,
}

WORKING_PROFILE = frozenset(
    {
        DeputyField.SECTOR,
        DeputyField.UNIT,
        DeputyField.POSITION,
        DeputyField.GENDER,
        DeputyField.AGE_BAND,
        DeputyField.INDUSTRY,
        DeputyField.SKILLS,
    }
)
EVERY_FIELD = frozenset(DeputyField)
# The exact birth year stays with staff and the deputy, even if a stored consent named it.
_NEVER_SHARED = frozenset({DeputyField.BIRTH_YEAR})

# Beside the fields: identifiers everybody sees, and the record only staff and the deputy see.
IDENTITY_KEYS = ("id", "public_code", "active")
RECORD_KEYS = (
    "registry_number",
    "published",
    "left_on",
    "leave_reason",
    "leave_note",
    "registered_at",
    "updated_at",
)


def audience_of(role: str | None, subject: str | None, deputy_id: uuid.UUID) -> Audience:
    """The audience of a reader with ``role`` (None: no account) and token ``subject``."""
    if role == "deputy" and subject is not None and subject == str(deputy_id):
        return Audience.SELF
    if role is None:
        return Audience.PUBLIC
    return _BY_ROLE.get(str(role), Audience.PUBLIC)


def visible_fields(deputy: Deputy, audience: Audience) -> frozenset[DeputyField]:
    """Exactly the fields of ``deputy`` that ``audience`` may read."""
    consented = frozenset(deputy.published)
    if audience in (Audience.STAFF, Audience.SELF):
        return EVERY_FIELD
    if audience is Audience.OFFICIAL:
        return ALWAYS_PUBLIC | WORKING_PROFILE | (consented - CONTACT_FIELDS - _NEVER_SHARED)
    if audience is Audience.COLLEAGUE:
        return ALWAYS_PUBLIC | WORKING_PROFILE | (consented - _NEVER_SHARED)
    return ALWAYS_PUBLIC | (consented - _NEVER_SHARED)


def sees_contact(deputy: Deputy, audience: Audience) -> frozenset[DeputyField]:
    """The contact fields (phone, address, e-mail, WeChat) ``audience`` may read."""
    return visible_fields(deputy, audience) & CONTACT_FIELDS


def sees_record(audience: Audience) -> bool:
    return audience in (Audience.STAFF, Audience.SELF)


@dataclass(frozen=True)
class Disclosed:
    """A deputy's entry as one audience may read it: only the keys it may see are present."""

    audience: Audience
    values: dict[str, Any]

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(self.values)


def disclose(deputy: Deputy, audience: Audience, today: date) -> Disclosed:
    """The entry of ``deputy`` reduced to what ``audience`` may read (``today`` in China, for
    the age band)."""
    values: dict[str, Any] = {key: getattr(deputy, key) for key in IDENTITY_KEYS}
    for field in sorted(visible_fields(deputy, audience)):
        if field is DeputyField.AGE_BAND:
            values[field.value] = deputy.age_band(today)
        else:
            values[field.value] = getattr(deputy, field.value)
    if sees_record(audience):
        values.update({key: getattr(deputy, key) for key in RECORD_KEYS})
        values["published"] = sorted(deputy.published)
    if "skills" in values:
        values["skills"] = list(values["skills"])
    return Disclosed(audience, values)
