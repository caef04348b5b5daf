"""The deputies registry (代表名册): deputies of five levels, their public code (一人一码),
profile, contact data and per-field consent to publish it.

A deputy is known again by a natural key, **(level, registry number)**: the registry number
(代表证号/名册编号) is the one the congress of that level gives the deputy, so a person who is a
deputy at two levels has two entries, one per congress. Re-importing a roster matches rows on
this key and updates the entry instead of creating another. The deputy's ID-card number is
never stored.

Pure domain: no framework imports. Aggregates collect the events they raise in ``events``.
"""

from __future__ import annotations

import re
import secrets
import uuid
from dataclasses import dataclass, fields, replace
from datetime import date, datetime
from enum import StrEnum

from jiandu_shared.contracts import EventData
from jiandu_shared.contracts.deputies.registry import (
    DeputyLeftOffice,
    DeputyLevel,
    DeputyRegistered,
    DeputyUpdated,
    LeaveReason,
)
from jiandu_shared.errors import Conflict, RuleViolation

__all__ = [
    "ALWAYS_PUBLIC",
    "CODE_ALPHABET",
    "CODE_LENGTH",
    "CONTACT_FIELDS",
    "DISCLOSABLE_FIELDS",
    "PROFILE_FIELDS",
    "AgeBand",
    "Deputy",
    "DeputyField",
    "DeputyLevel",
    "DeputyProfile",
    "Gender",
    "LeaveReason",
    "age_band",
    "new_public_code",
    "normalize_phone",
    "normalize_public_code",
    "registry_number_problems",
]

# Crockford's base 32: no I, L, O, U, so a code read out or typed by hand is unambiguous.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 8
_CODE_READS_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})
_CODE = re.compile(rf"^[{CODE_ALPHABET}]{{{CODE_LENGTH}}}$")

MAX_NAME = 50
MAX_REGISTRY_NUMBER = 50
MAX_CONSTITUENCY = 100
MAX_SECTOR = 50
MAX_UNIT = 200
MAX_POSITION = 100
MAX_ETHNICITY = 30
MAX_INDUSTRY = 50
MAX_SKILLS = 20
MAX_SKILL = 30
MAX_ADDRESS = 200
MAX_EMAIL = 254
MAX_WECHAT = 50
MAX_NOTE = 500
MIN_AGE = 18  # the voting and standing age (宪法第三十四条)

REGISTRY_NUMBER = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_.\-/]*$")
# A mainland mobile number (11 digits from 13x to 19x) or a landline with its area code.
MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}-\d{7,8}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
WECHAT = re.compile(r"^[A-Za-z][-_A-Za-z0-9]{5,19}$|^1[3-9]\d{9}$")


def new_public_code() -> str:
    """A fresh public code (一人一码): 8 Crockford characters, URL-safe, about 10¹² values."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_public_code(text: str) -> str | None:
    """The code as stored, from what a citizen typed (case, hyphens, O/I/L for 0/1); None if it
    cannot be a code."""
    code = text.strip().upper().replace("-", "").replace(" ", "").translate(_CODE_READS_AS)
    return code if _CODE.match(code) else None


class Gender(StrEnum):
    MALE = "male"  # 男
    FEMALE = "female"  # 女


class DeputyField(StrEnum):
    """The fields of a deputy's entry that disclosure decides on, one by one."""

    NAME = "name"
    LEVEL = "level"
    CONSTITUENCY = "constituency"
    TERM = "term"
    SECTOR = "sector"  # 界别
    UNIT = "unit"  # 工作单位
    POSITION = "position"  # 职务
    GENDER = "gender"
    BIRTH_YEAR = "birth_year"
    AGE_BAND = "age_band"
    ETHNICITY = "ethnicity"  # 民族
    INDUSTRY = "industry"  # 行业
    SKILLS = "skills"  # 专长
    PHONE = "phone"  # 手机
    ADDRESS = "address"  # 地址
    EMAIL = "email"  # 邮箱
    WECHAT = "wechat"  # 微信


# Always public: who the deputy is and whom they represent (the public card's core).
ALWAYS_PUBLIC = frozenset(
    {DeputyField.NAME, DeputyField.LEVEL, DeputyField.CONSTITUENCY, DeputyField.TERM}
)
# Personal contact data: staff, operators and the deputy only, or the public with consent.
CONTACT_FIELDS = frozenset(
    {DeputyField.PHONE, DeputyField.ADDRESS, DeputyField.EMAIL, DeputyField.WECHAT}
)
# What a deputy may agree to publish (公开字段); the exact birth year is never published.
DISCLOSABLE_FIELDS = frozenset(DeputyField) - ALWAYS_PUBLIC - {DeputyField.BIRTH_YEAR}


class AgeBand(StrEnum):
    UNDER_35 = "under_35"
    FROM_35_TO_44 = "35-44"
    FROM_45_TO_54 = "45-54"
    FROM_55_TO_64 = "55-64"
    FROM_65 = "65+"


def age_band(birth_year: int, today: date) -> AgeBand:
    """The age band of a deputy in ``today``'s year (the balance of dual contact uses it)."""
    age = today.year - birth_year
    if age < 35:
        return AgeBand.UNDER_35
    if age < 45:
        return AgeBand.FROM_35_TO_44
    if age < 55:
        return AgeBand.FROM_45_TO_54
    if age < 65:
        return AgeBand.FROM_55_TO_64
    return AgeBand.FROM_65


def normalize_phone(text: str) -> str | None:
    """A phone number as stored (``13800138000`` or ``0991-2345678``), None if it is not one."""
    digits = re.sub(r"[\s()（）]", "", text)
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    if MOBILE.match(digits.replace("-", "")):
        return digits.replace("-", "")
    if LANDLINE.match(digits):
        return digits
    return None


@dataclass(frozen=True)
class DeputyProfile:
    """Everything of an entry that registration sets and an update may change (not the key)."""

    name: str
    constituency: str  # 选区
    sector: str | None = None  # 界别
    unit: str | None = None  # 工作单位
    position: str | None = None  # 职务
    gender: Gender | None = None
    birth_year: int | None = None
    ethnicity: str | None = None  # 民族
    industry: str | None = None  # 行业
    skills: tuple[str, ...] = ()  # 专长
    term: int | None = None  # 届次, e.g. 18 for 第十八届
    phone: str | None = None
    address: str | None = None
    email: str | None = None
    wechat: str | None = None
    published: frozenset[DeputyField] = frozenset()  # the fields the deputy agreed to publish

    def normalized(self) -> DeputyProfile:
        """Trimmed text, empty as None, phone in its stored form, skills deduplicated."""

        def clean(value: str | None) -> str | None:
            value = None if value is None else " ".join(value.split())
            return value or None

        skills = tuple(dict.fromkeys(s for s in (clean(s) for s in self.skills) if s))
        phone = clean(self.phone)
        return replace(
            self,
            name=clean(self.name) or "",
            constituency=clean(self.constituency) or "",
            sector=clean(self.sector),
            unit=clean(self.unit),
            position=clean(self.position),
            ethnicity=clean(self.ethnicity),
            industry=clean(self.industry),
            skills=skills,
            phone=(normalize_phone(phone) or phone) if phone else None,
            address=clean(self.address),
            email=clean(self.email.lower()) if self.email else None,
            wechat=clean(self.wechat),
            published=frozenset(self.published),
        )

    def problems(self, today: date) -> list[str]:
        """Every rule this (normalized) profile breaks, each as a message; empty when valid."""
        found: list[str] = []

        def text(label: str, value: str | None, most: int, required: bool = False) -> None:
            if value is None or value == "":
                if required:
                    found.append(f"{label} is required")
            elif len(value) > most:
                found.append(f"{label} is longer than {most} characters")

        text("name", self.name, MAX_NAME, required=True)
        text("constituency", self.constituency, MAX_CONSTITUENCY, required=True)
        text("sector", self.sector, MAX_SECTOR)
        text("unit", self.unit, MAX_UNIT)
        text("position", self.position, MAX_POSITION)
        text("ethnicity", self.ethnicity, MAX_ETHNICITY)
        text("industry", self.industry, MAX_INDUSTRY)
        text("address", self.address, MAX_ADDRESS)
        if self.birth_year is not None and not (1900 <= self.birth_year <= today.year - MIN_AGE):
            found.append(
                f"birth year {self.birth_year} is not between 1900 and {today.year - MIN_AGE}"
            )
        if len(self.skills) > MAX_SKILLS:
            found.append(f"at most {MAX_SKILLS} skills")
        if any(len(s) > MAX_SKILL for s in self.skills):
            found.append(f"a skill is longer than {MAX_SKILL} characters")
        if self.term is not None and not 1 <= self.term <= 99:
            found.append(f"term {self.term} is not between 1 and 99")
        if self.phone is not None and normalize_phone(self.phone) != self.phone:
            found.append(f"phone {self.phone!r} is not a mobile or landline number (区号-号码)")
        if self.email is not None and (len(self.email) > MAX_EMAIL or not EMAIL.match(self.email)):
            found.append(f"email {self.email!r} is not an e-mail address")
        if self.wechat is not None and (
            len(self.wechat) > MAX_WECHAT or not WECHAT.match(self.wechat)
        ):
            found.append(f"WeChat id {self.wechat!r} is not valid")
        if not self.published <= DISCLOSABLE_FIELDS:
            extra = ", ".join(sorted(self.published - DISCLOSABLE_FIELDS))
            found.append(f"cannot be chosen for publication: {extra}")
        for field in sorted(self.published & CONTACT_FIELDS):
            if getattr(self, field.value) is None:
                found.append(f"{field} is to be published but is empty")
        return found


PROFILE_FIELDS = tuple(f.name for f in fields(DeputyProfile))


def registry_number_problems(registry_number: str) -> list[str]:
    if not registry_number:
        return ["registry number is required"]
    if len(registry_number) > MAX_REGISTRY_NUMBER:
        return [f"registry number is longer than {MAX_REGISTRY_NUMBER} characters"]
    if not REGISTRY_NUMBER.match(registry_number):
        return [f"registry number {registry_number!r} may hold letters, digits and - _ . / only"]
    return []


def _valid(profile: DeputyProfile, today: date) -> DeputyProfile:
    profile = profile.normalized()
    problems = profile.problems(today)
    if problems:
        raise RuleViolation("; ".join(problems))
    return profile


class Deputy:
    """A deputy (人大代表) of one level's congress, with the public code citizens reach them by."""

    WHAT = "deputy"

    def __init__(
        self,
        *,
        id: uuid.UUID,
        public_code: str,
        level: DeputyLevel,
        registry_number: str,
        profile: DeputyProfile,
        registered_at: datetime,
    ) -> None:
        self.id = id
        self.public_code = public_code
        self.level = level
        self.registry_number = registry_number
        self.registered_at = registered_at
        self.updated_at = registered_at
        self.active = True
        self.left_on: date | None = None
        self.leave_reason: LeaveReason | None = None
        self.leave_note: str | None = None
        self._set_profile(profile)
        self.events: list[EventData] = []

    # The profile is stored flat (one column per field) and read back as one value.
    name: str
    constituency: str
    sector: str | None
    unit: str | None
    position: str | None
    gender: Gender | None
    birth_year: int | None
    ethnicity: str | None
    industry: str | None
    skills: tuple[str, ...]
    term: int | None
    phone: str | None
    address: str | None
    email: str | None
    wechat: str | None
    published: frozenset[DeputyField]

    def _set_profile(self, profile: DeputyProfile) -> None:
        for name in PROFILE_FIELDS:
            setattr(self, name, getattr(profile, name))

    @property
    def profile(self) -> DeputyProfile:
        values = {name: getattr(self, name) for name in PROFILE_FIELDS}
        values["skills"] = tuple(values["skills"])
        values["published"] = frozenset(values["published"])
        return DeputyProfile(**values)

    @property
    def key(self) -> tuple[DeputyLevel, str]:
        """The natural key a roster row is matched on."""
        return (self.level, self.registry_number)

    def __repr__(self) -> str:
        return f"<Deputy {self.public_code} {self.level}/{self.registry_number}>"

    @classmethod
    def register(
        cls,
        *,
        level: DeputyLevel,
        registry_number: str,
        profile: DeputyProfile,
        now: datetime,
        today: date,
        public_code: str | None = None,
        id: uuid.UUID | None = None,
    ) -> Deputy:
        """Enter a deputy in the registry; ``today`` is the date in China (ages count on it)."""
        registry_number = registry_number.strip()
        problems = registry_number_problems(registry_number)
        if problems:
            raise RuleViolation("; ".join(problems))
        deputy = cls(
            id=id or uuid.uuid4(),
            public_code=public_code or new_public_code(),
            level=level,
            registry_number=registry_number,
            profile=_valid(profile, today),
            registered_at=now,
        )
        deputy.events.append(
            DeputyRegistered(
                deputy_id=deputy.id,
                public_code=deputy.public_code,
                level=level,
                deputy_name=deputy.name,
                constituency=deputy.constituency,
                sector=deputy.sector,
                term=deputy.term,
                registered_at=now,
            )
        )
        return deputy

    def age_band(self, today: date) -> AgeBand | None:
        return None if self.birth_year is None else age_band(self.birth_year, today)

    def update(self, profile: DeputyProfile, *, now: datetime, today: date) -> tuple[str, ...]:
        """Replace the profile; returns the names of the fields that changed (none: no event)."""
        profile = _valid(profile, today)
        current = self.profile
        changed = tuple(n for n in PROFILE_FIELDS if getattr(current, n) != getattr(profile, n))
        if not changed:
            return ()
        self._set_profile(profile)
        self.updated_at = now
        self.events.append(
            DeputyUpdated(
                deputy_id=self.id,
                public_code=self.public_code,
                level=self.level,
                deputy_name=self.name,
                constituency=self.constituency,
                sector=self.sector,
                term=self.term,
                changed_fields=changed,
                updated_at=now,
            )
        )
        return changed

    def leave_office(
        self, *, on: date, reason: LeaveReason, note: str | None, now: datetime
    ) -> None:
        """The deputy left office (离任); the entry stays, inactive, for the record."""
        if not self.active:
            raise Conflict(f"deputy {self.public_code} already left office on {self.left_on}")
        note = " ".join(note.split()) if note else None
        if note is not None and len(note) > MAX_NOTE:
            raise RuleViolation(f"the note is longer than {MAX_NOTE} characters")
        self.active = False
        self.left_on = on
        self.leave_reason = reason
        self.leave_note = note or None
        self.updated_at = now
        self.events.append(
            DeputyLeftOffice(
                deputy_id=self.id,
                public_code=self.public_code,
                level=self.level,
                left_on=on,
                reason=reason,
                recorded_at=now,
            )
        )
