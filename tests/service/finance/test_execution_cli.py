"""``jiandu-finance import-execution``: the CLI imports through the service function into the
service's own database, reports rejected rows and exits non-zero when nothing was imported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jiandu_finance.entrypoints.cli import app
from tests.support.execution import as_csv, as_ndjson, row, scenario_rows


def test_the_cli_imports_reports_and_refuses_bad_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JIANDU_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("JIANDU_FINANCE_DATABASE_URL", raising=False)
    good = tmp_path / "pay.ndjson"
    good.write_bytes(as_ndjson(scenario_rows()))
    runner = CliRunner()
    first = runner.invoke(app, ["import-execution", str(good), "--json"])
    assert first.exit_code == 0, first.output
    report = json.loads(first.stdout[first.stdout.index("{") :])
    assert (report["format"], report["rows_imported"], report["status"]) == (
        "ndjson",
        12,
        "completed",
    )
    assert (tmp_path / "data" / "finance.db").exists()
    again = runner.invoke(app, ["import-execution", str(good), "--json"])
    assert json.loads(again.stdout[again.stdout.index("{") :])["rows_duplicate"] == 12

    bad = tmp_path / "bad.csv"
    bad.write_bytes(as_csv([*scenario_rows()[:2], row("2026-02-30", "D01", "1.00", "L001")]))
    refused = runner.invoke(app, ["import-execution", str(bad), "--json"])
    assert refused.exit_code == 1
    document = json.loads(refused.stdout[refused.stdout.index("{") :])
    assert document["rows_imported"] == 0
    assert document["rejections"][0]["line"] == 4
