"""Run events as readable one-line plain text: for `attach`, the foreground progress display and the app's log pane.

One renderer a known event type, in `RENDERERS` (keyed by the event model); any other event (an UnknownEvent: a
newer writer's type, or fields that do not fit) is shown plainly as `type: {fields}`. Plain text only: callers must
never render these lines as markup (model text can hold `[INST]`-like tags).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel

from jira_bench_tui.engine.formatting import clock
from jira_bench_tui.engine.run_folder import (
    AgentMessageEvent,
    AnyEvent,
    CheckResultEvent,
    LogEvent,
    RunFinishedEvent,
    RunStartedEvent,
    ToolCallEvent,
    ToolResultEvent,
    TrialFinishedEvent,
    TrialStartedEvent,
    scenario_of,
)

CUT = 160
E = TypeVar("E", bound=BaseModel)

RENDERERS: dict[type[Any], Callable[[Any], str]] = {}
"""What each known event model says, without time or trial (see `renders`)."""


def renders(event_type: type[E]) -> Callable[[Callable[[E], str]], Callable[[E], str]]:
    """Register the decorated function as the renderer of `event_type` in RENDERERS."""

    def register(renderer: Callable[[E], str]) -> Callable[[E], str]:
        RENDERERS[event_type] = renderer
        return renderer

    return register


def flat(text: Any, limit: int = CUT) -> str:
    """`text` on one line (newlines and control characters become spaces), cut to `limit` characters."""
    line = " ".join(str(text if text is not None else "").split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def plural(count: int, noun: str) -> str:
    """'1 turn', '3 turns'."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _args(arguments: Any) -> str:
    try:
        return json.dumps(arguments, ensure_ascii=False, separators=(",", ":"), default=str)
    except (TypeError, ValueError):
        return str(arguments)


@renders(RunStartedEvent)
def _run_started(event: RunStartedEvent) -> str:
    again = "resumed" if event.resumed else "started"
    return (f"run {again}: {event.pending} of {event.total} trials to do, model {event.model}, "
            f"concurrency {event.concurrency}")


@renders(TrialStartedEvent)
def _trial_started(event: TrialStartedEvent) -> str:
    return "started"


@renders(AgentMessageEvent)
def _agent_message(event: AgentMessageEvent) -> str:
    tail = f" ({plural(event.tool_uses, 'tool call')})" if event.tool_uses else ""
    return f"turn {event.turn}: {flat(event.text) or '(no text)'}{tail}"


@renders(ToolCallEvent)
def _tool_call(event: ToolCallEvent) -> str:
    return f"→ {event.tool} {flat(_args(event.arguments), 120)}"


@renders(ToolResultEvent)
def _tool_result(event: ToolResultEvent) -> str:
    flag = "ERROR" if event.is_error else "ok"
    return f"← {event.tool} {flag} {event.duration_ms:.0f}ms: {flat(event.result, 120)}"


@renders(CheckResultEvent)
def _check_result(event: CheckResultEvent) -> str:
    verdict = "passed" if event.passed else "FAILED"
    reason = f": {flat(event.reason)}" if event.reason else ""
    return f"check {event.index + 1} {event.kind} {verdict}{reason}"


@renders(TrialFinishedEvent)
def _trial_finished(event: TrialFinishedEvent) -> str:
    parts = [plural(event.turns, "turn"), plural(event.tool_calls, "tool call")]
    if event.tokens:
        parts.append(f"{event.tokens:,} tokens")
    if event.cost_usd:
        parts.append(f"${event.cost_usd:.4f}")
    error = f": {flat(event.error)}" if event.error else ""
    return f"finished {event.outcome.upper()} in {event.duration_s:.2f}s ({', '.join(parts)}){error}"


@renders(LogEvent)
def _log(event: LogEvent) -> str:
    return f"{event.level}: {flat(event.message, 400)}"


@renders(RunFinishedEvent)
def _run_finished(event: RunFinishedEvent) -> str:
    shown = f"{event.pass_rate:.0%}" if event.pass_rate is not None else "n/a"
    error = f": {flat(event.error, 400)}" if event.error else ""
    return (f"run {event.status}: {event.passed} passed, {event.failed} failed, {event.errored} errors of "
            f"{event.total} (pass rate {shown}){error}")


def plain(event: AnyEvent) -> str:
    """Any event as `type: {fields}` (its fields but `t` and `type`, as one-line JSON): how an event without a
    renderer (an UnknownEvent) is shown."""
    rest = {key: value for key, value in event.to_record().items() if key not in ("t", "type")}
    return f"{event.type}: {flat(_args(rest))}"


def describe(event: AnyEvent) -> str:
    """What an event says, without time or trial: its type's renderer, else `plain`."""
    renderer = RENDERERS.get(type(event))
    return renderer(event) if renderer is not None else plain(event)


def event_line(event: AnyEvent, start: float) -> str:
    """`+MM:SS scenario#rep  what happened`, the time counted from the run's start (so it reads the same anywhere);
    an event without a time shows +00:00."""
    stamp = clock((event.t if event.t is not None else start) - start)
    scenario = scenario_of(event)
    who = f"{scenario}#{getattr(event, 'rep', '?')}" if scenario else "run"
    return f"+{stamp} {who:<28} {describe(event)}"


def finished_trial_line(event: TrialFinishedEvent, done: int, total: int) -> str:
    """The foreground display's line for a finished trial: `[3/9] PASSED  scenario#1   0.05 s  2 turns, 1 tool call`."""
    width = len(str(total))
    error = f"  {flat(event.error, 200)}" if event.error else ""
    who = f"{event.scenario}#{event.rep}"
    calls = f"{plural(event.turns, 'turn')}, {plural(event.tool_calls, 'tool call')}"
    return f"[{done:>{width}}/{total}] {event.outcome.upper():<6}  {who:<32} {event.duration_s:6.2f} s  {calls}{error}"
