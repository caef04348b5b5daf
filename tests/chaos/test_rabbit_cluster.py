"""A 3-node RabbitMQ cluster on this machine (own names, ports, data; one Erlang cookie): one
node SIGKILLed under load and restarted; it rejoins, and the quorum queues (3 replicas, a
majority left) keep going.

aio-pika, so FastStream, connects to one URL (no list of hosts), so:
- first the services connect to node 1 and node 3, which they are NOT connected to, is lost;
- then they connect through a failover TCP proxy (what a load balancer in front of a cluster
  does: each new connection to the first node that answers) and node 1, which they ARE
  connected to and which leads every queue they declared, is lost: they reconnect through the
  proxy to node 2, the queues elect new leaders.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.chaos import (
    Scale,
    ServiceProcess,
    SqliteStore,
    drain,
    figures,
    report,
    service_env,
    streaming,
)
from tests.support.servers import ClusterNode, RabbitCluster, free_port
from tests.support.tcp_proxy import TcpProxy

pytestmark = [pytest.mark.chaos, pytest.mark.e2e, pytest.mark.connected]

DOWN_SECONDS = 3.0


@pytest.fixture(scope="module")
def cluster() -> Iterator[RabbitCluster]:
    base = Path(tempfile.mkdtemp(prefix="jiandu-chaos-cluster-"))
    base.chmod(0o755)
    rabbits = RabbitCluster(base, size=3)
    try:
        rabbits.start()
        yield rabbits
    finally:
        rabbits.stop()
        shutil.rmtree(base, ignore_errors=True)


async def node_loss(
    scenario: str,
    cluster: RabbitCluster,
    victim: ClusterNode,
    broker_url: str,
    vhost: str,
    scale: Scale,
    tmp_path: Path,
    proxy: TcpProxy | None = None,
) -> None:
    started = time.monotonic()
    env = service_env(broker_url, tmp_path / "data")
    topics = ServiceProcess("topics", free_port(), env, tmp_path / "topics.log")
    notifications = ServiceProcess(
        "notifications", free_port(), env, tmp_path / "notifications.log"
    )
    notes: dict[str, object] = {"node lost": victim.name.split("@")[0]}
    async with streaming(topics, notifications, scenario, scale) as flow:
        await asyncio.sleep(scale.seconds / 4)
        placement = await asyncio.to_thread(victim.queue_placement, vhost)
        led = sum(1 for leader, _ in placement.values() if leader == victim.name)
        replicas = min(members for _, members in placement.values())
        assert replicas == 3, f"quorum queues not spread over the cluster: {placement}"
        notes["queues it led"] = f"{led}/{len(placement)}"
        if proxy is not None:
            notes["connections before"] = _by_node(cluster, proxy, live=True)
        await asyncio.to_thread(victim.kill)
        await asyncio.sleep(DOWN_SECONDS)
        await asyncio.to_thread(victim.start)
        await asyncio.to_thread(cluster.wait_running, 3, 60)
        await flow.finished(scale)
        drained = await drain(
            flow.submitter.tally,
            SqliteStore(tmp_path / "data" / "notifications.db"),
            SqliteStore(tmp_path / "data" / "topics.db"),
            timeout=scale.drain_timeout,
            queue_depths=lambda: cluster.any_running().queue_depths(vhost),
        )
        if proxy is not None:
            notes["connections after"] = _by_node(cluster, proxy, live=True)
    tally = flow.submitter.tally
    report(figures(scenario, tally, drained, started, **notes), tally)


def _by_node(cluster: RabbitCluster, proxy: TcpProxy, *, live: bool) -> dict[str, int]:
    counts = proxy.live if live else proxy.connections
    return {
        node.name.split("-")[1]: counts[node.port] for node in cluster.nodes if counts[node.port]
    }


async def test_losing_a_node_the_services_are_not_connected_to(
    cluster: RabbitCluster, scale: Scale, tmp_path: Path
) -> None:
    first, _, third = cluster.nodes
    vhost = cluster.new_vhost()
    await node_loss(
        "rabbit-node-lost-unconnected",
        cluster,
        third,
        first.vhost_url(vhost),
        vhost,
        scale,
        tmp_path,
    )


async def test_losing_the_node_the_services_are_connected_to(
    cluster: RabbitCluster, scale: Scale, tmp_path: Path
) -> None:
    first = cluster.nodes[0]
    vhost = cluster.new_vhost()
    proxy = TcpProxy([node.port for node in cluster.nodes])
    proxy.start()
    try:
        await node_loss(
            "rabbit-node-lost-connected",
            cluster,
            first,
            f"amqp://guest:guest@127.0.0.1:{proxy.port}/{vhost}",
            vhost,
            scale,
            tmp_path,
            proxy,
        )
    finally:
        proxy.stop()
