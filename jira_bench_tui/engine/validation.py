"""Check that a harness can tell agents apart (`jira-bench validate`): the oracle passes and the null agent fails
every scenario. Returns the verdicts; the caller shows them."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from jira_bench_tui.engine.rest_servers import RestTrialServer
from jira_bench_tui.engine.trial import ScoredSolution, score_solution_async
from jira_bench_tui.errors import UserError
from jira_bench_tui.harness.loader import LoadedHarness
from jira_bench_tui.harness.schema import Scenario

REST_CONCURRENCY = 4  # scenarios validated at once through a real server (each trial starts its process)


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


def validate_harness(loaded: LoadedHarness, server: str = "builtin") -> list[ScenarioVerdict]:
    """Play every scenario with the oracle and the null agent, in harness order, each on a fresh embedded Jira: with
    the embedded tools (`server` "builtin"), or through a real server over the REST face (`mcp-atlassian[==V]`,
    `rest:'CMD'`; then REST_CONCURRENCY scenarios at a time, since each trial starts a server process).

    Raises UserError (field="fixture", "harness" or "server") before playing anything when a scenario's fixture does
    not build, the server is not installed or does not start, or a solution step names a tool the server does not
    offer."""
    from jira_bench_tui.engine.launcher import check_fixtures
    from jira_bench_tui.engine.rest_trials import parse_server_text, probe_tools, trial_server
    from jira_bench_tui.engine.solution_tools import check_solution_tools, embedded_tool_names

    rest = parse_server_text(server)
    if rest is None and server.strip() not in ("builtin", "embedded"):
        raise UserError(f"validate runs on the embedded Jira or through a real server over it (mcp-atlassian[==VERSION]"
                        f" or rest:'CMD'), not {server!r}", field="server")
    check_fixtures(loaded, [])
    if rest is None:
        check_solution_tools(loaded, embedded_tool_names(), [])
        return asyncio.run(_score_all(loaded, None, 1))
    rest_server = trial_server(*rest)
    check_solution_tools(loaded, set(probe_tools(rest_server)), [])
    return asyncio.run(_score_all(loaded, rest_server, REST_CONCURRENCY))


async def _score_all(loaded: LoadedHarness, rest_server: RestTrialServer | None,
                     concurrency: int) -> list[ScenarioVerdict]:
    from jira_bench_tui.agents.null import NullAgent

    gate = asyncio.Semaphore(concurrency)

    async def verdict(scenario: Scenario) -> ScenarioVerdict:
        async with gate:
            oracle = await score_solution_async(loaded, scenario, rest_server=rest_server)
            null = await score_solution_async(loaded, scenario, agent=NullAgent(), rest_server=rest_server)
        return ScenarioVerdict(scenario.id, oracle, null)

    return list(await asyncio.gather(*(verdict(s) for s in loaded.harness.scenarios)))
