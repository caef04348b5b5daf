"""``jiandu-deputies import-deputies``: the CLI imports into the service's own database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jiandu_deputies.entrypoints.cli import EXIT_INVALID_FILE, EXIT_REFUSED, app
from tests.support.deputies_files import DeputyRoster


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("JIANDU_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("JIANDU_DEPUTIES_DATABASE_URL", raising=False)
    return CliRunner()


def report_of(output: str) -> dict[str, object]:
    document: dict[str, object] = json.loads(output[output.index("{") :])
    return document


def test_all_or_nothing_then_valid_rows_then_again(runner: CliRunner, tmp_path: Path) -> None:
    roster = DeputyRoster.generate(120, bad={7: "bad_phone", 50: "bad_level"})
    xlsx = roster.write(tmp_path / "名册.xlsx")

    refused = runner.invoke(app, ["import-deputies", str(xlsx), "--json"])
    assert refused.exit_code == EXIT_REFUSED, refused.output
    assert report_of(refused.stdout)["committed"] is False

    imported = runner.invoke(app, ["import-deputies", str(xlsx), "--valid-rows", "--json"])
    assert imported.exit_code == 0, imported.output
    report = report_of(imported.stdout)
    assert (report["created"], report["rejected"]) == (118, 2)
    errors = report["errors"]
    assert isinstance(errors, list)
    assert {e["line"] for e in errors} == roster.bad_lines

    fixed = DeputyRoster.generate(120).write(tmp_path / "fixed.csv", encoding="gbk")
    again = runner.invoke(app, ["import-deputies", str(fixed), "--json"])
    assert again.exit_code == 0, again.output
    report = report_of(again.stdout)
    assert (report["created"], report["updated"], report["unchanged"]) == (2, 0, 118)


def test_tables_for_people(runner: CliRunner, tmp_path: Path) -> None:
    roster = DeputyRoster.generate(5, bad={2: "missing_name"})
    csv = roster.write(tmp_path / "roster.csv")
    result = runner.invoke(app, ["import-deputies", str(csv), "--valid-rows"])
    assert result.exit_code == 0, result.output
    assert "rejected rows" in result.stdout and "name is required" in result.stdout
    columns = runner.invoke(app, ["columns"])
    assert columns.exit_code == 0 and "代表证号" in columns.stdout


def test_an_unreadable_file(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("姓名,手机\n王芳,13800138000\n", encoding="utf-8")
    result = runner.invoke(app, ["import-deputies", str(bad)])
    assert result.exit_code == EXIT_INVALID_FILE
    assert "required columns missing" in result.stderr
