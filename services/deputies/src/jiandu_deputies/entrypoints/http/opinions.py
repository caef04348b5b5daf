"""HTTP API of citizens' opinions by a deputy's code (一人一码: 码上提、码上答).

Public, no account: a deputy's QR code (SVG, PNG) encodes the short link ``/d/{code}``, which
redirects to the citizen page; a citizen submits an opinion through the code and follows it
with the tracking code and secret. With a token: the addressed deputy answers, transfers it to
a department or raises it to a suggestion or a supervision topic; the department replies;
staff see everything. Departments see only what was transferred to their organisation.

The citizen's name and contact are shown only to staff, operators and the addressed deputy
(the registry's disclosure policy: audiences STAFF and SELF).
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated

import segno
from fastapi import APIRouter, Depends, Header, HTTPException, Path, Query, Response, status
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, ConfigDict, Field

from jiandu_deputies.adapters.opinion_repository import CitizenOpinionFilter
from jiandu_deputies.config import DeputiesSettings
from jiandu_deputies.domain.disclosure import Audience, audience_of
from jiandu_deputies.domain.opinions import (
    MAX_CONTACT,
    MAX_CONTENT,
    MAX_NAME,
    MAX_RESPONSE,
    MAX_SUBJECT,
    CitizenOpinion,
    IssueCategory,
    OpinionState,
    OpinionStep,
    StepKind,
)
from jiandu_deputies.service_layer import opinions, registry
from jiandu_deputies.service_layer.opinions import OpinionRules, Scope
from jiandu_deputies.service_layer.unit_of_work import DeputiesUnitOfWork
from jiandu_shared.calendar import Deadline, local_date
from jiandu_shared.clock import Clock
from jiandu_shared.contracts.deputies.opinions import Responder
from jiandu_shared.errors import NotFound
from jiandu_shared.storage.group_commit import GroupCommit
from jiandu_shared.web.auth import Principal, Role, require
from jiandu_shared.web.idempotency import IdempotencyDep
from jiandu_shared.web.text import NOT_BLANK

Deputy = Annotated[Principal, Depends(require(Role.DEPUTY))]
DeputyOrStaff = Annotated[Principal, Depends(require(Role.DEPUTY, Role.COMMITTEE_STAFF))]
Department = Annotated[Principal, Depends(require(Role.DEPARTMENT))]
Reader = Annotated[Principal, Depends(require(Role.COMMITTEE_STAFF, Role.DEPUTY, Role.DEPARTMENT))]

CODE_PATH = Path(min_length=1, max_length=40, description="The deputy's public code (一人一码)")
TRACKING_PATTERN = r"^[A-Za-z0-9-]{1,40}$"
# The secret is URL-safe base64 of 12 bytes (16 characters); allow some room.
SECRET_PATTERN = r"^[A-Za-z0-9_-]{8,64}$"
QR_CACHE = "public, max-age=3600"


# --- who is calling ------------------------------------------------------------------------------


def deputy_of(principal: Principal) -> uuid.UUID:
    """A deputy's token names the deputy's registry id as its subject."""
    try:
        return uuid.UUID(principal.subject)
    except ValueError:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            "a deputy's token must name the deputy's id (a UUID) as its subject",
        ) from None


def department_of(principal: Principal) -> uuid.UUID:
    """A department acts for its organisation (the token's 'org', a department id)."""
    try:
        return uuid.UUID(principal.organisation or "")
    except ValueError:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            "a department's token must name its organisation (the department's id) in 'org'",
        ) from None


def opinion_scope(principal: Principal) -> Scope:
    """Staff and operators see every opinion, a deputy theirs, a department what it was sent."""
    if principal.role is Role.DEPUTY:
        return Scope(deputy_id=deputy_of(principal))
    if principal.role is Role.DEPARTMENT:
        return Scope(department_id=department_of(principal))
    return opinions.EVERYTHING


def sees_citizen(principal: Principal, opinion: CitizenOpinion) -> bool:
    """The registry's policy: staff, operators and the deputy themself see personal data."""
    audience = audience_of(str(principal.role), principal.subject, opinion.deputy_id)
    return audience in (Audience.STAFF, Audience.SELF)


# --- bodies ------------------------------------------------------------------------------------


class OpinionIn(BaseModel):
    """码上提: what a citizen sends through a deputy's code; name and contact are optional."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    subject: str = Field(
        min_length=1, pattern=NOT_BLANK, max_length=MAX_SUBJECT, description="主题"
    )
    content: str = Field(
        min_length=1, pattern=NOT_BLANK, max_length=MAX_CONTENT, description="内容"
    )
    category: IssueCategory = Field(description="类别")
    name: str | None = Field(default=None, max_length=MAX_NAME, description="姓名 (optional)")
    contact: str | None = Field(
        default=None,
        max_length=MAX_CONTACT,
        description="联系方式 (optional): seen only by the deputy and committee staff",
    )


class AnswerIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    answer: str = Field(
        min_length=1, pattern=NOT_BLANK, max_length=MAX_RESPONSE, description="码上答: the answer"
    )


class TransferIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    department_id: uuid.UUID = Field(description="The department to handle it (即转即办)")
    note: str | None = Field(
        default=None, max_length=MAX_RESPONSE, description="What the citizen reads about it"
    )


class DepartmentReplyIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reply: str = Field(
        min_length=1,
        pattern=NOT_BLANK,
        max_length=MAX_RESPONSE,
        description="What was done (即办即复)",
    )


class RaiseAsSuggestionIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str | None = Field(
        default=None,
        min_length=1,
        pattern=NOT_BLANK,
        max_length=200,
        description="Default: the opinion's subject",
    )
    content: str | None = Field(
        default=None,
        min_length=1,
        pattern=NOT_BLANK,
        max_length=20_000,
        description="Default: the opinion's text",
    )


class RaiseAsTopicIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    focus_area: str = Field(
        min_length=1,
        max_length=100,
        pattern=r"^[a-z][a-z0-9_]*$",
        description="A focus area code of topic collection, e.g. elderly_care_social_security",
    )
    rationale: str = Field(
        min_length=1,
        pattern=NOT_BLANK,
        max_length=5000,
        description="Why it deserves supervision (the deputy's words)",
    )
    title: str | None = Field(
        default=None,
        min_length=1,
        pattern=NOT_BLANK,
        max_length=200,
        description="Default: the opinion's subject",
    )
    year: int | None = Field(
        default=None, ge=2000, le=2100, description="Default: next year (the one being collected)"
    )


# --- views -------------------------------------------------------------------------------------


class DeadlineOut(BaseModel):
    due: date
    provisional: bool = Field(description="Counted without an official calendar for some year")
    unofficial_years: list[int]
    staff_notice: str | None

    @classmethod
    def of(cls, d: Deadline) -> DeadlineOut:
        return cls(
            due=d.due,
            provisional=d.provisional,
            unofficial_years=list(d.unofficial_years),
            staff_notice=d.staff_notice,
        )


class StepOut(BaseModel):
    number: int
    kind: StepKind
    at: datetime
    text: str | None = Field(description="The answer, the department's reply or the note")
    department_id: uuid.UUID | None
    on_time: bool | None

    @classmethod
    def of(cls, s: OpinionStep) -> StepOut:
        return cls(
            number=s.number,
            kind=s.kind,
            at=s.at,
            text=s.text,
            department_id=s.department_id,
            on_time=s.on_time,
        )


class OpinionReceipt(BaseModel):
    """What the citizen keeps: the tracking code and the secret, shown once."""

    tracking_code: str
    tracking_secret: str = Field(description="Shown once: with the code it shows the opinion")
    public_code: str
    state: OpinionState
    submitted_at: datetime
    answer_due: date = Field(description="The deputy answers by this day (working days)")


class TrackedOpinionOut(BaseModel):
    """The citizen's view: their opinion, its outcome and every step, no personal data."""

    tracking_code: str
    public_code: str
    category: IssueCategory
    subject: str
    content: str
    state: OpinionState
    submitted_at: datetime
    waiting_for: Responder | None = Field(description="Who owes the next response, if anyone")
    due: date | None = Field(description="When that response is due")
    steps: list[StepOut]

    @classmethod
    def of(cls, o: CitizenOpinion) -> TrackedOpinionOut:
        return cls(
            tracking_code=o.tracking_code,
            public_code=o.public_code,
            category=o.category,
            subject=o.subject,
            content=o.content,
            state=o.state,
            submitted_at=o.submitted_at,
            waiting_for=o.responder,
            due=o.deadline.due if o.responder is not None else None,
            steps=[StepOut.of(s) for s in o.steps],
        )


class OpinionOut(BaseModel):
    id: uuid.UUID
    tracking_code: str
    deputy_id: uuid.UUID
    public_code: str
    category: IssueCategory
    subject: str
    content: str
    citizen_name: str | None = Field(description="Staff, operators and the deputy only")
    citizen_contact: str | None = Field(description="Staff, operators and the deputy only")
    state: OpinionState
    allowed_actions: list[str]
    waiting_for: Responder | None
    deadline: DeadlineOut
    past_due: bool
    overdue_at: datetime | None
    department_id: uuid.UUID | None
    suggestion_id: uuid.UUID | None
    topic_year: int | None
    topic_focus_area: str | None
    submitted_at: datetime
    responded_at: datetime | None
    closed_at: datetime | None
    steps: list[StepOut]

    @classmethod
    def of(cls, o: CitizenOpinion, who: Principal, today: date) -> OpinionOut:
        personal = sees_citizen(who, o)
        return cls(
            id=o.id,
            tracking_code=o.tracking_code,
            deputy_id=o.deputy_id,
            public_code=o.public_code,
            category=o.category,
            subject=o.subject,
            content=o.content,
            citizen_name=o.citizen_name if personal else None,
            citizen_contact=o.citizen_contact if personal else None,
            state=o.state,
            allowed_actions=sorted(str(a) for a in o.allowed_actions()),
            waiting_for=o.responder,
            deadline=DeadlineOut.of(o.deadline),
            past_due=o.past_due(today),
            overdue_at=o.overdue_at,
            department_id=o.department_id,
            suggestion_id=o.suggestion_id,
            topic_year=o.topic_year,
            topic_focus_area=o.topic_focus_area,
            submitted_at=o.submitted_at,
            responded_at=o.responded_at,
            closed_at=o.closed_at,
            steps=[StepOut.of(s) for s in o.steps],
        )


class OpinionPage(BaseModel):
    items: list[OpinionOut]
    total: int
    limit: int
    offset: int


def qr_image(link: str, kind: str) -> bytes:
    """The QR code of ``link``: medium error correction survives a worn sticker."""
    buffer = io.BytesIO()
    code = segno.make(link, error="m", micro=False)
    if kind == "svg":
        code.save(buffer, kind="svg", scale=8, border=4, xmldecl=False, title=link)
    else:
        code.save(buffer, kind="png", scale=8, border=4)
    return buffer.getvalue()


def build_router(uow: Callable[[], DeputiesUnitOfWork], clock: Clock) -> APIRouter:
    router = APIRouter(tags=["opinions"])
    settings = DeputiesSettings()
    rules = OpinionRules.from_settings(settings)
    submissions = GroupCommit(uow, name="deputies.citizen_opinions")

    def out(opinion: CitizenOpinion, who: Principal) -> OpinionOut:
        return OpinionOut.of(opinion, who, local_date(clock.now()))

    async def known_code(code: str) -> str:
        """The deputy's code as stored; 404 for an unknown code or a deputy out of office."""
        deputy = await registry.deputy_by_code(code, uow())
        if not deputy.active:
            raise NotFound("deputy with code", code)
        return deputy.public_code

    # --- public: 一人一码 ----------------------------------------------------------------------

    @router.get(
        "/d/{code}",
        status_code=status.HTTP_302_FOUND,
        response_class=RedirectResponse,
        summary="Short link of a deputy's code: redirects to the citizen page",
        responses={404: {"description": "No serving deputy has this code"}},
    )
    async def short_link(code: Annotated[str, CODE_PATH]) -> RedirectResponse:
        stored = await known_code(code)
        return RedirectResponse(settings.citizen_page(stored), status.HTTP_302_FOUND)

    @router.get(
        "/public/deputies/{code}/qr.svg",
        response_class=Response,
        summary="A deputy's QR code (SVG) encoding the short link",
        responses={200: {"content": {"image/svg+xml": {}}}},
    )
    async def qr_svg(code: Annotated[str, CODE_PATH]) -> Response:
        stored = await known_code(code)
        return Response(
            qr_image(settings.short_link(stored), "svg"),
            media_type="image/svg+xml",
            headers={"Cache-Control": QR_CACHE},
        )

    @router.get(
        "/public/deputies/{code}/qr.png",
        response_class=Response,
        summary="A deputy's QR code (PNG) encoding the short link",
        responses={200: {"content": {"image/png": {}}}},
    )
    async def qr_png(code: Annotated[str, CODE_PATH]) -> Response:
        stored = await known_code(code)
        return Response(
            qr_image(settings.short_link(stored), "png"),
            media_type="image/png",
            headers={"Cache-Control": QR_CACHE},
        )

    # --- public: 码上提 and tracking ------------------------------------------------------------

    @router.post(
        "/public/deputies/{code}/opinions",
        status_code=status.HTTP_201_CREATED,
        summary="码上提: a citizen sends an opinion to the deputy of this code (no account)",
        description="Returns a tracking code and a secret, shown once. 404 for an unknown code.",
    )
    async def submit_opinion(
        code: Annotated[str, CODE_PATH],
        body: OpinionIn,
        response: Response,
        idempotency: IdempotencyDep,
    ) -> OpinionReceipt:
        if (created := idempotency.replay(response)) is not None:
            opinion = await opinions.get(uuid.UUID(created["id"]), uow(), opinions.EVERYTHING)
            secret = str(created["tracking_secret"])
        else:
            submitted = await opinions.submit(
                opinions.SubmitOpinion(
                    code=code,
                    category=body.category,
                    subject=body.subject,
                    content=body.content,
                    citizen_name=body.name,
                    citizen_contact=body.contact,
                ),
                submissions,
                clock,
                rules,
                idempotency.request,
            )
            opinion, secret = submitted.opinion, submitted.tracking_secret
        return OpinionReceipt(
            tracking_code=opinion.tracking_code,
            tracking_secret=secret,
            public_code=opinion.public_code,
            state=opinion.state,
            submitted_at=opinion.submitted_at,
            answer_due=opinion.deadline.due,
        )

    @router.get(
        "/public/opinions/{tracking_code}",
        summary="A citizen follows their opinion: outcome and every step",
        description="The secret goes in the X-Tracking-Secret header (or the 'secret' query "
        "parameter). A wrong code or secret is 404 alike, so codes cannot be probed.",
    )
    async def track_opinion(
        tracking_code: Annotated[str, Path(pattern=TRACKING_PATTERN)],
        secret_header: Annotated[
            str | None, Header(alias="X-Tracking-Secret", pattern=SECRET_PATTERN)
        ] = None,
        secret: Annotated[str | None, Query(pattern=SECRET_PATTERN)] = None,
    ) -> TrackedOpinionOut:
        given = secret_header or secret
        if given is None:
            raise NotFound("opinion with tracking code", tracking_code)
        return TrackedOpinionOut.of(await opinions.track(tracking_code, given, uow()))

    # --- deputies, departments, staff ------------------------------------------------------------

    @router.get(
        "/citizen-opinions",
        summary="Citizens' opinions, newest first (a deputy sees theirs, a department its own)",
    )
    async def list_opinions(
        who: Reader,
        deputy_id: uuid.UUID | None = None,
        department_id: uuid.UUID | None = None,
        state: OpinionState | None = None,
        category: IssueCategory | None = None,
        overdue: Annotated[
            bool | None, Query(description="Past the deadline without a response")
        ] = None,
        limit: Annotated[int, Query(ge=1, le=100)] = 20,
        offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    ) -> OpinionPage:
        scope = opinion_scope(who)
        if (scope.deputy_id is not None and deputy_id not in (None, scope.deputy_id)) or (
            scope.department_id is not None and department_id not in (None, scope.department_id)
        ):
            return OpinionPage(items=[], total=0, limit=limit, offset=offset)
        where = CitizenOpinionFilter(
            deputy_id=scope.deputy_id or deputy_id,
            department_id=scope.department_id or department_id,
            state=state,
            category=category,
            overdue=overdue,
        )
        items, total = await opinions.find(where, uow(), clock, limit=limit, offset=offset)
        return OpinionPage(
            items=[out(o, who) for o in items], total=total, limit=limit, offset=offset
        )

    @router.get("/citizen-opinions/{opinion_id}", summary="One citizen's opinion with its steps")
    async def get_opinion(opinion_id: uuid.UUID, who: Reader) -> OpinionOut:
        return out(await opinions.get(opinion_id, uow(), opinion_scope(who)), who)

    @router.post(
        "/citizen-opinions/{opinion_id}/answer",
        summary="码上答: the addressed deputy answers the citizen",
    )
    async def answer(opinion_id: uuid.UUID, body: AnswerIn, who: Deputy) -> OpinionOut:
        return out(
            await opinions.answer(opinion_id, body.answer, uow(), clock, opinion_scope(who)), who
        )

    @router.post(
        "/citizen-opinions/{opinion_id}/transfer",
        summary="即转即办: transfer to a department, which owes a reply (deputy or staff)",
    )
    async def transfer(opinion_id: uuid.UUID, body: TransferIn, who: DeputyOrStaff) -> OpinionOut:
        return out(
            await opinions.transfer(
                opinion_id, body.department_id, body.note, uow(), clock, rules, opinion_scope(who)
            ),
            who,
        )

    @router.post(
        "/citizen-opinions/{opinion_id}/department-reply",
        summary="即办即复: the department says what it did (the department it was sent to)",
    )
    async def department_reply(
        opinion_id: uuid.UUID, body: DepartmentReplyIn, who: Department
    ) -> OpinionOut:
        return out(
            await opinions.reply_as_department(
                opinion_id, department_of(who), body.reply, uow(), clock
            ),
            who,
        )

    @router.post(
        "/citizen-opinions/{opinion_id}/raise-as-suggestion",
        summary="The addressed deputy raises the opinion to a deputy suggestion (代表建议)",
    )
    async def raise_as_suggestion(
        opinion_id: uuid.UUID, who: Deputy, body: RaiseAsSuggestionIn | None = None
    ) -> OpinionOut:
        body = body or RaiseAsSuggestionIn()
        opinion, _ = await opinions.raise_as_suggestion(
            opinion_id,
            opinions.RaiseAsSuggestion(title=body.title, content=body.content),
            uow(),
            clock,
            opinion_scope(who),
        )
        return out(opinion, who)

    @router.post(
        "/citizen-opinions/{opinion_id}/raise-as-topic",
        summary="人大代表出题: the addressed deputy raises the opinion as a supervision topic",
        description="Publishes deputies.opinion.raised_as_topic; the topics service records it "
        "as a proposal of source 'deputy'. The citizen's name and contact are not sent.",
    )
    async def raise_as_topic(
        opinion_id: uuid.UUID, body: RaiseAsTopicIn, who: Deputy
    ) -> OpinionOut:
        return out(
            await opinions.raise_as_topic(
                opinion_id,
                opinions.RaiseAsTopic(
                    focus_area=body.focus_area,
                    rationale=body.rationale,
                    title=body.title,
                    year=body.year,
                ),
                uow(),
                clock,
                opinion_scope(who),
            ),
            who,
        )

    return router
