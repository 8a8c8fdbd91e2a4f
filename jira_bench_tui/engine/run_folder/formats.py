"""The formats of a run folder's JSON files: spec.json (RunSpec), state.json (RunState), summary.json (RunSummary)
and their parts.

Trial artifacts are in `artifact.py`, events in `events.py`. docs/run-folder.md describes every field.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

RunStatus = Literal["queued", "running", "completed", "failed", "cancelled"]
FINAL_STATUSES: tuple[RunStatus, ...] = ("completed", "failed", "cancelled")

MAX_PID = 2**31 - 1
"""No pid is above this (pid_t is a signed 32-bit int); a bigger one in a file is corrupt."""
MAX_COUNT = 10**12
MAX_TIME = 1e11
"""The latest Unix time (seconds) a run folder may hold (year 5138): bigger ones are corrupt."""
Pid = Annotated[int, Field(ge=0, le=MAX_PID)]  # 0: no process (never alive)
Count = Annotated[int, Field(ge=0, le=MAX_COUNT)]
Stamp = Annotated[float, Field(ge=0, le=MAX_TIME, allow_inf_nan=False)]
MAX_NOTE = 200
"""The longest run note (characters)."""
Money = Annotated[float, Field(ge=0, le=1e12, allow_inf_nan=False)]


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


class StoredFile(BaseModel):
    """A JSON file kept once per results folder by its content (run_folder/stored.py): `sha256` (hex) of its bytes and
    its `path` relative to the results folder, `harnesses/sha256-<hex>.json` or `fixtures/sha256-<hex>.json` (never
    anything else: no absolute path, no `..`)."""

    model_config = ConfigDict(extra="forbid")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    path: str = Field(pattern=r"^(harnesses|fixtures)/sha256-[0-9a-f]{64}\.json$")

    @model_validator(mode="after")
    def _path_names_the_hash(self) -> StoredFile:
        if not self.path.endswith(f"/sha256-{self.sha256}.json"):
            raise ValueError("path must name the file by its sha256")
        return self


class WorkerLimits(BaseModel):
    """Resource limits of the run's worker, applied by the worker to itself (engine/limits.py); None: no limit.
    Memory in bytes (address space), CPU time in seconds, nice 0-19."""

    model_config = ConfigDict(extra="forbid")
    max_memory_bytes: int | None = Field(default=None, ge=1, le=2**62)
    max_cpu_time_s: float | None = Field(default=None, gt=0, le=1e7, allow_inf_nan=False)
    nice: int | None = Field(default=None, ge=0, le=19)

    @property
    def any(self) -> bool:
        """Whether any limit is set."""
        return any(value is not None for value in (self.max_memory_bytes, self.max_cpu_time_s, self.nice))


class RunSpec(BaseModel):
    """spec.json: everything the worker needs, written once before it starts.

    Names the harness and the fixture as resolved at launch, kept once per results folder by content
    (`harness_file`, `fixture_file`; specs written before held them inline in `harness` and `fixture`, which still
    read): a resumed run scores the same scenarios even if the files it was launched with changed since. Read them
    with `run_folder.spec_harness` / `spec_fixture`. Times are Unix seconds."""

    model_config = ConfigDict(extra="forbid")
    run_id: str
    created_at: Stamp
    harness_source: str  # as the user gave it: builtin:example or a path (made absolute)
    harness_name: str
    harness_version: str = "1"
    harness: dict[str, Any] | None = None  # the validated harness, as JSON: inline in older specs, else None
    harness_file: StoredFile | None = None  # the validated harness, stored once per results folder
    harness_dir: str | None = None  # where relative fixture paths resolve; None for builtins
    fixture: dict[str, Any] | None = None  # the starting Jira as resolved at launch: inline in older specs, else None
    fixture_file: StoredFile | None = None  # the same, stored once per results folder (None: a `command` server)
    model: str
    # the model's endpoint (--model-base-url, else the provider's *_BASE_URL at launch; None: the provider's own) and
    # extra API arguments (--model-arg KEY=VALUE). Never a key: keys stay in the environment.
    model_base_url: str | None = None
    model_args: dict[str, Any] = Field(default_factory=dict)
    runs: int = Field(ge=1, le=1_000_000)
    concurrency: int = Field(default=4, ge=1, le=100_000)
    # trial processes (--workers N); None (and in older specs): the machine's cores, one per 32 pending trials
    workers: int | None = Field(default=None, ge=1, le=1024)
    scenario_ids: list[str]  # the scenarios in this run, in order
    max_turns: int | None = Field(default=None, ge=1, le=500)  # overrides of the harness limits
    wall_time_s: float | None = None
    server: ServerChoice = Field(default_factory=ServerChoice)
    tags: dict[str, str] = Field(default_factory=dict)
    limits: WorkerLimits = Field(default_factory=WorkerLimits)  # absent in specs made before it: no limits
    # the user's label for the run (--note, the form's Note field), one line; None: no note (and in older specs)
    note: str | None = Field(default=None, max_length=MAX_NOTE)
    # the runs launched together for several models (`run --model a --model b`) share this id; None: a lone run
    sweep_id: str | None = Field(default=None, max_length=64)

    @model_validator(mode="after")
    def _holds_a_harness(self) -> RunSpec:
        if self.harness is None and self.harness_file is None:
            raise ValueError("a run spec holds its harness (harness_file, or harness in older specs)")
        return self

    @field_validator("wall_time_s")
    @classmethod
    def _finite_wall_time(cls, value: float | None) -> float | None:
        if value is not None and not (math.isfinite(value) and value > 0):
            raise ValueError("wall_time_s must be a finite positive number of seconds")
        return value

    @property
    def total_trials(self) -> int:
        """How many trials the run has: scenarios times repetitions."""
        return len(self.scenario_ids) * self.runs


class Counts(BaseModel):
    """Trial counts of a run or of one scenario: `done` = passed + failed + errored; `running` now (each 0 to
    MAX_COUNT)."""

    total: Count = 0
    done: Count = 0
    passed: Count = 0
    failed: Count = 0
    errored: Count = 0
    running: Count = 0


class UsageTotals(BaseModel):
    """Tokens and cost (USD) of a model turn, a trial or a whole run."""

    input_tokens: Count = 0
    output_tokens: Count = 0
    cache_creation_input_tokens: Count = 0
    cache_read_input_tokens: Count = 0
    total_tokens: Count = 0
    cost_usd: Money = 0.0


class RunState(BaseModel):
    """state.json: the worker's snapshot, replaced atomically, with a heartbeat in `updated_at` (Unix seconds).

    Every number is bounded (a pid is 0 to MAX_PID, times 0 to MAX_TIME, no inf/nan): a state outside them is
    corrupt, read as a StoreError, never an OverflowError in a reader."""

    status: RunStatus = "queued"
    pid: Pid | None = None
    started_at: Stamp | None = None
    updated_at: Stamp
    finished_at: Stamp | None = None
    counts: Counts = Field(default_factory=Counts)
    scenarios: dict[str, Counts] = Field(default_factory=dict)
    usage: UsageTotals = Field(default_factory=UsageTotals)
    error: str | None = None


class Distribution(BaseModel):
    """median, p90 and total of a per-trial figure over the run's trials."""

    median: float
    p90: float
    total: float


class PerTrial(BaseModel):
    """Per-trial statistics of a run (None when no trial counted): tokens, cost (USD), turns, tool calls, seconds."""

    tokens: Distribution | None = None
    cost_usd: Distribution | None = None
    turns: Distribution | None = None
    tool_calls: Distribution | None = None
    duration_s: Distribution | None = None


class ScenarioScore(BaseModel):
    """One scenario's results: `done` = passed + failed + errored; `pass_rate` over passed + failed (None when
    nothing was scored)."""

    passed: int = 0
    failed: int = 0
    errored: int = 0
    total: int = 0
    done: int = 0
    pass_rate: float | None = None


class RunSummary(BaseModel):
    """summary.json: the run's scores when it ended (engine/scoring.py). Errored trials are out of every rate's
    denominator; `pass_at_k`/`pass_hat_k` are keyed by k as a string; cost in USD. Fields added later are kept."""

    model_config = ConfigDict(extra="allow")
    run_id: str
    status: str
    error: str | None = None
    model: str
    harness: str
    runs: Count
    total: Count
    done: Count
    passed: Count
    failed: Count
    errored: Count
    pass_rate: float | None = Field(ge=0, le=1, allow_inf_nan=False)
    error_rate: float | None = Field(ge=0, le=1, allow_inf_nan=False)
    pass_at_k: dict[str, float] = Field(default_factory=dict)
    pass_hat_k: dict[str, float] = Field(default_factory=dict)
    tokens: Count = 0
    cost_usd: Money = 0.0
    per_trial: PerTrial = Field(default_factory=PerTrial)
    scenarios: dict[str, ScenarioScore] = Field(default_factory=dict)
