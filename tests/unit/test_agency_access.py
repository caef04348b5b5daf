"""Pieces of the local agency access jiandu-up sets up: which node serves which port, the
agency's broker address, and the signing secrets provisioned for agency subscribers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jiandu_shared.agencies import Agency
from jiandu_shared.launcher import provisioned_agency_secrets
from jiandu_shared.messaging.agency_access import (
    AccessUnavailable,
    amqp_ports,
    amqp_url_for,
    provision,
    vhost_of,
)

ROOT = Path(__file__).resolve().parents[2]


def test_only_amqp_listeners_count() -> None:
    listeners = {
        "listeners": [
            {"interface": "[::]", "port": 25672, "protocol": "clustering"},
            {"interface": "127.0.0.1", "port": 5672, "protocol": "amqp"},
            {"interface": "[::]", "port": 15672, "protocol": "http"},
        ]
    }
    assert amqp_ports(json.dumps(listeners)) == {5672}
    with pytest.raises(AccessUnavailable):
        amqp_ports("Error: unable to perform an operation on node")


@pytest.mark.parametrize(
    ("url", "vhost"),
    [
        ("amqp://guest:guest@127.0.0.1:5672/", "/"),
        ("amqp://guest:guest@127.0.0.1:5672", "/"),
        ("amqp://guest:guest@127.0.0.1:5672/%2F", "/"),
        ("amqp://guest:guest@127.0.0.1:5672/jiandu", "jiandu"),
    ],
)
def test_the_vhost_is_read_from_the_platform_url(url: str, vhost: str) -> None:
    assert vhost_of(url) == vhost


def test_the_agency_url_keeps_the_broker_and_swaps_the_credentials() -> None:
    url = amqp_url_for("amqp://jiandu:s3cret@127.0.0.1:5673/jiandu", "agency-audit", "a/b:c@d")
    assert url == "amqp://agency-audit:a%2Fb%3Ac%40d@127.0.0.1:5673/jiandu"
    assert "s3cret" not in url


def test_the_provisionedprovisioned_agency_secrets_are_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "agencies.yaml").write_text(
        """
subscribers:
  - {code: audit, agency: audit, method: agency_queue, secret: audit-secret-0000000001}
  - {code: audit-2, agency: audit, method: agency_queue, secret_env: AUDIT_TWO_SECRET}
  - {code: proc, agency: procuratorate, method: webhook, secret: not-for-a-queue-00001}
  - {code: odd, agency: unknown, method: agency_queue, secret: unknown-agency-000001}
""",
        "utf-8",
    )
    (tmp_path / "broken.yaml").write_text("subscribers: [", "utf-8")
    monkeypatch.setenv("JIANDU_NOTIFICATIONS_PROVISION_DIR", str(tmp_path))
    monkeypatch.setenv("AUDIT_TWO_SECRET", "audit-secret-0000000002")
    assert provisioned_agency_secrets() == {
        Agency.AUDIT: ["audit-secret-0000000001", "audit-secret-0000000002"]
    }


def test_the_shipped_provisioning_gives_the_queue_agencies_their_secrets(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("JIANDU_NOTIFICATIONS_PROVISION_DIR", str(ROOT / "deploy" / "notifications"))
    found = provisioned_agency_secrets()
    assert found[Agency.AUDIT] == ["local-audit-secret-change-me"]
    assert Agency.DISCIPLINE_INSPECTION in found


def test_passwords_are_kept_and_never_look_like_options(tmp_path: Path) -> None:
    calls: list[tuple[str, ...]] = []

    def ctl(*args: str) -> str:
        calls.append(args)
        return ""

    url = "amqp://guest:guest@127.0.0.1:5672/"
    for _ in range(2):
        provision(ctl, url, tmp_path, [Agency.AUDIT])
    passwords = {args[2] for args in calls if args[0] == "add_user"}
    assert len(passwords) == 1, "a restart keeps the password"
    (password,) = passwords
    assert not password.startswith("-") and len(password) >= 32
    assert (
        "set_permissions",
        "-p",
        "/",
        "agency-audit",
        "^$",
        "^$",
        r"^agency\.audit\.events$",
    ) in calls
