"""Settings of the console: where the services answer, and how people sign in."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from jiandu_shared.settings import PlatformSettings, service_settings

UPSTREAMS = ("topics", "deputies", "finance", "notifications")
DEVELOPMENT_SECRET: str = PlatformSettings.model_fields["auth_secret"].default


class ConsoleSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="JIANDU_CONSOLE_", extra="ignore")

    # Base URLs of the services; empty means the local default (host and JIANDU_<NAME>_PORT).
    topics_url: str = ""
    deputies_url: str = ""
    finance_url: str = ""
    notifications_url: str = ""
    # Signing in by choosing a role mints a token with the platform's secret: for training and
    # tests only. On by default only with the development secret; production pastes a token.
    demo_login: bool | None = None
    upstream_timeout_seconds: float = Field(default=10.0, gt=0)
    platform: PlatformSettings = Field(default_factory=PlatformSettings)

    def upstream_url(self, service: str) -> str:
        configured: str = getattr(self, f"{service}_url")
        if configured:
            return configured.rstrip("/")
        return f"http://{self.platform.host}:{service_settings(service).port}"

    @property
    def demo_login_enabled(self) -> bool:
        if self.demo_login is not None:
            return self.demo_login
        return bool(self.platform.auth_secret == DEVELOPMENT_SECRET)
