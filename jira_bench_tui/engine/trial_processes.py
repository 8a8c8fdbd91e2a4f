"""A run's trials spread over several processes (`--workers N`): the run's worker process stays the one writer of
the run folder; its trial processes run a share of the trials each, concurrently on their own event loop, and send
back plain data (events as their JSON records, artifacts as JSON data) over a `multiprocessing` queue.

Mechanism: the standard library's `multiprocessing` with the *spawn* context (fresh interpreters: no lock or thread
of the worker is inherited), one `Process` per share, one `Queue` back to the worker. The shares are fixed at start:
the pending trials dealt round-robin (so every process gets a mix of scenarios) and the run's concurrency split as
evenly as it goes (process i runs at most `concurrency // n` trials at once, plus one for the first
`concurrency % n`). Nothing of ours is pickled into a file; the queue carries JSON-able data only.

Ends: a trial process ends on SIGTERM (the worker's, or `kill`'s to the worker's process group) by cancelling its
trials; it ignores SIGINT (the worker, which also gets Ctrl+C, ends it); it ends by itself when its worker is gone
(checked every WATCH_PARENT_S). The worker waits CHILD_GRACE_S for its trial processes to end, then kills them.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import multiprocessing
import os
import queue as queue_module
import signal
import sys
import threading
import time
from collections.abc import Callable
from multiprocessing.process import BaseProcess
from multiprocessing.queues import Queue
from pathlib import Path
from typing import Any

TrialKey = tuple[str, int]
Message = tuple[Any, ...]
"""What a trial process sends: ("event", record), ("artifact", data), ("fatal", sentence) (the run must stop: a
refused key), ("failed", sentence) (the run must stop: an unexpected error, out of memory), ("done", index), and
("cancelled", index) when SIGTERM ended it (the run is cancelled)."""

MIN_TRIALS_PER_WORKER = 32
"""Without --workers: one process per this many pending trials (up to the cores): starting a process costs about a
second of CPU (imports), worth it only when the trials cost more than that."""
WATCH_PARENT_S = 0.5
CHILD_GRACE_S = 10.0
POLL_S = 0.1


def machine_cores() -> int:
    """The cores this process may run on (`os.process_cpu_count()` where Python has it, else the affinity mask,
    else `os.cpu_count()`), at least 1."""
    counter = getattr(os, "process_cpu_count", None)
    if counter is not None:
        return max(1, counter() or 1)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def worker_count(requested: int | None, concurrency: int, pending: int) -> int:
    """How many trial processes a run uses: `requested` (spec.json's `workers`; None: the machine's cores, one per
    MIN_TRIALS_PER_WORKER pending trials), never more than the trials that can be in flight (the concurrency) or
    pending. 1 means the trials run in the worker process itself, as before --workers."""
    if requested is None:
        wanted = min(machine_cores(), math.ceil(pending / MIN_TRIALS_PER_WORKER))
    else:
        wanted = requested
    return max(1, min(wanted, concurrency, pending))


def split(pending: list[TrialKey], concurrency: int, workers: int) -> list[tuple[list[TrialKey], int]]:
    """The shares: (trials, concurrency) of each process; trials dealt round-robin, concurrency split evenly (every
    share at least 1)."""
    shares = []
    for index in range(workers):
        slots = concurrency // workers + (1 if index < concurrency % workers else 0)
        shares.append((pending[index::workers], max(1, slots)))
    return shares


# ---- in the trial process ----------------------------------------------------------------------------------------


def child_main(folder: str, share: list[TrialKey], concurrency: int, out: Queue[Message], index: int,
               parent: int) -> None:
    """Entry point of a trial process: run `share` of the run in `folder` at `concurrency`, sending everything to
    `out`, then ("done", index)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C reaches the whole group: the worker decides, then ends us
    try:
        asyncio.run(_child(Path(folder), share, concurrency, out, parent))
        out.put(("done", index))
    except (asyncio.CancelledError, KeyboardInterrupt, SystemExit):
        out.put(("cancelled", index))  # SIGTERM: the run is being cancelled (or its worker is gone)
    except BaseException as exc:  # noqa: BLE001 - the worker records why; the traceback goes to worker.log
        from jira_bench_tui.engine.run_folder import read_spec
        from jira_bench_tui.engine.worker import failure_sentence

        with contextlib.suppress(Exception):
            out.put(("failed", failure_sentence(exc, read_spec(Path(folder)).limits, print_traceback=True)))
    finally:
        out.close()
        if os.getppid() == parent:
            out.join_thread()  # everything sent is in the pipe before the process ends
        else:  # the worker is gone: nobody reads the pipe (a sibling holds its read end open, so a full pipe
            out.cancel_join_thread()  # never breaks) and waiting to flush it would keep this process forever


async def _child(folder: Path, share: list[TrialKey], concurrency: int, out: Queue[Message], parent: int) -> None:
    from jira_bench_tui.agents.base import FatalAgentError
    from jira_bench_tui.engine import run_folder
    from jira_bench_tui.engine.worker import trial_runner

    spec = run_folder.read_spec(folder)
    runner = trial_runner(spec, folder)
    loop = asyncio.get_running_loop()
    me = asyncio.current_task()
    assert me is not None
    loop.add_signal_handler(signal.SIGTERM, me.cancel)
    watch = asyncio.create_task(_watch_parent(parent, me))
    scenarios = {s.id: s for s in runner.loaded.harness.scenarios}
    semaphore = asyncio.Semaphore(concurrency)
    started = time.perf_counter()

    def send(event: Any) -> None:
        out.put(("event", event.to_record()))

    async def one(scenario_id: str, rep: int) -> None:
        async with semaphore:
            artifact = await runner.run(scenarios[scenario_id], rep, send, announce_end=False,
                                        queued_s=time.perf_counter() - started)
        out.put(("artifact", artifact.model_dump(mode="json")))

    tasks = [asyncio.create_task(one(sid, rep)) for sid, rep in share]
    try:
        for finished in asyncio.as_completed(tasks):
            await finished
    except FatalAgentError as exc:
        out.put(("fatal", str(exc) or "the model API refused the run"))
    finally:
        for task in [*tasks, watch]:
            task.cancel()
        await asyncio.gather(*tasks, watch, return_exceptions=True)
        runner.close()
        await runner.agent.aclose()


async def _watch_parent(parent: int, task: asyncio.Task[Any]) -> None:
    """Cancel `task` when the worker process is gone (killed with SIGKILL alone): no trial process outlives it."""
    while os.getppid() == parent:
        await asyncio.sleep(WATCH_PARENT_S)
    task.cancel()


# ---- in the run's worker -----------------------------------------------------------------------------------------


class TrialProcesses:
    """The trial processes of one run, seen from its worker: start them, hand every message to `deliver` on the
    worker's event loop, and end them (SIGTERM, then SIGKILL after CHILD_GRACE_S) whatever happens."""

    def __init__(self, folder: Path, shares: list[tuple[list[TrialKey], int]],
                 deliver: Callable[[list[Message]], None]) -> None:
        self.folder = folder
        self.shares = shares
        self.deliver = deliver
        context = multiprocessing.get_context("spawn")
        self.queue: Queue[Message] = context.Queue()
        self.processes: list[BaseProcess] = [
            context.Process(target=child_main, name=f"jira-bench-trials-{index}",
                            args=(str(folder), share, slots, self.queue, index, os.getpid()))
            for index, (share, slots) in enumerate(shares)
        ]
        self._stopping = threading.Event()
        self._pump: threading.Thread | None = None

    @property
    def pids(self) -> list[int]:
        """The pids of the trial processes started."""
        return [p.pid for p in self.processes if p.pid is not None]

    def start(self) -> None:
        """Start the processes and the thread that forwards their messages to the running loop."""
        loop = asyncio.get_running_loop()
        for process in self.processes:
            process.start()
        self._pump = threading.Thread(target=self._forward, args=(loop,), name="trial-processes", daemon=True)
        self._pump.start()

    def _forward(self, loop: asyncio.AbstractEventLoop) -> None:
        """Forward messages in batches until every process has ended and the queue is empty; a process that ended
        without saying ("done", i) is reported as ("exited", i, exit code)."""
        reported: set[int] = set()
        while True:
            batch = self._drain(POLL_S)
            ended = [i for i, p in enumerate(self.processes) if i not in reported and not p.is_alive()]
            if ended:
                batch += self._drain(0)  # what an ended process sent is in the pipe: take it before its exit
                for index in ended:
                    reported.add(index)
                    batch.append(("exited", index, self.processes[index].exitcode))
            if batch:
                try:
                    loop.call_soon_threadsafe(self.deliver, batch)
                except RuntimeError:  # the loop closed: nobody to tell
                    return
            if len(reported) == len(self.processes):
                return

    def _drain(self, timeout: float) -> list[Message]:
        batch: list[Message] = []
        try:
            batch.append(self.queue.get(timeout=timeout) if timeout else self.queue.get_nowait())
            while len(batch) < 1000:
                batch.append(self.queue.get_nowait())
        except queue_module.Empty:
            pass
        except (EOFError, OSError, ValueError) as exc:  # a process killed mid-message: the rest is lost
            print(f"trial processes: a message was lost ({exc})", file=sys.stderr)
        return batch

    async def stop(self) -> None:
        """End every process still running (SIGTERM, then SIGKILL after CHILD_GRACE_S) and wait until the forwarding
        thread has handed over everything they sent."""
        for process in self.processes:
            if process.is_alive():
                with contextlib.suppress(OSError):
                    process.terminate()
        await asyncio.to_thread(self._join_all)
        if self._pump is not None:
            await asyncio.to_thread(self._pump.join)
        for process in self.processes:
            with contextlib.suppress(ValueError):
                process.close()
        self.queue.close()
        await asyncio.sleep(0)  # let the last batch handed over be delivered

    def _join_all(self) -> None:
        deadline = time.monotonic() + CHILD_GRACE_S
        for process in self.processes:
            process.join(max(0.0, deadline - time.monotonic()))
        for process in self.processes:
            if process.is_alive():
                process.kill()
                process.join(CHILD_GRACE_S)

    @staticmethod
    def exit_sentence(code: int | None, limits: Any = None) -> str:
        """Why the run stops when a trial process ended without finishing its share (`limits`: the run's
        WorkerLimits; each trial process has the worker's CPU time limit, which SIGXCPU says it reached)."""
        if code is not None and limits is not None and code == -getattr(signal, "SIGXCPU", 0):
            from jira_bench_tui.engine.limits import cpu_sentence

            return cpu_sentence(limits)
        if code is not None and code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            return f"a trial process was killed ({name}); see worker.log"
        return f"a trial process ended unexpectedly (exit code {code}); see worker.log"
