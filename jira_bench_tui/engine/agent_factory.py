"""Which agent a model name means: the models on offer, the check that a model can run here, and the factory of
agents for a run. The app and the command line reach the agents only through this module."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jira_bench_tui.agents.base import Agent
from jira_bench_tui.agents.registry import KNOWN_MODELS, OFFLINE_HINT, REPLAY_PREFIX, is_claude, known_names
from jira_bench_tui.config import anthropic_key_present
from jira_bench_tui.engine import run_folder
from jira_bench_tui.errors import UserError


class RunFolderTrials:
    """The trials of an earlier run, read from its run folder, for the replay agent."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.run_id = folder.name

    def repetitions(self) -> dict[str, list[int]]:
        """The finished repetitions of each scenario, in order: {scenario_id: [rep, ...]}."""
        reps: dict[str, list[int]] = {}
        for scenario_id, rep in sorted(run_folder.finished_trials(self.folder)):
            reps.setdefault(scenario_id, []).append(rep)
        return reps

    def read(self, scenario_id: str, repetition: int) -> dict[str, Any]:
        """One trial artifact (read through TrialArtifact), as JSON data; LookupError when it is unreadable."""
        try:
            return run_folder.read_trial(self.folder, scenario_id, repetition).model_dump(mode="json")
        except run_folder.StoreError as exc:
            raise LookupError(str(exc)) from None


def model_choices() -> list[tuple[str, str, bool]]:
    """The models the launcher offers, in menu order: (name, one-line description, needs ANTHROPIC_API_KEY)."""
    return [(info.name, info.description, info.needs_key) for info in KNOWN_MODELS]


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
    run_id = model.removeprefix(REPLAY_PREFIX).strip()
    if not run_id:
        raise UserError("replay needs a run id: replay:RUN_ID (see `jira-bench view list`)", field="model")
    try:
        return run_folder.find_run(results, run_id)
    except run_folder.StoreError as exc:
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

        return ReplayAgent(RunFolderTrials(replay_folder(model, results)))
    from jira_bench_tui.agents.anthropic import AnthropicAgent

    return AnthropicAgent(model)
