"""Partner agencies' broker users on a broker this machine administers (``rabbitmqctl``).

The exported definitions create each agency's user without a password; an operator gives it
one. For a local platform ``jiandu-up`` does that here: each agency's user gets a generated
password (kept, so a restart does not change it) and exactly the exported permissions, and an
env file the agency subscriber (``deploy/agency``) reads as it is:
``uv run jiandu-agency run --env-file data/agencies/audit.env``.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from jiandu_shared.agencies import Agency
from jiandu_shared.messaging.definitions import agency_permissions


class AccessUnavailable(RuntimeError):
    """This machine cannot administer the broker (no rabbitmqctl, another node, no rights)."""


class Ctl(Protocol):
    """Runs one ``rabbitmqctl`` command against the broker's node; raises on failure."""

    def __call__(self, *args: str) -> str: ...


@dataclass(frozen=True)
class AgencyAccess:
    agency: Agency
    user: str
    amqp_url: str
    env_file: Path


class LocalCtl:
    """``rabbitmqctl`` on this machine (through ``sudo -n`` unless root), for one node."""

    def __init__(
        self, node: str | None = None, tools: Path | None = None, timeout: float = 30.0
    ) -> None:
        self.prefix = [] if os.geteuid() == 0 else ["sudo", "-n"]
        self.node = ["-n", node] if node else []
        # Debian's wrappers on PATH run as the rabbitmq user, for the system node; a node of
        # one's own is reached with the tools themselves (JIANDU_RABBITMQ_BIN).
        self.tools = tools
        self.timeout = timeout

    @classmethod
    def from_environment(cls) -> LocalCtl:
        tools = os.environ.get("JIANDU_RABBITMQ_BIN")
        return cls(os.environ.get("RABBITMQ_NODENAME"), Path(tools) if tools else None)

    def _run(self, tool: str, *args: str) -> str:
        program = str(self.tools / tool) if self.tools else tool
        command = [*self.prefix, program, *self.node, "-q", *args]
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=self.timeout, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise AccessUnavailable(f"{tool}: {exc}") from exc
        if done.returncode != 0:
            # The command's name only: add_user's arguments carry the password.
            what = next((a for a in args if not a.startswith("-") and a != "json"), "")
            lines = [line for line in (done.stderr or done.stdout).splitlines() if line.strip()]
            raise AccessUnavailable(f"{tool} {what}: {lines[0] if lines else done.returncode}")
        return done.stdout

    def __call__(self, *args: str) -> str:
        return self._run("rabbitmqctl", *args)

    def amqp_ports(self) -> set[int]:
        """The AMQP ports the node listens on, to be sure it is the platform's broker."""
        return amqp_ports(self._run("rabbitmq-diagnostics", "--formatter", "json", "listeners"))


def amqp_ports(listeners_json: str) -> set[int]:
    try:
        listeners = json.loads(listeners_json).get("listeners", [])
        return {int(item["port"]) for item in listeners if item.get("protocol") == "amqp"}
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise AccessUnavailable(f"unreadable listeners: {listeners_json[:200]!r}") from exc


def vhost_of(rabbit_url: str) -> str:
    path = unquote(urlsplit(rabbit_url).path.removeprefix("/"))
    return path or "/"


def amqp_url_for(rabbit_url: str, user: str, password: str) -> str:
    """The platform's broker address with the agency's credentials instead of the platform's."""
    parts = urlsplit(rabbit_url)
    host = parts.hostname or "127.0.0.1"
    netloc = f"{quote(user, safe='')}:{quote(password, safe='')}@{host}"
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))


def grant(ctl: Ctl, agency: Agency, vhost: str, password: str) -> None:
    """Create (or re-password) the agency's user with exactly its exported permissions."""
    user = agency.broker_user
    try:
        ctl("add_user", user, password)
    except (AccessUnavailable, RuntimeError):
        ctl("change_password", user, password)
    configure, write, read = agency_permissions(agency)
    ctl("set_permissions", "-p", vhost, user, configure, write, read)


def provision(
    ctl: Ctl,
    rabbit_url: str,
    directory: Path,
    agencies: Iterable[Agency] = tuple(Agency),
    signing_secrets: Mapping[Agency, Sequence[str]] | None = None,
) -> list[AgencyAccess]:
    """Give each agency's broker user its password and permissions; write its agency.env."""
    directory.mkdir(parents=True, exist_ok=True)
    vhost = vhost_of(rabbit_url)
    granted: list[AgencyAccess] = []
    for agency in agencies:
        password = _password(directory / f"{agency.value}.broker-password")
        grant(ctl, agency, vhost, password)
        url = amqp_url_for(rabbit_url, agency.broker_user, password)
        env_file = directory / f"{agency.value}.env"
        _write_private(
            env_file,
            _env_text(agency, url, directory, (signing_secrets or {}).get(agency, ())),
        )
        granted.append(AgencyAccess(agency, agency.broker_user, url, env_file))
    return granted


def _password(path: Path) -> str:
    if path.is_file():
        kept = path.read_text("utf-8").strip()
        if kept:
            return kept
    # Hex: rabbitmqctl would read a password that starts with "-" as an option.
    password = secrets.token_hex(24)
    _write_private(path, password + "\n")
    return password


def _env_text(agency: Agency, url: str, directory: Path, signing: Sequence[str]) -> str:
    lines = [
        f"# The {agency.value} agency's subscriber on this local platform (written by jiandu-up).",
        "# Run it with: uv run jiandu-agency run --env-file <this file>",
        "JIANDU_AGENCY_MODE=queue",
        f"JIANDU_AGENCY_CODE={agency.value}",
        f"JIANDU_AGENCY_AMQP_URL={url}",
        f"JIANDU_AGENCY_DATA_DIR={(directory / agency.value).resolve()}",
    ]
    if signing:
        lines.append(f"JIANDU_AGENCY_SECRETS={','.join(signing)}")
    else:
        lines.append(
            "# No subscriber for this agency was provisioned with a secret: set the signing "
            "secret of its subscriber here."
        )
        lines.append("# JIANDU_AGENCY_SECRETS=")
    return "\n".join(lines) + "\n"


def _write_private(path: Path, text: str) -> None:
    """Credentials: readable by this user only, written whole."""
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(tmp, path)
