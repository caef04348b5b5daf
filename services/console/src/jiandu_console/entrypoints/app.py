"""Entry point: ``uvicorn --factory jiandu_console.entrypoints.app:create``."""

from __future__ import annotations

from fastapi import FastAPI

from jiandu_console.bootstrap import bootstrap


def create() -> FastAPI:
    return bootstrap()
