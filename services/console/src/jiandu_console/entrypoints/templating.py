"""The Jinja2 environment of the console pages (autoescaped; labels through ``t``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from jiandu_console.entrypoints.session import Viewer

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parents[1] / "templates"))


def render(
    request: Request,
    viewer: Viewer,
    template: str,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """A page with the viewer, its labels (``t``) and the language in context."""
    return TEMPLATES.TemplateResponse(
        request,
        template,
        {"viewer": viewer, "t": viewer.t, "lang": viewer.language.value, **context},
        status_code=status_code,
    )
