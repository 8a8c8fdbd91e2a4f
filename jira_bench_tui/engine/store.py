"""The run folder protocol (DESIGN.md 3.1): the only code that knows the file names inside a run folder.

<results>/runs/<run_id>/ spec.json, state.json, events.jsonl, trials/<scenario>__<rep>.json, worker.log, summary.json.
One writer per folder (the worker; the launcher only creates spec.json and the first state.json). JSON files are
replaced atomically; events.jsonl is append-only and read by byte offset, whole lines only.
"""

from __future__ import annotations

import errno
import json
import math
import os
import re
import secrets
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from jira_bench_tui.errors import UserError

SPEC = "spec.json"
STATE = "state.json"
EVENTS = "events.jsonl"
TRIALS = "trials"
WORKER_LOG = "worker.log"
SUMMARY = "summary.json"
WORKER_LOCK = "worker.lock"
CORRUPT_SUFFIX = ".corrupt"

HEARTBEAT_STALE_S = 10.0
QUEUED_STALE_S = 30.0
RunStatus = Literal["queued", "running", "completed", "failed", "cancelled"]
FINAL_STATUSES = ("completed", "failed", "cancelled")


class StoreError(UserError):
    """A run folder is missing or unreadable. The message is one sentence fit for a user (exit code 2)."""


class UnknownRunError(StoreError):
    """No run has this id."""


# ---- file formats ----------------------------------------------------------------------------------------------


class ServerChoice(BaseModel):
    """The MCP server a run benchmarks: the embedded Jira; a stdio command (`command`, sharing its own Jira); or a
    real server over a fresh embedded Jira per trial behind the REST face (`mcp-atlassian` at `version`, or `rest`:
    any stdio `command` given JIRA_URL and the proxy settings)."""

    model_config = ConfigDict(extra="forbid")
    kind: Literal["embedded", "command", "mcp-atlassian", "rest"] = "embedded"
    fixture: str | None = None  # embedded, mcp-atlassian, rest: override of the harness fixture (path or builtin:NAME)
    command: list[str] | None = None  # command, rest: argv of a stdio MCP server
    trusted: bool = False  # the user consented to run a command that came from a harness file
    version: str | None = None  # mcp-atlassian: the version that ran (a managed install, engine/server_envs.py)


class RunSpec(BaseModel):
    """spec.json: everything the worker needs, written once before it starts. Holds the harness itself, so a
    resumed run scores the same scenarios even if the file changed since."""

    model_config = ConfigDict(extra="forbid")
    run_id: str
    created_at: float
    harness_source: str  # as the user gave it: builtin:example or a path (made absolute)
    harness_name: str
    harness_version: str = "1"
    harness: dict[str, Any]  # the validated harness, as JSON
    harness_dir: str | None = None  # where relative fixture paths resolve; None for builtins
    fixture: dict[str, Any] | None = None  # the starting Jira as resolved at launch (None in runs made before it)
    model: str
    runs: int = Field(ge=1)
    concurrency: int = Field(default=4, ge=1)
    scenario_ids: list[str]  # the scenarios in this run, in order
    max_turns: int | None = Field(default=None, ge=1, le=500)  # overrides of the harness limits
    wall_time_s: float | None = None
    server: ServerChoice = Field(default_factory=ServerChoice)
    tags: dict[str, str] = Field(default_factory=dict)

    @field_validator("wall_time_s")
    @classmethod
    def _finite_wall_time(cls, value: float | None) -> float | None:
        if value is not None and not (math.isfinite(value) and value > 0):
            raise ValueError("wall_time_s must be a finite positive number of seconds")
        return value

    @property
    def total_trials(self) -> int:
        return len(self.scenario_ids) * self.runs


class Counts(BaseModel):
    total: int = 0
    done: int = 0
    passed: int = 0
    failed: int = 0
    errored: int = 0
    running: int = 0


class UsageTotals(BaseModel):
    input_tokens: int = 0
    output_tokens: int = 0
    cache_creation_input_tokens: int = 0
    cache_read_input_tokens: int = 0
    total_tokens: int = 0
    cost_usd: float = 0.0


class RunState(BaseModel):
    """state.json: the worker's snapshot, replaced atomically, with a heartbeat in `updated_at`."""

    status: RunStatus = "queued"
    pid: int | None = None
    started_at: float | None = None
    updated_at: float
    finished_at: float | None = None
    counts: Counts = Field(default_factory=Counts)
    scenarios: dict[str, Counts] = Field(default_factory=dict)
    usage: UsageTotals = Field(default_factory=UsageTotals)
    error: str | None = None


class TrialArtifact(BaseModel):
    """trials/<scenario>__<rep>.json (docs/run-folder.md): everything replay and the scores need. Fields added later
    are kept (extra="allow"), so an older reader does not reject a newer artifact."""

    model_config = ConfigDict(extra="allow")
    run_id: str
    scenario_id: str
    repetition: int = Field(ge=1)
    model: str
    outcome: Literal["passed", "failed", "error"]
    error: str | None = None
    started_at: float
    finished_at: float
    duration_s: float
    system_prompt: str = ""
    prompt: str
    final_answer: str | None = None
    stop_reason: str | None = None
    turns: int = 0
    tool_calls: int = 0
    limits: dict[str, Any] = Field(default_factory=dict)
    usage: UsageTotals = Field(default_factory=UsageTotals)
    messages: list[dict[str, Any]] = Field(default_factory=list)
    steps: list[dict[str, Any]] = Field(default_factory=list)
    checks: list[dict[str, Any]] = Field(default_factory=list)
    changes: list[dict[str, Any]] = Field(default_factory=list)


# ---- atomic JSON ---------------------------------------------------------------------------------------------


def write_json_atomic(path: Path, data: Any, *, durable: bool = True, indent: int | None = 1) -> None:
    """Write JSON to `path` so that readers see the old file or the new one, never a part (temp file + os.replace).

    The replace alone survives a killed process; `durable` also fsyncs the data first, for power loss (skip it for
    files rewritten every second, such as state.json). `indent=None` writes compact JSON (faster, for big files)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            if indent is None:
                handle.write(json.dumps(data, ensure_ascii=False, separators=(",", ":")))
            else:
                json.dump(data, handle, ensure_ascii=False, indent=indent)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def read_json(path: Path) -> Any:
    """Parse a JSON file; StoreError with a one-sentence reason when it is missing or not JSON."""
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except FileNotFoundError:
        raise StoreError(f"{path.name} is missing in {path.parent}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise StoreError(f"{path.name} in {path.parent} is not valid JSON ({exc})") from None


# ---- run ids and folders ---------------------------------------------------------------------------------------


def _slug(text: str, limit: int = 24) -> str:
    text = text.split(":", 1)[-1] if text.startswith("builtin:") else Path(text).stem if "/" in text else text
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:limit].strip("-") or "run"


def new_run_id(harness_name: str, model: str, now: float | None = None) -> str:
    """A unique, time-sortable, readable id: 20261124-101500-core-sonnet-4-5-7f3a."""
    stamp = datetime.fromtimestamp(now if now is not None else time.time(), tz=UTC).strftime("%Y%m%d-%H%M%S")
    model_slug = _slug(model.removeprefix("claude-"))
    return f"{stamp}-{_slug(harness_name)}-{model_slug}-{secrets.token_hex(2)}"


def runs_dir(results: Path) -> Path:
    return results / "runs"


def run_dir(results: Path, run_id: str) -> Path:
    return runs_dir(results) / run_id


def spec_path(folder: Path) -> Path:
    return folder / SPEC


def state_path(folder: Path) -> Path:
    return folder / STATE


def events_path(folder: Path) -> Path:
    return folder / EVENTS


def worker_log_path(folder: Path) -> Path:
    return folder / WORKER_LOG


def summary_path(folder: Path) -> Path:
    return folder / SUMMARY


def worker_lock_path(folder: Path) -> Path:
    return folder / WORKER_LOCK


def trials_dir(folder: Path) -> Path:
    return folder / TRIALS


def trial_key(scenario_id: str, repetition: int) -> str:
    return f"{scenario_id}__{repetition}"


def parse_trial_key(key: str) -> tuple[str, int]:
    scenario_id, _, rep = key.rpartition("__")
    return scenario_id, int(rep)


def trial_path(folder: Path, scenario_id: str, repetition: int) -> Path:
    return trials_dir(folder) / f"{trial_key(scenario_id, repetition)}.json"


def create_run(results: Path, spec: RunSpec) -> Path:
    """Create the run folder with spec.json and the first (queued) state.json. Fails if the folder exists."""
    folder = run_dir(results, spec.run_id)
    if folder.exists():
        raise FileExistsError(errno.EEXIST, "the run folder exists", str(folder))
    folder.parent.mkdir(parents=True, exist_ok=True)
    # built as a hidden folder, then renamed into place: a reader never sees a run folder without its spec
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



def find_run(results: Path, run_id: str) -> Path:
    """The folder of `run_id` (or of the one run whose id starts with it). UnknownRunError otherwise."""
    root = runs_dir(results)
    exact = root / run_id
    if run_id and "/" not in run_id and exact.is_dir():
        return exact
    matches = sorted(p for p in root.glob(f"{glob_escape(run_id)}*") if p.is_dir()) if root.is_dir() and run_id else []
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise UnknownRunError(f"run id {run_id!r} is ambiguous: it starts {len(matches)} runs ({matches[0].name}, ...)")
    raise UnknownRunError(f"no run {run_id!r} in {root} (see `jira-bench view list`)")


def glob_escape(text: str) -> str:
    return re.sub(r"([*?\[\]])", r"[\1]", text)


# ---- spec, state, summary, trials --------------------------------------------------------------------------------


def read_spec(folder: Path) -> RunSpec:
    try:
        return RunSpec.model_validate(read_json(spec_path(folder)))
    except ValidationError as exc:
        raise StoreError(f"spec.json in {folder} is not a run spec ({exc.error_count()} errors)") from None


def write_state(folder: Path, state: RunState) -> None:
    """Replace state.json (not fsynced: the worker rewrites it every second; a crash leaves the previous whole file)."""
    write_json_atomic(state_path(folder), state.model_dump(mode="json"), durable=False)


def write_state_data(folder: Path, data: dict[str, Any]) -> None:
    """Replace state.json with a RunState already dumped to JSON data (the worker's heartbeat thread)."""
    write_json_atomic(state_path(folder), data, durable=False)


def read_state(folder: Path) -> RunState:
    try:
        return RunState.model_validate(read_json(state_path(folder)))
    except ValidationError as exc:
        raise StoreError(f"state.json in {folder} is not a run state ({exc.error_count()} errors)") from None


def write_summary(folder: Path, summary: dict[str, Any]) -> None:
    write_json_atomic(summary_path(folder), summary)


def read_summary(folder: Path) -> dict[str, Any] | None:
    path = summary_path(folder)
    if not path.exists():
        return None
    data = read_json(path)
    return data if isinstance(data, dict) else None


def write_trial(folder: Path, scenario_id: str, repetition: int, artifact: dict[str, Any]) -> None:
    """Write a trial's artifact (compact JSON, fsynced: it is the unit of resume)."""
    write_json_atomic(trial_path(folder, scenario_id, repetition), artifact, indent=None)


def read_trial(folder: Path, scenario_id: str, repetition: int) -> dict[str, Any]:
    """A trial's artifact as written, if it is a JSON object (see read_valid_trial for the shape check)."""
    data = read_json(trial_path(folder, scenario_id, repetition))
    if not isinstance(data, dict):
        raise StoreError(f"trial {trial_key(scenario_id, repetition)} in {folder} is not a JSON object")
    return data


def read_valid_trial(folder: Path, scenario_id: str, repetition: int) -> dict[str, Any]:
    """A trial's artifact as a dict (as written); StoreError with one sentence when it is missing, not JSON, or not
    shaped like a trial artifact (TrialArtifact) of this trial."""
    key = trial_key(scenario_id, repetition)
    try:
        data = read_trial(folder, scenario_id, repetition)
    except StoreError as exc:
        raise StoreError(f"trial {key} of run {folder.name} is unreadable: {exc}") from None
    try:
        TrialArtifact.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        place = ".".join(str(part) for part in first["loc"]) or "(top)"
        raise StoreError(f"trial {key} of run {folder.name} is unreadable: its artifact is not a trial artifact "
                         f"({place}: {first['msg']})") from None
    if (data["scenario_id"], data["repetition"]) != (scenario_id, repetition):
        raise StoreError(f"trial {key} of run {folder.name} is unreadable: its artifact holds trial "
                         f"{trial_key(data['scenario_id'], data['repetition'])}")
    return data


def finished_trials(folder: Path) -> set[tuple[str, int]]:
    """(scenario_id, repetition) of every trial whose artifact is on disk: the unit of resume."""
    done: set[tuple[str, int]] = set()
    directory = trials_dir(folder)
    if not directory.is_dir():
        return done
    for path in directory.glob("*.json"):
        if path.name.startswith("."):
            continue
        try:
            done.add(parse_trial_key(path.stem))
        except ValueError:
            continue
    return done


def iter_trials(folder: Path) -> Iterator[dict[str, Any]]:
    """Every trial artifact that is a JSON object, sorted by scenario then repetition, without the shape check
    (scan_trials checks each one and keeps the unreadable ones apart)."""
    for scenario_id, repetition in sorted(finished_trials(folder)):
        try:
            yield read_trial(folder, scenario_id, repetition)
        except StoreError:
            continue


@dataclass
class TrialScan:
    """The trial artifacts of a run: the readable ones, and one sentence for each unreadable one (by key)."""

    artifacts: list[dict[str, Any]]
    unreadable: dict[tuple[str, int], str]


def scan_trials(folder: Path) -> TrialScan:
    """Read every trial artifact once, keeping apart those that are not valid JSON or not trial artifacts."""
    scan = TrialScan([], {})
    for scenario_id, repetition in sorted(finished_trials(folder)):
        try:
            scan.artifacts.append(read_valid_trial(folder, scenario_id, repetition))
        except StoreError as exc:
            scan.unreadable[(scenario_id, repetition)] = str(exc)
    return scan


def set_aside_trial(folder: Path, scenario_id: str, repetition: int) -> Path:
    """Move an unreadable artifact to trials/<key>.json.corrupt (kept for a human; no longer counts as done)."""
    source = trial_path(folder, scenario_id, repetition)
    target = source.with_name(source.name + CORRUPT_SUFFIX)
    os.replace(source, target)
    return target


# ---- events --------------------------------------------------------------------------------------------------


class EventWriter:
    """Appends events to events.jsonl, one JSON object a line, each with `t` and `type`. Only the worker writes."""

    def __init__(self, folder: Path) -> None:
        self.path = events_path(folder)
        self._seal_partial_line()
        self._handle = open(self.path, "a", encoding="utf-8")  # noqa: SIM115 - kept open for the run

    def _seal_partial_line(self) -> None:
        """A worker killed mid-write may leave a cut last line: end it, so the next event starts on its own line."""
        try:
            with open(self.path, "rb") as handle:
                handle.seek(0, os.SEEK_END)
                if handle.tell() == 0:
                    return
                handle.seek(-1, os.SEEK_END)
                last = handle.read(1)
        except FileNotFoundError:
            return
        if last != b"\n":
            with open(self.path, "ab") as handle:
                handle.write(b"\n")

    def emit(self, type_: str, **fields: Any) -> dict[str, Any]:
        event = {"t": time.time(), "type": type_, **fields}
        self._handle.write(json.dumps(event, ensure_ascii=False, default=str) + "\n")
        self._handle.flush()
        return event

    def close(self) -> None:
        self._handle.close()


@dataclass
class EventReader:
    """Reads new whole lines of an events.jsonl by byte offset; keeps a cut last line until it is complete.

    Lines that are not JSON (a line cut by a killed worker, then sealed) are skipped and counted in `skipped`.
    """

    path: Path
    offset: int = 0
    skipped: int = 0
    _partial: bytes = field(default=b"", repr=False)

    @classmethod
    def for_run(cls, folder: Path) -> EventReader:
        return cls(events_path(folder))

    def read_new(self, max_bytes: int | None = None) -> list[dict[str, Any]]:
        """Events appended since the last call (at most about `max_bytes` read per call)."""
        try:
            with open(self.path, "rb") as handle:
                size = os.fstat(handle.fileno()).st_size
                if size < self.offset:  # truncated or replaced: start again
                    self.offset, self._partial = 0, b""
                handle.seek(self.offset)
                chunk = handle.read(max_bytes if max_bytes is not None else -1)
        except FileNotFoundError:
            return []
        if not chunk:
            return []
        self.offset += len(chunk)
        data = self._partial + chunk
        lines = data.split(b"\n")
        self._partial = lines.pop()
        events: list[dict[str, Any]] = []
        for line in lines:
            if not line.strip():
                continue
            try:
                event = json.loads(line)
            except (json.JSONDecodeError, UnicodeDecodeError):
                self.skipped += 1
                continue
            if isinstance(event, dict):
                events.append(event)
            else:
                self.skipped += 1
        return events


def read_events(folder: Path) -> list[dict[str, Any]]:
    """Every whole event of a run so far."""
    return EventReader.for_run(folder).read_new()


# ---- liveness and listing -------------------------------------------------------------------------------------


def pid_alive(pid: int | None) -> bool:
    """Whether a process with this pid runs (a zombie counts as gone)."""
    if not pid or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            fields_after_name = handle.read().rsplit(")", 1)[-1].split()
        if fields_after_name and fields_after_name[0] in ("Z", "X"):
            return False
    except OSError:
        pass
    return True


DisplayStatus = Literal["queued", "running", "interrupted", "completed", "failed", "cancelled", "unreadable"]


def display_status(state: RunState, now: float | None = None) -> DisplayStatus:
    """The status a reader shows: `interrupted` when the state says running but the worker is gone or silent."""
    now = time.time() if now is None else now
    if state.status in FINAL_STATUSES:
        return state.status
    if state.status == "running":
        if not pid_alive(state.pid) or now - state.updated_at > HEARTBEAT_STALE_S:
            return "interrupted"
        return "running"
    # queued: the worker has not taken over yet
    if state.pid is not None and not pid_alive(state.pid):
        return "interrupted"
    if now - state.updated_at > QUEUED_STALE_S:
        return "interrupted"
    return "queued"


@dataclass
class RunInfo:
    """One run as a list shows it. `spec`/`state` are None when unreadable; `problem` then says why."""

    run_id: str
    path: Path
    spec: RunSpec | None
    state: RunState | None
    status: DisplayStatus
    problem: str | None = None

    @property
    def live(self) -> bool:
        return self.status in ("queued", "running")


def load_run(folder: Path, now: float | None = None) -> RunInfo:
    """Read one run folder; never raises for a corrupt folder (it comes back `unreadable`)."""
    try:
        spec = read_spec(folder)
        state = read_state(folder)
    except StoreError as exc:
        return RunInfo(folder.name, folder, None, None, "unreadable", str(exc))
    return RunInfo(folder.name, folder, spec, state, display_status(state, now))


def list_runs(results: Path, now: float | None = None) -> list[RunInfo]:
    """Every run folder under `results`, newest first (run ids sort by time). Empty if the folder does not exist."""
    root = runs_dir(results)
    if not root.is_dir():
        return []
    folders = [p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")]
    return [load_run(folder, now) for folder in sorted(folders, key=lambda p: p.name, reverse=True)]
