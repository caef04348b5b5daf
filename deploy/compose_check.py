"""Check a deployment's resolved compose configuration beyond what `config -q` checks.

`docker-compose config` validates syntax and variables but ignores profiles: docker-compose
1.29 refuses `up` only when a service it starts depends_on a service the active profiles
leave out, and nothing at all notices a service pointed at a local broker, database or
collector that this host does not run. Given the output of `docker-compose ... config`
(files merged, variables substituted) and the active profiles, this reports both.

    python3 deploy/compose_check.py RESOLVED.yml PROFILE[,PROFILE...]

Needs only PyYAML (Debian's docker-compose brings it). Exits 1 with the problems listed.
"""

from __future__ import annotations

import sys
from typing import Any
from urllib.parse import urlsplit

import yaml

APPLICATION_SERVICES = ("topics", "deputies", "finance", "notifications")


def enabled_services(services: dict[str, Any], profiles: set[str]) -> set[str]:
    """Services that `up` starts: those without profiles and those in an active one."""
    return {
        name
        for name, service in services.items()
        if not service.get("profiles") or set(service["profiles"]) & profiles
    }


def _environment(service: dict[str, Any]) -> dict[str, str]:
    environment = service.get("environment") or {}
    if isinstance(environment, list):
        return dict(item.split("=", 1) if "=" in item else (item, "") for item in environment)
    return {str(key): "" if value is None else str(value) for key, value in environment.items()}


def _host(key: str, value: str) -> str | None:
    if "://" in value:
        return urlsplit(value).hostname
    if key.endswith("_HOST"):
        return value or None
    return None


def problems(config: dict[str, Any], profiles: set[str]) -> list[str]:
    services: dict[str, Any] = config.get("services") or {}
    started = enabled_services(services, profiles)
    found: list[str] = []
    if not started:
        found.append(f"profiles {sorted(profiles)} start no service")
    for name in sorted(started):
        service = services[name]
        for dependency in service.get("depends_on") or {}:
            if dependency not in started:
                found.append(f"{name} depends on {dependency}, which these profiles leave out")
        environment = _environment(service)
        for key, value in sorted(environment.items()):
            host = _host(key, value)
            if host in services and host not in started:
                found.append(f"{name}: {key} points at {host}, which this host does not run")
        if name in APPLICATION_SERVICES:
            if not environment.get("JIANDU_RABBIT_URL", "").startswith(("amqp://", "amqps://")):
                found.append(f"{name}: JIANDU_RABBIT_URL names no AMQP broker")
            database = f"JIANDU_{name.upper()}_DATABASE_URL"
            if not environment.get(database):
                found.append(f"{name}: {database} is not set")
    return found


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as file:
        config = yaml.safe_load(file)
    profiles = {profile for profile in argv[2].split(",") if profile}
    found = problems(config, profiles)
    for problem in found:
        print(f"  {problem}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
