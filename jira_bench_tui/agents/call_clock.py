"""Honest model-call timings: the HTTP exchanges of a run's model calls happen on a thread of their own with its own
event loop (`CallLoop`), which does nothing else, so the time measured there is the exchange itself even when the
trials' event loop is busy (hundreds of trials at once: checks, tool calls, JSON). What the call then waits before
the trial's loop takes its result (and before the call thread starts it) is counted apart, as are the sleeps between
retries (`TurnTiming`).

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


async def mark_request_sent(_request: object) -> None:
    """An httpx `request` event hook (give it to the SDK's client: `event_hooks={"request": [mark_request_sent]}`):
    marks when the call's request leaves, after the SDK built it, so the latency is the exchange alone."""
    marks = _MARKS.get()
    if marks is not None and "sent" not in marks:
        marks["sent"] = time.perf_counter()


@dataclass
class TurnTiming:
    """The time of one model turn, in seconds: `latency_s` the HTTP exchanges of its attempts (request sent to reply
    read, on the call thread), `wait_s` the time around them (the call thread's queue and the SDK building the
    request before, the trial's loop taking the result after), `retry_wait_s` the sleeps between attempts."""

    latency_s: float = 0.0
    wait_s: float = 0.0
    retry_wait_s: float = 0.0
    attempts: int = 0

    def fields(self) -> dict[str, float]:
        """The `agent_message` event's timing fields, rounded to the millisecond."""
        return {"latency_s": round(self.latency_s, 3), "wait_s": round(self.wait_s, 3),
                "retry_wait_s": round(self.retry_wait_s, 3)}


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
                resumed = time.perf_counter()
                end = marks.get("end", resumed)
                sent = marks.get("sent", marks["start"])  # the SDK building the request is not the exchange
                timing.attempts += 1
                timing.latency_s += end - sent
                timing.wait_s += (sent - submitted) + max(0.0, resumed - end)

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
