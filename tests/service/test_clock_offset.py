"""A training environment can run the services' clock ahead, so deadlines fall due live."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from jiandu_shared.clock import utcnow
from jiandu_shared.service import bootstrap
from jiandu_shared.settings import service_settings
from jiandu_topics.bootstrap import SPEC
from tests.support.services import platform


def test_the_configured_offset_moves_the_service_clock(tmp_path: Path) -> None:
    settings = service_settings(
        "topics", platform=platform("amqp://unused/", tmp_path, clock_offset_days=30)
    )
    ahead = bootstrap(SPEC, settings).clock.now() - utcnow()
    assert timedelta(days=30) - timedelta(minutes=1) < ahead < timedelta(days=30, minutes=1)


def test_without_an_offset_the_clock_is_the_real_one(tmp_path: Path) -> None:
    settings = service_settings("topics", platform=platform("amqp://unused/", tmp_path))
    assert abs(bootstrap(SPEC, settings).clock.now() - utcnow()) < timedelta(minutes=1)
