"""``jiandu-deputies``: commands of the deputies service run against its own database.

``uv run jiandu-deputies import-deputies roster.xlsx [--valid-rows]`` imports a roster (代表名册)
through the same service function as ``POST /deputies/imports``, with a progress bar. It uses
the service's settings (``JIANDU_DATA_DIR``, ``JIANDU_DEPUTIES_DATABASE_URL``), migrates the
database if needed and writes the events to the outbox: the running service's relay publishes
them. ``uv run jiandu-deputies columns`` lists the columns a roster file may have.
"""

from __future__ import annotations

import asyncio
import getpass
import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy.exc import DBAPIError

from jiandu_deputies import SERVICE_NAME
from jiandu_deputies.bootstrap import SPEC
from jiandu_deputies.service_layer import importing
from jiandu_deputies.service_layer.unit_of_work import DeputiesUnitOfWork
from jiandu_shared.clock import Clock, SystemClock
from jiandu_shared.correlation import correlation_scope, new_correlation_id
from jiandu_shared.errors import Conflict
from jiandu_shared.settings import ServiceSettings, service_settings
from jiandu_shared.storage import migrations
from jiandu_shared.storage.database import Database

app = typer.Typer(
    name="jiandu-deputies",
    help="Commands of the Jiandu deputies service against its own database.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)
console = Console()
errors = Console(stderr=True)

EXIT_REFUSED = 1  # all or nothing met bad rows: nothing was imported
EXIT_INVALID_FILE = 2
EXIT_DATABASE = 3


@app.callback()
def _commands() -> None:
    """Commands of the deputies service (a group even with few commands)."""


async def run_import(
    data: bytes,
    *,
    mode: importing.ImportMode,
    imported_by: str,
    settings: ServiceSettings | None = None,
    clock: Clock | None = None,
    progress: importing.Progress | None = None,
) -> importing.ImportReport:
    """Import ``data`` into the service's database, as the running service would."""
    settings = settings or service_settings(SERVICE_NAME)
    url = settings.effective_database_url
    database = Database(url)  # creates the SQLite file's folder, as the service does
    try:
        await migrations.upgrade(url, SPEC.migrations)
        SPEC.start_mappers()
        uow = DeputiesUnitOfWork(database)
        uow.clock = clock or SystemClock()
        # One correlation id for the events of the whole import, so an operator can trace it.
        with correlation_scope(new_correlation_id(), origin="jiandu-deputies import-deputies"):
            return await importing.import_roster(
                data,
                mode=mode,
                imported_by=imported_by,
                uow=uow,
                clock=uow.clock,
                progress=progress or (lambda _stage, _done, _total: None),
            )
    finally:
        await database.dispose()


@app.command("import-deputies")
def import_deputies(
    file: Annotated[
        Path,
        typer.Argument(exists=True, dir_okay=False, readable=True, help="roster .csv or .xlsx"),
    ],
    valid_rows: Annotated[
        bool,
        typer.Option(
            "--valid-rows",
            help="import the valid rows and report the bad ones (default: all or nothing)",
        ),
    ] = False,
    imported_by: Annotated[
        str | None, typer.Option("--by", help="who imports, recorded in the event")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the report as JSON")] = False,
) -> None:
    """Import a roster of deputies (代表名册): rows match on (level, registry number)."""
    if file.stat().st_size > importing.MAX_FILE_BYTES:
        errors.print(
            f"[red]{file} is larger than {importing.MAX_FILE_BYTES // (1024 * 1024)} MiB[/red]"
        )
        raise typer.Exit(EXIT_INVALID_FILE)
    mode = importing.ImportMode.VALID_ROWS if valid_rows else importing.ImportMode.ALL_OR_NOTHING
    who = imported_by or f"cli:{getpass.getuser()}"
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=errors,
        transient=as_json,
    ) as bar:
        tasks: dict[str, Any] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                label = "checking rows" if stage == "checking" else "importing"
                tasks[stage] = bar.add_task(label, total=total or None)
            bar.update(tasks[stage], completed=done, total=total or None)

        try:
            report = asyncio.run(
                run_import(file.read_bytes(), mode=mode, imported_by=who, progress=progress)
            )
        except importing.InvalidFile as invalid:
            bar.stop()
            errors.print(f"[red]{file} cannot be imported:[/red]")
            for problem in invalid.problems:
                errors.print(f"  - {problem}")
            raise typer.Exit(EXIT_INVALID_FILE) from invalid
        except importing.ImportRefused as refused:
            bar.stop()
            _print(refused.report, as_json)
            errors.print(f"[red]{refused}[/red]")
            raise typer.Exit(EXIT_REFUSED) from refused
        except Conflict as conflict:
            bar.stop()
            errors.print(f"[red]{conflict}[/red]")
            raise typer.Exit(EXIT_DATABASE) from conflict
        except (DBAPIError, OSError) as failure:
            bar.stop()
            reason = failure.orig if isinstance(failure, DBAPIError) else failure
            errors.print(f"[red]the deputies database is not usable: {reason}[/red]")
            raise typer.Exit(EXIT_DATABASE) from failure
    _print(report, as_json)


@app.command("columns")
def columns() -> None:
    """The columns a roster file may have: Chinese header, English aliases, required or not."""
    table = Table("header", "key", "aliases", "required", "note")
    for column in importing.COLUMNS:
        table.add_row(
            column.label,
            column.key,
            ", ".join(column.aliases),
            "yes" if column.required else "",
            column.help,
        )
    console.print(table)


def _print(report: importing.ImportReport, as_json: bool) -> None:
    if as_json:
        document = asdict(report)
        console.print_json(json.dumps(document, default=str, ensure_ascii=False))
        return
    summary = Table("total rows", "created", "updated", "unchanged", "rejected", "imported")
    summary.add_row(
        str(report.total_rows),
        str(report.created),
        str(report.updated),
        str(report.unchanged),
        str(report.rejected),
        "yes" if report.committed else "[red]no[/red]",
    )
    console.print(f"{report.file_kind}, mode {report.mode}")
    console.print(summary)
    if report.ignored_columns:
        console.print("ignored columns: " + ", ".join(report.ignored_columns))
    if report.errors:
        rows = Table("line", "registry number", "name", "reasons", title="rejected rows")
        for error in report.errors:
            rows.add_row(
                str(error.line),
                error.registry_number or "",
                error.name or "",
                "; ".join(error.reasons),
            )
        console.print(rows)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
