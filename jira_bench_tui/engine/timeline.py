"""The replay timeline (`steps`) of a trial, recorded live from the agent's turns and the tool box's calls.

When an agent reports no turns as events, the timeline is rebuilt from its messages, with the recorded tool calls
attached to their tool_use blocks (by id, else in order).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Timeline:
    """Collects model turns (from the agent's `agent_message` events) and tool-call steps (from the tool box, shaped
    as docs/run-folder.md's `tool_call` step) in the order they happen."""

    prompt: str
    body: list[dict[str, Any]] = field(default_factory=list)
    calls: list[dict[str, Any]] = field(default_factory=list)
    model_turns: int = 0
    _last_mark: float = field(default_factory=time.monotonic)

    def model_turn(self, turn: Any, text: Any) -> None:
        now = time.monotonic()
        self.model_turns += 1
        number = turn if isinstance(turn, int) else self.model_turns
        self.body.append({"kind": "model", "turn": number, "text": text if isinstance(text, str) else "",
                          "duration_s": round(now - self._last_mark, 6)})
        self._last_mark = now

    def tool_step(self, step: dict[str, Any]) -> None:
        self._last_mark = time.monotonic()
        self.calls.append(step)
        self.body.append(step)

    def steps(self, messages: list[dict[str, Any]], final_answer: str | None) -> list[dict[str, Any]]:
        """The artifact's `steps`: prompt, model turns and tool calls in order, then the answer."""
        body = self.body if self.model_turns else _from_messages(messages, self.calls)
        steps: list[dict[str, Any]] = [{"kind": "prompt", "text": self.prompt}, *body]
        if final_answer is not None:
            steps.append({"kind": "answer", "text": final_answer})
        return steps


def _blocks(message: dict[str, Any]) -> list[dict[str, Any]]:
    content = message.get("content")
    if isinstance(content, str):
        return [{"type": "text", "text": content}]
    return [b for b in content or [] if isinstance(b, dict)]


def _from_messages(messages: list[dict[str, Any]], calls: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_id = {str(c.get("call_id")): c for c in calls}
    used: set[int] = set()
    body: list[dict[str, Any]] = []
    turn = 0
    for message in messages:
        if message.get("role") != "assistant":
            continue
        turn += 1
        blocks = _blocks(message)
        text = "\n".join(b.get("text", "") for b in blocks if b.get("type") == "text").strip()
        body.append({"kind": "model", "turn": turn, "text": text, "duration_s": None})
        for block in blocks:
            if block.get("type") != "tool_use":
                continue
            record = by_id.get(str(block.get("id")))
            if record is None or id(record) in used:
                record = next((c for c in calls if id(c) not in used), None)
            if record is not None:
                used.add(id(record))
                body.append({**record, "turn": turn})
            else:
                body.append({"kind": "tool_call", "turn": turn, "call_id": block.get("id"), "tool": block.get("name"),
                             "arguments": block.get("input") or {}, "result": "", "is_error": True,
                             "duration_s": None})
    body += [c for c in calls if id(c) not in used]
    return body
