"""``jiandu-finance``: commands of the finance service run against its own database.

``uv run jiandu-finance import-execution payments.csv [--valid-rows] [--as-of 2026-06-30]``
imports a file of budget-execution data (CSV, NDJSON or a JSON array) through the same service
function as ``POST /execution/imports``, streamed from disk with a progress bar, then checks
the monitoring rules. ``import-budget-lines BUDGET_ID lines.csv`` adds a file of lines to a
budget. Both use the service's settings (``JIANDU_DATA_DIR``, ``JIANDU_FINANCE_DATABASE_URL``),
migrate the database if needed and write events to the outbox: the running service's relay
publishes them.

Exit codes: 0 imported; 1 refused (bad rows or a malformed file: nothing imported);
3 the database is not usable or a concurrent import conflicted.
"""

from __future__ import annotations

import asyncio
import getpass
import json
import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import IO, Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TransferSpeedColumn,
)
from rich.table import Table
from sqlalchemy.exc import DBAPIError

from jiandu_finance import SERVICE_NAME
from jiandu_finance.adapters.execution_files import sniff_format
from jiandu_finance.bootstrap import SPEC
from jiandu_finance.config import FinanceSettings
from jiandu_finance.domain.execution import ImportFormat, ImportMode, ImportStatus
from jiandu_finance.service_layer import budgets, execution
from jiandu_finance.service_layer.unit_of_work import FinanceUnitOfWork
from jiandu_shared.clock import Clock, SystemClock
from jiandu_shared.correlation import correlation_scope, new_correlation_id
from jiandu_shared.errors import Conflict, DomainError
from jiandu_shared.settings import ServiceSettings, service_settings
from jiandu_shared.storage import migrations
from jiandu_shared.storage.database import Database

app = typer.Typer(
    name="jiandu-finance",
    help="Commands of the Jiandu finance service against its own database.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)
console = Console()
errors = Console(stderr=True)

EXIT_REFUSED = 1
EXIT_DATABASE = 3
SHOWN_REJECTIONS = 50


@app.callback()
def _commands() -> None:
    """Commands of the finance service."""


def _format_of(path: Path, given: ImportFormat | None) -> ImportFormat:
    if given is not None:
        return given
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return ImportFormat.CSV
    if suffix in (".ndjson", ".jsonl"):
        return ImportFormat.NDJSON
    with path.open("rb") as head:
        return sniff_format(head.read(4096)) or ImportFormat.CSV


async def _with_database(
    settings: ServiceSettings | None, clock: Clock | None, work: Callable[[FinanceUnitOfWork], Any]
) -> Any:
    settings = settings or service_settings(SERVICE_NAME)
    url = settings.effective_database_url
    database = Database(url)  # creates the SQLite file's folder, as the service does
    try:
        await migrations.upgrade(url, SPEC.migrations)
        SPEC.start_mappers()
        uow = FinanceUnitOfWork(database)
        uow.clock = clock or SystemClock()
        return await work(uow)
    finally:
        await database.dispose()


async def run_import(
    source: IO[bytes],
    options: execution.ImportOptions,
    *,
    by: str,
    settings: ServiceSettings | None = None,
    finance: FinanceSettings | None = None,
    clock: Clock | None = None,
    progress: execution.Progress | None = None,
) -> execution.ImportReport:
    """Import execution data into the service's database, as the running service would."""
    finance = finance or FinanceSettings()

    async def work(uow: FinanceUnitOfWork) -> execution.ImportReport:
        # One correlation id for the events of the whole import, so an operator can trace it.
        with correlation_scope(new_correlation_id(), origin="jiandu-finance import-execution"):
            return await execution.import_execution(
                source,
                options,
                by=by,
                uow=uow,
                clock=uow.clock,
                defaults=finance.default_thresholds,
                progress=progress,
            )

    report: execution.ImportReport = await _with_database(settings, clock, work)
    return report


def _bar(total: int) -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TextColumn("{task.fields[rows]:,} rows, {task.fields[rejected]:,} rejected"),
        TimeElapsedColumn(),
        console=errors,
    )


@app.command("import-execution")
def import_execution(
    file: Annotated[
        Path,
        typer.Argument(exists=True, dir_okay=False, readable=True, help=".csv, .ndjson or .json"),
    ],
    format: Annotated[
        ImportFormat | None, typer.Option("--format", help="default: from the name or content")
    ] = None,
    valid_rows: Annotated[
        bool,
        typer.Option(
            "--valid-rows", help="import the valid rows, report the bad (default: all or nothing)"
        ),
    ] = False,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="check the rules as of YYYY-MM-DD (default: the data's)"),
    ] = None,
    imported_by: Annotated[str | None, typer.Option("--by", help="who imports")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the report as JSON")] = False,
) -> None:
    """Import budget-execution data (预算执行数据) and flag problems (预算联网监督)."""
    try:
        day = date.fromisoformat(as_of) if as_of else None
    except ValueError:
        errors.print(f"[red]--as-of {as_of!r} is not a date YYYY-MM-DD[/red]")
        raise typer.Exit(2) from None
    finance = FinanceSettings()
    options = execution.ImportOptions(
        format=_format_of(file, format),
        mode=ImportMode.VALID_ROWS if valid_rows else ImportMode.ALL_OR_NOTHING,
        as_of=day,
        filename=file.name[:200],
        batch_rows=finance.import_batch_rows,
        max_rejections=finance.import_max_reported_rejections,
    )
    who = imported_by or f"cli:{getpass.getuser()}"
    with file.open("rb") as source, _bar(file.stat().st_size) as bar:
        task = bar.add_task(f"importing {file.name}", total=file.stat().st_size, rows=0, rejected=0)

        def progress(rows: int, rejected: int) -> None:
            bar.update(task, completed=source.tell(), rows=rows, rejected=rejected)

        try:
            report = asyncio.run(
                run_import(source, options, by=who, finance=finance, progress=progress)
            )
        except (Conflict, DBAPIError) as failure:
            bar.stop()
            errors.print(f"[red]the finance database refused the import: {failure}[/red]")
            raise typer.Exit(EXIT_DATABASE) from failure
        bar.update(task, completed=file.stat().st_size)
    _print(report, as_json)
    if report.record.status is ImportStatus.REJECTED:
        raise typer.Exit(EXIT_REFUSED)


def _print(report: execution.ImportReport, as_json: bool) -> None:
    r = report.record
    if as_json:
        document = {
            "id": str(r.id),
            "status": str(r.status),
            "format": str(r.format),
            "mode": str(r.mode),
            "as_of": r.as_of.isoformat() if r.as_of else None,
            "years": r.years,
            "rows_read": r.rows_read,
            "rows_imported": r.rows_imported,
            "rows_duplicate": r.rows_duplicate,
            "rows_rejected": r.rows_rejected,
            "findings_flagged": r.findings_flagged,
            "malformed": r.malformed,
            "rejections": [{"line": x.line, "reason": x.reason} for x in report.rejections],
            "findings": [
                {
                    "rule": str(f.rule),
                    "subject": f.subject,
                    "period": f.period,
                    "summary": f.summary,
                }
                for f in report.findings
            ],
        }
        console.print_json(json.dumps(document, ensure_ascii=False))
        return
    summary = Table("read", "imported", "duplicate", "rejected", "findings", "status", "as of")
    summary.add_row(
        f"{r.rows_read:,}",
        f"{r.rows_imported:,}",
        f"{r.rows_duplicate:,}",
        f"{r.rows_rejected:,}",
        str(r.findings_flagged),
        str(r.status) if r.status is ImportStatus.COMPLETED else f"[red]{r.status}[/red]",
        r.as_of.isoformat() if r.as_of else "",
    )
    console.print(f"import {r.id} ({r.format}, {r.mode})")
    console.print(summary)
    if r.malformed:
        console.print(f"[red]malformed file: {r.malformed}[/red]")
    if report.rejections:
        rows = Table("line", "reason", title="rejected rows")
        for rejection in report.rejections[:SHOWN_REJECTIONS]:
            rows.add_row(str(rejection.line), rejection.reason)
        console.print(rows)
        if r.rows_rejected > SHOWN_REJECTIONS:
            console.print(
                f"... and {r.rows_rejected - SHOWN_REJECTIONS:,} more "
                f"(--json, or GET /execution/imports/{r.id}/rejections)"
            )
    if report.findings:
        found = Table("rule", "subject", "period", "summary", title="new findings")
        for f in report.findings:
            found.add_row(str(f.rule), f.subject, f.period, f.summary)
        console.print(found)


@app.command("import-budget-lines")
def import_budget_lines(
    budget_id: Annotated[str, typer.Argument(help="the budget's id")],
    file: Annotated[
        Path,
        typer.Argument(exists=True, dir_okay=False, readable=True, help=".csv, .ndjson or .json"),
    ],
    format: Annotated[ImportFormat | None, typer.Option("--format")] = None,
) -> None:
    """Add a file of lines (预算指标) to a budget: all of them, or none."""
    try:
        identifier = uuid.UUID(budget_id)
    except ValueError:
        errors.print(f"[red]{budget_id!r} is not a budget id[/red]")
        raise typer.Exit(2) from None
    chosen = _format_of(file, format)

    async def work(uow: FinanceUnitOfWork) -> budgets.LinesImport:
        with file.open("rb") as source:
            return await budgets.import_lines(identifier, source, chosen, uow=uow, clock=uow.clock)

    try:
        report: budgets.LinesImport = asyncio.run(_with_database(None, None, work))
    except (DomainError, DBAPIError) as failure:
        errors.print(f"[red]{failure}[/red]")
        raise typer.Exit(EXIT_DATABASE) from failure
    console.print(
        f"read {report.rows_read:,}, imported {report.rows_imported:,} (total {report.total}), "
        f"rejected {report.rows_rejected:,}"
    )
    if report.malformed:
        console.print(f"[red]malformed file: {report.malformed}[/red]")
    for rejection in report.rejections[:SHOWN_REJECTIONS]:
        console.print(f"  line {rejection.line}: {rejection.reason}")
    if not report.imported:
        raise typer.Exit(EXIT_REFUSED)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
