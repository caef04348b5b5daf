"""Settings shared by every service, read from the environment (pydantic-settings).

Common values use the ``JIANDU_`` prefix; per-service values use ``JIANDU_<SERVICE>_``
(see :func:`service_settings`).
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_PORTS = {
    "topics": 8001,
    "deputies": 8002,
    "finance": 8003,
    "notifications": 8004,
    "console": 8080,
}


class PlatformSettings(BaseSettings):
    """Values every service of one deployment shares."""

    model_config = SettingsConfigDict(env_prefix="JIANDU_", extra="ignore")

    rabbit_url: str = "amqp://guest:guest@127.0.0.1:5672/"
    data_dir: Path = Path("data")
    host: str = "127.0.0.1"
    otlp_endpoint: str | None = None
    # HMAC secret for bearer tokens; the default only suits a developer's machine.
    auth_secret: str = Field(
        default="jiandu-development-secret-change-in-production", min_length=32
    )
    delivery_limit: int = Field(default=5, ge=1)
    relay_batch_size: int = Field(default=200, ge=1)
    relay_poll_seconds: float = Field(default=0.5, gt=0)
    # How long the relay waits after a commit wakes it, so one round takes the events of
    # concurrent requests together (fewer statements per event under load; adds this latency).
    relay_linger_seconds: float = Field(default=0.005, ge=0, le=1)
    publish_timeout_seconds: float = Field(default=5.0, gt=0)
    log_level: str = "INFO"
    # Training and demonstration only: run the services' clock ahead by this many days, e.g. to
    # let deadlines fall due in a walkthrough. Every service logs a warning when it is set.
    clock_offset_days: float = 0.0
    # Kernel tables: sent events are kept this long, handled deliveries (the inbox) this long.
    outbox_retention_days: float = Field(default=7, gt=0)
    inbox_retention_days: float = Field(default=30, gt=0)


class ServiceSettings(BaseSettings):
    """Values of one service; built by :func:`service_settings` with the service's prefix."""

    model_config = SettingsConfigDict(extra="ignore")

    name: str
    port: int
    database_url: str | None = None
    # HTTP worker processes (uvicorn --workers): more than one only on PostgreSQL, where the
    # relays of the workers share the outbox (SKIP LOCKED); SQLite keeps one writer process.
    workers: int = Field(default=1, ge=1, le=16)
    platform: PlatformSettings = Field(default_factory=PlatformSettings)

    @model_validator(mode="after")
    def _one_sqlite_writer(self) -> ServiceSettings:
        if self.workers > 1 and self.effective_database_url.startswith("sqlite"):
            raise ValueError(
                f"{self.name}: {self.workers} workers need PostgreSQL "
                f"(JIANDU_{self.name.upper()}_DATABASE_URL); SQLite runs one process"
            )
        return self

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{self.platform.data_dir / self.name}.db"


def service_settings(name: str, **overrides: object) -> ServiceSettings:
    """Settings of service ``name``: ``JIANDU_<NAME>_PORT``, ``JIANDU_<NAME>_DATABASE_URL``.

    ``overrides`` win over the environment (tests use them); defaults lose to it.
    """

    service, default_port = name, DEFAULT_PORTS.get(name, 8000)

    class _Settings(ServiceSettings):
        model_config = SettingsConfigDict(env_prefix=f"JIANDU_{service.upper()}_", extra="ignore")
        name: str = service
        port: int = default_port

    return _Settings(**overrides)  # type: ignore[arg-type]
