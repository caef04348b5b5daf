"""Where the channel senders deliver and how long they wait (env prefix ``JIANDU_NOTIFICATIONS_``).

E.g. ``JIANDU_NOTIFICATIONS_SMTP_HOST=mail.example.org``,
``JIANDU_NOTIFICATIONS_SMS_GATEWAY_URL=https://sms.example.org/v1/messages``. The defaults
suit a developer's machine: a local SMTP server on port 2525 and no SMS gateway (SMS
deliveries then fail permanently with "no SMS gateway configured").
"""

from __future__ import annotations

from typing import Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class ChannelSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="JIANDU_NOTIFICATIONS_", extra="ignore")

    # --- e-mail (SMTP) ---
    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(default=2525, ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False  # upgrade a plain connection with STARTTLS
    smtp_use_tls: bool = False  # connect over TLS from the start (SMTPS, usually port 465)
    smtp_from: str = "jiandu@localhost"
    smtp_timeout: float = Field(default=10.0, gt=0)

    # --- SMS (an HTTP gateway) ---
    sms_gateway_url: str | None = None
    sms_gateway_token: SecretStr | None = None
    sms_sender_id: str = "Jiandu"
    sms_timeout: float = Field(default=5.0, gt=0)

    # --- webhooks ---
    webhook_timeout: float = Field(default=5.0, gt=0)

    # --- partner agencies' queues ---
    agency_publish_timeout: float = Field(default=5.0, gt=0)

    @model_validator(mode="after")
    def _one_tls_mode(self) -> Self:
        if self.smtp_starttls and self.smtp_use_tls:
            raise ValueError("smtp_starttls and smtp_use_tls exclude each other: choose one")
        return self
