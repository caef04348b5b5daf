"""A TCP proxy on 127.0.0.1 for fault tests, in a thread (and event loop) of its own.

- **Failover**: each new connection goes to the first upstream port that accepts it, as a load
  balancer in front of a RabbitMQ cluster does. aio-pika (so FastStream) connects to ONE URL;
  behind this proxy a service that loses its node reconnects to another node.
- **Cut**: close every connection and refuse new ones, an outage for this proxy's clients only.
- **Throttle**: limit the bytes per second from clients to the upstream (e.g. slow publishes,
  so a relay's batch takes long enough to be interrupted).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections import Counter
from collections.abc import Sequence

CHUNK = 16384


class TcpProxy:
    def __init__(self, upstreams: Sequence[int]) -> None:
        self.upstreams = list(upstreams)
        self.port = 0
        self.bytes_per_second: float | None = None
        self.refusing = False
        self.live: Counter[int] = Counter()  # open connections per upstream port
        self.connections: Counter[int] = Counter()  # connections ever made per upstream port
        self.bytes_up = 0  # bytes forwarded from clients to upstreams
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    def start(self) -> None:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._serve(), self._loop).result(timeout=10)

    def stop(self) -> None:
        if not self._thread.is_alive():
            return
        asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    def cut(self) -> None:
        """Drop every connection and refuse new ones until :meth:`restore`."""
        self.refusing = True
        asyncio.run_coroutine_threadsafe(self._close_all(), self._loop).result(timeout=10)

    def restore(self) -> None:
        self.refusing = False

    async def _serve(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = int(self._server.sockets[0].getsockname()[1])

    async def _shutdown(self) -> None:
        if self._server is not None:
            self._server.close()
        await self._close_all()

    async def _close_all(self) -> None:
        for writer in list(self._writers):
            writer.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.refusing:
            writer.close()
            return
        for port in self.upstreams:
            try:
                up_reader, up_writer = await asyncio.wait_for(
                    asyncio.open_connection("127.0.0.1", port), timeout=2
                )
            except (OSError, TimeoutError):
                continue
            break
        else:
            writer.close()
            return
        self.live[port] += 1
        self.connections[port] += 1
        self._writers.update((writer, up_writer))
        try:
            await asyncio.gather(
                self._pump(reader, up_writer, to_upstream=True),
                self._pump(up_reader, writer, to_upstream=False),
            )
        finally:
            self.live[port] -= 1
            self._writers.difference_update((writer, up_writer))

    async def _pump(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, *, to_upstream: bool
    ) -> None:
        try:
            while data := await reader.read(CHUNK):
                writer.write(data)
                await writer.drain()
                if to_upstream:
                    self.bytes_up += len(data)
                rate = self.bytes_per_second
                if to_upstream and rate:
                    await asyncio.sleep(len(data) / rate)
        except (OSError, asyncio.IncompleteReadError):
            pass
        finally:
            # One side ended: closing the other ends its reader too (the transport is shared),
            # so both peers see the connection go.
            with contextlib.suppress(Exception):
                writer.close()
