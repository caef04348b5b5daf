"""Run services in the test process against real brokers and databases."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

import httpx
from opentelemetry.sdk.trace import SpanProcessor

from jiandu_shared.clock import Clock
from jiandu_shared.service import Service, ServiceSpec, bootstrap
from jiandu_shared.settings import PlatformSettings, service_settings
from jiandu_shared.storage.unit_of_work import UnitOfWork
from jiandu_shared.web.auth import Role, mint_token

U = TypeVar("U", bound=UnitOfWork)

TEST_SECRET = "test-secret-that-is-long-enough-for-hs256"


def platform(rabbit_url: str, data_dir: Path, **overrides: Any) -> PlatformSettings:
    values: dict[str, Any] = {
        "rabbit_url": rabbit_url,
        "data_dir": data_dir,
        "auth_secret": TEST_SECRET,
        "delivery_limit": 3,
        "relay_poll_seconds": 0.1,
        "publish_timeout_seconds": 2.0,
    }
    values.update(overrides)
    return PlatformSettings(**values)


def auth(role: Role, subject: str = "tester") -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_token(TEST_SECRET, subject, role)}"}


@asynccontextmanager
async def running(
    spec: ServiceSpec[U],
    platform_settings: PlatformSettings,
    *,
    database_url: str | None = None,
    clock: Clock | None = None,
    span_processors: tuple[SpanProcessor, ...] = (),
    wait_for_broker: bool = True,
) -> AsyncIterator[tuple[Service[U], httpx.AsyncClient]]:
    settings = service_settings(spec.name, platform=platform_settings, database_url=database_url)
    service = bootstrap(spec, settings, clock, span_processors)
    async with service.app.router.lifespan_context(service.app):
        if wait_for_broker:
            await asyncio.wait_for(service.runtime.broker_connected.wait(), timeout=30)
        transport = httpx.ASGITransport(app=service.app)
        async with httpx.AsyncClient(transport=transport, base_url=f"http://{spec.name}") as client:
            yield service, client


async def eventually(
    check: Callable[[], Any],
    timeout: float = 10.0,  # noqa: ASYNC109 - a polling deadline, not a cancellation scope
    interval: float = 0.05,
) -> Any:
    """Poll an async check until it returns a truthy value (instead of sleeping blindly)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        result = await check()
        if result:
            return result
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"condition not met within {timeout}s (last: {result!r})")
        await asyncio.sleep(interval)
