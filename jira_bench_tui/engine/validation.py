"""Check that a harness can tell agents apart (`jira-bench validate`): the oracle passes and the null agent fails
every scenario. Returns the verdicts; the caller shows them."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from jira_bench_tui.engine.trial import ScoredSolution, score_solution_async
from jira_bench_tui.harness.loader import LoadedHarness


@dataclass(frozen=True)
class ScenarioVerdict:
    """How one scenario fared: `oracle` is its reference solution played on a fresh Jira, `null` an agent that
    calls no tool. A sound scenario has the oracle passed and the null agent failed."""

    scenario_id: str
    oracle: ScoredSolution
    null: ScoredSolution

    @property
    def oracle_passes(self) -> bool:
        """The reference solution passes every check."""
        return self.oracle.outcome == "passed"

    @property
    def null_fails(self) -> bool:
        """Doing nothing fails (not errors): the scenario asks for a change."""
        return self.null.outcome == "failed"

    @property
    def ok(self) -> bool:
        """Both of the above."""
        return self.oracle_passes and self.null_fails


def validate_harness(loaded: LoadedHarness) -> list[ScenarioVerdict]:
    """Play every scenario with the oracle and the null agent, in harness order, each on a fresh embedded Jira.

    Raises UserError (field="fixture" or "harness") before playing anything when a scenario's fixture does not build
    or a solution step names a tool the embedded Jira does not offer."""
    from jira_bench_tui.engine.launcher import check_fixtures
    from jira_bench_tui.engine.solution_tools import check_solution_tools, embedded_tool_names

    check_fixtures(loaded, [])
    check_solution_tools(loaded, embedded_tool_names(), [])
    return asyncio.run(_score_all(loaded))


async def _score_all(loaded: LoadedHarness) -> list[ScenarioVerdict]:
    from jira_bench_tui.agents.null import NullAgent

    verdicts = []
    for scenario in loaded.harness.scenarios:
        oracle = await score_solution_async(loaded, scenario)
        null = await score_solution_async(loaded, scenario, agent=NullAgent())
        verdicts.append(ScenarioVerdict(scenario.id, oracle, null))
    return verdicts
