"""Provisioning from the deploy files: applied twice it changes nothing; a bad file says where."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from jiandu_notifications.bootstrap import SPEC as NOTIFICATIONS
from jiandu_notifications.service_layer.context import Context
from jiandu_notifications.service_layer.provisioning import ProvisioningError, provision
from jiandu_shared.clock import FixedClock
from tests.support.collection import in_memory

DEPLOY = Path(__file__).resolve().parents[3] / "deploy" / "notifications"


async def test_the_shipped_files_provision_idempotently(data_dir: Path) -> None:
    clock = FixedClock(datetime(2026, 12, 7, 2, 0, tzinfo=UTC))
    async with in_memory(NOTIFICATIONS, data_dir, clock) as (service, _client):
        ctx = Context.for_clock(clock)
        first = await provision(DEPLOY, service.uow(), ctx)
        assert (first.recipients_added, first.subscribers_added) == (2, 3)
        again = await provision(DEPLOY, service.uow(), ctx)
        assert (again.recipients_added, again.subscribers_added) == (0, 0)
        assert (again.recipients_updated, again.subscribers_updated) == (2, 3)
        async with service.uow() as uow:
            audit = await uow.subscribers.by_code("audit")
            assert len(audit.secrets) == 1  # the same secret is not added twice


async def test_a_bad_file_names_the_entry_and_field(data_dir: Path, tmp_path: Path) -> None:
    clock = FixedClock(datetime(2026, 12, 7, 2, 0, tzinfo=UTC))
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "subscribers.yaml").write_text(
        "subscribers:\n  - code: audit\n    name: x\n    kind: agency\n    agency: audit\n"
        "    method: agency_queue\n    entitled_types: ['topics.opinion.*']\n"
        "    entitled_classifications: [internal]\n    subscriptions:\n"
        "      - pattern: finance.report.deliberated\n    secret: a-secret-long-enough-1\n"
    )
    async with in_memory(NOTIFICATIONS, data_dir, clock) as (service, _client):
        with pytest.raises(ProvisioningError, match=r"subscriptions\[0\]\.pattern"):
            await provision(bad, service.uow(), Context.for_clock(clock))
