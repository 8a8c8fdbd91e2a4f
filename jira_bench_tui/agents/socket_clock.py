"""When a model call's reply really arrived: an httpcore2 network backend whose TCP sockets carry the kernel's receive
timestamps (Linux `SO_TIMESTAMPNS`), so a call's latency ends when the reply's last bytes reached the machine, not
when a busy process got round to reading them (time queued for the CPU, the GIL or the event loop is wait).

Each read hands the arrival time of the bytes it returns to `call_clock.note_received` (the kernel stamps every TCP
segment; a read reports its last one). TLS runs on top (httpcore2 wraps the stream in anyio's TLS stream), so the
timestamps hold for https too. Where the kernel gives no timestamp (not Linux), a read's own time stands in.
Asyncio only (the model calls' loop is asyncio, see call_clock.CallLoop).
"""

from __future__ import annotations

import asyncio
import socket
import struct
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import anyio
import anyio.abc
import httpcore2
import httpx2

from jira_bench_tui.agents.call_clock import note_received

# Linux's SO_TIMESTAMPNS (the 64-bit-time `_OLD` value on x86 and arm; its cmsg type is the same number): not exposed
# by Python's socket module. Its control message is a `struct timespec` (CLOCK_REALTIME).
SO_TIMESTAMPNS = 35
_TIMESPEC = struct.Struct("@qq")
_ANCILLARY_SIZE = socket.CMSG_SPACE(_TIMESPEC.size)
_KERNEL_STAMPS = sys.platform == "linux"


def arrival_time(ancillary: list[tuple[int, int, bytes]]) -> float:
    """The `time.perf_counter()` at which the bytes of one `recvmsg` arrived, from its SO_TIMESTAMPNS message (now
    when there is none). The kernel's stamp is wall-clock time: the bytes' age is taken against `time.time()`."""
    now_perf, now_wall = time.perf_counter(), time.time()
    for level, kind, data in ancillary:
        if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS and len(data) >= _TIMESPEC.size:
            seconds, nanoseconds = _TIMESPEC.unpack_from(data)
            age: float = now_wall - (seconds + nanoseconds / 1e9)
            return now_perf - max(0.0, age)
    return now_perf


class TimestampedSocketStream(anyio.abc.SocketStream):
    """An anyio byte stream over a connected non-blocking TCP socket that reads with `recvmsg` (to get the receive
    timestamps) on the running asyncio loop. Errors: anyio's (BrokenResourceError, EndOfStream on a closed peer,
    ClosedResourceError after `aclose`)."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self._attributes: Mapping[Any, Callable[[], Any]] | None = None

    @property
    def _raw_socket(self) -> socket.socket:
        return self._sock

    @property
    def extra_attributes(self) -> Mapping[Any, Callable[[], Any]]:
        """anyio's socket attributes, gathered once: httpcore2 asks for the raw socket before every request on a
        pooled connection (is it still open?), and anyio's own property calls getpeername each time."""
        if self._attributes is None:
            self._attributes = dict(super().extra_attributes)
        return self._attributes

    async def receive(self, max_bytes: int = 65536) -> bytes:
        """Up to `max_bytes` bytes, once some arrived; notes their arrival time (call_clock.note_received)."""
        loop = asyncio.get_running_loop()
        while True:
            if self._sock.fileno() < 0:
                raise anyio.ClosedResourceError
            try:
                data, ancillary, _flags, _address = self._sock.recvmsg(max_bytes, _ANCILLARY_SIZE)
            except (BlockingIOError, InterruptedError):
                await _readable(loop, self._sock)
                continue
            except OSError as exc:
                raise anyio.BrokenResourceError from exc
            if not data:
                raise anyio.EndOfStream
            note_received(arrival_time(ancillary))
            return data

    async def send(self, item: bytes) -> None:
        """Send all of `item`."""
        if self._sock.fileno() < 0:
            raise anyio.ClosedResourceError
        try:
            await asyncio.get_running_loop().sock_sendall(self._sock, item)
        except OSError as exc:
            raise anyio.BrokenResourceError from exc

    async def send_eof(self) -> None:
        """Close the sending half (TCP FIN)."""
        self._sock.shutdown(socket.SHUT_WR)

    async def aclose(self) -> None:
        """Close the socket."""
        self._sock.close()


async def _readable(loop: asyncio.AbstractEventLoop, sock: socket.socket) -> None:
    ready: asyncio.Future[None] = loop.create_future()
    fd = sock.fileno()

    def wake() -> None:
        if not ready.done():
            ready.set_result(None)

    loop.add_reader(fd, wake)
    try:
        await ready
    finally:
        loop.remove_reader(fd)


class TimestampingBackend(httpcore2.AnyIOBackend):
    """httpcore2's anyio backend with `connect_tcp` opening TimestampedSocketStream connections (TCP_NODELAY, the
    pool's socket options, receive timestamps on). Raises httpcore2.ConnectError / ConnectTimeout."""

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                          socket_options: Iterable[Any] | None = None) -> httpcore2.AsyncNetworkStream:
        """A stream to `host`:`port` (the first of its addresses that answers within `timeout` seconds)."""
        try:
            with anyio.fail_after(timeout):
                sock = await _connect(host, port, local_address, list(socket_options or []))
        except TimeoutError as exc:
            raise httpcore2.ConnectTimeout(str(exc)) from exc
        except OSError as exc:
            raise httpcore2.ConnectError(str(exc)) from exc
        return _anyio_stream(TimestampedSocketStream(sock))


def _anyio_stream(stream: anyio.abc.ByteStream) -> httpcore2.AsyncNetworkStream:
    from httpcore2._backends.anyio import (
        AnyIOStream,  # the wrapper the anyio backend itself uses (TLS, extras)
    )

    return AnyIOStream(stream)


async def _connect(host: str, port: int, local_address: str | None, options: list[Any]) -> socket.socket:
    """A connected non-blocking TCP socket to the first address of `host` that answers; the last error otherwise."""
    loop = asyncio.get_running_loop()
    error: OSError = OSError(f"no address for {host}")
    for family, kind, proto, _name, address in await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM):
        sock = socket.socket(family, kind, proto)
        try:
            sock.setblocking(False)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            for option in options:
                sock.setsockopt(*option)
            if _KERNEL_STAMPS:
                sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
            if local_address:
                sock.bind((local_address, 0))
            await loop.sock_connect(sock, address)
            return sock
        except OSError as exc:
            sock.close()
            error = exc
        except BaseException:
            sock.close()
            raise
    raise error


def use_timestamps(client: httpx2.AsyncClient) -> httpx2.AsyncClient:
    """`client` with its connection pools (direct and proxied) connecting through TimestampingBackend; a transport
    that is not httpx2's own (no pool) is left as it is. Returns the client."""
    transports = [getattr(client, "_transport", None), *getattr(client, "_mounts", {}).values()]
    for transport in transports:
        pool = getattr(transport, "_pool", None)
        if isinstance(pool, httpcore2.AsyncConnectionPool):
            pool._network_backend = TimestampingBackend()
    return client
