"""The fault suite: the scale of every scenario (``JIANDU_CHAOS_SCALE``, short by default)."""

from __future__ import annotations

import pytest

from tests.support.chaos import Scale, chaos_scale


@pytest.fixture(scope="session")
def scale() -> Scale:
    return chaos_scale()
