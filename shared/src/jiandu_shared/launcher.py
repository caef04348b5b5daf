"""``jiandu-up``: run the whole platform on one machine and stop it cleanly.

Starts RabbitMQ when it is local and not running (``deploy/local/rabbitmq.sh``), then the four
services as uvicorn processes with SQLite defaults, waits until each answers ``/readyz``,
prints their URLs, and on Ctrl-C or SIGTERM stops the services, then the RabbitMQ it started.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.error import URLError
from urllib.parse import urlparse
from urllib.request import urlopen

from pydantic import ValidationError

from jiandu_shared.agencies import Agency
from jiandu_shared.messaging.agency_access import AccessUnavailable, LocalCtl, provision
from jiandu_shared.settings import DEFAULT_PORTS, PlatformSettings, service_settings

SERVICES = ("topics", "deputies", "finance", "notifications", "console")
ROOT = Path(__file__).resolve().parents[3]
RABBITMQ_SCRIPT = ROOT / "deploy" / "local" / "rabbitmq.sh"
PR_SET_PDEATHSIG = 1


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def _ensure_rabbitmq(platform: PlatformSettings) -> bool:
    """Start a local RabbitMQ when needed; True when this launcher started it."""
    url = urlparse(platform.rabbit_url)
    host, port = url.hostname or "127.0.0.1", url.port or 5672
    if _reachable(host, port):
        return False
    if host not in {"127.0.0.1", "localhost", "::1"}:
        sys.exit(f"RabbitMQ at {host}:{port} is not reachable")
    subprocess.run(["bash", str(RABBITMQ_SCRIPT), "ensure"], check=True)
    return True


def _grant_agency_access(platform: PlatformSettings) -> None:
    """Give the partner agencies' broker users passwords on the local broker, and write an
    agency.env per agency, so an agency subscriber can be tried at once."""
    url = urlparse(platform.rabbit_url)
    if (url.hostname or "127.0.0.1") not in {"127.0.0.1", "localhost", "::1"}:
        return  # a remote broker is its operator's to administer
    ctl = LocalCtl.from_environment()
    directory = platform.data_dir / "agencies"
    try:
        if (url.port or 5672) not in ctl.amqp_ports():
            raise AccessUnavailable(f"the node rabbitmqctl reaches does not serve port {url.port}")
        granted = provision(
            ctl, platform.rabbit_url, directory, signing_secrets=provisioned_agency_secrets()
        )
    except AccessUnavailable as exc:
        print(f"Partner agencies' broker users not set up ({exc}).", flush=True)
        return
    print("Partner agencies read their queues as:", flush=True)
    for access in granted:
        print(f"  {access.user:<30} settings: {access.env_file}", flush=True)
    print("  e.g. uv run jiandu-agency run --env-file " + str(directory / "audit.env"), flush=True)


def provisioned_agency_secrets() -> dict[Agency, list[str]]:
    """The signing secrets provisioned for agency subscribers (deploy/notifications/*.yaml)."""
    folder = os.environ.get("JIANDU_NOTIFICATIONS_PROVISION_DIR")
    try:
        import yaml  # the notifications service's dependency; absent, the env files ask for it
    except ImportError:
        return {}
    found: dict[Agency, list[str]] = {}
    if not folder:
        return found
    for path in sorted(Path(folder).glob("*.yaml")):
        try:
            document = yaml.safe_load(path.read_text("utf-8")) or {}
        except (OSError, yaml.YAMLError):
            continue  # the notifications service reports bad files itself
        entries = document.get("subscribers") if isinstance(document, dict) else None
        for entry in entries if isinstance(entries, list) else []:
            if not isinstance(entry, dict) or entry.get("method") != "agency_queue":
                continue
            if entry.get("agency") not in {a.value for a in Agency}:
                continue
            secret = entry.get("secret") or os.environ.get(str(entry.get("secret_env") or ""))
            if secret:
                found.setdefault(Agency(entry["agency"]), []).append(str(secret))
    return found


def _die_with_parent() -> None:
    """Linux: a service gets SIGTERM if the launcher dies without stopping it (e.g. SIGKILL)."""
    with contextlib.suppress(OSError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _wait_ready(url: str, process: subprocess.Popen[bytes], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with urlopen(f"{url}/readyz", timeout=2) as response:
                if response.status == 200:
                    return True
        except (URLError, OSError):
            pass
        time.sleep(0.3)
    return False


def main() -> None:
    parser = argparse.ArgumentParser(description="Run the Jiandu platform locally")
    parser.add_argument("--services", nargs="*", default=list(SERVICES), choices=SERVICES)
    parser.add_argument("--no-rabbitmq", action="store_true", help="do not start RabbitMQ")
    parser.add_argument(
        "--no-agency-access",
        action="store_true",
        help="do not give the partner agencies' broker users passwords on the local broker",
    )
    args = parser.parse_args()

    platform = PlatformSettings()
    platform.data_dir.mkdir(parents=True, exist_ok=True)
    started_rabbitmq = False if args.no_rabbitmq else _ensure_rabbitmq(platform)

    stopping = False

    def request_stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)

    processes: dict[str, subprocess.Popen[bytes]] = {}
    urls: dict[str, str] = {}
    environment = {**os.environ, "PYTHONUNBUFFERED": "1"}
    if "console" in args.services:
        # A deputy's QR short link lands on the console's page of that deputy.
        console = f"http://{platform.host}:{service_settings('console').port}"
        environment.setdefault(
            "JIANDU_DEPUTIES_CITIZEN_PAGE_URL", console + "/portal/deputies/{code}"
        )
    for name in args.services:
        try:
            settings = service_settings(name)
        except ValidationError as exc:
            sys.exit(f"{name} cannot start: {exc.errors()[0]['msg']}")
        url = f"http://{platform.host}:{settings.port}"
        urls[name] = url
        processes[name] = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--factory",
                f"jiandu_{name}.entrypoints.app:create",
                "--host",
                platform.host,
                "--port",
                str(settings.port),
                "--log-level",
                platform.log_level.lower(),
                "--no-access-log",
                *(["--workers", str(settings.workers)] if settings.workers > 1 else []),
            ],
            env=environment,
            start_new_session=True,  # Ctrl-C reaches the launcher only; it stops them in order
            preexec_fn=_die_with_parent,
        )
    try:
        for name, process in processes.items():
            if not _wait_ready(urls[name], process, timeout=60) and not stopping:
                raise SystemExit(f"{name} did not become ready at {urls[name]}/readyz")
        if not stopping:
            print("\nJiandu is running:", flush=True)
            for name, url in urls.items():
                docs = "pages" if name == "console" else f"API docs: {url}/docs"
                print(f"  {name:<14} {url}   ({docs})", flush=True)
            if not args.no_agency_access and "notifications" in processes:
                _grant_agency_access(platform)
            print("Try a proposal end to end: README.md, 'Try the flow'.", flush=True)
            print("Press Ctrl-C to stop.\n", flush=True)
        while not stopping:
            for name, process in processes.items():
                if process.poll() is not None:
                    raise SystemExit(f"{name} exited with code {process.returncode}")
            time.sleep(0.5)
    finally:
        print("Stopping services...", flush=True)
        for process in processes.values():
            if process.poll() is None:
                process.terminate()
        for process in processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        if started_rabbitmq:
            print("Stopping RabbitMQ...", flush=True)
            subprocess.run(["bash", str(RABBITMQ_SCRIPT), "stop"], check=False)
        print("Stopped.", flush=True)


if __name__ == "__main__":
    main()


__all__ = ["DEFAULT_PORTS", "main"]
