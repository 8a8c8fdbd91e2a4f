"""Honest model-call timings: a call's latency is its HTTP exchange alone, from the request's bytes starting to leave
(httpcore2's trace of sending its headers, after a pooled connection is free) to the reply's last bytes reaching the
machine (the kernel's receive timestamp, socket_clock). Everything else in the turn is wait (`TurnTiming.wait_s`):
the call thread's queue, the SDK building the request and parsing the reply, a connection being opened, and the time
a saturated machine leaves the reply unread (queued for a core, the GIL or an event loop). The sleeps between retries
are counted apart. The exchanges run on a thread of their own with its own event loop (`CallLoop`), so a busy trials'
loop delays them less.

The SDK client lives on the call thread: it is made, used and closed there only (an httpx client belongs to the
loop that made its connections).
"""

from __future__ import annotations

import asyncio
import contextvars
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")
_MARKS: contextvars.ContextVar[dict[str, float] | None] = contextvars.ContextVar("model_call_marks", default=None)


async def mark_request_sent(request: Any) -> None:
    """An httpx2 `request` event hook (give it to the SDK's client: `event_hooks={"request": [mark_request_sent]}`):
    marks when the SDK hands the request over and adds an httpcore2 `trace` extension to it that marks when its
    bytes start leaving (sending its headers, once a pooled connection is free), so the latency is the exchange
    alone. The end is marked by `note_received` (see socket_clock)."""
    marks = _MARKS.get()
    if marks is not None and "handed" not in marks:
        marks["handed"] = time.perf_counter()
        extensions = getattr(request, "extensions", None)
        if isinstance(extensions, dict):
            extensions.setdefault("trace", _trace)


async def _trace(name: str, _info: dict[str, Any]) -> None:
    """httpcore2's trace callback: `http11.send_request_headers.started` (or http2's) marks the send."""
    if name.endswith("send_request_headers.started"):
        marks = _MARKS.get()
        if marks is not None and "sent" not in marks:
            marks["sent"] = time.perf_counter()


def note_received(at: float) -> None:
    """Note that bytes of the current call's reply arrived at `at` (a `time.perf_counter()` value; the kernel's
    receive timestamp where socket_clock gets one). The last bytes read mark the end of the exchange."""
    marks = _MARKS.get()
    if marks is not None and "sent" in marks:
        marks["received"] = at


@dataclass
class TurnTiming:
    """The time of one model turn, in seconds: `latency_s` the HTTP exchanges of its attempts (request bytes start
    leaving to the reply's last bytes received, see the module's docstring), `wait_s` the rest of the attempts' time
    (queues, the SDK's work, replies left unread by a busy machine), `retry_wait_s` the sleeps between attempts."""

    latency_s: float = 0.0
    wait_s: float = 0.0
    retry_wait_s: float = 0.0
    attempts: int = 0

    def fields(self) -> dict[str, float]:
        """The `agent_message` event's timing fields, rounded to the millisecond."""
        return {"latency_s": round(self.latency_s, 3), "wait_s": round(self.wait_s, 3),
                "retry_wait_s": round(self.retry_wait_s, 3)}


def exchange_s(marks: dict[str, float], now: float) -> float:
    """The seconds of one call's HTTP exchange from its marks: request bytes start leaving (`sent`; else the request
    handed to the client, `handed`; else the call's start) to the reply's last bytes received (`received`, from
    socket_clock; else the call's end, `end`, or `now`)."""
    start = marks.get("sent", marks.get("handed", marks.get("start", now)))
    end = marks.get("received", marks.get("end", now))
    return max(0.0, end - start)


class CallLoop:
    """A daemon thread running an event loop for model API calls, started on first use. `run` runs a coroutine
    there from any other loop, timing it (see the module's docstring); cancelling the caller cancels the call."""

    def __init__(self, name: str = "model-calls") -> None:
        self.name = name
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def _ensure(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None or self._thread is None or not self._thread.is_alive():
                loop = asyncio.new_event_loop()
                ready = threading.Event()

                def serve() -> None:
                    asyncio.set_event_loop(loop)
                    loop.call_soon(ready.set)
                    loop.run_forever()

                self._thread = threading.Thread(target=serve, name=self.name, daemon=True)
                self._thread.start()
                ready.wait()
                self._loop = loop
            return self._loop

    async def run(self, call: Callable[[], Awaitable[T]], timing: TurnTiming | None = None) -> T:
        """`await call()` on the call thread; adds the exchange's time and the waits around it to `timing`."""
        loop = self._ensure()
        marks: dict[str, float] = {}

        async def timed() -> T:
            marks["start"] = time.perf_counter()
            _MARKS.set(marks)  # this task's context: the request hook finds it
            try:
                return await call()
            finally:
                marks["end"] = time.perf_counter()

        submitted = time.perf_counter()
        try:
            return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(timed(), loop))
        finally:
            if timing is not None and "start" in marks:
                timing.attempts += 1
                latency = exchange_s(marks, time.perf_counter())
                timing.latency_s += latency
                timing.wait_s += max(0.0, time.perf_counter() - submitted - latency)

    async def aclose(self, closer: Callable[[], Awaitable[Any]] | None = None) -> None:
        """Run `closer` (closing the client) on the call thread, then stop the thread."""
        with self._lock:
            loop, thread = self._loop, self._thread
            self._loop = self._thread = None
        if loop is None or thread is None:
            return
        if closer is not None and thread.is_alive():
            await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(_call(closer), loop))
        loop.call_soon_threadsafe(loop.stop)
        await asyncio.to_thread(thread.join)
        loop.close()


async def _call(closer: Callable[[], Awaitable[Any]]) -> None:
    await closer()
