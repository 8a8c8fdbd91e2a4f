"""What an agent is: the contract between the trial loop (engine) and whoever acts in a trial.

The engine owns the MCP session; an agent sees Jira only through `ToolBox.call`, which the engine records (events,
durations, artifacts). Agents write their own turns to `AgentResult.messages` in the Anthropic Messages format, so
transcripts of every agent replay alike.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from jira_bench_tui.harness.schema import Limits, Scenario


@dataclass(frozen=True)
class ToolSpec:
    """One MCP tool as offered to a model."""

    name: str
    description: str
    input_schema: dict[str, Any]


@dataclass(frozen=True)
class ToolOutcome:
    """What a tool call gave back: its text (JSON for Jira tools), whether it was an error, and how long it took."""

    text: str
    is_error: bool
    duration_s: float


class ToolBox(Protocol):
    """The tools of the trial's MCP server. Every call is recorded by the engine."""

    tools: list[ToolSpec]

    async def call(self, name: str, arguments: dict[str, Any], *, call_id: str | None = None) -> ToolOutcome:
        """Call a tool; never raises for tool errors (they come back with `is_error`)."""
        ...


@dataclass
class Usage:
    """Tokens and cost of a trial (or one model call): counts as the Messages API reports them, cost in US dollars."""

    input_tokens: int = 0
    output_tokens: int = 0
    cache_creation_input_tokens: int = 0
    cache_read_input_tokens: int = 0
    cost_usd: float = 0.0

    @property
    def total_tokens(self) -> int:
        """Every token counted: input, output, cache writes and cache reads."""
        return self.input_tokens + self.output_tokens + self.cache_creation_input_tokens + self.cache_read_input_tokens

    def add(self, other: Usage) -> None:
        """Add `other`'s counts and cost to these, in place."""
        self.input_tokens += other.input_tokens
        self.output_tokens += other.output_tokens
        self.cache_creation_input_tokens += other.cache_creation_input_tokens
        self.cache_read_input_tokens += other.cache_read_input_tokens
        self.cost_usd += other.cost_usd

    def to_dict(self) -> dict[str, Any]:
        """The artifact's and events' `usage` object: the counts, `total_tokens`, and `cost_usd` rounded to 6 places."""
        return {
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "cache_creation_input_tokens": self.cache_creation_input_tokens,
            "cache_read_input_tokens": self.cache_read_input_tokens,
            "total_tokens": self.total_tokens,
            "cost_usd": round(self.cost_usd, 6),
        }


@dataclass
class AgentContext:
    """Everything an agent gets for one trial."""

    scenario: Scenario
    repetition: int
    system_prompt: str
    prompt: str
    limits: Limits
    toolbox: ToolBox
    # emit(event_type, fields): append an event to the run's events.jsonl (e.g. "agent_message" with turn and text)
    emit: Callable[[str, dict[str, Any]], None] = lambda _type, _fields: None


@dataclass
class AgentResult:
    """What an agent did in a trial: its final answer, the transcript, usage, turns, and why it stopped."""

    final_answer: str | None
    messages: list[dict[str, Any]]  # Anthropic Messages format: the prompt, then every turn
    usage: Usage = field(default_factory=Usage)
    turns: int = 0
    # end_turn | max_turns | max_tokens | wall_time | error
    stop_reason: str = "end_turn"
    error: str | None = None  # set when the trial could not finish for reasons not the agent's (API errors)


class AgentError(Exception):
    """The trial could not be completed (retries exhausted, API unreachable): the trial is `error`, not `failed`.

    `partial` holds the transcript up to the failure, when there is one, so the artifact still shows what happened."""

    def __init__(self, message: str, partial: AgentResult | None = None) -> None:
        super().__init__(message)
        self.partial = partial


class ApiCallError(AgentError):
    """The model could not be called (retries exhausted, a refused request). `partial` holds the trial so far."""

    def __init__(self, message: str, partial: AgentResult) -> None:
        super().__init__(message)
        self.partial = partial


def limit_reached(limits: Limits, result: AgentResult, remaining_s: float) -> str | None:
    """The stop reason when a trial limit is reached before the next model call: max_turns, max_tokens (all tokens
    so far) or wall_time (`remaining_s` seconds left); None while the trial may go on."""
    if result.turns >= limits.max_turns:
        return "max_turns"
    if result.usage.total_tokens >= limits.max_tokens:
        return "max_tokens"
    if remaining_s <= 0:
        return "wall_time"
    return None


class FatalAgentError(Exception):
    """The whole run must stop now (an invalid or unauthorised API key). The message is shown to the user."""


class Agent(ABC):
    """Who acts in a trial. One instance serves every trial of a run, concurrently."""

    name: str = "agent"

    @abstractmethod
    async def run(self, ctx: AgentContext) -> AgentResult:
        """Work the scenario through `ctx.toolbox` and return the transcript, final answer and usage."""

    async def aclose(self) -> None:  # noqa: B027 - optional hook
        """Release clients at the end of a run."""
