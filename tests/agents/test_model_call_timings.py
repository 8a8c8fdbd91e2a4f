"""Honest timings against the scripted Messages API with a known delay: a model call's recorded latency covers the
HTTP exchange (at least the server's delay), the wait for a free concurrency slot and the sleeps between retries are
recorded apart; the replay's artifact and `jira-bench report` carry them. No timed bound: only orderings that hold
on any machine."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import anthropic

from jira_bench_tui.agents.call_clock import CallLoop, TurnTiming, mark_request_sent
from jira_bench_tui.agents.socket_clock import use_timestamps

from .conftest import FakeMessagesApi, api_error, message, text

DELAY_S = 0.3


def jira_bench(*args: str, results: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "jira_bench_tui", *args, "--results-dir", str(results)],
                          capture_output=True, text=True, timeout=120, env=dict(os.environ), check=False)


def _events(run: Path, type_: str) -> list[dict[str, Any]]:
    lines = (run / "events.jsonl").read_text(encoding="utf-8").splitlines()
    return [e for e in map(json.loads, lines) if e["type"] == type_]


def test_model_latency_is_the_exchange_and_slot_waits_are_apart(fake_api: FakeMessagesApi, tmp_path: Path) -> None:
    replies = [message(text("I could not do it."), usage=(10, 5, 0, 0)) for _ in range(3)]
    for reply in replies:
        reply.delay_s = DELAY_S
    fake_api.queue(*replies)
    done = jira_bench("run", "builtin:example", "--model", "claude-haiku-4-5", "--concurrency", "1",
                      results=tmp_path)
    assert done.returncode in (0, 1), done.stderr
    (run,) = (tmp_path / "runs").iterdir()

    turns = _events(run, "agent_message")
    assert len(turns) == 3
    for turn in turns:
        assert turn["latency_s"] >= DELAY_S  # the server's delay is inside the measured exchange
        assert turn["wait_s"] >= 0 and turn["retry_wait_s"] == 0
        assert turn["duration_s"] >= turn["latency_s"] - 0.002  # rounding to the millisecond
    started = sorted(_events(run, "trial_started"), key=lambda e: e["queued_s"])
    # at concurrency 1 the last trial waited for the two before it: recorded as queue time, not as model latency
    assert started[0]["queued_s"] >= 0 and started[-1]["queued_s"] >= 2 * DELAY_S

    for path in (run / "trials").glob("*.json"):
        artifact = json.loads(path.read_text(encoding="utf-8"))
        (step,) = [s for s in artifact["steps"] if s["kind"] == "model"]
        assert step["latency_s"] >= DELAY_S and step["wait_s"] >= 0
        assert artifact["queued_s"] >= 0

    report = jira_bench("report", run.name, "--format", "json", results=tmp_path)
    assert report.returncode == 0, report.stderr
    timings = json.loads(report.stdout)[0]["summary"]["timings"]
    assert timings["model_calls"] == 3 and timings["latency_median_s"] >= DELAY_S
    table = jira_bench("report", run.name, results=tmp_path).stdout
    assert "median API latency" in table and "median loop wait" in table


def test_retry_sleeps_are_counted_apart_from_the_latency(fake_api: FakeMessagesApi, tmp_path: Path) -> None:
    fake_api.queue(api_error(529, "overloaded_error", "Overloaded", headers={"retry-after": "0"}))
    answer = message(text("Done."), usage=(10, 5, 0, 0))
    answer.delay_s = DELAY_S
    fake_api.queue(answer)
    done = jira_bench("run", "builtin:example", "--model", "claude-haiku-4-5", "--scenario",
                      "count-open-storefront-bugs", "--concurrency", "1", results=tmp_path)
    assert done.returncode in (0, 1), done.stderr
    (run,) = (tmp_path / "runs").iterdir()
    (turn,) = _events(run, "agent_message")
    assert turn["retry_wait_s"] > 0 and turn["latency_s"] >= DELAY_S
    assert turn["duration_s"] >= turn["latency_s"] + turn["retry_wait_s"] - 0.005


async def _blocked_call(fake_api: FakeMessagesApi, block_s: float) -> TurnTiming:
    """One Messages API call through CallLoop and a timestamping client, whose loop is kept busy (CPU, GIL held) for
    `block_s` seconds from shortly after the request left: the reply arrives meanwhile and waits unread."""
    calls, timing = CallLoop("test-calls"), TurnTiming()
    clients: list[anthropic.AsyncAnthropic] = []

    def busy(seconds: float) -> None:
        until = time.perf_counter() + seconds
        while time.perf_counter() < until:
            pass

    async def call() -> object:
        client = anthropic.AsyncAnthropic(max_retries=0, http_client=use_timestamps(anthropic.DefaultAsyncHttpxClient(
            event_hooks={"request": [mark_request_sent]})))
        clients.append(client)
        asyncio.get_running_loop().call_later(0.05, busy, block_s)
        return await client.messages.create(model="claude-haiku-4-5", max_tokens=10,
                                            messages=[{"role": "user", "content": "hi"}])

    async def close() -> None:
        for client in clients:
            await client.close()

    try:
        reply = await calls.run(call, timing)
        assert isinstance(reply, anthropic.types.Message)
    finally:
        await calls.aclose(close)
    return timing


def test_a_reply_left_unread_by_a_busy_loop_is_wait_not_latency(fake_api: FakeMessagesApi) -> None:
    block_s = 2.0
    answer = message(text("Done."), usage=(10, 5, 0, 0))
    answer.delay_s = DELAY_S
    fake_api.queue(answer)
    timing = asyncio.run(_blocked_call(fake_api, block_s))
    assert timing.attempts == 1
    assert timing.latency_s >= DELAY_S  # the server's delay is inside the exchange
    # the reply reached the machine after ~DELAY_S and sat unread while the loop was busy: that time is wait (the
    # bound is generous: reading the reply when the loop was free would count the whole block as latency)
    assert timing.latency_s < block_s - 0.5
    assert timing.wait_s >= block_s / 2
