"""Model names: which ones run here, the clear error for the others, and the agent each one makes."""

from __future__ import annotations

from pathlib import Path

import pytest

from jira_bench_tui.agents.anthropic import AnthropicAgent
from jira_bench_tui.agents.null import NullAgent
from jira_bench_tui.agents.openai import OpenAIAgent
from jira_bench_tui.agents.oracle import OracleAgent
from jira_bench_tui.agents.registry import MODELS, PROVIDERS, is_local_url, offered, parse_model_args
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
    prefixed = make_agent("anthropic/claude-haiku-4-5", tmp_path, model_args={"temperature": 0})
    assert isinstance(prefixed, AnthropicAgent) and prefixed.model == "claude-haiku-4-5"
    assert prefixed.name == "anthropic/claude-haiku-4-5" and prefixed.model_args == {"temperature": 0}


def test_openai_models_with_a_key_or_a_local_endpoint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    with pytest.raises(UserError, match="openai/gpt-4o needs OPENAI_API_KEY; a local endpoint"):
        check_model("openai/gpt-4o", tmp_path)
    local = make_agent("openai/llama3.1:8b", tmp_path, base_url="http://localhost:11434/v1")
    assert isinstance(local, OpenAIAgent) and local.model == "llama3.1:8b" and local.free
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:8000/v1")
    check_model("gpt-4.1-mini", tmp_path)  # the variable's endpoint is local: no key needed
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.delenv("OPENAI_BASE_URL")
    remote = make_agent("o4-mini", tmp_path)
    assert isinstance(remote, OpenAIAgent) and remote.model == "o4-mini" and not remote.free


def test_replay_of_an_existing_run(tmp_path: Path) -> None:
    folder = run_folder.run_dir(tmp_path, "20261124-101500-demo-oracle-ab12")
    run_folder.trials_dir(folder).mkdir(parents=True)
    agent = make_agent("replay:20261124-101500-demo", tmp_path)  # a unique prefix is enough
    assert isinstance(agent, ReplayAgent) and agent.trials.folder == folder
    assert agent.name == "replay:20261124-101500-demo-oracle-ab12"


@pytest.mark.parametrize(
    "model,message",
    [
        ("mistral-large", "unknown model 'mistral-large' (known: oracle, null, replay:RUN_ID, anthropic/claude-"),
        ("openai/", "unknown model 'openai/': give a model after 'openai/'"),
        ("gpt-4", "gpt-4 needs OPENAI_API_KEY; a local endpoint"),
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
    if model == "mistral-large":
        assert str(caught.value).endswith("and bare claude-*, gpt-*, o1*, o3*, o4* ids)")


def test_known_models_list() -> None:
    names = [entry.full_name for entry in offered()]
    assert names[:3] == ["oracle", "null", "replay:RUN_ID"]
    assert {"anthropic/claude-sonnet-4-6", "anthropic/claude-opus-4-1", "anthropic/claude-haiku-4-5"} <= set(names)
    assert {"openai/gpt-4o", "openai/gpt-4.1-mini", "openai/o4-mini"} <= set(names)
    for entry in MODELS:
        assert (entry.price is not None) == (entry.provider != "offline")
        assert PROVIDERS[entry.provider].key_env is None or entry.price.source.as_of  # type: ignore[union-attr]
        assert entry.provider == "offline" or entry.context_window


@pytest.mark.parametrize("url,local", [
    ("http://localhost:11434/v1", True), ("http://127.0.0.1:8000/v1", True), ("http://192.168.1.20:1234/v1", True),
    ("http://vllm:8000/v1", True), ("http://gpu-box.lan:8080/v1", True), ("http://[::1]:8000/v1", True),
    ("https://api.openai.com/v1", False), ("https://openrouter.ai/api/v1", False), (None, False),
])
def test_local_endpoints(url: str | None, local: bool) -> None:
    assert is_local_url(url) is local


def test_model_args() -> None:
    assert parse_model_args(["temperature=0", "reasoning_effort=low", "stop=[\"x\"]", "stream=false"]) == {
        "temperature": 0, "reasoning_effort": "low", "stop": ["x"], "stream": False}
    for bad in (["temperature"], ["=1"], ["api_key=sk-1"], ["Authorization=Bearer x"]):
        with pytest.raises(ValueError):
            parse_model_args(bad)


def test_the_models_command_lists_models_prices_and_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    from click.testing import CliRunner

    from jira_bench_tui.cli import main

    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-hidden-0123456789")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://localhost:11434/v1")
    table = CliRunner().invoke(main, ["models"])
    assert table.exit_code == 0, table.output
    assert "ANTHROPIC_API_KEY: set" in table.output and "OPENAI_API_KEY: not set (a local endpoint needs none)" in table.output
    assert "http://localhost:11434/v1 (local: cost 0)" in table.output
    assert "openai/gpt-4o " in table.output and "anthropic/claude-sonnet-4-6" in table.output
    assert "https://developers.openai.com/api/docs/pricing" in table.output
    assert "sk-ant-hidden" not in table.output
    data = json.loads(CliRunner().invoke(main, ["models", "--json", "--all"]).output)
    rows = {row["name"]: row for row in data["models"]}
    assert rows["openai/gpt-4.1-mini"]["input"] == 0.40 and rows["openai/gpt-4.1-mini"]["context_window"] == 1_047_576
    assert rows["openai/o1"]["offered"] is False and rows["oracle"]["input"] is None
    assert {p["provider"]: p["key_set"] for p in data["providers"]} == {"anthropic": True, "openai": False}


def test_the_models_command_flags_a_base_url_variable_a_run_would_refuse(monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    from click.testing import CliRunner

    from jira_bench_tui.cli import main

    monkeypatch.setenv("OPENAI_BASE_URL", "localhost:11434/v1")
    table = CliRunner().invoke(main, ["models"])
    assert table.exit_code == 0, table.output
    assert "OPENAI_BASE_URL -> localhost:11434/v1  [refused: " in table.output
    assert "did you mean 'http://localhost:11434/v1'?" in table.output and "(local: cost 0)" not in table.output
    providers = {p["provider"]: p for p in json.loads(CliRunner().invoke(main, ["models", "--json"]).output)["providers"]}
    assert providers["openai"]["base_url_problem"].startswith("the model base URL must be an http(s) URL")
    assert providers["openai"]["local"] is False and providers["anthropic"]["base_url_problem"] is None
