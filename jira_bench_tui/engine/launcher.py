"""Start runs: check a run request (every problem one UserError naming its form field), create the run folder, spawn
the detached worker. Also the entry point of run control for the app (kill_run, resume_run come from control.py).
"""

from __future__ import annotations

import json
import math
import secrets
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from jira_bench_tui.engine import run_folder, server_envs
from jira_bench_tui.engine.control import kill_run, resume_run
from jira_bench_tui.engine.limits import parse_limits
from jira_bench_tui.engine.rest_servers import REST_KINDS, parse_server_text, trial_server
from jira_bench_tui.engine.server_command import parse_server_command, probe_server_command
from jira_bench_tui.engine.solution_tools import check_solution_tools, embedded_tool_names
from jira_bench_tui.engine.spawn import spawn_worker
from jira_bench_tui.errors import UserError
from jira_bench_tui.harness.loader import HarnessError, LoadedHarness, load_harness

__all__ = [
    "RunRequest", "check_request", "create_run", "spawn_worker", "launch", "launch_sweep", "sweep_requests", "kill_run", "resume_run", "resolve_server",
]

MAX_RUNS = 1000
MAX_CONCURRENCY = 4096  # trials in flight, over all trial processes (docs/engine.md, "Scale beyond one machine")
MAX_WORKERS = 256  # trial processes of one run
MAX_TURNS = 500
MAX_WALL_TIME_S = 86400.0  # a day per trial


@dataclass
class RunRequest:
    """What the launcher form or `jira-bench run` asks for."""

    harness: str
    model: str = "oracle"
    model_base_url: str | None = None  # the model's endpoint (None: the provider's *_BASE_URL, else its own)
    model_args: list[str] | dict[str, Any] = field(default_factory=list)  # KEY=VALUE strings, or parsed
    runs: int = 1
    concurrency: int = 4
    workers: int | None = None  # trial processes; None: the machine's cores (engine/trial_processes.py)
    server: str = "builtin"
    fixture: str | None = None
    scenarios: list[str] = field(default_factory=list)
    max_turns: int | None = None
    wall_time_s: float | None = None
    trust: bool = False
    max_memory: str | int | None = None  # the worker's limits (engine/limits.py): '2G', '30m', 10
    max_cpu_time: str | float | None = None
    nice: str | int | None = None
    note: str | None = None  # the user's label for the run, one line of at most MAX_NOTE characters
    sweep_id: str | None = None  # shared by the runs of one sweep (launch_sweep sets it)


def _check_numbers(req: RunRequest) -> None:
    if not _whole(req.runs) or not 1 <= req.runs <= MAX_RUNS:
        raise UserError(f"runs must be a whole number from 1 to {MAX_RUNS}, got {req.runs!r}", field="runs")
    if not _whole(req.concurrency) or not 1 <= req.concurrency <= MAX_CONCURRENCY:
        raise UserError(f"concurrency must be a whole number from 1 to {MAX_CONCURRENCY}, got {req.concurrency!r}",
                        field="concurrency")
    if req.workers is not None and (not _whole(req.workers) or not 1 <= req.workers <= MAX_WORKERS):
        raise UserError(f"workers must be a whole number from 1 to {MAX_WORKERS}, got {req.workers!r}",
                        field="workers")
    if req.max_turns is not None and (not _whole(req.max_turns) or not 1 <= req.max_turns <= MAX_TURNS):
        raise UserError(f"max turns must be a whole number from 1 to {MAX_TURNS}, got {req.max_turns!r}",
                        field="max_turns")
    wall = req.wall_time_s
    if wall is not None and not (isinstance(wall, int | float) and not isinstance(wall, bool) and math.isfinite(wall)
                                 and 0 < wall <= MAX_WALL_TIME_S):
        raise UserError(f"wall time must be a number of seconds above 0 and at most {MAX_WALL_TIME_S:g} "
                        f"(a day), got {wall!r}", field="wall_time")
    parse_limits(req.max_memory, req.max_cpu_time, req.nice)
    clean_note(req.note)


def clean_note(note: str | None) -> str | None:
    """A run note as spec.json keeps it: trimmed, None when empty; UserError(field="note") when it spans lines or is
    longer than MAX_NOTE characters."""
    text = (note or "").strip()
    if not text:
        return None
    if "\n" in text or "\r" in text:
        raise UserError("a note is one line", field="note")
    if len(text) > run_folder.MAX_NOTE:
        raise UserError(f"a note is at most {run_folder.MAX_NOTE} characters, got {len(text)}", field="note")
    return text


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _load(req: RunRequest) -> LoadedHarness:
    if not req.harness or not req.harness.strip():
        raise UserError("which harness? give a file or builtin:NAME", field="harness")
    try:
        loaded = load_harness(req.harness.strip(), fixture_override=req.fixture or None)
    except HarnessError as exc:
        about_fixture = bool(req.fixture) and all(p.startswith(("fixture", "cannot read fixture")) for p in exc.problems)
        raise UserError(str(exc), field="fixture" if about_fixture else "harness") from None
    known = [s.id for s in loaded.harness.scenarios]
    unknown = [sid for sid in req.scenarios if sid not in known]
    if unknown:
        raise UserError(f"{loaded.source} has no scenario {unknown[0]!r} (it has: {', '.join(known)})", field="harness")
    return loaded


def resolve_server(req: RunRequest, loaded: LoadedHarness) -> run_folder.ServerChoice:
    """The server a run uses: the embedded Jira, a real server over the REST face (`mcp-atlassian[==VERSION]`,
    `rest:'CMD'`), the --server command, or the harness's own command (needs trust)."""
    text = (req.server or "builtin").strip()
    rest = parse_server_text(text)
    if rest is not None:
        kind, version, command = rest
        return run_folder.ServerChoice(kind=kind, version=version or (server_envs.DEFAULT_VERSIONS[kind]
                                                                 if kind == "mcp-atlassian" else None),
                                  command=command, fixture=_absolute_fixture(req.fixture), trusted=kind == "rest")
    if text not in ("builtin", "embedded"):
        if req.fixture:
            raise UserError("--fixture works only with the embedded Jira (--server builtin)", field="fixture")
        return run_folder.ServerChoice(kind="command", command=parse_server_command(text), trusted=True)
    spec = loaded.harness.server
    if spec.kind == "command":
        if not spec.command:
            raise UserError(f"{loaded.source}: server.command is empty", field="harness")
        if not req.trust:
            shown = " ".join(spec.command)
            raise UserError(f"{loaded.source} wants to run its own server command {shown!r}; pass --trust to allow it",
                            field="server")
        return run_folder.ServerChoice(kind="command", command=list(spec.command), trusted=True)
    return run_folder.ServerChoice(kind="embedded", fixture=_absolute_fixture(req.fixture))


def _absolute_fixture(fixture: str | None) -> str | None:
    """A fixture path made absolute (the worker, and a later resume, may run elsewhere); builtin:NAME as it is."""
    if fixture and not fixture.startswith("builtin:"):
        return str(Path(fixture).expanduser().resolve())
    return fixture or None


def check_fixtures(loaded: LoadedHarness, scenario_ids: list[str]) -> None:
    """Build (or find cached) the Jira of every scenario, so a fixture with a dangling reference is bad input now,
    not an error in every trial later. Raises UserError(field="fixture")."""
    from jira_bench_tui.jira.db import FixtureError

    wanted = set(scenario_ids)
    for scenario in loaded.harness.scenarios:
        if wanted and scenario.id not in wanted:
            continue
        try:
            loaded.template_for(scenario)
        except FixtureError as exc:
            place = f"scenario {scenario.id!r} fixture_additions" if scenario.fixture_additions else "fixture"
            raise UserError(f"{loaded.source}: {place}: {exc}", field="fixture") from None


def check_request(req: RunRequest, results: Path) -> LoadedHarness:
    """Validate everything a run needs; raises UserError(message, field=...) on the first problem. Writes nothing."""
    return _checked(req, results)[0]


def _checked(req: RunRequest, results: Path) -> tuple[LoadedHarness, run_folder.ServerChoice]:
    """check_request's work: (the harness, the server it resolved)."""
    _check_numbers(req)
    loaded = _load(req)
    from jira_bench_tui.engine.agent_factory import check_model

    check_model(req.model, results, req.model_base_url)
    model_options(req)
    server = resolve_server(req, loaded)
    if server.kind == "command":
        assert server.command is not None
        tools = probe_server_command(server.command, loaded.harness.server.env or None)
        if req.model == "oracle":
            check_solution_tools(loaded, set(tools), req.scenarios)
    elif server.kind in REST_KINDS:
        from jira_bench_tui.engine.rest_trials import probe_tools  # the REST face: only for REST servers

        check_fixtures(loaded, req.scenarios)
        rest_server = trial_server(server.kind, server.version, server.command)
        tools = probe_tools(rest_server)
        if req.model == "oracle":
            check_solution_tools(loaded, set(tools), req.scenarios)
    else:
        check_fixtures(loaded, req.scenarios)
        check_solution_tools(loaded, embedded_tool_names(), req.scenarios)
    return loaded, server


def model_options(req: RunRequest) -> tuple[str | None, dict[str, Any]]:
    """The run's model endpoint and API arguments as spec.json keeps them: (base URL or None, arguments).
    UserError(field="model_base_url" or "model_args") when one is malformed or looks like a key."""
    from jira_bench_tui.engine.agent_factory import effective_base_url, effective_model_args

    base_url = effective_base_url(req.model, req.model_base_url)
    if isinstance(req.model_args, dict):
        items = [f"{key}={json.dumps(value)}" for key, value in req.model_args.items()]  # a str stays a str
    else:
        items = list(req.model_args)
    return base_url, effective_model_args(req.model, items)


def build_spec(req: RunRequest, loaded: LoadedHarness, server: run_folder.ServerChoice) -> run_folder.RunSpec:
    base_url, model_args = model_options(req)
    scenario_ids = list(req.scenarios) or [s.id for s in loaded.harness.scenarios]
    now = time.time()
    return run_folder.RunSpec(
        run_id=run_folder.new_run_id(loaded.harness.name, req.model, now),
        created_at=now,
        harness_source=loaded.source,
        harness_name=loaded.harness.name,
        harness_version=loaded.harness.version,
        harness=loaded.harness.model_dump(mode="json", by_alias=True, exclude_unset=True),
        harness_dir=str(loaded.base_dir) if loaded.base_dir else None,
        fixture=loaded.fixture.model_dump(mode="json", by_alias=True) if server.kind != "command" else None,
        model=req.model.strip(),
        model_base_url=base_url,
        model_args=model_args,
        runs=req.runs,
        concurrency=req.concurrency,
        workers=req.workers,
        scenario_ids=scenario_ids,
        max_turns=req.max_turns,
        wall_time_s=float(req.wall_time_s) if req.wall_time_s is not None else None,
        server=server,
        limits=parse_limits(req.max_memory, req.max_cpu_time, req.nice),
        note=clean_note(req.note),
        sweep_id=req.sweep_id,
    )


def create_run(req: RunRequest, results: Path) -> Path:
    """check_request, then the run folder with spec.json (holding the harness and its fixture, so neither is read
    from disk again) and a queued state.json."""
    loaded, server = _checked(req, results)
    return _create(results, req, loaded, server)


def _create(results: Path, req: RunRequest, loaded: LoadedHarness, server: run_folder.ServerChoice) -> Path:
    """The run folder of a checked request; the templates built while checking it are named by the SHA-256 of the
    fixture file stored with it, so its worker finds them without validating the fixture again."""
    folder = run_folder.create_run(results, build_spec(req, loaded, server))
    fixture_file = run_folder.read_spec(folder).fixture_file
    if fixture_file is not None:
        loaded.name_templates(fixture_file.sha256)
    return folder


def launch(req: RunRequest, results: Path) -> tuple[Path, int]:
    """Create the run and start its detached worker (which holds the run's lock from now on): (folder, worker pid)."""
    folder = create_run(req, results)
    return folder, spawn_worker(folder)


def new_sweep_id(now: float | None = None) -> str:
    """A sweep's id, time-sortable like a run id: 'sweep-20261124-101500-7f3a' (UTC)."""
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime(now if now is not None else time.time()))
    return f"sweep-{stamp}-{secrets.token_hex(2)}"


def sweep_requests(req: RunRequest, models: list[str]) -> list[RunRequest]:
    """One request per model (in the order given, duplicates dropped); several share a new sweep id, a lone one
    keeps `req.sweep_id`. The runs of a sweep run at once, so without `workers` they share the machine's cores
    (each gets cores // runs trial processes, at least one). UserError(field="model") when no model is given."""
    unique = list(dict.fromkeys(m.strip() for m in models if m.strip()))
    if not unique:
        raise UserError("which model? e.g. oracle, anthropic/claude-... or openai/gpt-...", field="model")
    sweep_id = new_sweep_id() if len(unique) > 1 else req.sweep_id
    workers = req.workers
    if workers is None and len(unique) > 1:
        from jira_bench_tui.engine.trial_processes import machine_cores

        workers = max(1, machine_cores() // len(unique))
    return [replace(req, model=model, sweep_id=sweep_id, workers=workers) for model in unique]


def create_sweep(reqs: list[RunRequest], results: Path) -> list[Path]:
    """Check every request first (UserError on the first problem, nothing written), then create each run folder:
    the folders, in order. A sweep is never left half-created by bad input."""
    checked = [(req, *_checked(req, results)) for req in reqs]
    return [_create(results, req, loaded, server) for req, loaded, server in checked]


def launch_sweep(reqs: list[RunRequest], results: Path) -> list[tuple[Path, int]]:
    """`create_sweep`, then one detached worker per run, all started together: [(folder, worker pid), ...]."""
    folders = create_sweep(reqs, results)
    return [(folder, spawn_worker(folder)) for folder in folders]
