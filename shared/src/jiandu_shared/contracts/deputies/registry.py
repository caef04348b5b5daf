"""Events of the deputies registry (代表名册) and dual contact (双联系): identifiers and facts only, never contact data.

No event here carries a deputy's phone, address, e-mail or WeChat, nor which contact fields a
deputy agreed to publish: the contact data stays in the deputies service (ARCHITECTURE §10a).
"""

from __future__ import annotations

import uuid
from datetime import date
from enum import StrEnum

from pydantic import AwareDatetime, Field

from jiandu_shared.contracts.envelope import EventData


class DeputyLevel(StrEnum):
    """The five levels of people's congresses (五级人大代表)."""

    NATIONAL = "national"  # 全国
    PROVINCIAL = "provincial"  # 省（自治区、直辖市）
    CITY = "city"  # 市（州）
    COUNTY = "county"  # 县（市、区）
    TOWNSHIP = "township"  # 乡（镇）


class LeaveReason(StrEnum):
    """Why a deputy left office (代表资格终止 / 离任)."""

    TERM_ENDED = "term_ended"  # 届满
    RESIGNED = "resigned"  # 辞职
    TRANSFERRED = "transferred"  # 调离本行政区域
    RECALLED = "recalled"  # 罢免
    DECEASED = "deceased"  # 去世
    OTHER = "other"  # 其他


class _DeputyEvent(EventData):
    """Common part of the registry's per-deputy events; not an event type itself."""

    deputy_id: uuid.UUID
    public_code: str = Field(min_length=8, max_length=8, description="一人一码: the QR code's key")
    level: DeputyLevel

    def aggregate_key(self) -> str:
        return f"deputy:{self.deputy_id}"


class DeputyRegistered(_DeputyEvent):
    """A deputy (人大代表) was entered in the registry and given a public code (一人一码)."""

    event_type = "deputies.deputy.registered"

    # A deputy's name is public (it is on every public card and roster), unlike contact data.
    deputy_name: str = Field(min_length=1, max_length=50)
    constituency: str = Field(min_length=1, max_length=100)
    sector: str | None = Field(default=None, max_length=50)
    term: int | None = Field(default=None, ge=1, le=99)
    registered_at: AwareDatetime


class DeputyUpdated(_DeputyEvent):
    """A deputy's registry entry changed; ``changed_fields`` names the fields, never their values."""

    event_type = "deputies.deputy.updated"

    # A deputy's name is public (it is on every public card and roster), unlike contact data.
    deputy_name: str = Field(min_length=1, max_length=50)
    constituency: str = Field(min_length=1, max_length=100)
    sector: str | None = Field(default=None, max_length=50)
    term: int | None = Field(default=None, ge=1, le=99)
    changed_fields: tuple[str, ...] = Field(min_length=1)
    updated_at: AwareDatetime


class DeputyLeftOffice(_DeputyEvent):
    """A deputy left office (离任); their code no longer takes citizens' opinions."""

    event_type = "deputies.deputy.left_office"

    left_on: date
    reason: LeaveReason
    recorded_at: AwareDatetime


class DeputiesImported(EventData):
    """A bulk import of the registry (名册导入) finished: counts only, per-deputy events follow."""

    event_type = "deputies.deputy_import.completed"

    import_id: uuid.UUID
    mode: str = Field(pattern=r"^(all_or_nothing|valid_rows)$")
    total_rows: int = Field(ge=0)
    created: int = Field(ge=0)
    updated: int = Field(ge=0)
    unchanged: int = Field(ge=0)
    rejected: int = Field(ge=0)
    imported_by: str = Field(min_length=1, max_length=128)
    completed_at: AwareDatetime

    def aggregate_key(self) -> str:
        return f"deputy_import:{self.import_id}"
