"""Run a coroutine to completion from synchronous code, even when this thread already runs an event loop."""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def run_blocking(make_coroutine: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """asyncio.run(make_coroutine()), moved to a helper thread when called from inside a running loop (the app)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make_coroutine())
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(make_coroutine())).result()
