"""Entry points: ``uvicorn --factory jiandu_notifications.entrypoints.app:create`` and the AsyncAPI source."""

from __future__ import annotations

from fastapi import FastAPI
from faststream import FastStream

from jiandu_notifications.bootstrap import SPEC
from jiandu_shared import service


def create() -> FastAPI:
    return service.serve(SPEC)


def asyncapi() -> FastStream:
    return service.asyncapi(SPEC)
