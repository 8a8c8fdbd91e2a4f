"""Which agent a model name means, read from the model registry (agents/registry.py): the models on offer, the
check that a model can run here, and the agent for a run (with the run folders a replay reads). The app and the
command line reach the agents only through this module."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jira_bench_tui.agents import registry
from jira_bench_tui.agents.base import Agent
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


@dataclass(frozen=True)
class ModelChoice:
    """A model the launcher offers: its name, provider id and title, one-line description, the environment variable
    of its key (None: needs none) and whether that key is set."""

    name: str
    provider: str
    provider_title: str
    description: str
    key_env: str | None
    key_set: bool


def model_choices() -> list[ModelChoice]:
    """The models the launcher offers, grouped by provider in table order (offline agents first)."""
    return [ModelChoice(e.full_name, e.provider, registry.PROVIDERS[e.provider].title, e.description,
                        registry.PROVIDERS[e.provider].key_env, registry.PROVIDERS[e.provider].key_present())
            for e in registry.offered()]


def provider_status() -> list[tuple[str, str | None, bool, bool]]:
    """Each provider that needs a key: (title, key variable, key set, SDK installed)."""
    return [(p.title, p.key_env, p.key_present(), p.sdk_installed()) for p in registry.PROVIDERS.values() if p.key_env]


def effective_base_url(model: str, base_url: str | None) -> str | None:
    """The endpoint a run of `model` uses, to keep in spec.json: `base_url` (checked), else the provider's *_BASE_URL
    variable (checked alike), else None (the provider's default). UserError(field="model_base_url") for a bad URL
    (the message names the variable when it came from one) or one given to an offline agent."""
    provider = _resolve(model).provider
    if base_url and base_url.strip():
        if provider.id == "offline":
            raise UserError(f"{model} calls no model API: it takes no base URL", field="model_base_url")
        try:
            return registry.check_base_url(base_url)
        except ValueError as exc:
            raise UserError(str(exc), field="model_base_url") from None
    from_env = provider.env_base_url()
    if from_env is None:
        return None
    try:
        return registry.check_base_url(from_env)
    except ValueError as exc:
        raise UserError(f"{provider.base_url_env}: {exc}", field="model_base_url") from None


def effective_model_args(model: str, items: list[str]) -> dict[str, Any]:
    """The API arguments a run of `model` sends, to keep in spec.json, read from KEY=VALUE items
    (registry.parse_model_args). UserError(field="model_args") when one is malformed or looks like a key, or when
    an offline agent is given any."""
    try:
        args = registry.parse_model_args(items)
    except ValueError as exc:
        raise UserError(str(exc), field="model_args") from None
    if args and _resolve(model).provider.id == "offline":
        raise UserError(f"{model} calls no model API: it takes no model arguments", field="model_args")
    return args


def _resolve(model: str) -> registry.ResolvedModel:
    try:
        return registry.resolve(model)
    except registry.UnknownModel as exc:
        raise UserError(str(exc), field="model") from None


def check_model(model: str, results: Path, base_url: str | None = None) -> None:
    """UserError(field="model") unless `model` can run here: a known offline agent, `replay:` of an existing run, or
    a model of a provider (registry.resolve) whose SDK is installed and whose key is set; a local endpoint
    (`base_url`, else the provider's *_BASE_URL) needs no key."""
    resolved = _resolve(model)
    provider = resolved.provider
    if provider.id == "offline":
        if resolved.model_id.startswith(registry.REPLAY_PREFIX):
            replay_folder(resolved.model_id, results)
        return
    if not provider.sdk_installed():
        raise UserError(f"{model} needs the {provider.id} SDK: pip install 'jira-bench[{provider.extra}]'",
                        field="model")
    endpoint = (base_url or "").strip() or provider.env_base_url()
    if not provider.key_present() and not (provider.id == "openai" and registry.is_local_url(endpoint)):
        local = "; a local endpoint (--model-base-url http://localhost:...) needs none" if provider.id == "openai" else ""
        raise UserError(f"{model} needs {provider.key_env}{local}; {registry.OFFLINE_HINT}", field="model")


def replay_folder(model: str, results: Path) -> Path:
    """The run folder a `replay:RUN_ID` model names; UserError when there is no such run."""
    run_id = model.removeprefix(registry.REPLAY_PREFIX).strip()
    if not run_id:
        raise UserError("replay needs a run id: replay:RUN_ID (see `jira-bench view list`)", field="model")
    try:
        return run_folder.find_run(results, run_id)
    except run_folder.StoreError as exc:
        raise UserError(f"cannot replay: {exc}", field="model") from None


def make_agent(model: str, results: Path, base_url: str | None = None,
               model_args: dict[str, Any] | None = None) -> Agent:
    """The agent for `model` through its provider's factory (call check_model first for a friendly error; this
    raises the same UserError)."""
    check_model(model, results, base_url)
    resolved = _resolve(model)
    trials = None
    if resolved.model_id.startswith(registry.REPLAY_PREFIX):
        trials = RunFolderTrials(replay_folder(resolved.model_id, results))
    request = registry.ModelRequest(resolved.model_id, base_url=base_url, model_args=dict(model_args or {}),
                                    trials=trials)
    agent = resolved.provider.factory(request)
    if resolved.provider.id != "offline":
        agent.name = resolved.name
    return agent
