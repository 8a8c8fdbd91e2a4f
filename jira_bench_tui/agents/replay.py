"""The replay agent: re-issues an earlier run's tool calls, turn by turn, from its trial artifacts, and gives the same
final answer (tool results may differ: they come from this trial's Jira)."""

from __future__ import annotations

from typing import Any, Protocol

from jira_bench_tui.agents.base import Agent, AgentContext, AgentError, AgentResult, Usage
from jira_bench_tui.agents.messages import invalid_arguments_outcome, text_of, tool_result_block


class ReplayTrials(Protocol):
    """Where the earlier run's trials come from (the engine reads them from its run folder)."""

    run_id: str

    def repetitions(self) -> dict[str, list[int]]:
        """The repetitions on record for each scenario id."""
        ...

    def read(self, scenario_id: str, repetition: int) -> dict[str, Any]:
        """One trial artifact; raises LookupError with a one-sentence reason when it cannot be read."""
        ...


def nearest_repetition(available: list[int], wanted: int) -> int:
    """The available repetition closest to `wanted` (the lower one on a tie)."""
    return min(available, key=lambda rep: (abs(rep - wanted), rep))


class ReplayAgent(Agent):
    """Replays the trials of an earlier run, read through `trials` (same scenario id; same repetition or the nearest
    one). Costs nothing: usage is zero."""

    def __init__(self, trials: ReplayTrials) -> None:
        self.trials = trials
        self.run_id = trials.run_id
        self.name = f"replay:{self.run_id}"
        self._reps: dict[str, list[int]] | None = None

    def repetitions(self) -> dict[str, list[int]]:
        """The repetitions on record for each scenario id of the earlier run (read once)."""
        if self._reps is None:
            self._reps = self.trials.repetitions()
        return self._reps

    def load_artifact(self, scenario_id: str, repetition: int) -> dict[str, Any]:
        """The earlier trial to replay for this scenario and repetition (or the nearest repetition on record).

        Raises AgentError (the trial errors) when the run has no trial of the scenario, it cannot be read, or it has
        no `messages` list."""
        available = self.repetitions().get(scenario_id)
        if not available:
            raise AgentError(f"run {self.run_id} has no trial of scenario '{scenario_id}' to replay")
        rep = nearest_repetition(available, repetition)
        try:
            artifact = self.trials.read(scenario_id, rep)
        except LookupError as exc:
            raise AgentError(f"cannot replay {scenario_id} from run {self.run_id}: {exc.args[0]}") from None
        if not isinstance(artifact.get("messages"), list):
            raise AgentError(f"trial {scenario_id}__{rep} of run {self.run_id} has no messages")
        return artifact

    async def run(self, ctx: AgentContext) -> AgentResult:
        """Re-issue each recorded assistant turn's tool calls on this trial's Jira, in order, and give the recorded
        final answer and stop reason (an unknown stop reason becomes end_turn). Raises AgentError as load_artifact."""
        artifact = self.load_artifact(ctx.scenario.id, ctx.repetition)
        messages: list[dict[str, Any]] = [{"role": "user", "content": ctx.prompt}]
        turns = 0
        for message in artifact["messages"]:
            if not isinstance(message, dict) or message.get("role") != "assistant":
                continue
            content = message.get("content")
            blocks = [{"type": "text", "text": content}] if isinstance(content, str) else list(content or [])
            turns += 1
            messages.append({"role": "assistant", "content": blocks})
            tool_uses = [b for b in blocks if isinstance(b, dict) and b.get("type") == "tool_use"]
            ctx.emit(
                "agent_message",
                {"turn": turns, "text": text_of(blocks), "tool_uses": len(tool_uses), "usage": Usage().to_dict()},
            )
            if not tool_uses:
                continue
            results: list[dict[str, Any]] = []
            for use in tool_uses:
                arguments = use.get("input")
                if use.get("invalid_arguments") is not None:  # never reached a tool: answered as it was then
                    results.append(tool_result_block(use.get("id"), invalid_arguments_outcome(use)))
                    continue
                outcome = await ctx.toolbox.call(
                    str(use.get("name")), dict(arguments) if isinstance(arguments, dict) else {}, call_id=use.get("id")
                )
                results.append(tool_result_block(use.get("id"), outcome))
            messages.append({"role": "user", "content": results})
        stop_reason = artifact.get("stop_reason")
        return AgentResult(
            final_answer=artifact.get("final_answer"),
            messages=messages,
            turns=turns,
            stop_reason=stop_reason if stop_reason in ("end_turn", "max_turns", "max_tokens", "wall_time") else "end_turn",
        )
