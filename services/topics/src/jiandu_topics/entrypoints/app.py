"""Entry points: ``uvicorn --factory jiandu_topics.entrypoints.app:create`` and the AsyncAPI source."""

from __future__ import annotations

from fastapi import FastAPI
from faststream import FastStream

from jiandu_shared import service
from jiandu_topics.bootstrap import SPEC


def create() -> FastAPI:
    return service.serve(SPEC)


def asyncapi() -> FastStream:
    return service.asyncapi(SPEC)
