"""HTTP API of the deputies registry (代表名册) and its bulk import.

What a reader sees of a deputy is decided field by field by
:mod:`jiandu_deputies.domain.disclosure`; responses carry only the keys the reader may see.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import (
    APIRouter,
    Depends,
    File,
    HTTPException,
    Path,
    Query,
    Request,
    Response,
    UploadFile,
    status,
)
from pydantic import BaseModel, ConfigDict, Field

from jiandu_deputies.domain import registry as model
from jiandu_deputies.domain.disclosure import Audience, audience_of, disclose
from jiandu_deputies.domain.registry import (
    DISCLOSABLE_FIELDS,
    PROFILE_FIELDS,
    AgeBand,
    Deputy,
    DeputyField,
    DeputyLevel,
    DeputyProfile,
    Gender,
    LeaveReason,
)
from jiandu_deputies.service_layer import importing, registry
from jiandu_deputies.service_layer.unit_of_work import DeputiesUnitOfWork
from jiandu_shared.calendar import local_date
from jiandu_shared.clock import Clock
from jiandu_shared.web.auth import Principal, Role, require
from jiandu_shared.web.idempotency import IdempotencyDep
from jiandu_shared.web.problems import problem
from jiandu_shared.web.text import NOT_BLANK, WHITE_SPACE

Publishable = Annotated[
    DeputyField,
    Field(
        description="A field the deputy agrees to publish: "
        + ", ".join(sorted(f.value for f in DISCLOSABLE_FIELDS))
    ),
]


EMAIL = rf"^[^@{WHITE_SPACE}\x00]+@[^{WHITE_SPACE}\x00]+$"


def _text(most: int) -> Any:
    return Field(default=None, min_length=1, pattern=NOT_BLANK, max_length=most)


class ProfileIn(BaseModel):
    """A deputy's profile and contact data, and the fields they agree to publish (公开字段)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: Annotated[str, Field(min_length=1, pattern=NOT_BLANK, max_length=model.MAX_NAME)]
    constituency: Annotated[
        str, Field(min_length=1, pattern=NOT_BLANK, max_length=model.MAX_CONSTITUENCY)
    ]
    sector: str | None = _text(model.MAX_SECTOR)
    unit: str | None = _text(model.MAX_UNIT)
    position: str | None = _text(model.MAX_POSITION)
    gender: Gender | None = None
    birth_year: int | None = Field(default=None, ge=1900, le=2100)
    ethnicity: str | None = _text(model.MAX_ETHNICITY)
    industry: str | None = _text(model.MAX_INDUSTRY)
    skills: list[
        Annotated[str, Field(min_length=1, pattern=NOT_BLANK, max_length=model.MAX_SKILL)]
    ] = Field(default_factory=list, max_length=model.MAX_SKILLS)
    term: int | None = Field(default=None, ge=1, le=99, description="届次, e.g. 18")
    phone: str | None = Field(
        default=None,
        max_length=20,
        pattern=r"^[+0-9][0-9 \-()]{4,19}$",
        description="Mobile (13800138000) or landline with area code (0994-2345678)",
    )
    address: str | None = _text(model.MAX_ADDRESS)
    email: str | None = Field(default=None, max_length=model.MAX_EMAIL, pattern=EMAIL)
    wechat: str | None = _text(model.MAX_WECHAT)
    published: list[Publishable] = Field(default_factory=list, max_length=len(DeputyField))

    def profile(self) -> DeputyProfile:
        values = self.model_dump(include=set(PROFILE_FIELDS))
        values["skills"] = tuple(values["skills"])
        values["published"] = frozenset(values["published"])
        return DeputyProfile(**values)


class DeputyIn(ProfileIn):
    level: DeputyLevel
    registry_number: Annotated[
        str,
        Field(
            min_length=1,
            max_length=model.MAX_REGISTRY_NUMBER,
            pattern=model.REGISTRY_NUMBER.pattern,
            description="代表证号: with the level, the natural key imports match on",
        ),
    ]


class ProfileChanges(BaseModel):
    """The fields to change; a field sent as null is cleared, a field left out is kept."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str | None = _text(model.MAX_NAME)
    constituency: str | None = _text(model.MAX_CONSTITUENCY)
    sector: str | None = _text(model.MAX_SECTOR)
    unit: str | None = _text(model.MAX_UNIT)
    position: str | None = _text(model.MAX_POSITION)
    gender: Gender | None = None
    birth_year: int | None = Field(default=None, ge=1900, le=2100)
    ethnicity: str | None = _text(model.MAX_ETHNICITY)
    industry: str | None = _text(model.MAX_INDUSTRY)
    skills: (
        list[Annotated[str, Field(min_length=1, pattern=NOT_BLANK, max_length=model.MAX_SKILL)]]
        | None
    ) = Field(default=None, max_length=model.MAX_SKILLS)
    term: int | None = Field(default=None, ge=1, le=99)
    phone: str | None = Field(default=None, max_length=20, pattern=r"^[+0-9][0-9 \-()]{4,19}$")
    address: str | None = _text(model.MAX_ADDRESS)
    email: str | None = Field(default=None, max_length=model.MAX_EMAIL, pattern=EMAIL)
    wechat: str | None = _text(model.MAX_WECHAT)
    published: list[Publishable] | None = Field(default=None, max_length=len(DeputyField))

    def changes(self) -> dict[str, object]:
        values = self.model_dump(include=self.model_fields_set)
        for required in ("name", "constituency"):
            if required in values and values[required] is None:
                values[required] = ""  # the domain says it is required
        if "skills" in values:
            values["skills"] = tuple(values["skills"] or ())
        if "published" in values:
            values["published"] = frozenset(values["published"] or ())
        return values


class ConsentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    published: list[Publishable] = Field(max_length=len(DeputyField))


class LeaveOfficeIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    left_on: date
    reason: LeaveReason
    note: str | None = Field(default=None, max_length=model.MAX_NOTE)


class PublicDeputyCard(BaseModel):
    """A deputy's public card (一人一码): only what the deputy agreed to publish appears."""

    public_code: str
    active: bool = Field(description="false once the deputy left office")
    name: str
    level: DeputyLevel
    constituency: str
    term: int | None = None
    sector: str | None = None
    unit: str | None = None
    position: str | None = None
    gender: Gender | None = None
    age_band: AgeBand | None = None
    ethnicity: str | None = None
    industry: str | None = None
    skills: list[str] | None = None
    phone: str | None = None
    address: str | None = None
    email: str | None = None
    wechat: str | None = None


class DeputyOut(PublicDeputyCard):
    """A deputy as the reader may see them: keys the reader may not see are left out.

    Staff, operators and the deputy themself see every field and the record; other deputies
    and committee members the working profile and consented contact; departments and partner
    agencies never any contact field; citizens the consented fields only.
    """

    id: uuid.UUID
    birth_year: int | None = None
    registry_number: str | None = None
    published: list[DeputyField] | None = None
    left_on: date | None = None
    leave_reason: LeaveReason | None = None
    leave_note: str | None = None
    registered_at: datetime | None = None
    updated_at: datetime | None = None


class DeputyPage(BaseModel):
    items: list[DeputyOut]
    total: int
    limit: int
    offset: int


class PublicDeputyPage(BaseModel):
    """One page of the public search: serving deputies' public cards only."""

    items: list[PublicDeputyCard]
    total: int
    limit: int
    offset: int
    page: int = Field(description="1 for the first page")


MAX_SEARCH_PAGE = 10_000
MAX_SEARCH_LIMIT = 50


class RowErrorOut(BaseModel):
    line: int = Field(description="Line in the file; the header is line 1")
    reasons: list[str]
    registry_number: str | None
    name: str | None


class ImportReportOut(BaseModel):
    import_id: uuid.UUID
    mode: importing.ImportMode
    file_kind: str
    committed: bool = Field(description="false when nothing was imported")
    total_rows: int
    created: int
    updated: int
    unchanged: int
    rejected: int
    errors: list[RowErrorOut]
    ignored_columns: list[str]

    @classmethod
    def of(cls, report: importing.ImportReport) -> ImportReportOut:
        return cls(
            import_id=report.import_id,
            mode=report.mode,
            file_kind=report.file_kind,
            committed=report.committed,
            total_rows=report.total_rows,
            created=report.created,
            updated=report.updated,
            unchanged=report.unchanged,
            rejected=report.rejected,
            errors=[
                RowErrorOut(
                    line=e.line,
                    reasons=list(e.reasons),
                    registry_number=e.registry_number,
                    name=e.name,
                )
                for e in report.errors
            ],
            ignored_columns=report.ignored_columns,
        )


class ColumnOut(BaseModel):
    key: str
    header: str = Field(description="The Chinese header of the template")
    aliases: list[str]
    required: bool
    help: str


Staff = Annotated[Principal, Depends(require(Role.COMMITTEE_STAFF))]
Reader = Annotated[
    Principal,
    Depends(
        require(
            Role.COMMITTEE_STAFF,
            Role.COMMITTEE_MEMBER,
            Role.DEPUTY,
            Role.DEPARTMENT,
            Role.PARTNER_AGENCY,
            Role.CITIZEN,
        )
    ),
]
StaffOrDeputy = Annotated[Principal, Depends(require(Role.COMMITTEE_STAFF, Role.DEPUTY))]

_CHUNK = 64 * 1024


def build_router(uow: Callable[[], DeputiesUnitOfWork], clock: Clock) -> APIRouter:
    router = APIRouter(tags=["registry"])

    def view(deputy: Deputy, who: Principal | None) -> DeputyOut:
        audience = (
            Audience.PUBLIC if who is None else audience_of(str(who.role), who.subject, deputy.id)
        )
        return DeputyOut.model_validate(disclose(deputy, audience, local_date(clock.now())).values)

    @router.post(
        "/deputies",
        status_code=status.HTTP_201_CREATED,
        response_model_exclude_unset=True,
        summary="Register a deputy (staff); the deputy gets a public code (一人一码)",
        description="409 when the level already has a deputy with this registry number.",
    )
    async def register_deputy(
        body: DeputyIn, who: Staff, response: Response, idempotency: IdempotencyDep
    ) -> DeputyOut:
        if (created := idempotency.replay(response)) is not None:
            return view(await registry.get_deputy(uuid.UUID(created["id"]), uow()), who)
        unit = uow()
        unit.idempotency = idempotency.request
        deputy = await registry.register_deputy(
            registry.RegisterDeputy(body.level, body.registry_number, body.profile()),
            unit,
            clock,
        )
        return view(deputy, who)

    @router.get(
        "/deputies",
        response_model_exclude_unset=True,
        summary="Deputies, filtered and paginated; each shown as the reader may see them",
    )
    async def list_deputies(
        who: Reader,
        level: DeputyLevel | None = None,
        constituency: Annotated[str | None, Query(max_length=model.MAX_CONSTITUENCY)] = None,
        sector: Annotated[str | None, Query(max_length=model.MAX_SECTOR)] = None,
        active: bool | None = None,
        name: Annotated[str | None, Query(min_length=1, max_length=model.MAX_NAME)] = None,
        limit: Annotated[int, Query(ge=1, le=200)] = 50,
        offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    ) -> DeputyPage:
        items, total = await registry.list_deputies(
            uow(),
            level=level,
            constituency=constituency,
            sector=sector,
            active=active,
            name=name,
            limit=limit,
            offset=offset,
        )
        return DeputyPage(
            items=[view(d, who) for d in items], total=total, limit=limit, offset=offset
        )

    @router.get(
        "/deputies/import-columns",
        summary="The columns a roster file may have (Chinese headers and English aliases)",
    )
    async def import_columns(_who: Staff) -> list[ColumnOut]:
        return [
            ColumnOut(
                key=c.key, header=c.label, aliases=list(c.aliases), required=c.required, help=c.help
            )
            for c in importing.COLUMNS
        ]

    @router.get(
        "/deputies/{deputy_id}",
        response_model_exclude_unset=True,
        summary="One deputy, as the reader may see them",
    )
    async def get_deputy(deputy_id: uuid.UUID, who: Reader) -> DeputyOut:
        return view(await registry.get_deputy(deputy_id, uow()), who)

    @router.patch(
        "/deputies/{deputy_id}",
        response_model_exclude_unset=True,
        summary="Change a deputy's profile (staff): fields left out are kept, null clears",
    )
    async def update_deputy(deputy_id: uuid.UUID, body: ProfileChanges, who: Staff) -> DeputyOut:
        return view(await registry.update_deputy(deputy_id, body.changes(), uow(), clock), who)

    @router.put(
        "/deputies/{deputy_id}/consent",
        response_model_exclude_unset=True,
        summary="The fields the deputy agrees to publish (公开字段): the deputy or staff",
    )
    async def set_consent(deputy_id: uuid.UUID, body: ConsentIn, who: StaffOrDeputy) -> DeputyOut:
        if who.role is Role.DEPUTY and who.subject != str(deputy_id):
            raise HTTPException(
                status.HTTP_403_FORBIDDEN, "a deputy sets the consent of their own entry only"
            )
        deputy = await registry.set_consent(deputy_id, frozenset(body.published), uow(), clock)
        return view(deputy, who)

    @router.post(
        "/deputies/{deputy_id}/leave-office",
        response_model_exclude_unset=True,
        summary="Record that a deputy left office (离任) (staff); 409 if already recorded",
    )
    async def leave_office(deputy_id: uuid.UUID, body: LeaveOfficeIn, who: Staff) -> DeputyOut:
        deputy = await registry.leave_office(
            deputy_id, on=body.left_on, reason=body.reason, note=body.note, uow=uow(), clock=clock
        )
        return view(deputy, who)

    def public_card_of(deputy: Deputy) -> PublicDeputyCard:
        values = disclose(deputy, Audience.PUBLIC, local_date(clock.now())).values
        values.pop("id")
        return PublicDeputyCard.model_validate(values)

    @router.get(
        "/public/deputies",
        response_model_exclude_unset=True,
        summary="Find a serving deputy by part of a name or constituency (找代表); no account",
        description=(
            "Serving deputies only (those who left office are never listed), by name. `q` "
            "matches part of the name or of the constituency, `constituency` part of the "
            "constituency (case-insensitive). Each item is the public card: name, level, "
            "constituency, term, the public code and only the fields the deputy agreed to "
            "publish. Pages are numbered from 1."
        ),
    )
    async def search_public(
        q: Annotated[
            str | None,
            Query(
                min_length=1,
                max_length=model.MAX_CONSTITUENCY,
                description="Part of a name or constituency",
            ),
        ] = None,
        level: DeputyLevel | None = None,
        constituency: Annotated[
            str | None, Query(min_length=1, max_length=model.MAX_CONSTITUENCY)
        ] = None,
        page: Annotated[int, Query(ge=1, le=MAX_SEARCH_PAGE)] = 1,
        limit: Annotated[int, Query(ge=1, le=MAX_SEARCH_LIMIT)] = 20,
    ) -> PublicDeputyPage:
        text = q.strip() if q else None
        where = constituency.strip() if constituency else None
        offset = (page - 1) * limit
        items, total = await registry.search_public(
            uow(), text=text, level=level, constituency=where, limit=limit, offset=offset
        )
        return PublicDeputyPage(
            items=[public_card_of(d) for d in items],
            total=total,
            limit=limit,
            offset=offset,
            page=page,
        )

    @router.get(
        "/public/deputies/{code}",
        response_model_exclude_unset=True,
        summary="A deputy's public card by their public code (一人一码); no account needed",
        description="The code is forgiving: case, hyphens, O for 0 and I/L for 1.",
    )
    async def public_card(
        code: Annotated[str, Path(min_length=1, max_length=20)],
    ) -> PublicDeputyCard:
        return public_card_of(await registry.deputy_by_code(code, uow()))

    @router.post(
        "/deputies/imports",
        response_model=ImportReportOut,
        summary="Import a roster file, CSV or XLSX (staff); see GET /deputies/import-columns",
        description=(
            f"Multipart field `file`, at most {importing.MAX_FILE_BYTES // (1024 * 1024)} MiB "
            f"and {importing.MAX_ROWS} rows (413 above the size). Rows match on (level, "
            "registry number): known deputies are updated, others registered. "
            "`all_or_nothing` (default): any bad row and nothing is imported — 422 "
            "problem+json whose `errors` list every bad row with its line and reasons. "
            "`valid_rows`: the valid rows are imported, the bad ones reported (200)."
        ),
        responses={
            413: {"description": "The file is too large"},
            422: {"description": "Unreadable file, or bad rows in all-or-nothing mode"},
        },
    )
    async def import_deputies(
        request: Request,
        who: Staff,
        file: Annotated[UploadFile, File(description="The roster, .csv or .xlsx")],
        mode: importing.ImportMode = importing.ImportMode.ALL_OR_NOTHING,
    ) -> Any:
        data = bytearray()
        while chunk := await file.read(_CHUNK):
            data.extend(chunk)
            if len(data) > importing.MAX_FILE_BYTES:
                return problem(
                    413,
                    "File too large",
                    f"the roster file is larger than "
                    f"{importing.MAX_FILE_BYTES // (1024 * 1024)} MiB",
                    request,
                )
        try:
            report = await importing.import_roster(
                bytes(data), mode=mode, imported_by=who.subject, uow=uow(), clock=clock
            )
        except importing.ImportRefused as refused:
            out = ImportReportOut.of(refused.report)
            return problem(
                422,
                "Import refused",
                str(refused),
                request,
                report=out.model_dump(mode="json", exclude={"errors"}),
                errors=[e.model_dump(mode="json") for e in out.errors],
            )
        except importing.InvalidFile as invalid:
            return problem(422, "Invalid file", str(invalid), request, errors=invalid.problems)
        return ImportReportOut.of(report)

    return router
