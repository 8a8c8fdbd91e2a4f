"""One trial: a fresh Jira, an MCP session, the agent under its limits, the checks, and the artifact (run-folder.md).

`TrialRunner` serves every trial of a run (templates prepared once per fixture, a copy per trial);
`score_solution_async` plays any reference solution with the oracle on a fresh Jira, without a run folder.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jira_bench_tui.agents.base import Agent, AgentContext, AgentError, AgentResult, FatalAgentError, Usage
from jira_bench_tui.engine.reasons import exception_reason
from jira_bench_tui.engine.system_prompt import build_system_prompt
from jira_bench_tui.engine.timeline import Timeline
from jira_bench_tui.engine.toolbox import McpToolBox, open_toolbox, tool_call_event, tool_result_event
from jira_bench_tui.harness.loader import LoadedHarness
from jira_bench_tui.harness.schema import Limits, Scenario, Solution

if TYPE_CHECKING:
    from jira_bench_tui.engine.rest_trials import RestTrialServer

Emit = Callable[..., None]  # emit(type_, **fields)


class EventSinkError(Exception):
    """The run's events could not be written (the run folder broke): the run must stop, not the trial be `error`."""
EVALUATE_TIMEOUT_S = 120.0
SETUP_TIMEOUT_S = 60.0


@dataclass
class TrialOptions:
    """What every trial of a run shares."""

    run_id: str = ""
    model: str = "oracle"
    max_turns: int | None = None  # overrides of the harness limits
    wall_time_s: float | None = None
    server_command: list[str] | None = None  # None: the embedded Jira
    server_env: dict[str, str] = field(default_factory=dict)
    call_timeout_s: float = 60.0
    rest_server: RestTrialServer | None = None  # a real server over the REST face (engine/rest_trials.py)


class TrialRunner:
    """Runs trials of one harness: prepares each fixture's template database once, copies it for every trial."""

    def __init__(self, loaded: LoadedHarness, agent: Agent, options: TrialOptions) -> None:
        self.loaded = loaded
        self.agent = agent
        self.options = options
        self._templates: dict[str, Path] = {}
        self._workdir = Path(tempfile.mkdtemp(prefix="jira-bench-trials-"))

    def close(self) -> None:
        shutil.rmtree(self._workdir, ignore_errors=True)

    def limits_for(self, scenario: Scenario) -> Limits:
        limits = self.loaded.harness.limits_for(scenario)
        update: dict[str, Any] = {}
        if self.options.max_turns is not None:
            update["max_turns"] = self.options.max_turns
        if self.options.wall_time_s is not None:
            update["wall_time_s"] = self.options.wall_time_s
        return limits.model_copy(update=update) if update else limits

    def template_for(self, scenario: Scenario) -> Path:
        from jira_bench_tui.jira.db import prepare_template

        key = scenario.id if scenario.fixture_additions else ""
        if key not in self._templates:
            self._templates[key] = prepare_template(self.loaded.fixture_for(scenario))
        return self._templates[key]

    @asynccontextmanager
    async def _session(self, scenario: Scenario, timeline: Timeline,
                       emit_tool: Callable[[str, dict[str, Any]], None]) -> AsyncIterator[tuple[McpToolBox, Any, str]]:
        """(tool box, reader, system prompt) over a fresh embedded Jira or the --server command."""

        def on_call(step: dict[str, Any]) -> None:
            emit_tool("tool_call", tool_call_event(step))

        def on_result(step: dict[str, Any]) -> None:
            timeline.tool_step(step)
            emit_tool("tool_result", tool_result_event(step))

        hooks: dict[str, Any] = {"on_call": on_call, "on_result": on_result,
                                 "call_timeout_s": self.options.call_timeout_s}
        if self.options.server_command:
            from jira_bench_tui.engine.server_command import stdio_server
            from jira_bench_tui.jira.reader import McpReader

            server = stdio_server(self.options.server_command, self.options.server_env)
            async with open_toolbox(server, **hooks) as toolbox:
                yield toolbox, McpReader(toolbox.call_tool_raw), build_system_prompt()
            return

        from jira_bench_tui.jira.db import connect, copy_database, read_meta, resolve_user
        from jira_bench_tui.jira.reader import SqliteReader

        if self.options.rest_server is not None:
            from jira_bench_tui.engine.rest_trials import rest_trial

            async with rest_trial(self.options.rest_server, self.template_for(scenario), scenario.id) as jira:
                reader = SqliteReader(jira.db_path)
                try:
                    async with open_toolbox(jira.server, mode=jira.client_mode, **hooks) as toolbox:
                        yield toolbox, reader, jira.system_prompt
                finally:
                    reader.close()
            return
        from jira_bench_tui.jira.server import build_server, close_server

        db_path = copy_database(self.template_for(scenario), self._workdir / f"{scenario.id}-{uuid.uuid4().hex}.sqlite")
        try:
            conn = connect(db_path)
            try:
                meta = read_meta(conn)
                user = resolve_user(conn, meta.current_user)
                who = {"display_name": user["display_name"], "email": user["email"]} if user is not None else None
            finally:
                conn.close()
            system_prompt = build_system_prompt(who, meta.now, meta.base_url)
            server = build_server(db_path)
            reader = SqliteReader(db_path)
            try:
                async with open_toolbox(server, **hooks) as toolbox:
                    yield toolbox, reader, system_prompt
            finally:
                reader.close()
                close_server(server)
        finally:
            for suffix in ("", "-journal", "-wal", "-shm"):
                Path(f"{db_path}{suffix}").unlink(missing_ok=True)

    async def run(self, scenario: Scenario, repetition: int, emit: Emit, *, announce_end: bool = True) -> dict[str, Any]:
        """Run one trial and return its artifact. Emits trial_started ... check_result, and trial_finished unless
        `announce_end` is False (the worker announces it once the artifact is on disk). FatalAgentError propagates
        (the run must stop); every other failure makes the trial `error`."""
        trial_fields = {"trial": f"{scenario.id}__{repetition}", "scenario": scenario.id, "rep": repetition}

        def emit_trial(type_: str, fields: dict[str, Any]) -> None:
            try:
                emit(type_, **trial_fields, **fields)
            except Exception as exc:
                raise EventSinkError(f"could not record the {type_} event: {exception_reason(exc)}") from exc

        limits = self.limits_for(scenario)
        timeline = Timeline(prompt=scenario.prompt)
        started_at = time.time()
        clock = time.perf_counter()
        emit_trial("trial_started", {})
        result: AgentResult | None = None
        outcome, error, stop_reason = "error", None, "error"
        system_prompt = ""
        checks: list[dict[str, Any]] = []
        changes: list[dict[str, Any]] = []
        try:
            async with asyncio.timeout(SETUP_TIMEOUT_S + limits.wall_time_s + EVALUATE_TIMEOUT_S):
                async with self._session(scenario, timeline, emit_trial) as (toolbox, reader, system_prompt):
                    before = await reader.snapshot()

                    def agent_emit(type_: str, fields: dict[str, Any]) -> None:
                        if type_ == "agent_message":
                            timeline.model_turn(fields.get("turn"), fields.get("text"))
                        emit_trial(type_, fields)

                    context = AgentContext(scenario=scenario, repetition=repetition, system_prompt=system_prompt,
                                           prompt=scenario.prompt, limits=limits, toolbox=toolbox,
                                           emit=toolbox.track_turns(agent_emit))
                    try:
                        async with asyncio.timeout(limits.wall_time_s):
                            result = await self.agent.run(context)
                        stop_reason = result.stop_reason or "end_turn"
                    except TimeoutError:
                        stop_reason = "wall_time"
                        emit_trial("log", {"level": "warning",
                                           "message": f"wall time of {limits.wall_time_s:g} s reached"})
                        if timeline.model_turns == 0:
                            # the first model call never came back: the API's fault, not the model's
                            error = f"the model did not answer within {limits.wall_time_s:g} s"
                    except AgentError as exc:
                        partial = getattr(exc, "partial", None)
                        result = partial if isinstance(partial, AgentResult) else None
                        error = str(exc) or type(exc).__name__
                    if error is None:
                        answer = result.final_answer if result else None
                        async with asyncio.timeout(EVALUATE_TIMEOUT_S):
                            evaluation = await _evaluate(scenario, reader, before, answer)
                        checks = [_check_dict(c) for c in evaluation.checks]
                        changes = list(evaluation.changes)
                        if result is not None and result.error:
                            error = result.error
                        else:
                            outcome = "passed" if checks and all(c["passed"] for c in checks) else "failed"
        except (FatalAgentError, EventSinkError, asyncio.CancelledError):
            raise
        except TimeoutError:
            error = "the trial's Jira setup or checks did not finish in time"
        except Exception as exc:  # noqa: BLE001 - any infrastructure failure is the trial's error, not the model's
            error = exception_reason(exc)
        if error is not None:
            outcome = "error"
            stop_reason = "error" if stop_reason != "wall_time" else stop_reason
        for check in checks:
            emit_trial("check_result", {"index": check["index"], "kind": check["kind"], "passed": check["passed"],
                                        "reason": check["reason"]})
        duration = time.perf_counter() - clock
        usage = result.usage if result else Usage()
        messages = result.messages if result and result.messages else [{"role": "user", "content": scenario.prompt}]
        final_answer = result.final_answer if result else None
        steps = timeline.steps(messages, final_answer)
        tool_calls = sum(1 for s in steps if s.get("kind") == "tool_call")
        turns = result.turns if result else timeline.model_turns
        artifact = {
            "run_id": self.options.run_id, "scenario_id": scenario.id, "repetition": repetition,
            "model": self.options.model, "outcome": outcome, "error": error,
            "started_at": started_at, "finished_at": started_at + duration, "duration_s": round(duration, 6),
            "system_prompt": system_prompt, "prompt": scenario.prompt, "final_answer": final_answer,
            "stop_reason": stop_reason, "turns": turns, "tool_calls": tool_calls,
            "limits": limits.model_dump(mode="json"), "usage": usage.to_dict(),
            "messages": messages, "steps": steps, "checks": checks, "changes": changes,
        }
        if announce_end:
            emit("trial_finished", **trial_finished_fields(artifact))
        return artifact


def trial_finished_fields(artifact: dict[str, Any]) -> dict[str, Any]:
    """The fields of a trial's `trial_finished` event (docs/run-folder.md), from its artifact."""
    usage = artifact.get("usage") or {}
    return {
        "trial": f"{artifact['scenario_id']}__{artifact['repetition']}", "scenario": artifact["scenario_id"],
        "rep": artifact["repetition"], "outcome": artifact["outcome"], "duration_s": artifact["duration_s"],
        "turns": artifact["turns"], "tool_calls": artifact["tool_calls"], "tokens": usage.get("total_tokens", 0),
        "cost_usd": usage.get("cost_usd", 0.0), "error": artifact["error"],
    }


async def _evaluate(scenario: Scenario, reader: Any, before: Any, answer: str | None) -> Any:
    from jira_bench_tui.harness.checks import evaluate

    return await evaluate(scenario, reader, before, answer)


def _check_dict(check: Any) -> dict[str, Any]:
    return {"index": check.index, "kind": check.kind, "description": check.description, "passed": check.passed,
            "reason": check.reason}


# ---- playing a solution without a run folder ----------------------------------------------------------------


@dataclass
class ScoredSolution:
    """What a solution achieves on a fresh Jira: the outcome, the check results and the changes it made."""

    outcome: str  # passed | failed | error
    checks: list[dict[str, Any]]
    changes: list[dict[str, Any]]
    error: str | None = None
    artifact: dict[str, Any] = field(default_factory=dict, repr=False)


async def score_solution_async(loaded: LoadedHarness, scenario: Scenario, solution: Solution | None = None,
                               *, agent: Agent | None = None,
                               rest_server: RestTrialServer | None = None) -> ScoredSolution:
    """Play `solution` (default: the scenario's own) with the oracle (or `agent`) on a fresh embedded Jira (served
    through `rest_server` when given)."""
    from jira_bench_tui.agents.oracle import OracleAgent

    played = scenario if solution is None else scenario.model_copy(update={"solution": solution})
    options = TrialOptions(model=agent.name if agent else "oracle", rest_server=rest_server)
    runner = TrialRunner(loaded, agent or OracleAgent(), options)
    try:
        artifact = await runner.run(played, 1, lambda *_args, **_fields: None)
    finally:
        runner.close()
    return ScoredSolution(artifact["outcome"], artifact["checks"], artifact["changes"], artifact["error"], artifact)
