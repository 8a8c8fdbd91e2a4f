"""Model names the launcher offers and accepts, the check that a model can run here, and the factory of agents."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jira_bench_tui.agents.base import Agent
from jira_bench_tui.config import anthropic_key_present
from jira_bench_tui.errors import UserError

REPLAY_PREFIX = "replay:"
OFFLINE_HINT = "set it or use an offline agent: oracle, null, replay:RUN_ID"


@dataclass(frozen=True)
class ModelInfo:
    name: str
    provider: str  # "anthropic" | "offline"
    needs_key: bool
    description: str


KNOWN_MODELS: list[ModelInfo] = [
    ModelInfo("oracle", "offline", False, "plays each scenario's reference solution (should pass everything)"),
    ModelInfo("null", "offline", False, "calls no tool and answers 'done' (should fail everything)"),
    ModelInfo("replay:RUN_ID", "offline", False, "re-issues the tool calls of an earlier run"),
    ModelInfo("claude-opus-4-8", "anthropic", True, "Claude Opus 4.8"),
    ModelInfo("claude-opus-4-7", "anthropic", True, "Claude Opus 4.7"),
    ModelInfo("claude-opus-4-6", "anthropic", True, "Claude Opus 4.6"),
    ModelInfo("claude-opus-4-5", "anthropic", True, "Claude Opus 4.5 (deprecated: end of life 2027-01-22)"),
    ModelInfo("claude-opus-4-1", "anthropic", True, "Claude Opus 4.1"),
    ModelInfo("claude-sonnet-4-6", "anthropic", True, "Claude Sonnet 4.6"),
    ModelInfo("claude-sonnet-4-5", "anthropic", True, "Claude Sonnet 4.5 (deprecated: end of life 2026-11-30)"),
    ModelInfo("claude-haiku-4-5", "anthropic", True, "Claude Haiku 4.5"),
]


def known_names() -> str:
    return ", ".join(info.name for info in KNOWN_MODELS)


def is_claude(model: str) -> bool:
    return model.startswith("claude-") and len(model) > len("claude-")


def check_model(model: str, results: Path) -> None:
    """UserError(field="model") unless `model` can run here: a known offline agent, `replay:` of an existing run,
    or any claude-* id with ANTHROPIC_API_KEY set."""
    model = model.strip()
    if model in ("oracle", "null"):
        return
    if model.startswith(REPLAY_PREFIX):
        replay_folder(model, results)
        return
    if is_claude(model):
        if not anthropic_key_present():
            raise UserError(f"{model} needs ANTHROPIC_API_KEY; {OFFLINE_HINT}", field="model")
        return
    raise UserError(f"unknown model {model!r} (known: {known_names()}; any claude-* id works)", field="model")


def replay_folder(model: str, results: Path) -> Path:
    """The run folder a `replay:RUN_ID` model names; UserError when there is no such run."""
    from jira_bench_tui.engine import store  # the replay agent reads run folders; imported only when used

    run_id = model.removeprefix(REPLAY_PREFIX).strip()
    if not run_id:
        raise UserError("replay needs a run id: replay:RUN_ID (see `jira-bench view list`)", field="model")
    try:
        return store.find_run(results, run_id)
    except store.StoreError as exc:
        raise UserError(f"cannot replay: {exc}", field="model") from None


def make_agent(model: str, results: Path) -> Agent:
    """The agent for `model` (call check_model first for a friendly error; this raises the same UserError)."""
    check_model(model, results)
    model = model.strip()
    if model == "oracle":
        from jira_bench_tui.agents.oracle import OracleAgent

        return OracleAgent()
    if model == "null":
        from jira_bench_tui.agents.null import NullAgent

        return NullAgent()
    if model.startswith(REPLAY_PREFIX):
        from jira_bench_tui.agents.replay import ReplayAgent

        return ReplayAgent(replay_folder(model, results))
    from jira_bench_tui.agents.anthropic import AnthropicAgent

    return AnthropicAgent(model)
