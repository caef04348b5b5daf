"""Private RabbitMQ and PostgreSQL servers for tests, started from the installed binaries.

Like pytest-rabbitmq and pytest-postgresql, but usable as root (CI runs as root and PostgreSQL
refuses to: the cluster then runs as the ``postgres`` user through ``runuser``), and with the
broker's application stoppable and startable to simulate an outage.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import threading
import time
import uuid
from pathlib import Path

RABBIT_BIN = Path(os.environ.get("JIANDU_RABBITMQ_BIN", "/usr/lib/rabbitmq/bin"))
PG_BIN = Path(os.environ.get("JIANDU_PG_BIN", "/usr/lib/postgresql/15/bin"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_port(port: int, timeout: float, up: bool = True) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                if up:
                    return
        except OSError:
            if not up:
                return
        time.sleep(0.2)
    raise TimeoutError(f"port {port} did not become {'open' if up else 'closed'}")


class RabbitNode:
    """A RabbitMQ node of its own: own name, ports, data directory and Erlang cookie."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.port = free_port()
        self.dist_port = free_port()
        self.name = f"jiandu-test-{self.port}@localhost"
        self.env = {
            **os.environ,
            "HOME": str(base),
            "RABBITMQ_NODENAME": self.name,
            "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
            "RABBITMQ_NODE_PORT": str(self.port),
            "RABBITMQ_DIST_PORT": str(self.dist_port),
            "RABBITMQ_MNESIA_BASE": str(base / "mnesia"),
            "RABBITMQ_LOG_BASE": str(base / "log"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(base / "enabled_plugins"),
            "RABBITMQ_CONFIG_FILE": str(base / "rabbitmq"),
            "RABBITMQ_PID_FILE": str(base / "rabbit.pid"),
        }
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.port}/"

    def vhost_url(self, vhost: str) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.port}/{vhost}"

    def start(self) -> None:
        self.base.mkdir(parents=True, exist_ok=True)
        (self.base / "enabled_plugins").write_text("[].\n")
        (self.base / "rabbitmq.conf").write_text("loopback_users = none\n")
        self.process = subprocess.Popen(
            [str(RABBIT_BIN / "rabbitmq-server")],
            env=self.env,
            stdout=(self.base / "server.out").open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.ctl("await_startup", "--timeout", "120", retries=60)

    def ctl(self, *args: str, retries: int = 1) -> str:
        last = ""
        for _ in range(retries):
            result = subprocess.run(
                [str(RABBIT_BIN / "rabbitmqctl"), "-n", self.name, "-q", *args],
                env=self.env,
                capture_output=True,
                text=True,
                timeout=150,
            )
            if result.returncode == 0:
                return result.stdout
            last = result.stderr or result.stdout
            time.sleep(1)
        raise RuntimeError(f"rabbitmqctl {' '.join(args)} failed: {last}")

    def new_vhost(self) -> str:
        vhost = f"t-{uuid.uuid4().hex[:10]}"
        self.ctl("add_vhost", vhost)
        self.ctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
        return vhost

    def delete_vhost(self, vhost: str) -> None:
        """Drop a test's vhost with its queues: a session's node would otherwise keep every
        test's few hundred quorum queues (one per event type for notifications) alive."""
        with contextlib.suppress(RuntimeError, subprocess.TimeoutExpired):
            self.ctl("delete_vhost", vhost)

    def stop_app(self) -> None:
        """The broker goes away (connections drop, port closes); the node keeps its data."""
        self.ctl("stop_app")
        _wait_port(self.port, 30, up=False)

    def start_app(self) -> None:
        self.ctl("start_app")
        _wait_port(self.port, 60, up=True)

    def queue_depths(self, vhost: str) -> dict[str, int]:
        """Messages (ready and unacknowledged) in each queue of ``vhost``."""
        listed = json.loads(
            self.ctl("list_queues", "-p", vhost, "name", "messages", "--formatter", "json") or "[]"
        )
        return {str(q["name"]): int(q.get("messages") or 0) for q in listed}

    def stop(self) -> None:
        if self.process is None:
            return
        try:
            self.ctl("stop")
        except Exception:
            self.process.kill()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.process = None


class PostgresServer:
    """A PostgreSQL 15 cluster in a temporary directory, trusting local connections."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.data = base / "data"
        self.port = free_port()
        self.as_root = os.geteuid() == 0

    def _run(self, *args: str) -> None:
        command = [*args]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        self.base.mkdir(parents=True, exist_ok=True)
        if self.as_root:
            shutil.chown(self.base, "postgres", "postgres")
        self._run(
            str(PG_BIN / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C",
        )
        self.resume()

    def resume(self) -> None:
        """Start the server (again, after :meth:`halt`) on the same port and data."""
        self._run(
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(self.data),
            "-w",
            "-t",
            "60",
            "-l",
            str(self.base / "server.log"),
            "-o",
            f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c max_connections=200",
            "start",
        )

    def halt(self, mode: str = "immediate") -> None:
        """Stop the server now: ``immediate`` is a crash (recovery at the next start), ``fast``
        a clean shutdown that ends every session."""
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "stop")


class ClusterNode(RabbitNode):
    """A node of a :class:`RabbitCluster`: its own name, ports and data, the cluster's HOME
    (so the cluster's Erlang cookie, for the nodes and for rabbitmqctl alike)."""

    def __init__(self, base: Path, home: Path, index: int) -> None:
        super().__init__(base)
        self.name = f"jiandu-c{index}-{self.port}@localhost"
        self.env["RABBITMQ_NODENAME"] = self.name
        self.env["HOME"] = str(home)

    def kill(self) -> None:
        """A hard loss: SIGKILL the node's process group (the script and the Erlang VM)."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        self.process = None
        _wait_port(self.port, 30, up=False)

    def running_nodes(self) -> set[str]:
        status = json.loads(self.ctl("cluster_status", "--formatter", "json"))
        return set(status.get("running_nodes", []))

    def queue_placement(self, vhost: str) -> dict[str, tuple[str, int]]:
        """Each queue of ``vhost``: the node leading it and how many replicas it has."""
        listed = json.loads(
            self.ctl("list_queues", "-p", vhost, "name", "leader", "members", "--formatter", "json")
            or "[]"
        )
        return {
            str(q["name"]): (str(q.get("leader") or ""), len(q.get("members") or []))
            for q in listed
        }


class RabbitCluster:
    """Three (``size``) RabbitMQ nodes on this machine clustered together: node 1 starts, the
    others join it (``stop_app``, ``join_cluster``, ``start_app``). One Erlang cookie for all,
    in a HOME they share; each node has its own AMQP and distribution ports and data."""

    def __init__(self, base: Path, size: int = 3) -> None:
        self.base = base
        self.home = base / "home"
        self.nodes = [ClusterNode(base / f"node{i}", self.home, i) for i in range(1, size + 1)]

    def start(self) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        cookie = self.home / ".erlang.cookie"
        cookie.write_text(secrets.token_hex(20).upper())
        cookie.chmod(0o400)
        failures: list[BaseException] = []

        def boot(node: ClusterNode) -> None:
            try:
                node.start()
            except BaseException as exc:
                failures.append(exc)

        threads = [threading.Thread(target=boot, args=(node,)) for node in self.nodes]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
        if failures:
            raise failures[0]
        first = self.nodes[0]
        for node in self.nodes[1:]:
            node.ctl("stop_app")
            node.ctl("join_cluster", first.name, retries=5)
            node.ctl("start_app")
        self.wait_running(len(self.nodes), timeout=60)

    def any_running(self) -> ClusterNode:
        for node in self.nodes:
            if node.process is not None:
                return node
        raise RuntimeError("no node of the cluster runs")

    def running_nodes(self) -> set[str]:
        return self.any_running().running_nodes()

    def wait_running(self, count: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        running: set[str] = set()
        while time.monotonic() < deadline:
            with contextlib.suppress(RuntimeError):
                running = self.running_nodes()
                if len(running) >= count:
                    return
            time.sleep(0.5)
        raise TimeoutError(f"{count} nodes not running within {timeout}s: {sorted(running)}")

    def new_vhost(self) -> str:
        return self.any_running().new_vhost()

    def stop(self) -> None:
        for node in reversed(self.nodes):
            node.stop()


def postgres_available() -> bool:
    return (PG_BIN / "initdb").exists()


def rabbitmq_available() -> bool:
    return (RABBIT_BIN / "rabbitmq-server").exists()
