"""Configuration of the notifications service (env prefix ``JIANDU_NOTIFICATIONS_``).

Retries, ladders, digests and provisioning files are configuration: e.g.
``JIANDU_NOTIFICATIONS_LADDER_GAPS='{"opinion": {"warning": 2, "organ_head": 3}}'`` or
``JIANDU_NOTIFICATIONS_MAX_ATTEMPTS=10``. Channel settings (SMTP, SMS gateway, webhook
timeout) are in ``adapters/channels/settings.py`` under the same prefix.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from jiandu_notifications.domain.delivery import RetryPolicy
from jiandu_notifications.domain.directory import Locale
from jiandu_notifications.domain.ladder import OPINION_LADDER, LadderPolicy

BASE_LADDERS: dict[str, LadderPolicy] = {OPINION_LADDER.kind: OPINION_LADDER}


class NotificationsSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="JIANDU_NOTIFICATIONS_", extra="ignore")

    # --- delivery: retries with exponential backoff and jitter, then the failed list ---
    max_attempts: int = Field(default=8, ge=1, le=100)
    retry_base_seconds: float = Field(default=2.0, gt=0)
    retry_max_seconds: float = Field(default=600.0, gt=0)
    retry_jitter: float = Field(default=0.25, ge=0, lt=1)
    dispatch_batch: int = Field(default=50, ge=1, le=1000)
    dispatch_poll_seconds: float = Field(default=1.0, gt=0)
    # An event's deliveries wait this long before their first attempt: events of one aggregate
    # come on different queues (one per type), and an earlier one still on its way takes its
    # place in the line (ordered by when events happened) if it arrives within the window.
    order_settle_seconds: float = Field(default=2.0, ge=0, le=300)
    dispatch_concurrency: int = Field(default=8, ge=1, le=100)

    # --- what people read: the inbox's language, templates file (default: packaged) ---
    inbox_locale: Locale = Locale.ZH
    templates: Path | None = None

    # --- escalation ladders: working-day gaps per kind of item and step ---
    ladder_gaps: dict[str, dict[str, int]] = Field(default_factory=dict)
    ladder_sweep_seconds: float = Field(default=300.0, gt=0)

    # --- digests: how often the digest sweep looks; the joint-meeting digest per quarter ---
    digest_sweep_seconds: float = Field(default=900.0, gt=0)

    # --- provisioning: directory and subscribers declared in files (deploy/notifications) ---
    provision_dir: Path | None = None

    @model_validator(mode="after")
    def _known_ladders(self) -> NotificationsSettings:
        for kind, gaps in self.ladder_gaps.items():
            if kind not in BASE_LADDERS:
                raise ValueError(f"ladder_gaps: no ladder for kind {kind!r}")
            BASE_LADDERS[kind].with_gaps(gaps)
        return self

    @property
    def retry_policy(self) -> RetryPolicy:
        return RetryPolicy(
            max_attempts=self.max_attempts,
            base_seconds=self.retry_base_seconds,
            max_seconds=self.retry_max_seconds,
            jitter=self.retry_jitter,
        )

    @property
    def ladders(self) -> tuple[LadderPolicy, ...]:
        return tuple(
            policy.with_gaps(self.ladder_gaps.get(kind, {}))
            for kind, policy in BASE_LADDERS.items()
        )
