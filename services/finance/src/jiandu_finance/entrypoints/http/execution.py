"""HTTP API of budget-execution monitoring (预算联网监督): imports, rules and findings.

Imports take the file as the request body, streamed to a spooled temporary file (memory stays
bounded whatever the size), then imported batch by batch. Findings are found online and
handled offline: a department's token names its budget-unit code (预算单位编码) in ``org``, and
a department sees and explains only its own findings.
"""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import IO, Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from pydantic import BaseModel, ConfigDict, Field

from jiandu_finance.adapters.execution_files import sniff_format
from jiandu_finance.config import FinanceSettings
from jiandu_finance.domain.execution import (
    ExecutionFinding,
    ExecutionImport,
    FindingState,
    ImportFormat,
    ImportMode,
    ImportStatus,
    Rejection,
)
from jiandu_finance.domain.rules import RuleSet, RuleThresholds
from jiandu_finance.entrypoints.http.assets import YuanTotal
from jiandu_finance.service_layer import execution as service
from jiandu_finance.service_layer.unit_of_work import FinanceUnitOfWork
from jiandu_shared.calendar import local_date
from jiandu_shared.clock import Clock
from jiandu_shared.contracts.finance.budgets import ExecutionRule
from jiandu_shared.errors import RuleViolation
from jiandu_shared.money import NonNegativeYuan, from_fen
from jiandu_shared.web.auth import Principal, Role, require
from jiandu_shared.web.problems import problem

CODE = r"^[0-9A-Za-z][0-9A-Za-z_.\-]*$"
SHARE = r"^(0(\.[0-9]{1,6})?|1(\.0{1,6})?|[0-9]{1,6}/[1-9][0-9]{0,6})$"
AMOUNT = r"^(0|[1-9][0-9]{0,11})(\.[0-9]{1,2})?$"
REPORTED_IN_ANSWER = 1000  # rejections in an import's answer; all are at /rejections

Staff = Annotated[Principal, Depends(require(Role.COMMITTEE_STAFF))]
Reader = Annotated[
    Principal,
    Depends(require(Role.COMMITTEE_STAFF, Role.COMMITTEE_MEMBER, Role.DEPARTMENT)),
]
Explainer = Annotated[Principal, Depends(require(Role.COMMITTEE_STAFF, Role.DEPARTMENT))]
FormatQuery = Annotated[
    ImportFormat | None,
    Query(description="csv, ndjson or json (an array); default: from Content-Type or content"),
]
FilenameQuery = Annotated[str | None, Query(max_length=200, description="The file's name")]

_FILE = {"type": "string", "format": "binary"}
# The body is the file itself, streamed: OpenAPI is told what it may be.
FILE_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "text/csv": {"schema": _FILE},
            "application/x-ndjson": {"schema": _FILE},
            "application/json": {"schema": _FILE},
        },
    }
}

_CONTENT_TYPES = {
    "text/csv": ImportFormat.CSV,
    "application/csv": ImportFormat.CSV,
    "application/x-ndjson": ImportFormat.NDJSON,
    "application/ndjson": ImportFormat.NDJSON,
    "application/jsonl": ImportFormat.NDJSON,
    "application/x-jsonlines": ImportFormat.NDJSON,
}


def _department_of(who: Principal) -> str | None:
    """The budget-unit code a department acts for; None for everyone else."""
    if who.role is not Role.DEPARTMENT:
        return None
    if not who.organisation:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            "a department's token must name its budget-unit code (预算单位编码) in 'org'",
        )
    return who.organisation


@asynccontextmanager
async def import_source(
    request: Request,
    format: ImportFormat | None,
    filename: str | None,
    settings: FinanceSettings,
) -> AsyncIterator[tuple[IO[bytes], ImportFormat]]:
    """The request body, streamed into a spooled temporary file, and its format."""
    limit = settings.import_max_upload_bytes
    with tempfile.SpooledTemporaryFile(max_size=8 << 20) as spool:
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise HTTPException(
                    status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
                    f"the file is larger than {limit} bytes (JIANDU_FINANCE_IMPORT_MAX_UPLOAD_BYTES)",
                )
            spool.write(chunk)
        if size == 0:
            raise RuleViolation("the body is empty: send the file as the request body")
        spool.seek(0)
        head = spool.read(4096)
        spool.seek(0)
        chosen = format or _format_of(request.headers.get("content-type", ""), filename, head)
        if chosen is None:
            raise RuleViolation("cannot tell the file's format: give ?format=csv|ndjson|json")
        yield spool, chosen


def _format_of(content_type: str, filename: str | None, head: bytes) -> ImportFormat | None:
    media = content_type.split(";", 1)[0].strip().lower()
    if media in _CONTENT_TYPES:
        return _CONTENT_TYPES[media]
    if filename:
        suffix = filename.rsplit(".", 1)[-1].lower()
        if suffix == "csv":
            return ImportFormat.CSV
        if suffix in ("ndjson", "jsonl"):
            return ImportFormat.NDJSON
    return sniff_format(head)


class RejectionOut(BaseModel):
    line: int = Field(description="Line of the file where the rejected row starts")
    reason: str


class ImportOut(BaseModel):
    """The report of an import: what was read, imported, skipped as duplicate and rejected."""

    id: uuid.UUID
    status: ImportStatus
    format: ImportFormat
    mode: ImportMode
    filename: str | None
    as_of: date | None
    years: list[int]
    rows_read: int
    rows_imported: int
    rows_duplicate: int = Field(description="Rows already imported before (same row id or content)")
    rows_rejected: int
    findings_flagged: int
    malformed: str | None = Field(description="Why the file could not be read on, if so")
    imported_at: datetime
    imported_by: str
    rejections: list[RejectionOut] = Field(
        default_factory=list,
        description=f"The first {REPORTED_IN_ANSWER} rejected rows; all at .../rejections",
    )

    @classmethod
    def of(cls, record: ExecutionImport, rejections: list[Rejection] | None = None) -> ImportOut:
        return cls(
            id=record.id,
            status=record.status,
            format=record.format,
            mode=record.mode,
            filename=record.filename,
            as_of=record.as_of,
            years=list(record.years),
            rows_read=record.rows_read,
            rows_imported=record.rows_imported,
            rows_duplicate=record.rows_duplicate,
            rows_rejected=record.rows_rejected,
            findings_flagged=record.findings_flagged,
            malformed=record.malformed,
            imported_at=record.imported_at,
            imported_by=record.imported_by,
            rejections=[
                RejectionOut(line=r.line, reason=r.reason)
                for r in (rejections or [])[:REPORTED_IN_ANSWER]
            ],
        )


class ImportPage(BaseModel):
    items: list[ImportOut]
    total: int
    limit: int
    offset: int


class RejectionPage(BaseModel):
    import_id: uuid.UUID
    rows_rejected: int
    items: list[RejectionOut]
    limit: int
    offset: int


class FindingOut(BaseModel):
    id: uuid.UUID
    rule: ExecutionRule
    subject: str
    period: str
    year: int
    department_code: str
    line_code: str | None
    amount: NonNegativeYuan
    summary: str
    evidence: dict[str, Any] = Field(description="figures: what tripped the rule; rows: refs")
    rule_version: int
    import_id: uuid.UUID | None
    flagged_at: datetime
    state: FindingState
    explanation: str | None
    explained_by: str | None
    explained_at: datetime | None
    return_reason: str | None
    closed_by: str | None
    closed_at: datetime | None
    close_note: str | None
    dismissed: bool | None

    @classmethod
    def of(cls, f: ExecutionFinding) -> FindingOut:
        return cls(
            id=f.id,
            rule=f.rule,
            subject=f.subject,
            period=f.period,
            year=f.year,
            department_code=f.department_code,
            line_code=f.line_code,
            amount=f.amount,
            summary=f.summary,
            evidence=f.evidence,
            rule_version=f.rule_version,
            import_id=f.import_id,
            flagged_at=f.flagged_at,
            state=f.state,
            explanation=f.explanation,
            explained_by=f.explained_by,
            explained_at=f.explained_at,
            return_reason=f.return_reason,
            closed_by=f.closed_by,
            closed_at=f.closed_at,
            close_note=f.close_note,
            dismissed=f.dismissed,
        )


class FindingPage(BaseModel):
    items: list[FindingOut]
    total: int
    limit: int
    offset: int


Share = Annotated[str, Field(pattern=SHARE, description='A share: "0.2" or "1/5"')]
Amount = Annotated[str, Field(pattern=AMOUNT, description="Yuan, at most two decimals")]


class RulesIn(BaseModel):
    """New thresholds (only those given change); the result is a new version in force."""

    model_config = ConfigDict(extra="forbid")

    behind_gap: Share | None = None
    behind_min_time_share: Share | None = None
    behind_min_budget: Amount | None = None
    reallocation_amount: Amount | None = None
    reallocation_share: Share | None = None
    year_end_days: int | None = Field(default=None, ge=1, le=180)
    year_end_share: Share | None = None
    year_end_min_total: Amount | None = None
    idle_months: int | None = Field(default=None, ge=1, le=12)
    idle_share: Share | None = None
    row_refs: int | None = Field(default=None, ge=0, le=100)
    note: Annotated[str | None, Field(max_length=500)] = None


class RulesOut(BaseModel):
    version: int = Field(description="0: the configured defaults, no version stored yet")
    thresholds: dict[str, Any]
    created_at: datetime | None = None
    created_by: str | None = None
    note: str | None = None

    @classmethod
    def of(cls, rules: RuleSet) -> RulesOut:
        return cls(
            version=rules.version,
            thresholds=rules.thresholds.as_json(),
            created_at=rules.created_at,
            created_by=rules.created_by,
            note=rules.note,
        )


class RulesPage(BaseModel):
    items: list[RulesOut]
    total: int
    limit: int
    offset: int


class CheckIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    years: list[Annotated[int, Field(ge=2000, le=2100)]] = Field(min_length=1, max_length=10)
    as_of: date | None = Field(default=None, description="Default: each year's latest payment")


class CheckOut(BaseModel):
    flagged: int
    findings: list[FindingOut]


class ExplainIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    explanation: Annotated[str, Field(min_length=1, max_length=4000)] = Field(
        description="How the department handled the problem offline (线下处理)"
    )


class ReasonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Annotated[str, Field(min_length=1, max_length=1000)]


class CloseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: Annotated[str, Field(min_length=1, max_length=4000)]


class DepartmentProgressOut(BaseModel):
    department_code: str
    lines: int = Field(description="The department's budget lines of the year")
    adjusted_budget: YuanTotal = Field(description="Budgets plus net reallocations")
    spent: YuanTotal = Field(description="Payments up to as_of")
    executed_share: str | None = Field(
        description='spent / adjusted_budget, 4 decimals rounded half up ("0.4500" = 45%); '
        "null without a budget"
    )


class ProgressOut(BaseModel):
    """Budget execution against time progress (支出进度与序时进度), per department."""

    year: int
    as_of: date = Field(description="The day the figures are taken at (end of day)")
    time_share: str = Field(description="Share of the year elapsed at as_of (序时进度), 4 decimals")
    departments: list[DepartmentProgressOut]


def _share_text(share: Fraction) -> str:
    exact = Decimal(share.numerator) / Decimal(share.denominator)
    return str(exact.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))


def build_router(uow: Callable[[], FinanceUnitOfWork], clock: Clock) -> APIRouter:
    router = APIRouter(tags=["execution"])
    settings = FinanceSettings()
    defaults: RuleThresholds = settings.default_thresholds

    @router.post(
        "/execution/imports",
        status_code=status.HTTP_201_CREATED,
        summary="Import a file of budget-execution data, streamed, and check the rules (staff)",
        description="The body is the file: CSV with a header line, NDJSON or a JSON array of "
        "objects with paid_on, department_code, amount and optionally row_id, line_code, "
        "project_code, functional_code, economic_code, payee_category, reallocation, "
        "reallocation_amount. All-or-nothing by default: a malformed file or any bad row "
        "imports nothing and the answer (422) lists the rejected rows with line numbers. "
        "mode=valid_rows imports the valid rows and reports the others. Rows imported before "
        "(same row_id, or same content without one) count as duplicates and flag nothing again.",
        responses={422: {"description": "Nothing imported; the report says why"}},
        openapi_extra=FILE_BODY,
    )
    async def import_execution(
        request: Request,
        who: Staff,
        format: FormatQuery = None,
        mode: ImportMode = ImportMode.ALL_OR_NOTHING,
        as_of: Annotated[
            date | None, Query(description="Check the rules as of this date (default: the data's)")
        ] = None,
        filename: FilenameQuery = None,
    ) -> ImportOut:
        async with import_source(request, format, filename, settings) as (source, fmt):
            report = await service.import_execution(
                source,
                service.ImportOptions(
                    format=fmt,
                    mode=mode,
                    as_of=as_of,
                    filename=filename,
                    batch_rows=settings.import_batch_rows,
                    max_rejections=settings.import_max_reported_rejections,
                ),
                by=who.subject,
                uow=uow(),
                clock=clock,
                defaults=defaults,
            )
        out = ImportOut.of(report.record, report.rejections)
        if report.record.status is ImportStatus.REJECTED:
            reason = report.record.malformed or f"{report.record.rows_rejected} row(s) rejected"
            # problem+json: "status" is the HTTP status; the import's own is "import_status".
            fields = out.model_dump(mode="json")
            fields["import_status"] = fields.pop("status")
            refused = problem(
                422, "Import rejected", f"nothing was imported: {reason}", request, **fields
            )
            return refused  # type: ignore[return-value]
        return out

    @router.get("/execution/imports", summary="Imports, newest first (staff, members)")
    async def list_imports(
        who: Annotated[Principal, Depends(require(Role.COMMITTEE_STAFF, Role.COMMITTEE_MEMBER))],
        limit: Annotated[int, Query(ge=1, le=200)] = 50,
        offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    ) -> ImportPage:
        items, total = await service.list_imports(uow(), limit=limit, offset=offset)
        return ImportPage(
            items=[ImportOut.of(i) for i in items], total=total, limit=limit, offset=offset
        )

    @router.get("/execution/imports/{import_id}", summary="One import's report")
    async def get_import(import_id: uuid.UUID, who: Staff) -> ImportOut:
        return ImportOut.of(await service.get_import(import_id, uow()))

    @router.get(
        "/execution/imports/{import_id}/rejections",
        summary="Every rejected row of an import, with line number and reason, paginated",
    )
    async def list_rejections(
        import_id: uuid.UUID,
        who: Staff,
        limit: Annotated[int, Query(ge=1, le=5000)] = 1000,
        offset: Annotated[int, Query(ge=0, le=100_000_000)] = 0,
    ) -> RejectionPage:
        record, rows = await service.list_rejections(import_id, uow(), limit=limit, offset=offset)
        return RejectionPage(
            import_id=record.id,
            rows_rejected=record.rows_rejected,
            items=[RejectionOut(line=r.line, reason=r.reason) for r in rows],
            limit=limit,
            offset=offset,
        )

    @router.get(
        "/execution/progress",
        summary="Execution against time progress per department (staff, members)",
        description="Each department's budget lines of the year summed: adjusted budget, "
        "spending up to as_of, and the executed share beside the share of the year elapsed "
        "(序时进度). as_of defaults to the year's latest payment (today without payments) and "
        "is clipped to the year.",
    )
    async def progress(
        who: Annotated[Principal, Depends(require(Role.COMMITTEE_STAFF, Role.COMMITTEE_MEMBER))],
        year: Annotated[int, Query(ge=2000, le=2100)],
        as_of: date | None = None,
    ) -> ProgressOut:
        found = await service.year_progress(year, as_of, uow=uow(), today=local_date(clock.now()))
        return ProgressOut(
            year=found.year,
            as_of=found.as_of,
            time_share=_share_text(found.time_share),
            departments=[
                DepartmentProgressOut(
                    department_code=d.department_code,
                    lines=d.lines,
                    adjusted_budget=from_fen(max(d.adjusted_budget_fen, 0)),
                    spent=from_fen(max(d.spent_fen, 0)),
                    executed_share=None
                    if d.executed_share is None
                    else _share_text(d.executed_share),
                )
                for d in found.departments
            ],
        )

    @router.get("/execution/rules", summary="The monitoring thresholds in force")
    async def get_rules(who: Reader) -> RulesOut:
        thresholds, version = await service.current_rules(uow(), defaults)
        return RulesOut(version=version, thresholds=thresholds.as_json())

    @router.get("/execution/rules/versions", summary="Every stored version of the thresholds")
    async def list_rule_versions(
        who: Reader,
        limit: Annotated[int, Query(ge=1, le=200)] = 50,
        offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    ) -> RulesPage:
        items, total = await service.rule_versions(uow(), limit=limit, offset=offset)
        return RulesPage(
            items=[RulesOut.of(r) for r in items], total=total, limit=limit, offset=offset
        )

    @router.put(
        "/execution/rules",
        summary="Change thresholds (staff): a new version takes effect for later checks",
    )
    async def change_rules(body: RulesIn, who: Staff) -> RulesOut:
        changes = body.model_dump(exclude_none=True, exclude={"note"})
        if not changes:
            raise RuleViolation("name at least one threshold to change")
        rules = await service.change_rules(
            changes, note=body.note, by=who.subject, uow=uow(), clock=clock, defaults=defaults
        )
        return RulesOut.of(rules)

    @router.post(
        "/execution/checks",
        summary="Check the rules again on years of data (staff); only new flags become findings",
    )
    async def check(body: CheckIn, who: Staff) -> CheckOut:
        findings = await service.check_rules(
            sorted(set(body.years)), body.as_of, uow=uow(), clock=clock, defaults=defaults
        )
        return CheckOut(flagged=len(findings), findings=[FindingOut.of(f) for f in findings])

    @router.get("/execution/findings", summary="Findings, filtered and paginated")
    async def list_findings(
        who: Reader,
        year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
        rule: ExecutionRule | None = None,
        state: FindingState | None = None,
        department_code: Annotated[str | None, Query(max_length=32, pattern=CODE)] = None,
        import_id: uuid.UUID | None = None,
        limit: Annotated[int, Query(ge=1, le=200)] = 50,
        offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    ) -> FindingPage:
        own = _department_of(who)
        if own is not None:
            if department_code not in (None, own):
                return FindingPage(items=[], total=0, limit=limit, offset=offset)
            department_code = own
        items, total = await service.list_findings(
            uow(),
            year=year,
            rule=rule,
            state=state,
            department_code=department_code,
            import_id=import_id,
            limit=limit,
            offset=offset,
        )
        return FindingPage(
            items=[FindingOut.of(f) for f in items], total=total, limit=limit, offset=offset
        )

    @router.get("/execution/findings/{finding_id}", summary="One finding with its evidence")
    async def get_finding(finding_id: uuid.UUID, who: Reader) -> FindingOut:
        finding = await service.get_finding(finding_id, uow())
        own = _department_of(who)
        if own is not None and finding.department_code != own:
            raise HTTPException(404, f"execution finding {finding_id} does not exist")
        return FindingOut.of(finding)

    @router.post(
        "/execution/findings/{finding_id}/explain",
        summary="The department explains how it handled the finding offline (线下处理)",
    )
    async def explain(finding_id: uuid.UUID, body: ExplainIn, who: Explainer) -> FindingOut:
        finding = await service.explain_finding(
            finding_id,
            body.explanation,
            by=who.subject,
            department_code=_department_of(who),
            uow=uow(),
            clock=clock,
        )
        return FindingOut.of(finding)

    @router.post(
        "/execution/findings/{finding_id}/return",
        summary="Return the finding to the department: the explanation does not satisfy (staff)",
    )
    async def return_finding(finding_id: uuid.UUID, body: ReasonIn, who: Staff) -> FindingOut:
        return FindingOut.of(
            await service.return_finding(finding_id, body.reason, uow=uow(), clock=clock)
        )

    @router.post(
        "/execution/findings/{finding_id}/close",
        summary="Close the finding (staff): handled, or dismissed while still open",
    )
    async def close(finding_id: uuid.UUID, body: CloseIn, who: Staff) -> FindingOut:
        return FindingOut.of(
            await service.close_finding(
                finding_id, body.note, by=who.subject, uow=uow(), clock=clock
            )
        )

    return router
