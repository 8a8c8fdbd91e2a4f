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
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jira_bench_tui.agents.base import Agent, AgentContext, AgentError, AgentResult, FatalAgentError, Usage
from jira_bench_tui.engine.reasons import exception_reason
from jira_bench_tui.engine.run_folder import (
    AgentMessageEvent,
    AnyEvent,
    CheckResult,
    CheckResultEvent,
    EventSink,
    IssueChange,
    LogEvent,
    Message,
    Outcome,
    ToolCallEvent,
    ToolCallStep,
    ToolResultEvent,
    TrialArtifact,
    TrialFinishedEvent,
    TrialStartedEvent,
    UsageTotals,
    event_of,
    trial_key,
)
from jira_bench_tui.engine.system_prompt import build_system_prompt, system_prompt_for
from jira_bench_tui.engine.timeline import Timeline
from jira_bench_tui.engine.toolbox import (
    McpToolBox,
    ToolBoxError,
    open_toolbox,
    tool_call_event,
    tool_result_event,
)
from jira_bench_tui.harness.loader import LoadedHarness
from jira_bench_tui.harness.schema import Limits, Scenario, Solution

if TYPE_CHECKING:
    from jira_bench_tui.engine.rest_servers import RestTrialServer
    from jira_bench_tui.jira.state_capture import StateCapture, TemplateBaseline
    from jira_bench_tui.jira.trial_databases import TrialDatabases


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
    # the reference state capture: whole-Jira snapshots before and after every trial, even where writes are tracked
    # (jira/state_capture.py; tests compare both ways)
    whole_snapshots: bool = False


class TrialRunner:
    """Runs trials of one harness: prepares each fixture's template database once; its copies serve the trials, each
    rolled back to the template's state after a trial (as many copies as trials ran at once)."""

    def __init__(self, loaded: LoadedHarness, agent: Agent, options: TrialOptions) -> None:
        self.loaded = loaded
        self.agent = agent
        self.options = options
        self._templates: dict[str, Path] = {}
        self._baselines: dict[Path, TemplateBaseline] = {}
        self._databases: dict[Path, TrialDatabases] = {}
        self._workdir = Path(tempfile.mkdtemp(prefix="jira-bench-trials-"))

    def close(self) -> None:
        """Remove the trials' working folder (the trial databases)."""
        for baseline in self._baselines.values():
            baseline.close()
        for databases in self._databases.values():
            databases.close()
        shutil.rmtree(self._workdir, ignore_errors=True)

    def limits_for(self, scenario: Scenario) -> Limits:
        """The scenario's limits (the harness's, then the scenario's), with the run's max_turns and wall time."""
        limits = self.loaded.harness.limits_for(scenario)
        update: dict[str, Any] = {}
        if self.options.max_turns is not None:
            update["max_turns"] = self.options.max_turns
        if self.options.wall_time_s is not None:
            update["wall_time_s"] = self.options.wall_time_s
        return limits.model_copy(update=update) if update else limits

    def template_for(self, scenario: Scenario) -> Path:
        """The prepared database of the scenario's fixture (built once a fixture: one for every scenario without
        fixture additions; `LoadedHarness.template_for`). FixtureError when the fixture cannot be built."""
        key = scenario.id if scenario.fixture_additions else ""
        if key not in self._templates:
            self._templates[key] = self.loaded.template_for(scenario)
        return self._templates[key]

    def _databases_for(self, template: Path) -> TrialDatabases:
        """The reused trial databases of a template (made on first use)."""
        from jira_bench_tui.jira.trial_databases import TrialDatabases

        databases = self._databases.get(template)
        if databases is None:
            databases = self._databases[template] = TrialDatabases(template, self._workdir)
        return databases

    def _capture(self, reader: Any, template: Path) -> StateCapture:
        """How the trial's state is captured: tracked writes against the template's baseline (kept for every trial
        of the template), or whole snapshots (`whole_snapshots`, or a reader that cannot know what changed)."""
        from jira_bench_tui.jira.state_capture import TemplateBaseline, capture_for

        baseline = self._baselines.get(template)
        if baseline is None:
            baseline = self._baselines[template] = TemplateBaseline(template)
        return capture_for(reader, baseline, whole=self.options.whole_snapshots)

    @asynccontextmanager
    async def _command_session(self, hooks: dict[str, Any], trial_fields: dict[str, Any], send: EventSink,
                               wall_time_s: float) -> AsyncIterator[_Session]:
        """The --server command's session: connected within the trial's wall time; what it prints on stdout that
        is not MCP is said in one `log` line at the end, not logged line by line."""
        from jira_bench_tui.engine import server_noise
        from jira_bench_tui.engine.server_command import stdio_server
        from jira_bench_tui.jira.reader import McpReader
        from jira_bench_tui.jira.state_capture import WholeSnapshots

        assert self.options.server_command is not None
        server = stdio_server(self.options.server_command, self.options.server_env)
        with server_noise.listen() as noise:
            try:
                async with AsyncExitStack() as stack:
                    toolbox = await _connect(stack, open_toolbox(server, **hooks, connect_timeout_s=wall_time_s + 5),
                                             wall_time_s)
                    reader = McpReader(toolbox.call_tool_raw)
                    yield _Session(toolbox, reader, build_system_prompt(), WholeSnapshots(reader))
            finally:
                if noise.lines:
                    send(LogEvent(level="warning", message=str(noise.sentence()), **trial_fields))

    @asynccontextmanager
    async def _session(self, scenario: Scenario, timeline: Timeline, trial_fields: dict[str, Any],
                       send: EventSink, wall_time_s: float) -> AsyncIterator[_Session]:
        """The tool box, reader, system prompt and state capture over a fresh embedded Jira or the --server command
        (whose start and handshake must fit in the trial's wall time)."""

        def on_call(step: dict[str, Any]) -> None:
            send(ToolCallEvent(**trial_fields, **tool_call_event(step)))

        def on_result(step: dict[str, Any]) -> None:
            timeline.tool_step(step)
            send(ToolResultEvent(**trial_fields, **tool_result_event(step)))

        hooks: dict[str, Any] = {"on_call": on_call, "on_result": on_result,
                                 "call_timeout_s": self.options.call_timeout_s}
        if self.options.server_command:
            async with self._command_session(hooks, trial_fields, send, wall_time_s) as session:
                yield session
            return

        from jira_bench_tui.jira.reader import SqliteReader

        template = self.template_for(scenario)
        if self.options.rest_server is not None:
            from jira_bench_tui.engine.rest_trials import rest_trial

            async with rest_trial(self.options.rest_server, template, scenario.id) as jira:
                reader = SqliteReader(jira.db_path)
                try:
                    async with open_toolbox(jira.server, mode=jira.client_mode, **hooks) as toolbox:
                        yield _Session(toolbox, reader, jira.system_prompt, self._capture(reader, template))
                finally:
                    reader.close()
            return
        from jira_bench_tui.jira.server import listing_key, server_on

        # each trial has a folder of its own: the server's working folder (files an agent attaches are read from
        # it, as mcp-atlassian reads them from its own); its database is a reused copy of the template, rolled back
        # to the template's state after every trial (jira/trial_databases.py)
        folder = self._workdir / f"{scenario.id}-{uuid.uuid4().hex}"
        folder.mkdir()
        try:
            with self._databases_for(template).lease() as conn:  # the trial's one connection: the server's
                reader = SqliteReader(conn=conn)
                system_prompt = system_prompt_for(conn)
                server = server_on(conn, folder)
                async with open_toolbox(server, listing_key=listing_key(server), **hooks) as toolbox:
                    yield _Session(toolbox, reader, system_prompt, self._capture(reader, template))
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    async def run(self, scenario: Scenario, repetition: int, emit: EventSink, *,
                  announce_end: bool = True, queued_s: float | None = None) -> TrialArtifact:
        """Run one trial and return its artifact. Emits trial_started ... check_result, and trial_finished unless
        `announce_end` is False (the worker announces it once the artifact is on disk). FatalAgentError propagates
        (the run must stop), EventSinkError when an event cannot be recorded; every other failure makes the trial
        `error`. `queued_s`: seconds the trial waited for a free concurrency slot (kept in its event and artifact)."""
        trial = _TrialState(scenario, repetition, self.limits_for(scenario), emit)
        trial.queued_s = None if queued_s is None else round(queued_s, 6)
        trial.send(TrialStartedEvent(**trial.fields, queued_s=trial.queued_s))
        try:
            async with asyncio.timeout(SETUP_TIMEOUT_S + trial.limits.wall_time_s + EVALUATE_TIMEOUT_S):
                async with self._session(scenario, trial.timeline, trial.fields, trial.send,
                                         trial.limits.wall_time_s) as session:
                    trial.system_prompt = session.system_prompt
                    await session.capture.start()
                    await self._play(trial, session.toolbox)
                    if trial.error is None:
                        await _score(trial, session)
        except (FatalAgentError, EventSinkError, asyncio.CancelledError, MemoryError):
            raise  # MemoryError: the worker's memory limit ends the run, not just this trial
        except TimeoutError:
            trial.error = "the trial's Jira setup or checks did not finish in time"
        except Exception as exc:  # noqa: BLE001 - any infrastructure failure is the trial's error, not the model's
            trial.error = exception_reason(exc)
        trial.settle()
        artifact = self._artifact(trial)
        if announce_end:
            emit(trial_finished_event(artifact))
        return artifact

    async def _play(self, trial: _TrialState, toolbox: McpToolBox) -> None:
        """The agent works the scenario under its wall time: the result, stop reason and (for a model that never
        answered or an AgentError) the trial's error."""
        limits = trial.limits
        context = AgentContext(scenario=trial.scenario, repetition=trial.repetition,
                               system_prompt=trial.system_prompt, prompt=trial.scenario.prompt, limits=limits,
                               toolbox=toolbox, emit=toolbox.track_turns(trial.agent_emit))
        budget = limits.wall_time_s
        if self.options.server_command:  # a --server's start and handshake count in the wall time
            budget -= time.perf_counter() - trial.clock
        try:
            async with asyncio.timeout(max(budget, 0.0)):
                trial.result = await self.agent.run(context)
            trial.stop_reason = trial.result.stop_reason or "end_turn"
        except TimeoutError:
            trial.stop_reason = "wall_time"
            trial.send(LogEvent(level="warning", message=f"wall time of {limits.wall_time_s:g} s reached",
                                **trial.fields))
            if trial.timeline.model_turns == 0:
                # the first model call never came back: the API's fault, not the model's
                trial.error = f"the model did not answer within {limits.wall_time_s:g} s"
        except AgentError as exc:
            partial = getattr(exc, "partial", None)
            trial.result = partial if isinstance(partial, AgentResult) else None
            trial.error = str(exc) or type(exc).__name__

    def _artifact(self, trial: _TrialState) -> TrialArtifact:
        """The trial's artifact, from what it recorded (the prompt alone as its messages when the agent gave none)."""
        duration = time.perf_counter() - trial.clock
        result, scenario = trial.result, trial.scenario
        usage = result.usage if result else Usage()
        messages = result.messages if result and result.messages else [{"role": "user", "content": scenario.prompt}]
        final_answer = result.final_answer if result else None
        steps = trial.timeline.steps(messages, final_answer)
        return TrialArtifact(
            run_id=self.options.run_id, scenario_id=scenario.id, repetition=trial.repetition,
            model=self.options.model, outcome=trial.outcome, error=trial.error,
            started_at=trial.started_at, finished_at=trial.started_at + duration, duration_s=round(duration, 6),
            queued_s=trial.queued_s,
            system_prompt=trial.system_prompt, prompt=scenario.prompt, final_answer=final_answer,
            stop_reason=trial.stop_reason, turns=result.turns if result else trial.timeline.model_turns,
            tool_calls=sum(1 for step in steps if isinstance(step, ToolCallStep)),
            limits=trial.limits.model_dump(mode="json"), usage=UsageTotals(**usage.to_dict()),
            messages=[Message.model_validate(m) for m in messages], steps=steps, checks=trial.checks,
            changes=trial.changes,
        )


@dataclass
class _Session:
    """A trial's way to Jira: the agent's tool box, the checks' reader, the system prompt and the state capture."""

    toolbox: McpToolBox
    reader: Any  # a jira.reader.JiraReader
    system_prompt: str
    capture: StateCapture


@dataclass
class _TrialState:
    """What one trial has recorded so far, and how it sends its events (each carries the trial's fields)."""

    scenario: Scenario
    repetition: int
    limits: Limits
    emit: EventSink
    timeline: Timeline = field(init=False)
    fields: dict[str, Any] = field(init=False)
    started_at: float = field(default_factory=time.time)
    clock: float = field(default_factory=time.perf_counter)
    result: AgentResult | None = None
    outcome: Outcome = "error"
    error: str | None = None
    stop_reason: str = "error"
    system_prompt: str = ""
    checks: list[CheckResult] = field(default_factory=list)
    changes: list[IssueChange] = field(default_factory=list)
    queued_s: float | None = None

    def __post_init__(self) -> None:
        self.timeline = Timeline(prompt=self.scenario.prompt)
        self.fields = {"trial": trial_key(self.scenario.id, self.repetition), "scenario": self.scenario.id,
                       "rep": self.repetition}

    def send(self, event: AnyEvent) -> None:
        """Record an event; EventSinkError when it cannot be (the run folder broke)."""
        try:
            self.emit(event)
        except Exception as exc:
            raise EventSinkError(f"could not record the {event.type} event: {exception_reason(exc)}") from exc

    def agent_emit(self, type_: str, fields: dict[str, Any]) -> None:
        """The agent's `emit(type_, fields)`: an event of this trial; a model turn also goes on the timeline."""
        event = event_of(type_, {**self.fields, **fields})
        if isinstance(event, AgentMessageEvent):
            self.timeline.model_turn(event.turn, event.text, event.latency_s, event.wait_s)
        self.send(event)

    def settle(self) -> None:
        """Once the trial ended: an error makes it `error` (keeping a wall_time stop reason); then one
        check_result event per check."""
        if self.error is not None:
            self.outcome = "error"
            self.stop_reason = "error" if self.stop_reason != "wall_time" else self.stop_reason
        for check in self.checks:
            self.send(CheckResultEvent(**self.fields, index=check.index, kind=check.kind, passed=check.passed,
                                       reason=check.reason))


async def _score(trial: _TrialState, session: _Session) -> None:
    """Evaluate the checks on Jira as the trial left it: the check results, the changes and the outcome (or the
    agent's own error)."""
    from jira_bench_tui.harness.checks import evaluate

    result = trial.result
    answer = result.final_answer if result else None
    async with asyncio.timeout(EVALUATE_TIMEOUT_S):
        state = await session.capture.finish()
        evaluation = await evaluate(trial.scenario, session.reader, state, answer)
    trial.checks = [_check_result(c) for c in evaluation.checks]
    trial.changes = [IssueChange.model_validate(c) for c in evaluation.changes]
    if evaluation.error is not None:  # a check could not be judged (a pattern ran out of time): not the agent's doing
        trial.error = evaluation.error
    elif result is not None and result.error:
        trial.error = result.error
    else:
        trial.outcome = "passed" if trial.checks and all(c.passed for c in trial.checks) else "failed"


async def _connect(stack: AsyncExitStack, toolbox: Any, wall_time_s: float) -> McpToolBox:
    """Enter a --server's tool box on `stack` within the trial's wall time; ToolBoxError when it does not answer."""
    try:
        async with asyncio.timeout(wall_time_s):
            return await stack.enter_async_context(toolbox)
    except TimeoutError:
        raise ToolBoxError(f"the server command did not answer within {wall_time_s:g} s (the trial's wall time)") from None


def trial_finished_event(artifact: TrialArtifact) -> TrialFinishedEvent:
    """A trial's `trial_finished` event (docs/run-folder.md), from its artifact."""
    return TrialFinishedEvent(
        trial=artifact.key, scenario=artifact.scenario_id, rep=artifact.repetition, outcome=artifact.outcome,
        duration_s=artifact.duration_s, turns=artifact.turns, tool_calls=artifact.tool_calls,
        tokens=artifact.usage.total_tokens, cost_usd=artifact.usage.cost_usd, error=artifact.error,
    )


def _check_result(check: Any) -> CheckResult:
    return CheckResult(index=check.index, kind=check.kind, description=check.description, passed=check.passed,
                       reason=check.reason)


# ---- playing a solution without a run folder ----------------------------------------------------------------


@dataclass
class ScoredSolution:
    """What a solution achieves on a fresh Jira: the outcome, the check results and the changes it made."""

    outcome: str  # passed | failed | error
    checks: list[CheckResult]
    changes: list[IssueChange]
    error: str | None
    artifact: TrialArtifact = field(repr=False)


async def score_solution_async(loaded: LoadedHarness, scenario: Scenario, solution: Solution | None = None,
                               *, agent: Agent | None = None,
                               rest_server: RestTrialServer | None = None,
                               whole_snapshots: bool = False) -> ScoredSolution:
    """Play `solution` (default: the scenario's own) with the oracle (or `agent`) on a fresh embedded Jira (served
    through `rest_server` when given); `whole_snapshots`: the reference state capture (TrialOptions)."""
    from jira_bench_tui.agents.oracle import OracleAgent

    played = scenario if solution is None else scenario.model_copy(update={"solution": solution})
    options = TrialOptions(model=agent.name if agent else "oracle", rest_server=rest_server,
                           whole_snapshots=whole_snapshots)
    runner = TrialRunner(loaded, agent or OracleAgent(), options)
    try:
        artifact = await runner.run(played, 1, lambda _event: None)
    finally:
        runner.close()
    return ScoredSolution(artifact.outcome, artifact.checks, artifact.changes, artifact.error, artifact)
