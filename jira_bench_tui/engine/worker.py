"""The run worker: `python -m jira_bench_tui.engine.worker RUN_DIR [--resume]` runs a run folder's pending trials.

It claims the run's worker.lock, reads everything from spec.json, takes over state.json (heartbeat <= 2 s, written
from a thread), runs trials in parallel up to the run's concurrency, writes events and artifacts, and ends with
summary.json and `run_finished`. SIGTERM/SIGINT cancel cleanly; a FatalAgentError (401) or any unexpected error fails
the run (resumable). `jira-bench run` without --background runs the same loop in-process.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from jira_bench_tui.agents.base import Agent, FatalAgentError
from jira_bench_tui.engine import run_folder, worker_lock
from jira_bench_tui.engine.limits import (
    apply_limits,
    cpu_sentence,
    lift_memory_limit,
    memory_sentence,
    out_of_memory,
)
from jira_bench_tui.engine.reasons import exception_reason
from jira_bench_tui.engine.run_end import (
    announce_end,
    close_state,
    count_artifact,
    counts_from_artifacts,
    reconcile,
    record_end,
)
from jira_bench_tui.engine.run_folder import (
    AnyEvent,
    EventSink,
    LogEvent,
    RunStartedEvent,
    TrialArtifact,
    TrialStartedEvent,
)
from jira_bench_tui.engine.trial import TrialOptions, TrialRunner, trial_finished_event
from jira_bench_tui.engine.trial_processes import Message, TrialProcesses, split, worker_count
from jira_bench_tui.errors import UserError
from jira_bench_tui.harness.loader import LoadedHarness, StoredFixture, harness_from_spec

HEARTBEAT_S = 1.0
STATE_COALESCE_S = 0.02


class _StateKeeper:
    """Writes state.json from a small thread: on every change (coalesced a few ms) and at least every second, so the
    heartbeat goes on even while the event loop is busy. The loop hands over a snapshot with `changed()`.

    When the run folder has been removed under the worker, it calls `on_gone` on the loop (the worker then cancels
    itself) instead of writing."""

    def __init__(self, folder: Path, state: run_folder.RunState, on_gone: Callable[[], None]) -> None:
        self.folder = folder
        self.state = state
        self.on_gone = on_gone
        self.gone = False
        self._snapshot = state.model_dump(mode="json")
        self._write_lock = threading.Lock()
        self._dirty = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._last_error: str | None = None

    def changed(self) -> None:
        """The state changed (call on the loop): the thread writes it within a few ms."""
        self._snapshot = self.state.model_dump(mode="json")
        self._dirty.set()

    def write_now(self) -> None:
        """Write the state at once (on the loop: the first and the last write)."""
        self._snapshot = self.state.model_dump(mode="json")
        self._write()

    def _write(self) -> None:
        with self._write_lock:
            if self.gone:
                return
            if not run_folder.spec_path(self.folder).exists():
                self.gone = True
                if self._loop is not None:
                    self._loop.call_soon_threadsafe(self.on_gone)
                else:
                    self.on_gone()
                return
            snapshot = dict(self._snapshot)
            snapshot["updated_at"] = time.time()
            run_folder.write_state_data(self.folder, snapshot)

    def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._thread = threading.Thread(target=self._beat, name="state-heartbeat", daemon=True)
        self._thread.start()

    def _beat(self) -> None:
        while not self._stopping.is_set():
            if self._dirty.wait(HEARTBEAT_S):
                self._stopping.wait(STATE_COALESCE_S)
            if self._stopping.is_set():
                return
            self._dirty.clear()
            try:
                self._write()
                self._last_error = None
            except OSError as exc:  # a full disk must not kill the heartbeat thread; the next beat tries again
                reason = run_folder.disk_sentence(exc)
                if reason != self._last_error:  # once, not every second
                    print(f"state.json not written: {reason}", file=sys.stderr)
                self._last_error = reason

    async def stop(self) -> None:
        self._stopping.set()
        self._dirty.set()
        if self._thread is not None:
            await asyncio.to_thread(self._thread.join)


def load_spec_harness(spec: run_folder.RunSpec, folder: Path) -> LoadedHarness:
    """The run's harness and fixture as spec.json names them (`run_folder.spec_harness`/`spec_fixture`: the files
    stored at launch, or the copies in older specs; runs made before the fixture was kept read the fixture file
    again). A stored fixture file is checked whole (its hash, read in chunks) but read only when its template
    database must be built (`LoadedHarness.template_for`). HarnessError or StoreError (both UserErrors) when they
    cannot be used."""
    harness = run_folder.spec_harness(folder, spec)
    ref = spec.fixture_file
    if ref is not None:
        run_folder.check_stored(folder, ref, "fixture")
        stored = StoredFixture(sha256=ref.sha256, read=lambda: run_folder.spec_fixture(folder, spec))
        return harness_from_spec(harness, spec.harness_source, spec.harness_dir, spec.server.fixture,
                                 stored_fixture=stored)
    return harness_from_spec(harness, spec.harness_source, spec.harness_dir, spec.server.fixture,
                             run_folder.spec_fixture(folder, spec))


def trial_runner(spec: run_folder.RunSpec, folder: Path) -> TrialRunner:
    """The trial runner of a run (its harness, agent and server from spec.json alone): the worker's, or each trial
    process's. Its templates are found (or built: then the worker builds them before its trial processes start)
    before the first trial. UserError when the spec cannot be used."""
    from jira_bench_tui.engine.agent_factory import make_agent

    loaded = load_spec_harness(spec, folder)
    command = spec.server.command if spec.server.kind == "command" else None
    if command is None:
        wanted = set(spec.scenario_ids)
        loaded.prepare_templates([s for s in loaded.harness.scenarios if s.id in wanted])
    options = TrialOptions(run_id=spec.run_id, model=spec.model, max_turns=spec.max_turns,
                           wall_time_s=spec.wall_time_s, server_command=command,
                           server_env=dict(loaded.harness.server.env) if command else {})
    if spec.server.kind in ("mcp-atlassian", "rest"):
        from jira_bench_tui.engine.rest_servers import trial_server

        options.rest_server = trial_server(spec.server.kind, spec.server.version, spec.server.command)
    agent: Agent = make_agent(spec.model, folder.parent.parent, spec.model_base_url, spec.model_args)
    return TrialRunner(loaded, agent, options)


def failure_sentence(exc: BaseException, limits: run_folder.WorkerLimits, *, print_traceback: bool) -> str:
    """Why the run failed, in one sentence: out of memory (naming the --max-memory limit), a run folder that cannot be
    written (full or read-only disk); anything else is an unexpected error (its traceback goes to the worker's log
    when `print_traceback`)."""
    if out_of_memory(exc, limits):
        lift_memory_limit()  # room to record the end
        return memory_sentence(limits)
    disk = run_folder.disk_error(exc)
    if disk is not None and not isinstance(exc, (FatalAgentError, UserError)):
        return f"the run stopped: {run_folder.disk_sentence(disk)}"
    if print_traceback:
        traceback.print_exc()  # the worker's log
    return f"the run stopped on an unexpected error: {exception_reason(exc)}"


def _cancel(task: asyncio.Task[object]) -> None:
    task.cancel()


async def _cancel_all(tasks: list[asyncio.Task[None]]) -> None:
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


class RunWorker:
    """Runs the pending trials of one run folder. `on_event` sees every event (the foreground display); when it
    raises (a closed terminal), the display stops and the run goes on. `resume` allows taking over a run that ended
    (cancelled or failed); without it, a run that ended before this worker started (killed while queued) is left."""

    def __init__(self, folder: Path, on_event: EventSink | None = None, *, resume: bool = False) -> None:
        self.folder = folder
        self.on_event = on_event
        self.resume = resume
        self.spec = run_folder.read_spec(folder)
        self._writer: run_folder.EventWriter | None = None
        self._fatal: str | None = None
        self._announced: dict[str, str] = {}  # trial key: outcome of its trial_finished event
        self._writes: set[asyncio.Future[None]] = set()  # artifact writes under way
        self._reserve: run_folder.SpaceReserve | None = None  # made at takeover
        self._limit_hit = False
        self._keeper: _StateKeeper | None = None
        self._workers = 1  # trial processes (1: the trials run in this process)

    def emit(self, event: AnyEvent) -> None:
        """Write an event to events.jsonl and show it on the display (`on_event`), if any."""
        assert self._writer is not None
        self._writer.write(event)
        if self.on_event is not None:
            try:
                self.on_event(event)
            except Exception as exc:  # noqa: BLE001 - a broken display must not hurt the run
                self.on_event = None
                self._writer.write(LogEvent(level="warning",
                                            message=f"the display stopped ({exception_reason(exc)}); the run goes on"))

    def watch_cpu_limit(self, loop: asyncio.AbstractEventLoop, task: asyncio.Task[run_folder.RunState]) -> None:
        """When the run has a CPU time limit: at SIGXCPU (the soft limit) say why in state.json at once (a reader
        of a worker that the hard limit then kills shows it failed, with the sentence) and end the run `failed`. The
        handler is a plain signal handler: it runs even while the event loop is busy."""
        if not self.spec.limits.max_cpu_time_s or not hasattr(signal, "SIGXCPU"):
            return
        sentence = cpu_sentence(self.spec.limits)

        def on_limit(_signum: int, _frame: object) -> None:
            if self._limit_hit:
                return
            self._limit_hit = True
            self._fatal = sentence
            if self._keeper is not None:
                self._keeper.state.error = sentence
                self._keeper.changed()
            loop.call_soon_threadsafe(task.cancel)

        signal.signal(signal.SIGXCPU, on_limit)

    async def run(self) -> run_folder.RunState:
        """Claim the run, run every trial without an artifact, release it; returns the final state (completed,
        failed or cancelled). UserError when another worker holds the run or the run is not to be taken over."""
        me = os.getpid()
        holder = worker_lock.claim_worker_lock(self.folder, me)
        if holder is not None:
            raise UserError(f"run {self.spec.run_id} already has a worker (pid {holder})")
        try:
            if self.spec.limits.any:
                try:
                    apply_limits(self.spec.limits)  # inherited by the --server processes it starts
                except (OSError, ValueError) as exc:
                    raise UserError(f"cannot apply the worker's limits: {exc}") from None
            return await self._take_over(me)
        finally:
            worker_lock.release_worker_lock(self.folder, me)

    async def _take_over(self, me: int) -> run_folder.RunState:
        spec = self.spec
        previous = run_folder.read_state(self.folder)
        if previous.status in run_folder.FINAL_STATUSES and not self.resume:
            raise UserError(f"run {spec.run_id} is already {previous.status}; not taking it over "
                            f"(`jira-bench resume {spec.run_id}` finishes it)")
        if (previous.status == "running" and previous.pid not in (None, me)
                and worker_lock.is_run_worker(previous.pid, self.folder, previous)):
            raise UserError(f"run {spec.run_id} already has a worker (pid {previous.pid})")
        run_folder.remove_temp_files(self.folder)  # left by a worker killed mid-write
        self._reserve = run_folder.SpaceReserve(self.folder)  # room to record the end on a full disk
        scan = run_folder.scan_trials(self.folder)
        set_aside = [(key, reason, run_folder.set_aside_trial(self.folder, *key)) for key, reason in scan.unreadable.items()]
        done = {(a.scenario_id, a.repetition) for a in scan.artifacts}
        state = counts_from_artifacts(spec, scan.artifacts)
        state.pid = me
        state.started_at = previous.started_at or time.time()
        this_task = asyncio.current_task()
        assert this_task is not None
        keeper = self._keeper = _StateKeeper(self.folder, state, on_gone=lambda: _cancel(this_task))
        keeper.write_now()
        self._announced = run_folder.finished_in_events(self.folder)
        self._writer = run_folder.EventWriter(self.folder)
        pending = [(sid, rep) for rep in range(1, spec.runs + 1) for sid in spec.scenario_ids if (sid, rep) not in done]
        self._workers = worker_count(spec.workers, spec.concurrency, len(pending))
        self.emit(RunStartedEvent(run_id=spec.run_id, model=spec.model, harness=spec.harness_name,
                                  total=spec.total_trials, pending=len(pending),
                                  resumed=bool(done) or previous.status != "queued", concurrency=spec.concurrency,
                                  workers=self._workers))
        for (sid, rep), reason, moved in set_aside:
            self.emit(LogEvent.model_validate({
                "level": "warning", "trial": run_folder.trial_key(sid, rep), "scenario": sid, "rep": rep,
                "message": f"{reason}; kept as {moved.name} and run again", run_folder.SET_ASIDE_FIELD: True}))
            self._announced.pop(run_folder.trial_key(sid, rep), None)
        reconcile(self.folder, spec, state, self.emit, self._announced)  # events a killed worker did not write
        keeper.start()
        return await self._work(pending, keeper)

    async def _work(self, pending: list[tuple[str, int]], keeper: _StateKeeper) -> run_folder.RunState:
        """Run the pending trials, then record the end whatever happens (reconciled with the artifacts on disk)."""
        state = keeper.state
        status: run_folder.RunStatus = "failed"
        try:
            try:
                runner = trial_runner(self.spec, self.folder)
            except UserError as exc:
                self._fatal = str(exc)
            else:
                try:
                    if self._workers > 1:
                        runner.close()  # the trial processes make their own
                        status = await self._run_in_processes(pending, keeper)
                    else:
                        status = await self._run_trials(runner, pending, keeper)
                finally:
                    runner.close()
                    await runner.agent.aclose()
        except asyncio.CancelledError:
            status = "failed" if self._limit_hit else "cancelled"
        except Exception as exc:  # noqa: BLE001 - recorded as a failed (resumable) run, never as completed
            self._fatal = self._fatal or failure_sentence(exc, self.spec.limits, print_traceback=self.on_event is None)
            status = "failed"
        finally:
            await keeper.stop()
            await self._settle_writes()
            if self._reserve is not None:
                self._reserve.release()
            self._record_end(keeper, status)
        return state

    def _record_end(self, keeper: _StateKeeper, status: run_folder.RunStatus) -> None:
        """The end, reconciled with the artifacts on disk: events, summary.json, then the final state. A folder that
        cannot be written (a full or read-only disk) leaves the run failed in memory and one line in the log."""
        state = keeper.state
        close_state(state, status, self._fatal)
        try:
            artifacts = None
            if not keeper.gone:
                artifacts = reconcile(self.folder, self.spec, state, self.emit, self._announced)
                close_state(state, status, self._fatal)
            announce_end(self.folder, self.spec, state, self.emit, write_summary=not keeper.gone,
                         artifacts=artifacts)
        except OSError as exc:
            close_state(state, "failed", self._fatal or f"the run stopped: {run_folder.disk_sentence(exc)}")
            print(f"the end of the run was not fully recorded: {run_folder.disk_sentence(exc)}", file=sys.stderr)
        try:
            keeper.write_now()
        except OSError as exc:
            print(f"state.json not written: {run_folder.disk_sentence(exc)}", file=sys.stderr)
        finally:
            assert self._writer is not None
            self._writer.close()

    async def _settle_writes(self) -> None:
        """Wait for artifact writes still under way (a cancelled trial's write goes on in its thread): the end is
        recorded from what is on disk."""
        while self._writes:
            await asyncio.gather(*self._writes, return_exceptions=True)

    async def _write_artifact(self, artifact: TrialArtifact) -> None:
        """Write a trial's artifact in a thread, shielded: a cancel while it is written lets the write finish (the end
        then counts it), so an artifact is never half counted."""
        write = asyncio.ensure_future(asyncio.to_thread(run_folder.write_trial, self.folder, artifact))
        self._writes.add(write)
        write.add_done_callback(self._write_done)
        await asyncio.shield(write)

    def _write_done(self, write: asyncio.Future[None]) -> None:
        """A write ended: forget it (its error, if any, was raised to the trial that waited for it, or is seen by
        the run's end through the artifacts on disk: never a 'never retrieved' warning)."""
        self._writes.discard(write)
        if not write.cancelled():
            write.exception()

    async def _run_trials(self, runner: TrialRunner, pending: list[tuple[str, int]],
                          keeper: _StateKeeper) -> run_folder.RunStatus:
        state = keeper.state
        semaphore = asyncio.Semaphore(self.spec.concurrency)
        scenarios = {s.id: s for s in runner.loaded.harness.scenarios}
        started = time.perf_counter()

        async def one(scenario_id: str, rep: int) -> None:
            per = state.scenarios[scenario_id]
            async with semaphore:  # `running` counts only trials inside the semaphore: never above the concurrency
                state.counts.running += 1
                per.running += 1
                keeper.changed()
                try:
                    artifact = await runner.run(scenarios[scenario_id], rep, self.emit, announce_end=False,
                                                queued_s=time.perf_counter() - started)
                finally:
                    state.counts.running -= 1
                    per.running -= 1
            # outside the semaphore and in a thread: the fsync must stall neither the next trial nor the others
            if not keeper.gone:
                await self._write_artifact(artifact)
            count_artifact(state, artifact)
            keeper.changed()
            self.emit(trial_finished_event(artifact))
            self._announced[artifact.key] = artifact.outcome

        tasks = [asyncio.create_task(one(sid, rep)) for sid, rep in pending]
        try:
            for finished in asyncio.as_completed(tasks):
                await finished
        except FatalAgentError as exc:
            self._fatal = str(exc) or "the model API refused the run"
            await _cancel_all(tasks)
            return "failed"
        except BaseException:
            await _cancel_all(tasks)
            raise
        return "completed"


    # ---- trials in several processes (--workers N) -------------------------------------------------------------

    async def _run_in_processes(self, pending: list[tuple[str, int]], keeper: _StateKeeper) -> run_folder.RunStatus:
        """Run the pending trials in `self._workers` trial processes (engine/trial_processes.py); this process alone
        writes the run folder from what they send. Their end is awaited whatever happens (no process outlives the
        run)."""
        loop = asyncio.get_running_loop()
        outcome: asyncio.Future[run_folder.RunStatus] = loop.create_future()
        link = _ProcessLink(self, keeper, outcome)
        processes = TrialProcesses(self.folder, split(pending, self.spec.concurrency, self._workers), link.deliver)
        link.expected = len(processes.processes)
        processes.start()
        self.emit(LogEvent.model_validate({"level": "info", "worker_pids": processes.pids,
                                           "message": f"{len(processes.processes)} trial processes "
                                                      f"(pids {', '.join(map(str, processes.pids))})"}))
        try:
            status = await outcome
        finally:
            link.stopping = True
            await processes.stop()
            await link.settle()
        return status


class _ProcessLink:
    """What the worker does with the messages of its trial processes (on its loop): events are written as they come
    (`trial_started` counts the trial as running), artifacts are written in a thread then announced, a fatal or
    failed message ends the run `failed`, a process ended by SIGTERM cancels it, and every process saying done (or
    ending) resolves `outcome`."""

    def __init__(self, worker: RunWorker, keeper: _StateKeeper, outcome: asyncio.Future[run_folder.RunStatus]) -> None:
        self.worker = worker
        self.keeper = keeper
        self.outcome = outcome
        self.expected = 0
        self.accounted: set[int] = set()
        self.finishing: set[asyncio.Task[None]] = set()
        self.errors: list[Exception] = []
        self.stopping = False

    def deliver(self, batch: list[Message]) -> None:
        """Handle a batch of messages; an error (the run folder cannot be written) fails the run."""
        try:
            for message in batch:
                self._handle(message)
        except Exception as exc:  # noqa: BLE001 - given to the run, which fails with its sentence
            self._resolve(exc)

    def _handle(self, message: Message) -> None:
        kind = message[0]
        if kind == "event":
            event = run_folder.parse_event(message[1])
            if isinstance(event, TrialStartedEvent):
                self._running(event.scenario, +1)
            if event is not None:
                self.worker.emit(event)
        elif kind == "artifact":
            artifact = TrialArtifact.model_validate(message[1])
            self._running(artifact.scenario_id, -1)
            task = asyncio.ensure_future(self._finish(artifact))
            self.finishing.add(task)
            task.add_done_callback(self.finishing.discard)
        elif kind in ("fatal", "failed"):
            self.worker._fatal = self.worker._fatal or str(message[1])
            self._resolve("failed")
        elif kind == "cancelled" or (kind == "exited" and message[2] == -signal.SIGTERM):
            # a SIGTERM reached a trial process (`kill` signals the whole group), even before it could handle it
            self.accounted.add(int(message[1]))
            if not self.stopping and not self.outcome.done():
                self.outcome.cancel()
        elif kind in ("done", "exited"):
            index = int(message[1])
            if kind == "exited" and index not in self.accounted and not self.stopping:
                self.worker._fatal = self.worker._fatal or TrialProcesses.exit_sentence(message[2], self.worker.spec.limits)
                self._resolve("failed")
            self.accounted.add(index)
            if len(self.accounted) >= self.expected:
                self._resolve("completed")

    def _running(self, scenario_id: str, step: int) -> None:
        state = self.keeper.state
        for counts in (state.counts, state.scenarios.get(scenario_id)):
            if counts is not None:
                counts.running = max(0, counts.running + step)
        self.keeper.changed()

    async def _finish(self, artifact: TrialArtifact) -> None:
        try:
            if not self.keeper.gone:
                await self.worker._write_artifact(artifact)
            count_artifact(self.keeper.state, artifact)
            self.keeper.changed()
            self.worker.emit(trial_finished_event(artifact))
            self.worker._announced[artifact.key] = artifact.outcome
        except Exception as exc:  # noqa: BLE001 - the run fails with its sentence
            self.errors.append(exc)
            self._resolve(exc)

    def _resolve(self, result: run_folder.RunStatus | Exception) -> None:
        if self.outcome.done():
            return
        if isinstance(result, Exception):
            self.outcome.set_exception(result)
        else:
            self.outcome.set_result(result)

    async def settle(self) -> None:
        """Wait for the artifacts under way (every one the processes sent is written before the end); the first
        error one of them met is raised (the run fails with it)."""
        while self.finishing:
            await asyncio.gather(*self.finishing, return_exceptions=True)
        if self.errors:
            raise self.errors[0]


async def run_worker(folder: Path, on_event: EventSink | None = None, *, resume: bool = False) -> run_folder.RunState:
    """Run a run folder's pending trials in this process; SIGTERM and SIGINT cancel the run cleanly."""
    worker = RunWorker(folder, on_event, resume=resume)
    loop = asyncio.get_running_loop()
    inner = asyncio.create_task(worker.run())
    worker.watch_cpu_limit(loop, inner)
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
    """Entry point of the detached worker process. Exit 0 when the run completed, 2 when it could not be taken over
    (another worker holds it, it already ended, its spec is unusable), 1 otherwise."""
    args = sys.argv[1:] if argv is None else argv
    resume = "--resume" in args
    args = [a for a in args if a != "--resume"]
    if len(args) != 1:
        print("usage: python -m jira_bench_tui.engine.worker RUN_DIR [--resume]", file=sys.stderr)
        return 2
    folder = Path(args[0])
    run_folder.keep_worker_log_small(folder)  # a detached worker: its log (and its servers') rotates at a size
    try:
        state = asyncio.run(run_worker(folder, resume=resume))
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (Exception, asyncio.CancelledError) as exc:  # noqa: BLE001 - the worker's log is the place for a traceback
        reason = _crash_sentence(folder, exc)  # first: it lifts a memory limit that may have stopped the worker
        traceback.print_exc()
        _record_crash(folder, reason)
        return 1
    return 0 if state.status == "completed" else 1


def _crash_sentence(folder: Path, exc: BaseException) -> str:
    """Why the worker crashed: its memory limit (or memory) when it ran out of memory, else see worker.log."""
    lift_memory_limit()  # room to record the crash
    try:
        limits = run_folder.read_spec(folder).limits
    except UserError:
        limits = run_folder.WorkerLimits()
    return memory_sentence(limits) if out_of_memory(exc, limits) else "the worker crashed; see worker.log"


def _record_crash(folder: Path, reason: str = "the worker crashed; see worker.log") -> None:
    """A worker that crashed before it could record its end: the run is failed (resumable), reconciled with its
    artifacts, if no one else runs it."""
    me = os.getpid()
    try:
        if worker_lock.claim_worker_lock(folder, me) is not None:
            return
    except (OSError, UserError):
        return
    try:
        state = run_folder.read_state(folder)
        if state.pid in (None, me):
            record_end(folder, "failed", reason)
    except (UserError, OSError) as exc:
        print(f"the crash could not be recorded: {exc}", file=sys.stderr)
    finally:
        worker_lock.release_worker_lock(folder, me)


if __name__ == "__main__":
    sys.exit(main())
