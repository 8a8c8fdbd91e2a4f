"""The Anthropic Messages format as every agent writes its transcript: reading a message's text, answering a tool use.

Shapes follow the Messages API's content blocks (https://docs.anthropic.com/en/api/messages).
"""

from __future__ import annotations

from typing import Any

from jira_bench_tui.agents.base import ToolOutcome


def text_of(content: str | list[Any]) -> str:
    """The text of a message's content: a plain string as it is, else its `text` blocks one per line, stripped.

    Blocks that are not dicts or not text (tool_use, thinking) are skipped; '' when there is no text."""
    if isinstance(content, str):
        return content
    return "\n".join(b.get("text", "") for b in content if isinstance(b, dict) and b.get("type") == "text").strip()


def tool_result_block(tool_use_id: str | None, outcome: ToolOutcome) -> dict[str, Any]:
    """The `tool_result` block answering tool use `tool_use_id` with the tool's text (`is_error` only when it failed).

    `tool_use_id` is None only when a replayed transcript's tool use had no id: it is kept as it was."""
    block: dict[str, Any] = {"type": "tool_result", "tool_use_id": tool_use_id, "content": outcome.text}
    if outcome.is_error:
        block["is_error"] = True
    return block


def invalid_arguments_outcome(block: dict[str, Any]) -> ToolOutcome:
    """The tool error a model gets for a tool call whose arguments were not a JSON object (the tool was not called).

    `block` is the transcript's tool_use block, which keeps the raw text in `invalid_arguments`."""
    raw = str(block.get("invalid_arguments", ""))
    shown = raw if len(raw) <= 200 else raw[:200] + "…"
    return ToolOutcome(
        text=f"Error: the arguments of tool call '{block.get('name')}' are not a JSON object ({shown!r}); "
             "the tool was not called. Send the arguments again as one JSON object.",
        is_error=True,
        duration_s=0.0,
    )
