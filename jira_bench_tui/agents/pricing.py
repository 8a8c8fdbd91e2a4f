"""Anthropic prices per model family, in US dollars per million tokens, and the cost of a model call's usage.

To update: edit PRICES (one row per family; a row's `family` matches the model id and its dated snapshots, e.g.
claude-sonnet-4-5 matches claude-sonnet-4-5-20250929) and PRICES_AS_OF. Unknown models cost 0 (the agent warns once).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from jira_bench_tui.agents.base import Usage

# Source: https://platform.claude.com/docs/en/about-claude/pricing ("Model pricing": base input, 5-minute cache
# writes, cache hits, output). Read on this date; the *-5-5 rows come from a secondary copy of that page.
PRICES_AS_OF = "2026-11-24"


@dataclass(frozen=True)
class Price:
    """$ per million tokens."""

    family: str
    input: float
    output: float
    cache_write: float  # 5-minute cache writes (what the agent uses)
    cache_read: float


PRICES: tuple[Price, ...] = (
    Price("claude-fable-5-2", 10.00, 50.00, 12.50, 0.25),
    Price("claude-mythos-5-2", 10.00, 50.00, 12.50, 0.25),
    Price("claude-fable-5-1", 10.00, 50.00, 12.50, 0.25),
    Price("claude-mythos-5-1", 10.00, 50.00, 12.50, 0.25),
    Price("claude-fable-5", 10.00, 50.00, 12.50, 1.00),
    Price("claude-mythos-5", 10.00, 50.00, 12.50, 1.00),
    Price("claude-opus-5-5", 4.00, 20.00, 5.00, 0.20),
    Price("claude-opus-5", 5.00, 25.00, 6.25, 0.50),
    Price("claude-opus-4-8", 5.00, 25.00, 6.25, 0.50),
    Price("claude-opus-4-7", 5.00, 25.00, 6.25, 0.50),
    Price("claude-opus-4-6", 5.00, 25.00, 6.25, 0.50),
    Price("claude-opus-4-5", 5.00, 25.00, 6.25, 0.50),
    Price("claude-opus-4-1", 15.00, 75.00, 18.75, 1.50),
    Price("claude-opus-4", 15.00, 75.00, 18.75, 1.50),
    Price("claude-opus-4-0", 15.00, 75.00, 18.75, 1.50),
    Price("claude-3-opus", 15.00, 75.00, 18.75, 1.50),
    Price("claude-sonnet-5-5", 2.00, 10.00, 2.50, 0.10),
    Price("claude-sonnet-5", 2.00, 10.00, 2.50, 0.20),
    Price("claude-sonnet-4-6", 3.00, 15.00, 3.75, 0.30),
    Price("claude-sonnet-4-5", 3.00, 15.00, 3.75, 0.30),
    Price("claude-sonnet-4", 3.00, 15.00, 3.75, 0.30),
    Price("claude-sonnet-4-0", 3.00, 15.00, 3.75, 0.30),
    Price("claude-3-7-sonnet", 3.00, 15.00, 3.75, 0.30),
    Price("claude-haiku-5-5", 0.10, 0.50, 0.125, 0.01),  # prompts up to 100k tokens
    Price("claude-haiku-4-5", 1.00, 5.00, 1.25, 0.10),
    Price("claude-3-5-haiku", 0.80, 4.00, 1.00, 0.08),
    Price("claude-3-haiku", 0.25, 1.25, 0.30, 0.03),
)

_DATED = re.compile(r"^(?P<family>.+?)(-\d{8}|-latest)?$")


def price_for(model: str) -> Price | None:
    """The price row of a model id (exact family, or family plus a -YYYYMMDD / -latest suffix); None if unknown."""
    by_family = {price.family: price for price in PRICES}
    if model in by_family:
        return by_family[model]
    match = _DATED.match(model)
    if match:
        return by_family.get(match.group("family"))
    return None


def cost_usd(model: str, usage: Usage) -> float | None:
    """The dollar cost of `usage` for `model`; None when the model has no price row."""
    price = price_for(model)
    if price is None:
        return None
    return (
        usage.input_tokens * price.input
        + usage.output_tokens * price.output
        + usage.cache_creation_input_tokens * price.cache_write
        + usage.cache_read_input_tokens * price.cache_read
    ) / 1_000_000
