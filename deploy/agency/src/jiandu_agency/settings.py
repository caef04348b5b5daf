"""Settings of one agency subscriber, from the environment (``JIANDU_AGENCY_*``) or an env file."""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path
from typing import Annotated

from pydantic import AnyHttpUrl, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

AGENCY_CODE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
MIN_SECRET_LENGTH = 16


class Mode(StrEnum):
    QUEUE = "queue"  # consume the agency's own queue on the platform's broker
    WEBHOOK = "webhook"  # listen for the platform's signed HTTP POSTs


class AgencySettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="JIANDU_AGENCY_", env_file=None, extra="ignore", frozen=True
    )

    mode: Mode = Mode.QUEUE
    # The agency's code on the platform (audit, procuratorate, discipline_inspection, patrol).
    code: str = Field(default="audit", pattern=AGENCY_CODE.pattern)
    # Signing secrets the agency holds, comma-separated; several while the platform rotates.
    secrets: Annotated[tuple[SecretStr, ...], NoDecode] = ()

    # Queue mode: the agency's broker user, which may read its own queue and nothing else.
    amqp_url: SecretStr = SecretStr("amqp://agency-audit:change-me@127.0.0.1:5672/jiandu")
    queue: str | None = None  # default agency.<code>.events
    prefetch: int = Field(default=1, ge=1, le=100)  # 1 keeps the platform's order
    # A queued message waits while the agency is away, so its timestamp may be old; older than
    # this it is refused as stale. Webhooks are live and get the short tolerance.
    queue_max_age_seconds: int = Field(default=7 * 86400, ge=60)

    # Webhook mode.
    host: str = "127.0.0.1"
    port: int = Field(default=8090, ge=1, le=65535)
    webhook_tolerance_seconds: int = Field(default=300, ge=5, le=3600)
    max_body_bytes: int = Field(default=1_000_000, ge=1024)
    # Both modes: how far ahead of this clock a timestamp may be (clock skew).
    future_skew_seconds: int = Field(default=60, ge=0, le=3600)

    # Where state lives: the ledger of received event ids (SQLite) and, by default, the files.
    data_dir: Path = Path("agency-data")
    # Sinks: a directory of JSON files (on unless set to an empty value) and an HTTP forward.
    sink_dir: Path | None = None
    sink_dir_enabled: bool = True
    forward_url: AnyHttpUrl | None = None
    forward_authorization: SecretStr | None = None  # sent as the Authorization header
    forward_timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    # Queue mode retries a failing sink in place (the message stays unacknowledged) this often.
    sink_retry_max_seconds: float = Field(default=60.0, gt=0)

    log_level: str = "INFO"

    @field_validator("secrets", mode="before")
    @classmethod
    def _split(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("secrets")
    @classmethod
    def _long_enough(cls, value: tuple[SecretStr, ...]) -> tuple[SecretStr, ...]:
        for secret in value:
            if len(secret.get_secret_value()) < MIN_SECRET_LENGTH:
                raise ValueError(f"every secret needs at least {MIN_SECRET_LENGTH} characters")
        return value

    @model_validator(mode="after")
    def _complete(self) -> AgencySettings:
        if not self.secrets:
            raise ValueError(
                "JIANDU_AGENCY_SECRETS is empty: without the platform's signing secret nothing "
                "can be verified, so nothing would be accepted"
            )
        if not self.sink_dir_enabled and self.forward_url is None:
            raise ValueError(
                "no sink: enable the JSON directory (JIANDU_AGENCY_SINK_DIR_ENABLED) or set "
                "JIANDU_AGENCY_FORWARD_URL"
            )
        return self

    @property
    def queue_name(self) -> str:
        return self.queue or f"agency.{self.code}.events"

    @property
    def event_dir(self) -> Path | None:
        if not self.sink_dir_enabled:
            return None
        return self.sink_dir or self.data_dir / "events"

    @property
    def ledger_path(self) -> Path:
        return self.data_dir / "received.sqlite3"

    def secret_values(self) -> tuple[str, ...]:
        return tuple(s.get_secret_value() for s in self.secrets)
