"""The compose deployments match the README's table and name a broker for every service.

Parses the compose files and the deployment env files with PyYAML (no Docker, no
docker-compose): each row of the table under "Deployment" starts exactly the services it
lists; every service of the platform is told a broker URL and a database URL, and a deployment
without a local broker or database gives them its own.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
APPLICATION_SERVICES = ("topics", "deputies", "finance", "notifications")
AGENCY_DEPLOYMENTS = ROOT / "deploy" / "agencies"


@dataclass(frozen=True)
class Row:
    deployment: str
    command: str
    services: frozenset[str]


def _readme_rows() -> list[Row]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Deployment\n", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[1].startswith("`docker-compose"):
            services = frozenset(name.strip() for name in cells[2].split(","))
            rows.append(Row(cells[0], cells[1].strip("`"), services))
    return rows


ROWS = _readme_rows()


def _env_file(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key] = value
    return values


def _example(env_file: str) -> Path:
    """The example an operator copies to ``env_file`` (only the examples are in the repo)."""
    return ROOT / f"{env_file}.example"


def _load(path: Path) -> dict[str, Any]:
    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def _services(files: list[str]) -> dict[str, dict[str, Any]]:
    """The services of the compose files merged as docker-compose merges them (later files
    add keys; mappings such as ``environment`` merge key by key)."""
    merged: dict[str, dict[str, Any]] = {}
    for file in files:
        for name, service in (_load(ROOT / file).get("services") or {}).items():
            target = merged.setdefault(name, {})
            for key, value in (service or {}).items():
                if isinstance(value, dict) and isinstance(target.get(key), dict):
                    target[key] = {**target[key], **value}
                else:
                    target[key] = value
    return merged


@dataclass(frozen=True)
class Deployment:
    files: list[str]
    profiles: set[str]
    env: dict[str, str]  # the deployment env file's variables, if it has one

    @classmethod
    def of(cls, command: str) -> Deployment:
        words = shlex.split(command)
        assert words[0] == "docker-compose" and words[-2:] == ["up", "-d"], command
        files: list[str] = []
        profiles: set[str] = set()
        env: dict[str, str] = {}
        options = iter(words[1:-2])
        for option in options:
            value = next(options)
            if option == "-f":
                files.append(value)
            elif option == "--profile":
                profiles.add(value)
            elif option == "--env-file":
                env = _env_file(_example(value))
            else:
                raise AssertionError(f"unexpected option {option} in {command}")
        if env:
            files = files or env["COMPOSE_FILE"].split(":")
            profiles = profiles or set(env["COMPOSE_PROFILES"].split(","))
        return cls(files or ["docker-compose.yml"], profiles, env)

    def started(self) -> set[str]:
        return {
            name
            for name, service in _services(self.files).items()
            if not service.get("profiles") or set(service["profiles"]) & self.profiles
        }


def test_the_readme_lists_the_deployments() -> None:
    commands = {row.command for row in ROWS}
    assert "docker-compose --profile all up -d" in commands
    for example in sorted(AGENCY_DEPLOYMENTS.glob("*.env.example")):
        env_file = example.relative_to(ROOT).as_posix().removesuffix(".example")
        assert f"docker-compose --env-file {env_file} up -d" in commands, env_file


@pytest.mark.parametrize("row", ROWS, ids=[row.command for row in ROWS])
def test_each_deployment_starts_the_services_the_readme_says(row: Row) -> None:
    assert Deployment.of(row.command).started() == row.services


@pytest.mark.parametrize("service", APPLICATION_SERVICES)
def test_one_service_with_its_own_infrastructure(service: str) -> None:
    # The README's "likewise" for the other services.
    started = Deployment(["docker-compose.yml"], {"core", service}, {}).started()
    infrastructure = {"rabbitmq", "postgres", "otel-collector", "jaeger", "mailpit"}
    assert started == infrastructure | {service}


@pytest.mark.parametrize("service", APPLICATION_SERVICES)
def test_every_service_is_told_a_broker_and_a_database(service: str) -> None:
    environment = _services(["docker-compose.yml"])[service]["environment"]
    assert str(environment["JIANDU_RABBIT_URL"]).startswith("amqp://")
    assert "@rabbitmq:5672/" in environment["JIANDU_RABBIT_URL"]
    assert "postgres:5432" in environment[f"JIANDU_{service.upper()}_DATABASE_URL"]
    # Every one in its own profile and in "all", none waiting on infrastructure that may be
    # in another profile or elsewhere.
    definition = _services(["docker-compose.yml"])[service]
    assert set(definition["profiles"]) == {service, "all"}
    assert "depends_on" not in definition


def _env_files() -> list[Path]:
    return sorted(AGENCY_DEPLOYMENTS.glob("*.env.example"))


@pytest.mark.parametrize("example", _env_files(), ids=lambda path: path.name)
def test_a_deployment_without_local_infrastructure_names_its_own(example: Path) -> None:
    env_file = example.relative_to(ROOT).as_posix().removesuffix(".example")
    deployment = Deployment.of(f"docker-compose --env-file {env_file} up -d")
    env = deployment.env
    assert env.get("JIANDU_ENV_FILE", env_file) == env_file  # its own path, once copied
    services = _services(deployment.files)
    started = deployment.started()
    for name in sorted(started & set(APPLICATION_SERVICES)):
        environment = services[name]["environment"]
        if "rabbitmq" not in started:
            # The overlay's required variable, set by the env file to a broker elsewhere.
            assert environment["JIANDU_RABBIT_URL"].startswith("${JIANDU_RABBIT_URL:?")
            assert re.match(r"amqps?://[^@]+@[^/]+/\S+$", env["JIANDU_RABBIT_URL"]), (
                "a shared broker's URL names its user and virtual host"
            )
            assert "@rabbitmq:" not in env["JIANDU_RABBIT_URL"]
        database = f"JIANDU_{name.upper()}_DATABASE_URL"
        if "postgres" not in started:
            assert env[database].startswith("postgresql+asyncpg://"), database
            assert "@postgres:" not in env[database]
        if "otel-collector" not in started:
            assert "JIANDU_OTLP_ENDPOINT" in env  # empty, or a collector elsewhere
        if name == "notifications" and "mailpit" not in started:
            assert env["JIANDU_NOTIFICATIONS_SMTP_HOST"] not in ("", "mailpit")


def test_the_image_builds_every_workspace_member() -> None:
    """`uv sync --frozen` in the image fails when a workspace member's pyproject is missing
    (the root project depends on each): the Dockerfile copies every one, before and after."""
    import tomllib

    root_project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    members = {
        str(path.parent.relative_to(ROOT))
        for pattern in root_project["tool"]["uv"]["workspace"]["members"]
        for path in ROOT.glob(f"{pattern}/pyproject.toml")
    }
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text(encoding="utf-8")
    copied = re.findall(r"^COPY (\S+)", dockerfile, flags=re.MULTILINE)
    for member in sorted(members):
        assert f"{member}/pyproject.toml" in copied, f"{member}'s pyproject.toml is not copied"
        assert any(
            member == source.rstrip("/") or member.startswith(source.rstrip("/") + "/")
            for source in copied
        ), f"{member}'s sources are not copied"
