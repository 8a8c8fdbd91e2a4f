"""Model names: which ones run here, the clear error for the others, and the agent each one makes."""

from __future__ import annotations

from pathlib import Path

import pytest

from jira_bench_tui.agents.anthropic import AnthropicAgent
from jira_bench_tui.agents.null import NullAgent
from jira_bench_tui.agents.oracle import OracleAgent
from jira_bench_tui.agents.registry import KNOWN_MODELS
from jira_bench_tui.agents.replay import ReplayAgent
from jira_bench_tui.engine import run_folder
from jira_bench_tui.engine.agent_factory import check_model, make_agent
from jira_bench_tui.errors import UserError


def tree(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


def test_offline_models_need_no_key(tmp_path: Path) -> None:
    assert isinstance(make_agent("oracle", tmp_path), OracleAgent)
    assert isinstance(make_agent("null", tmp_path), NullAgent)
    assert tree(tmp_path) == []


def test_any_claude_model_with_a_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test")
    agent = make_agent("claude-sonnet-4-6", tmp_path)
    assert isinstance(agent, AnthropicAgent) and agent.model == "claude-sonnet-4-6"
    check_model("claude-some-future-model", tmp_path)


def test_replay_of_an_existing_run(tmp_path: Path) -> None:
    folder = run_folder.run_dir(tmp_path, "20261124-101500-demo-oracle-ab12")
    run_folder.trials_dir(folder).mkdir(parents=True)
    agent = make_agent("replay:20261124-101500-demo", tmp_path)  # a unique prefix is enough
    assert isinstance(agent, ReplayAgent) and agent.trials.folder == folder
    assert agent.name == "replay:20261124-101500-demo-oracle-ab12"


@pytest.mark.parametrize(
    "model,message",
    [
        ("gpt-4", "unknown model 'gpt-4' (known: oracle, null, replay:RUN_ID, claude-"),
        ("claude-", "unknown model 'claude-'"),
        ("claude-sonnet-4-5", "claude-sonnet-4-5 needs ANTHROPIC_API_KEY; set it or use an offline agent: oracle, null, replay:RUN_ID"),
        ("replay:nope", "cannot replay: no run 'nope' in "),
        ("replay:", "replay needs a run id: replay:RUN_ID"),
    ],
)
def test_bad_models_are_one_clear_sentence_and_touch_nothing(tmp_path: Path, model: str, message: str) -> None:
    (tmp_path / "runs").mkdir()
    before = tree(tmp_path)
    with pytest.raises(UserError) as caught:
        check_model(model, tmp_path)
    assert str(caught.value).startswith(message) and caught.value.field == "model"
    with pytest.raises(UserError):
        make_agent(model, tmp_path)
    assert tree(tmp_path) == before
    if model == "gpt-4":
        assert str(caught.value).endswith("; any claude-* id works)")


def test_known_models_list() -> None:
    names = [info.name for info in KNOWN_MODELS]
    assert names[:3] == ["oracle", "null", "replay:RUN_ID"]
    assert all(info.needs_key == (info.provider == "anthropic") for info in KNOWN_MODELS)
    assert {"claude-sonnet-4-6", "claude-opus-4-1", "claude-haiku-4-5"} <= set(names)
