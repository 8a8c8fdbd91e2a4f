"""Bad input: one clear sentence on stderr, exit code 2, and nothing on disk changed (not even a run folder)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from jira_bench_tui.engine.launcher import RunRequest, check_request
from jira_bench_tui.errors import UserError

from .conftest import fingerprint, invoke, write_harness


def assert_one_sentence_exit_2(code: int, out: str, err: str, *phrases: str) -> None:
    assert code == 2, (code, out, err)
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    for phrase in phrases:
        assert phrase in err, err


@pytest.fixture
def earlier_run(results: Path) -> dict[str, str]:
    """A finished run already on disk, and the fingerprint of the whole results folder with it."""
    code, _, err = invoke("run", "builtin:example", "--model", "null", "--runs", "1")
    assert code == 0, err
    return fingerprint(results)


LOCAL = ["--model", "openai/llama3", "--model-base-url", "http://localhost:11434/v1"]


@pytest.mark.parametrize(
    "args,phrases",
    [
        (["--model", "mistral-large"], ["unknown model 'mistral-large'", "known: oracle, null"]),
        (["--model", "gpt-4o"], ["gpt-4o needs OPENAI_API_KEY; a local endpoint"]),
        (["--model", "openai/llama3", "--model-base-url", "http://user:pw@localhost:11434/v1"],
         ["the model base URL must not hold a key"]),
        (["--model", "oracle", "--model-base-url", "http://localhost:11434/v1"], ["oracle calls no model API"]),
        (["--model", "oracle", "--model-arg", "temperature"], ["a model argument is KEY=VALUE"]),
        (["--model", "claude-sonnet-4-5"], ["claude-sonnet-4-5 needs ANTHROPIC_API_KEY"]),
        # model names: the provider in any case, another vendor's prefix explained, no spaces
        (["--model", "OpenAI/GPT-4o"], ["OpenAI/GPT-4o needs OPENAI_API_KEY"]),
        (["--model", "ollama/llama3"], ["unknown provider 'ollama'", "openai/llama3 with --model-base-url URL"]),
        (["--model", "openai/gpt 4o"], ["a model name has no spaces"]),
        # base URLs: a scheme, the API's base (not an operation's path)
        (["--model", "openai/llama3", "--model-base-url", "localhost:11434/v1"],
         ["must be an http(s) URL", "did you mean 'http://localhost:11434/v1'?"]),
        (["--model", "openai/llama3", "--model-base-url", "http://localhost:11434/v1/chat/completions"],
         ["without /chat/completions", "give 'http://localhost:11434/v1'"]),
        # model args: none for an offline agent, well-known kinds, once each, none set by jira-bench, no key
        (["--model", "oracle", "--model-arg", "temperature=0"], ["oracle calls no model API: it takes no model arguments"]),
        (LOCAL + ["--model-arg", "temperature=abc"], ["model argument 'temperature' must be a number, got 'abc'"]),
        (LOCAL + ["--model-arg", "max_tokens=2.5"], ["model argument 'max_tokens' must be a whole number"]),
        (LOCAL + ["--model-arg", "temperature=0", "--model-arg", "temperature=1"], ["'temperature' is given twice"]),
        (LOCAL + ["--model-arg", "model=gpt-4o-mini"], ["model argument 'model' is set by jira-bench (from --model)"]),
        (LOCAL + ["--model-arg", "seed=sk-proj-0123456789abcdef"], ["the value of model argument 'seed' looks like a key"]),
        (LOCAL + ["--model-arg", 'extra_headers={"Authorization": "Basic abc"}'],
         ["model argument 'Authorization' looks like a credential"]),
        (["--model", "replay:no-such-run"], ["cannot replay: no run 'no-such-run'"]),
        (["--runs", "0"], ["runs must be a whole number from 1 to 1000, got 0"]),
        (["--concurrency", "0"], ["concurrency must be a whole number"]),
        (["--max-turns", "0"], ["max turns must be a whole number from 1 to 500"]),
        (["--wall-time", "-1"], ["wall time must be a number of seconds above 0 and at most 86400"]),
        (["--wall-time", "inf"], ["wall time must be a number of seconds above 0", "got inf"]),
        (["--wall-time", "nan"], ["wall time must be a number of seconds above 0", "got nan"]),
        (["--wall-time", "1e9"], ["wall time must be a number of seconds above 0 and at most 86400 (a day)"]),
        (["--max-turns", "501"], ["max turns must be a whole number from 1 to 500, got 501"]),
        (["--scenario", "nope"], ["builtin:example has no scenario 'nope'"]),
        (["--fixture", "builtin:nope"], ["no built-in fixture 'nope'"]),
        (["--server", "no-such-mcp-server --flag"], ["'no-such-mcp-server' is not an executable on PATH"]),
        (["--server", "false"], ["the server command 'false' exited or failed before answering MCP"]),
        (["--server", "'unclosed"], ["cannot read the server command"]),
    ],
)
def test_bad_run_options(results: Path, earlier_run: dict[str, str], args: list[str], phrases: list[str]) -> None:
    code, out, err = invoke("run", "builtin:example", *args)
    assert_one_sentence_exit_2(code, out, err, *phrases)
    assert fingerprint(results) == earlier_run
    assert "0123456789abcdef" not in err and "Basic abc" not in err  # a refused key is not echoed


@pytest.mark.parametrize("variable,value,phrases", [
    ("OPENAI_BASE_URL", "localhost:11434/v1", ["OPENAI_BASE_URL: the model base URL must be an http(s) URL"]),
    ("OPENAI_BASE_URL", "http://localhost:11434/v1/chat/completions/", ["OPENAI_BASE_URL: the model base URL is the "
                                                                        "API's base, without /chat/completions"]),
])
def test_a_bad_base_url_variable_is_refused_before_it_reaches_spec_json(
        results: Path, earlier_run: dict[str, str], monkeypatch: pytest.MonkeyPatch, variable: str, value: str,
        phrases: list[str]) -> None:
    monkeypatch.setenv(variable, value)
    code, out, err = invoke("run", "builtin:example", "--model", "openai/llama3")
    assert_one_sentence_exit_2(code, out, err, *phrases)
    assert fingerprint(results) == earlier_run


def test_a_server_command_that_exits_at_once(results: Path, earlier_run: dict[str, str]) -> None:
    command = f"{sys.executable} -c 'raise SystemExit(3)'"
    code, out, err = invoke("run", "builtin:example", "--server", command)
    assert_one_sentence_exit_2(code, out, err, "exited or failed before answering MCP")
    assert fingerprint(results) == earlier_run


def test_unknown_harness(results: Path, earlier_run: dict[str, str]) -> None:
    code, out, err = invoke("run", "builtin:nope")
    assert_one_sentence_exit_2(code, out, err, "no built-in harness 'nope'")
    assert fingerprint(results) == earlier_run


def test_a_solution_that_calls_an_unknown_tool(results: Path, earlier_run: dict[str, str], tmp_path: Path) -> None:
    data = json.loads(Path("jira_bench_tui/harness/builtin/example.json").read_text())
    data["fixture"] = "builtin:example"
    data["scenarios"][1]["solution"]["steps"][1]["tool"] = "jira_teleport_issue"
    harness = write_harness(tmp_path / "typo.json", data)
    before = fingerprint(tmp_path)
    for command in (["run", str(harness)], ["validate", str(harness)]):
        code, out, err = invoke(*command)
        assert code == 2 and "Traceback" not in err, err
        assert "scenarios[1].solution.steps[1].tool: unknown tool 'jira_teleport_issue'" in err
    assert fingerprint(results) == earlier_run
    assert fingerprint(tmp_path) == before


def test_a_harness_server_command_needs_trust(results: Path, earlier_run: dict[str, str], tmp_path: Path) -> None:
    data = json.loads(Path("jira_bench_tui/harness/builtin/example.json").read_text())
    data["server"] = {"kind": "command", "command": ["rm", "-rf", "/tmp/should-never-run"]}
    harness = write_harness(tmp_path / "server.json", data)
    code, out, err = invoke("run", str(harness))
    assert_one_sentence_exit_2(code, out, err, "wants to run its own server command", "pass --trust")
    assert fingerprint(results) == earlier_run


@pytest.mark.parametrize("command", [["attach"], ["kill"], ["resume"], ["replay", "--plain"], ["report"]])
def test_unknown_run_id(results: Path, earlier_run: dict[str, str], command: list[str]) -> None:
    code, out, err = invoke(*command, "20990101-000000-nope")
    assert_one_sentence_exit_2(code, out, err, "no run '20990101-000000-nope'", "jira-bench view list")
    assert fingerprint(results) == earlier_run


def test_check_request_names_the_form_field(results: Path) -> None:
    cases = {
        "harness": RunRequest(harness="builtin:nope"),
        "model": RunRequest(harness="builtin:example", model="nope"),
        "runs": RunRequest(harness="builtin:example", runs=0),
        "concurrency": RunRequest(harness="builtin:example", concurrency=10_000),
        "max_turns": RunRequest(harness="builtin:example", max_turns=0),
        "wall_time": RunRequest(harness="builtin:example", wall_time_s=0),
        "server": RunRequest(harness="builtin:example", server="no-such-mcp-server"),
        "fixture": RunRequest(harness="builtin:example", fixture="/no/such/fixture.json"),
    }
    for field, request in cases.items():
        with pytest.raises(UserError) as caught:
            check_request(request, results)
        assert caught.value.field == field, (field, str(caught.value))
    assert not results.exists() or fingerprint(results) == {}


def test_resume_a_completed_run_and_kill_a_finished_one(results: Path, earlier_run: dict[str, str]) -> None:
    run_id = next((results / "runs").iterdir()).name
    code, out, err = invoke("resume", run_id)
    assert_one_sentence_exit_2(code, out, err, "is completed; there is nothing to resume")
    code, out, err = invoke("kill", run_id)
    assert_one_sentence_exit_2(code, out, err, "is not running (it is completed)")
    assert fingerprint(results) == earlier_run


def test_bad_clean_and_replay_arguments(results: Path, earlier_run: dict[str, str]) -> None:
    code, out, err = invoke("clean", "--older-than", "soon")
    assert_one_sentence_exit_2(code, out, err, "--older-than wants a number and a unit")
    run_id = next((results / "runs").iterdir()).name
    code, out, err = invoke("replay", run_id, "--plain", "--trial", "nope__9")
    assert_one_sentence_exit_2(code, out, err, "has no finished trial 'nope__9'")
    assert fingerprint(results) == earlier_run


def test_a_fixture_with_a_dangling_reference(results: Path, earlier_run: dict[str, str], tmp_path: Path) -> None:
    fixture = json.loads(Path("jira_bench_tui/jira/fixtures/example.json").read_text())
    fixture["issues"][2]["assignee"] = "zed@nowhere.test"
    write_harness(tmp_path / "broken-fixture.json", fixture)
    data = json.loads(Path("jira_bench_tui/harness/builtin/example.json").read_text())
    data["fixture"] = "broken-fixture.json"
    harness = write_harness(tmp_path / "h.json", data)
    before = fingerprint(tmp_path)
    for command in (["run", str(harness)], ["validate", str(harness)]):
        code, out, err = invoke(*command)
        assert code == 2 and "Traceback" not in err, err
        assert err.count("\n") == 1
        assert "fixture: issues[2] (WEB-3).assignee: unknown user 'zed@nowhere.test'" in err
    assert fingerprint(results) == earlier_run
    assert fingerprint(tmp_path) == before
