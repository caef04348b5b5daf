"""Settings: environment over defaults, explicit overrides over the environment."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from jiandu_shared.settings import PlatformSettings, service_settings


def test_ports_and_databases_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JIANDU_TOPICS_PORT", "9101")
    monkeypatch.setenv("JIANDU_FINANCE_DATABASE_URL", "postgresql+asyncpg://db/finance")
    monkeypatch.setenv("JIANDU_DATA_DIR", "/srv/jiandu")
    assert service_settings("topics").port == 9101
    assert service_settings("deputies").port == 8002
    assert service_settings("finance").effective_database_url == "postgresql+asyncpg://db/finance"
    assert (
        service_settings("notifications").effective_database_url
        == "sqlite+aiosqlite:////srv/jiandu/notifications.db"
    )
    assert service_settings("topics", port=1).port == 1


def test_more_than_one_worker_needs_postgresql(tmp_path: Path) -> None:
    platform = PlatformSettings(data_dir=tmp_path)
    with pytest.raises(ValidationError, match="2 workers need PostgreSQL"):
        service_settings("topics", platform=platform, workers=2)
    on_postgres = service_settings(
        "topics", platform=platform, workers=2, database_url="postgresql+asyncpg://db/topics"
    )
    assert on_postgres.workers == 2
