"""Settings from the environment or an env file; a subscriber that could accept nothing, or put
events nowhere, does not start."""

from __future__ import annotations

from pathlib import Path

import pytest

from jiandu_agency.cli import load, main
from jiandu_agency.settings import AgencySettings, Mode
from tests.agency.conftest import NEW_SECRET, SECRET


def test_secrets_are_comma_separated_and_the_queue_follows_the_code(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("JIANDU_AGENCY_SECRETS", f"{NEW_SECRET}, {SECRET}")
    monkeypatch.setenv("JIANDU_AGENCY_CODE", "procuratorate")
    monkeypatch.setenv("JIANDU_AGENCY_DATA_DIR", str(tmp_path))
    settings = AgencySettings()
    assert settings.secret_values() == (NEW_SECRET, SECRET)
    assert settings.queue_name == "agency.procuratorate.events"
    assert settings.event_dir == tmp_path / "events"
    assert settings.mode is Mode.QUEUE


def test_the_example_env_file_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    example = Path(__file__).parents[2] / "deploy" / "agency" / "agency.env.example"
    settings = load(example)
    assert settings.code == "audit" and settings.secrets


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "JIANDU_AGENCY_SECRETS is empty"),
        ({"JIANDU_AGENCY_SECRETS": "short"}, "at least 16 characters"),
        ({"JIANDU_AGENCY_SECRETS": SECRET, "JIANDU_AGENCY_SINK_DIR_ENABLED": "false"}, "no sink"),
        ({"JIANDU_AGENCY_SECRETS": SECRET, "JIANDU_AGENCY_CODE": "Audit Office"}, "code"),
        ({"JIANDU_AGENCY_SECRETS": SECRET, "JIANDU_AGENCY_MODE": "carrier-pigeon"}, "mode"),
    ],
)
def test_unusable_settings_stop_with_the_reason(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], message: str
) -> None:
    monkeypatch.delenv("JIANDU_AGENCY_SECRETS", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SystemExit) as stopped:
        load(None)
    assert "invalid settings" in str(stopped.value) and message in str(stopped.value)


def test_check_prints_the_settings_without_secrets(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("JIANDU_AGENCY_SECRETS", SECRET)
    main(["check"])
    printed = capsys.readouterr().out
    assert "queue_name = agency.audit.events" in printed
    assert SECRET not in printed and "change-me" not in printed
