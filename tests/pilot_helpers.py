"""Helpers for driving a Textual app under `App.run_test()` in the app's and the replay screen's tests."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot

PAUSE_S = 0.02  # how long the app runs between two looks at the condition


async def wait_until(
    pilot: Pilot[Any], condition: Callable[[], object], what: str = "condition", *, timeout: float = 10.0
) -> None:
    """Let the app run until `condition()` is true, looking every PAUSE_S seconds.

    Raises AssertionError "timed out waiting for <what>" when it is still false after `timeout` seconds.
    """
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(PAUSE_S)
