"""The model names the launcher offers and accepts (the check and the factory live in `engine/agent_factory.py`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

REPLAY_PREFIX = "replay:"
OFFLINE_HINT = "set it or use an offline agent: oracle, null, replay:RUN_ID"


@dataclass(frozen=True)
class ModelInfo:
    """A model the launcher offers: its name, provider ("anthropic" or "offline"), whether it needs
    ANTHROPIC_API_KEY, and a one-line description."""

    name: str
    provider: Literal["anthropic", "offline"]
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
    """The offered model names, comma-separated, for error messages."""
    return ", ".join(info.name for info in KNOWN_MODELS)


def is_claude(model: str) -> bool:
    """Whether `model` is a Claude model id (`claude-` and something after it); any such id is accepted."""
    return model.startswith("claude-") and len(model) > len("claude-")
