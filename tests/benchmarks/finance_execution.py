"""Benchmark of budget-execution imports (预算联网监督) on a private PostgreSQL: prints numbers.

    uv run python -m tests.benchmarks.finance_execution --rows 1000000

1. generates a deterministic CSV of ``--rows`` payment rows (200 budget lines, one planted
   anomaly of each of the five rules), streamed to a temporary file;
2. raw: ``COPY`` of the same file into a bare table (asyncpg ``copy_to_table``), the floor;
3. import: the service's own path (stream, validate, binary COPY into staging, set-based merge
   with dedupe, GROUP BY rules, findings and their events) in one transaction;
4. re-import: the same file again (every row a duplicate, no finding);
5. optionally the same on SQLite with ``--sqlite-rows`` (batched executemany).
Prints rows/s and the peak RSS of this process (the import streams: memory stays bounded).
It prints numbers and never asserts; only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import resource
import shutil
import tempfile
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import asyncpg
import psycopg

from jiandu_finance.bootstrap import SPEC as FINANCE
from jiandu_finance.config import FinanceSettings
from jiandu_finance.domain.execution import ImportFormat
from jiandu_finance.service_layer import budgets, execution
from jiandu_finance.service_layer.unit_of_work import FinanceUnitOfWork
from jiandu_shared.clock import FixedClock
from jiandu_shared.contracts.finance.budgets import BudgetKind
from jiandu_shared.storage.database import Database
from jiandu_shared.storage.migrations import upgrade
from tests.support.execution import PlantedYear
from tests.support.servers import PostgresServer

MAX_ROWS = 5_000_000
CLOCK = FixedClock(datetime(2026, 12, 7, 2, tzinfo=UTC))

BARE_TABLE = """
CREATE TABLE bare_execution (
    row_id text, paid_on date, department_code text, line_code text, project_code text,
    functional_code text, economic_code text, amount numeric(14, 2), payee_category text,
    reallocation text, reallocation_amount numeric(14, 2)
)
"""


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def raw_copy(postgres: PostgresServer, database: str, path: Path) -> float:
    connection = await asyncpg.connect(
        host="127.0.0.1", port=postgres.port, user="postgres", database=database
    )
    try:
        await connection.execute(BARE_TABLE)
        started = time.perf_counter()
        await connection.copy_to_table(
            "bare_execution", source=str(path), format="csv", header=True
        )
        return time.perf_counter() - started
    finally:
        await connection.close()


async def service_import(url: str, planted: PlantedYear, path: Path, label: str) -> None:
    await upgrade(url, FINANCE.migrations)
    FINANCE.start_mappers()
    database = Database(url)
    settings = FinanceSettings()

    def uow() -> FinanceUnitOfWork:
        unit = FinanceUnitOfWork(database)
        unit.clock = CLOCK
        return unit

    try:
        budget = planted.budget()
        await budgets.create_budget(
            year=budget["year"],
            kind=BudgetKind(budget["kind"]),
            title=None,
            lines=[{**line, "amount": Decimal(line["amount"])} for line in budget["lines"]],
            by="benchmark",
            uow=uow(),
            clock=CLOCK,
        )
        for attempt in ("import", "re-import"):
            options = execution.ImportOptions(
                format=ImportFormat.CSV,
                filename=path.name,
                batch_rows=settings.import_batch_rows,
            )
            started = time.perf_counter()
            with path.open("rb") as source:
                report = await execution.import_execution(
                    source,
                    options,
                    by="benchmark",
                    uow=uow(),
                    clock=CLOCK,
                    defaults=settings.default_thresholds,
                )
            seconds = time.perf_counter() - started
            r = report.record
            found = {(str(f.rule), f.subject) for f in report.findings}
            print(
                f"{label} {attempt}: {r.rows_read:,} rows read, {r.rows_imported:,} imported, "
                f"{r.rows_duplicate:,} duplicate, {r.rows_rejected} rejected, "
                f"{r.findings_flagged} findings in {seconds:.1f} s "
                f"({r.rows_read / seconds:,.0f} rows/s); peak RSS {peak_rss_mib():.0f} MiB"
            )
            if attempt == "import":
                missed = planted.expected - found
                extra = found - planted.expected
                print(
                    f"{label} planted anomalies: {len(planted.expected)} expected, "
                    f"{len(planted.expected & found)} found, missed {sorted(missed) or 'none'}, "
                    f"unexpected {sorted(extra) or 'none'}"
                )
    finally:
        await database.dispose()


def generate(rows: int, base: Path) -> tuple[PlantedYear, Path]:
    planted = PlantedYear(rows)
    path = base / f"execution-{rows}.csv"
    started = time.perf_counter()
    count = planted.write_csv(path)
    print(
        f"generated {count:,} rows ({path.stat().st_size / 2**20:.0f} MiB CSV, "
        f"{len(planted.lines)} budget lines) in {time.perf_counter() - started:.1f} s"
    )
    return planted, path


async def run(args: argparse.Namespace, postgres: PostgresServer, base: Path) -> None:
    planted, path = generate(args.rows, base)
    with psycopg.connect(
        host="127.0.0.1", port=postgres.port, user="postgres", dbname="postgres", autocommit=True
    ) as conn:
        conn.execute('CREATE DATABASE "raw"')
        conn.execute('CREATE DATABASE "finance"')
    seconds = await raw_copy(postgres, "raw", path)
    print(
        f"postgresql raw COPY of the same file into a bare table: {seconds:.1f} s "
        f"({args.rows / seconds:,.0f} rows/s)"
    )
    await service_import(postgres.url("finance"), planted, path, "postgresql")
    if args.sqlite_rows:
        small, small_path = generate(args.sqlite_rows, base)
        url = f"sqlite+aiosqlite:///{base / 'finance.db'}"
        await service_import(url, small, small_path, "sqlite")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument(
        "--sqlite-rows", type=int, default=0, help="also import this many rows on SQLite"
    )
    args = parser.parse_args()
    args.rows = max(1000, min(args.rows, MAX_ROWS))
    args.sqlite_rows = min(max(args.sqlite_rows, 0), MAX_ROWS)
    logging.basicConfig(level=logging.WARNING, format="  %(message)s")
    logging.getLogger("jiandu.finance.execution").setLevel(logging.INFO)
    base = Path(tempfile.mkdtemp(prefix="jiandu-finance-bench-"))
    base.chmod(0o755)
    postgres = PostgresServer(base / "pg")
    postgres.start()
    try:
        asyncio.run(run(args, postgres, base))
    finally:
        with contextlib.suppress(Exception):
            postgres.stop()
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
