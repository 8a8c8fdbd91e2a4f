"""The run worker: `python -m jira_bench_tui.engine.worker RUN_DIR` runs a run folder's pending trials.

It reads everything from spec.json, takes over state.json (heartbeat <= 2 s), runs trials in parallel up to the
run's concurrency, writes events and artifacts, and ends with summary.json and `run_finished`. SIGTERM/SIGINT cancel
cleanly; a FatalAgentError (401) fails the run. `jira-bench run` without --background runs the same loop in-process.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jira_bench_tui.agents.base import Agent, FatalAgentError
from jira_bench_tui.engine import scoring, store
from jira_bench_tui.engine.trial import TrialOptions, TrialRunner, trial_finished_fields
from jira_bench_tui.errors import UserError
from jira_bench_tui.harness.loader import harness_from_spec

HEARTBEAT_S = 1.0
STATE_COALESCE_S = 0.02
EventCallback = Callable[[dict[str, Any]], None]


class _StateKeeper:
    """Holds the run's state and writes state.json on every change (coalesced a few ms) and at least every second.

    Stops by a flag, not by cancellation (in Python 3.11 `wait_for` can swallow a cancel). When the run folder has
    been removed under the worker, it calls `on_gone` (the worker then cancels itself) instead of writing."""

    def __init__(self, folder: Path, state: store.RunState, on_gone: Callable[[], None]) -> None:
        self.folder = folder
        self.state = state
        self.on_gone = on_gone
        self.gone = False
        self._dirty = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None

    def write_now(self) -> None:
        if self.gone or not store.spec_path(self.folder).exists():
            if not self.gone:
                self.gone = True
                self.on_gone()
            return
        self.state.updated_at = time.time()
        store.write_state(self.folder, self.state)

    def changed(self) -> None:
        self._dirty.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop())

    async def _loop(self) -> None:
        while not self._stopping:
            try:
                async with asyncio.timeout(HEARTBEAT_S):
                    await self._dirty.wait()
            except TimeoutError:
                pass
            if self._stopping:
                return
            await asyncio.sleep(STATE_COALESCE_S)
            self._dirty.clear()
            self.write_now()

    async def stop(self) -> None:
        self._stopping = True
        self._dirty.set()
        if self._task is not None:
            try:
                await self._task
            except asyncio.CancelledError:
                pass


def _bucket(outcome: str) -> str:
    return {"passed": "passed", "error": "errored"}.get(outcome, "failed")


def _add_usage(totals: store.UsageTotals, usage: dict[str, Any]) -> None:
    for name in ("input_tokens", "output_tokens", "cache_creation_input_tokens", "cache_read_input_tokens",
                 "total_tokens"):
        setattr(totals, name, getattr(totals, name) + int(usage.get(name, 0) or 0))
    totals.cost_usd = round(totals.cost_usd + float(usage.get("cost_usd", 0.0) or 0.0), 6)


def counts_from_artifacts(spec: store.RunSpec, artifacts: list[dict[str, Any]]) -> store.RunState:
    """A fresh running state whose counts and usage come from the artifacts already on disk."""
    state = store.RunState(status="running", updated_at=time.time(), counts=store.Counts(total=spec.total_trials),
                           scenarios={sid: store.Counts(total=spec.runs) for sid in spec.scenario_ids})
    for artifact in artifacts:
        per = state.scenarios.get(str(artifact.get("scenario_id")))
        if per is None:
            continue
        bucket = _bucket(str(artifact.get("outcome")))
        for counts in (state.counts, per):
            counts.done += 1
            setattr(counts, bucket, getattr(counts, bucket) + 1)
        _add_usage(state.usage, artifact.get("usage") or {})
    return state


class RunWorker:
    """Runs the pending trials of one run folder. `on_event` sees every event (the foreground display)."""

    def __init__(self, folder: Path, on_event: EventCallback | None = None) -> None:
        self.folder = folder
        self.on_event = on_event
        self.spec = store.read_spec(folder)
        self._writer: store.EventWriter | None = None
        self._fatal: str | None = None

    def emit(self, type_: str, **fields: Any) -> None:
        assert self._writer is not None
        event = self._writer.emit(type_, **fields)
        if self.on_event is not None:
            self.on_event(event)

    def _make_agent(self) -> Agent:
        from jira_bench_tui.engine.models import make_agent

        return make_agent(self.spec.model, self.folder.parent.parent)

    async def run(self) -> store.RunState:
        """Run every trial without an artifact; returns the final state (completed, failed or cancelled)."""
        spec = self.spec
        previous = store.read_state(self.folder)
        if previous.status == "running" and previous.pid not in (None, os.getpid()) and store.pid_alive(previous.pid):
            raise UserError(f"run {spec.run_id} already has a worker (pid {previous.pid})")
        done = store.finished_trials(self.folder)
        artifacts = list(store.iter_trials(self.folder))
        state = counts_from_artifacts(spec, artifacts)
        state.pid = os.getpid()
        state.started_at = previous.started_at or time.time()
        this_task = asyncio.current_task()
        assert this_task is not None

        def cancel_run() -> None:
            this_task.cancel()

        keeper = _StateKeeper(self.folder, state, on_gone=cancel_run)
        keeper.write_now()
        self._writer = store.EventWriter(self.folder)
        pending = [(sid, rep) for rep in range(1, spec.runs + 1) for sid in spec.scenario_ids if (sid, rep) not in done]
        self.emit("run_started", run_id=spec.run_id, model=spec.model, harness=spec.harness_name,
                  total=spec.total_trials, pending=len(pending), resumed=bool(done) or previous.status != "queued",
                  concurrency=spec.concurrency)
        keeper.start()
        status: store.RunStatus = "completed"
        try:
            try:
                runner = self._runner()
            except UserError as exc:
                self._fatal = str(exc)
                status = "failed"
            else:
                try:
                    status = await self._run_trials(runner, pending, keeper)
                finally:
                    runner.close()
                    await runner.agent.aclose()
        except asyncio.CancelledError:
            status = "cancelled"
        finally:
            await keeper.stop()
            state.status = status
            state.error = self._fatal if status == "failed" else None
            state.finished_at = time.time()
            for counts in [state.counts, *state.scenarios.values()]:
                counts.running = 0
            summary = scoring.summarise(spec, store.iter_trials(self.folder), status=status, error=state.error)
            if not keeper.gone:
                store.write_summary(self.folder, summary)
            if state.error:
                self.emit("log", level="error", message=state.error)
            self.emit("run_finished", status=status, passed=summary["passed"], failed=summary["failed"],
                      errored=summary["errored"], total=summary["total"], pass_rate=summary["pass_rate"],
                      cost_usd=summary["cost_usd"], error=state.error)
            keeper.write_now()
            self._writer.close()
        return state

    def _runner(self) -> TrialRunner:
        spec = self.spec
        loaded = harness_from_spec(spec.harness, spec.harness_source, spec.harness_dir, spec.server.fixture)
        command = spec.server.command if spec.server.kind == "command" else None
        options = TrialOptions(run_id=spec.run_id, model=spec.model, max_turns=spec.max_turns,
                               wall_time_s=spec.wall_time_s, server_command=command,
                               server_env=dict(loaded.harness.server.env) if command else {})
        return TrialRunner(loaded, self._make_agent(), options)

    async def _run_trials(self, runner: TrialRunner, pending: list[tuple[str, int]],
                          keeper: _StateKeeper) -> store.RunStatus:
        state = keeper.state
        semaphore = asyncio.Semaphore(self.spec.concurrency)
        scenarios = {s.id: s for s in runner.loaded.harness.scenarios}

        async def one(scenario_id: str, rep: int) -> None:
            per = state.scenarios[scenario_id]
            async with semaphore:
                state.counts.running += 1
                per.running += 1
                keeper.changed()
                try:
                    artifact = await runner.run(scenarios[scenario_id], rep, self.emit, announce_end=False)
                except BaseException:
                    state.counts.running -= 1
                    per.running -= 1
                    keeper.changed()
                    raise
            # outside the semaphore and in a thread: the fsync must stall neither the next trial nor the others
            if not keeper.gone:
                await asyncio.to_thread(store.write_trial, self.folder, scenario_id, rep, artifact)
            bucket = _bucket(artifact["outcome"])
            state.counts.running -= 1
            per.running -= 1
            for counts in (state.counts, per):
                counts.done += 1
                setattr(counts, bucket, getattr(counts, bucket) + 1)
            _add_usage(state.usage, artifact["usage"])
            keeper.changed()
            self.emit("trial_finished", **trial_finished_fields(artifact))

        tasks = [asyncio.create_task(one(sid, rep)) for sid, rep in pending]
        try:
            for finished in asyncio.as_completed(tasks):
                try:
                    await finished
                except FatalAgentError as exc:
                    self._fatal = str(exc) or "the model API refused the run"
                    for task in tasks:
                        task.cancel()
                    await asyncio.gather(*tasks, return_exceptions=True)
                    return "failed"
        except asyncio.CancelledError:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            raise
        return "completed"


async def run_worker(folder: Path, on_event: EventCallback | None = None) -> store.RunState:
    """Run a run folder's pending trials in this process; SIGTERM and SIGINT cancel the run cleanly."""
    worker = RunWorker(folder, on_event)
    loop = asyncio.get_running_loop()
    inner = asyncio.create_task(worker.run())
    handled: list[signal.Signals] = []
    for signum in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(signum, inner.cancel)
            handled.append(signum)
        except (NotImplementedError, RuntimeError, ValueError):
            pass
    try:
        return await inner
    finally:
        for signum in handled:
            loop.remove_signal_handler(signum)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the detached worker process. Exit 0 when the run completed, 1 otherwise."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m jira_bench_tui.engine.worker RUN_DIR", file=sys.stderr)
        return 2
    folder = Path(args[0])
    try:
        state = asyncio.run(run_worker(folder))
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except Exception:  # noqa: BLE001 - the worker's log is the place for an unexpected traceback
        traceback.print_exc()
        _record_crash(folder)
        return 1
    return 0 if state.status == "completed" else 1


def _record_crash(folder: Path) -> None:
    try:
        state = store.read_state(folder)
        if state.status not in store.FINAL_STATUSES:
            state.status = "failed"
            state.error = "the worker crashed; see worker.log"
            state.finished_at = state.updated_at = time.time()
            store.write_state(folder, state)
    except store.StoreError:
        pass


if __name__ == "__main__":
    sys.exit(main())
