"""The oracle agent: plays a scenario's reference solution through the tool box, one tool call a turn, filling
`{{step_id.path}}` placeholders from earlier results, and gives the solution's answer."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from jira_bench_tui.agents.base import Agent, AgentContext, AgentResult, ToolBox, Usage
from jira_bench_tui.agents.messages import tool_result_block
from jira_bench_tui.harness.schema import Solution

PLACEHOLDER = re.compile(r"\{\{\s*([a-z_][a-z0-9_]*)((?:\.[^.{}\s]+)*)\s*\}\}")
WHOLE_PLACEHOLDER = re.compile(r"^\s*" + PLACEHOLDER.pattern + r"\s*$")
_MISSING = object()


class PlaceholderError(Exception):
    """A placeholder names no earlier step, or a path its result does not have."""


def lookup(results: dict[str, Any], step_id: str, path: str) -> Any:
    """The value at `path` ('.issue.key', '.links.0.id') in step `step_id`'s parsed result."""
    if step_id not in results:
        raise PlaceholderError(f"no earlier step '{step_id}' with a JSON result")
    value = results[step_id]
    walked = step_id
    for part in [p for p in path.split(".") if p]:
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and re.fullmatch(r"-?\d+", part) and -len(value) <= int(part) < len(value):
            value = value[int(part)]
        else:
            raise PlaceholderError(f"'{walked}' has no '{part}'")
        walked += f".{part}"
    return value


def fill(value: Any, results: dict[str, Any]) -> Any:
    """`value` with every placeholder in its strings filled; a string that is one whole placeholder keeps the JSON
    type of what it names, a placeholder inside a longer string becomes text."""
    if isinstance(value, str):
        whole = WHOLE_PLACEHOLDER.match(value)
        if whole:
            return lookup(results, whole.group(1), whole.group(2))

        def as_text(match: re.Match[str]) -> str:
            found = lookup(results, match.group(1), match.group(2))
            return found if isinstance(found, str) else json.dumps(found, ensure_ascii=False)

        return PLACEHOLDER.sub(as_text, value)
    if isinstance(value, dict):
        return {key: fill(item, results) for key, item in value.items()}
    if isinstance(value, list):
        return [fill(item, results) for item in value]
    return value


def parse_result(text: str) -> Any:
    """A tool result's JSON value, or the `_MISSING` marker when the text is not JSON (no placeholder can use it)."""
    try:
        return json.loads(text)
    except (json.JSONDecodeError, ValueError):
        return _MISSING


@dataclass
class SolutionPlay:
    """What playing a solution did: the turns after the prompt (Messages format), the answer, and what went wrong."""

    messages: list[dict[str, Any]]
    final_answer: str
    turns: int
    problems: list[str] = field(default_factory=list)  # "step 2 (jira_transition_issue): ..." one per failed step
    results: dict[str, Any] = field(default_factory=dict)  # parsed JSON results by step id


async def play_solution(
    solution: Solution,
    toolbox: ToolBox,
    *,
    emit: Callable[[str, dict[str, Any]], None] | None = None,
) -> SolutionPlay:
    """Call each step's tool in order (one assistant turn per step) and end with the solution's answer.

    A step whose placeholders cannot be filled is not called; a step whose tool errors is kept; both are listed in
    `problems` (and logged as warnings) and the play goes on."""
    emit = emit or (lambda _type, _fields: None)
    play = SolutionPlay(messages=[], final_answer=solution.answer, turns=0)
    for index, step in enumerate(solution.steps, start=1):
        label = f"step {index} ({step.tool})"
        try:
            arguments = fill(step.arguments, play.results)
        except PlaceholderError as exc:
            problem = f"{label} skipped: a placeholder cannot be filled: {exc}"
            play.problems.append(problem)
            emit("log", {"level": "warning", "message": f"oracle: {problem}"})
            continue
        play.turns += 1
        call_id = f"toolu_oracle_{index:03d}"
        play.messages.append(
            {"role": "assistant", "content": [{"type": "tool_use", "id": call_id, "name": step.tool, "input": arguments}]}
        )
        emit("agent_message", {"turn": play.turns, "text": "", "tool_uses": 1, "usage": Usage().to_dict()})
        outcome = await toolbox.call(step.tool, arguments, call_id=call_id)
        if outcome.is_error:
            problem = f"{label} failed: {outcome.text[:300]}"
            play.problems.append(problem)
            emit("log", {"level": "warning", "message": f"oracle: {problem}"})
        play.messages.append({"role": "user", "content": [tool_result_block(call_id, outcome)]})
        if step.id is not None and not outcome.is_error:
            parsed = parse_result(outcome.text)
            if parsed is not _MISSING:
                play.results[step.id] = parsed
    play.turns += 1
    play.messages.append({"role": "assistant", "content": [{"type": "text", "text": solution.answer}]})
    emit("agent_message", {"turn": play.turns, "text": solution.answer, "tool_uses": 0, "usage": Usage().to_dict()})
    return play


class OracleAgent(Agent):
    """Plays `ctx.scenario.solution`. Costs nothing; ignores limits (a reference solution is trusted)."""

    name = "oracle"

    async def run(self, ctx: AgentContext) -> AgentResult:
        """Play the scenario's solution (see `play_solution`); steps that could not be played are logged, not raised."""
        play = await play_solution(ctx.scenario.solution, ctx.toolbox, emit=ctx.emit)
        return AgentResult(
            final_answer=play.final_answer,
            messages=[{"role": "user", "content": ctx.prompt}, *play.messages],
            turns=play.turns,
            stop_reason="end_turn",
        )
