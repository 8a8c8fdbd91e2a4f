"""A run folder's own files: create the folder (spec.json, the first state.json, events.jsonl), then read and
write spec.json, state.json and summary.json. One writer per folder: the worker (the launcher only creates it)."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from jira_bench_tui.engine.run_folder.errors import StoreError, disk_sentence
from jira_bench_tui.engine.run_folder.formats import Counts, RunSpec, RunState, RunSummary
from jira_bench_tui.engine.run_folder.json_files import read_json, write_json_atomic
from jira_bench_tui.engine.run_folder.layout import (
    events_path,
    run_dir,
    spec_path,
    state_path,
    summary_path,
    trials_dir,
)
from jira_bench_tui.engine.run_folder.stored import store_spec_parts
from jira_bench_tui.engine.run_folder.stored_cleanup import stored_lock

STATE_MAX_BYTES = 64 * 1024 * 1024
"""The biggest state.json or summary.json a reader accepts (both grow with the number of scenarios only)."""


def create_run(results: Path, spec: RunSpec) -> Path:
    """Create `<results>/runs/<run_id>` with spec.json, a queued state.json and an empty events.jsonl; its path.

    The harness and fixture `spec` holds inline are written first to `<results>/harnesses/` and `<results>/fixtures/`
    (once per content, `stored.store_spec_parts`) and spec.json names them, holding the stored lock shared meanwhile
    (`stored_cleanup`: `clean` removes no stored file while a launch is between the two). The folder is built
    hidden and renamed into place, so a reader never sees a run folder without its spec (and a failed build leaves
    nothing). FileExistsError when the folder exists; StoreError (one sentence) when it cannot
    be written (a full or read-only disk, no permission)."""
    folder = run_dir(results, spec.run_id)
    if folder.exists():
        raise FileExistsError(errno.EEXIST, "the run folder exists", str(folder))
    try:
        with stored_lock(results, exclusive=False):  # no clean removes a stored part before spec.json names it
            return _build_run(folder, store_spec_parts(results, spec))
    except OSError as exc:
        raise StoreError(f"cannot create run {spec.run_id} in {folder.parent}: {disk_sentence(exc)}") from None


def _build_run(folder: Path, spec: RunSpec) -> Path:
    folder.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=f".{spec.run_id}.", suffix=".new", dir=folder.parent))
    try:
        trials_dir(building).mkdir()
        write_json_atomic(spec_path(building), spec.model_dump(mode="json"))
        counts = Counts(total=spec.total_trials)
        per_scenario = {sid: Counts(total=spec.runs) for sid in spec.scenario_ids}
        write_state(building, RunState(status="queued", updated_at=time.time(), counts=counts,
                                       scenarios=per_scenario))
        events_path(building).touch()
        os.rename(building, folder)  # fails if a folder of this name appeared meanwhile (non-empty)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    return folder


def read_spec(folder: Path) -> RunSpec:
    """The run's spec.json; StoreError when it is missing, not JSON or not a run spec."""
    try:
        data = read_json(spec_path(folder))
        if not isinstance(data, dict):
            raise StoreError(f"spec.json in {folder} is not a run spec (not a JSON object)")
        return RunSpec.model_validate(data)
    except ValidationError as exc:
        raise StoreError(f"spec.json in {folder} is not a run spec ({exc.error_count()} errors)") from None


def write_state(folder: Path, state: RunState) -> None:
    """Replace state.json (not fsynced: the worker rewrites it every second; a crash leaves the previous whole file)."""
    write_json_atomic(state_path(folder), state.model_dump(mode="json"), durable=False)


def write_state_data(folder: Path, data: dict[str, Any]) -> None:
    """Replace state.json with a RunState already dumped to JSON data (the worker's heartbeat thread)."""
    write_json_atomic(state_path(folder), data, durable=False)


def read_state(folder: Path) -> RunState:
    """The run's state.json; StoreError when it is missing, not JSON or not a run state."""
    try:
        data = read_json(state_path(folder), STATE_MAX_BYTES)
        if not isinstance(data, dict):
            raise StoreError(f"state.json in {folder} is not a run state (not a JSON object)")
        return RunState.model_validate(data)
    except ValidationError as exc:
        raise StoreError(f"state.json in {folder} is not a run state ({exc.error_count()} errors)") from None


def write_summary(folder: Path, summary: RunSummary) -> None:
    """Replace summary.json (fsynced)."""
    write_json_atomic(summary_path(folder), summary.model_dump(mode="json"))


def read_summary(folder: Path) -> RunSummary | None:
    """The run's summary.json, or None when there is none yet; StoreError when it is not JSON or not a summary."""
    path = summary_path(folder)
    if not os.path.lexists(path):
        return None
    try:
        data = read_json(path, STATE_MAX_BYTES)
        if not isinstance(data, dict):
            raise StoreError(f"summary.json in {folder} is not a run summary (not a JSON object)")
        return RunSummary.model_validate(data)
    except ValidationError as exc:
        raise StoreError(f"summary.json in {folder} is not a run summary ({exc.error_count()} errors)") from None


RESERVE = ".worker.reserve.tmp"
RESERVE_BYTES = 1024 * 1024


def check_writable(folder: Path, what: str) -> None:
    """StoreError (one sentence naming `what`, e.g. "cannot resume run X") unless a small file can be written in the
    run folder and in its trials/ (a full or read-only disk, no permission): checked before a run starts."""
    for directory in (folder, trials_dir(folder)):
        try:
            fd, name = tempfile.mkstemp(prefix=".probe.", suffix=".tmp", dir=directory)
            try:
                os.write(fd, b"x" * 4096)
                os.fsync(fd)
            finally:
                os.close(fd)
                with contextlib.suppress(FileNotFoundError):  # a worker's takeover may have cleaned it already
                    os.unlink(name)
        except OSError as exc:
            raise StoreError(f"{what}: {disk_sentence(exc)}") from None


class SpaceReserve:
    """A hidden file of RESERVE_BYTES the worker keeps in its run folder while it runs, and gives back when the
    disk is full, so the run's end (state, summary, run_finished) can still be written. Best effort: no reserve
    when the disk is already full."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / RESERVE
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
            try:
                os.posix_fallocate(fd, 0, RESERVE_BYTES)
            finally:
                os.close(fd)
        except (OSError, AttributeError):
            self.release()

    def release(self) -> None:
        """Give the space back (remove the file); safe to call more than once."""
        try:
            os.unlink(self.path)
        except OSError:
            pass
