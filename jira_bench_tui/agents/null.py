"""The null agent: calls no tool and answers "done". A harness's checks should fail it on every scenario."""

from __future__ import annotations

from jira_bench_tui.agents.base import Agent, AgentContext, AgentResult, Usage

NULL_ANSWER = "done"


class NullAgent(Agent):
    """Does nothing, in one turn."""

    name = "null"

    async def run(self, ctx: AgentContext) -> AgentResult:
        """Answer "done" in one turn, without a tool call; emits that turn's `agent_message` event."""
        ctx.emit("agent_message", {"turn": 1, "text": NULL_ANSWER, "tool_uses": 0, "usage": Usage().to_dict()})
        return AgentResult(
            final_answer=NULL_ANSWER,
            messages=[
                {"role": "user", "content": ctx.prompt},
                {"role": "assistant", "content": [{"type": "text", "text": NULL_ANSWER}]},
            ],
            turns=1,
            stop_reason="end_turn",
        )
