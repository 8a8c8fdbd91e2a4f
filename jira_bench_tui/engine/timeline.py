"""The replay timeline (`steps`) of a trial, recorded live from the agent's turns and the tool box's calls.

When an agent reports no turns as events, the timeline is rebuilt from its messages, with the recorded tool calls
attached to their tool_use blocks (by id, else in order).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from jira_bench_tui.engine.run_folder import AnswerStep, ModelStep, PromptStep, Step, ToolCallStep

BodyStep = ModelStep | ToolCallStep


@dataclass
class Timeline:
    """Collects model turns (from the agent's `agent_message` events) and tool-call steps (from the tool box) in the
    order they happen."""

    prompt: str
    body: list[BodyStep] = field(default_factory=list)
    calls: list[ToolCallStep] = field(default_factory=list)
    model_turns: int = 0
    _last_mark: float = field(default_factory=time.monotonic)

    def model_turn(self, turn: int, text: str, latency_s: float | None = None, wait_s: float | None = None) -> None:
        """Record a model turn; its duration is the time since the last turn or tool result (seconds); `latency_s`
        and `wait_s` as the agent measured them (None: not measured)."""
        now = time.monotonic()
        self.model_turns += 1
        self.body.append(ModelStep(turn=turn, text=text, duration_s=round(now - self._last_mark, 6),
                                   latency_s=latency_s, wait_s=wait_s))
        self._last_mark = now

    def tool_step(self, step: dict[str, Any]) -> None:
        """Record a finished tool call, given as the tool box's step (the `tool_call` step's fields).
        ValidationError when it lacks them."""
        self._last_mark = time.monotonic()
        call = ToolCallStep.model_validate(step)
        self.calls.append(call)
        self.body.append(call)

    def steps(self, messages: list[dict[str, Any]], final_answer: str | None) -> list[Step]:
        """The artifact's `steps`: prompt, model turns and tool calls in order, then the answer. `messages` are the
        agent's (Anthropic format), used when it reported no turns."""
        body = self.body if self.model_turns else _from_messages(messages, self.calls)
        steps: list[Step] = [PromptStep(text=self.prompt), *body]
        if final_answer is not None:
            steps.append(AnswerStep(text=final_answer))
        return steps


def _blocks(message: dict[str, Any]) -> list[dict[str, Any]]:
    content = message.get("content")
    if isinstance(content, str):
        return [{"type": "text", "text": content}]
    return [b for b in content or [] if isinstance(b, dict)]


def _unrecorded_call(block: dict[str, Any], turn: int) -> ToolCallStep:
    """A tool_use block no recorded call matches: shown as an error call without a result."""
    call_id, name, arguments = block.get("id"), block.get("name"), block.get("input")
    return ToolCallStep(turn=turn, call_id=None if call_id is None else str(call_id),
                        tool=None if name is None else str(name),
                        arguments=arguments if isinstance(arguments, dict) else {}, result="", is_error=True,
                        duration_s=None)


def _from_messages(messages: list[dict[str, Any]], calls: list[ToolCallStep]) -> list[BodyStep]:
    by_id = {str(c.call_id): c for c in calls}
    used: set[int] = set()
    body: list[BodyStep] = []
    turn = 0
    for message in messages:
        if message.get("role") != "assistant":
            continue
        turn += 1
        blocks = _blocks(message)
        text = "\n".join(b.get("text", "") for b in blocks if b.get("type") == "text").strip()
        body.append(ModelStep(turn=turn, text=text, duration_s=None))
        for block in blocks:
            if block.get("type") != "tool_use":
                continue
            record = by_id.get(str(block.get("id")))
            if record is None or id(record) in used:
                record = next((c for c in calls if id(c) not in used), None)
            if record is not None:
                used.add(id(record))
                body.append(record.model_copy(update={"turn": turn}))
            else:
                body.append(_unrecorded_call(block, turn))
    body += [c for c in calls if id(c) not in used]
    return body
