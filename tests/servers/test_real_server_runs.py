"""`--server mcp-atlassian` and `--server rest:'CMD'`: each trial gets its own fresh embedded Jira behind the REST
face and the real mcp-atlassian (0.23.1, its own environment) started over it; checks read the trial's database.
Needs the real server (conftest.real_mcp_atlassian: skipped on a machine without it, a failure in CI)."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

import pytest
from engine.conftest import fingerprint, invoke, only_run, wait_for, write_harness

from jira_bench_tui.engine import run_folder
from jira_bench_tui.engine.rest_trials import GENERIC_ENV_NAMES, server_env

PROBE = "Isolation probe"
ISOLATION_HARNESS = {
    "name": "isolation", "fixture": "builtin:example", "limits": {"max_turns": 10, "wall_time_s": 120},
    "scenarios": [{
        "id": "create-and-count",
        "prompt": f"Create a task '{PROBE}' in the storefront project, then tell me how many issues are called that.",
        "checks": [{"kind": "created_issue", "match": {"summary": PROBE}, "count": 1}],
        "solution": {
            "steps": [
                {"tool": "jira_create_issue", "arguments": {"project_key": "WEB", "issue_type": "Task",
                                                            "summary": PROBE}},
                {"tool": "jira_search", "arguments": {"jql": f'project = WEB AND summary ~ "{PROBE}"',
                                                      "fields": "summary"}},
            ],
            "answer": "There is one.",
        },
    }],
}


def test_the_example_runs_through_the_real_server_at_100_percent(real_mcp_atlassian: Path, results: Path) -> None:
    code, out, err = invoke("run", "builtin:example", "--model", "oracle", "--server", "mcp-atlassian")
    assert code == 0, err
    assert "pass rate 100.0%" in out
    folder = only_run(results)
    server = run_folder.read_spec(folder).server
    assert (server.kind, server.version, server.command) == ("mcp-atlassian", "0.23.1", None)
    artifacts = [a.model_dump(mode="json") for a in run_folder.scan_trials(folder).artifacts]
    assert len(artifacts) == 3 and all(a["outcome"] == "passed" for a in artifacts)
    # the system prompt names the fixture's user, as with the embedded Jira (not "the user whose account...")
    assert all("on behalf of" in a["system_prompt"] and "@acme.test" in a["system_prompt"] for a in artifacts)


def test_two_trials_of_one_scenario_never_see_each_others_writes(real_mcp_atlassian: Path, results: Path,
                                                                tmp_path: Path) -> None:
    """A real detached worker runs both trials at once: each sees only its own Jira."""
    harness = write_harness(tmp_path / "isolation.json", ISOLATION_HARNESS)
    code, _, err = invoke("run", str(harness), "--server", "mcp-atlassian", "--runs", "2", "--concurrency", "2",
                          "--background")
    assert code == 0, err
    folder = only_run(results)
    wait_for(lambda: run_folder.read_state(folder).status in run_folder.FINAL_STATUSES, timeout=120, what="the run to end")
    assert run_folder.read_state(folder).status == "completed"
    trials = [run_folder.read_trial_data(folder, "create-and-count", rep) for rep in (1, 2)]
    assert [t["outcome"] for t in trials] == ["passed", "passed"]
    # they ran at the same time...
    assert trials[0]["started_at"] < trials[1]["finished_at"] and trials[1]["started_at"] < trials[0]["finished_at"]
    created, found = [], []
    for trial in trials:
        create, search = [s for s in trial["steps"] if s["kind"] == "tool_call"]
        created.append(json.loads(create["result"])["issue"]["key"])
        found.append([issue["key"] for issue in json.loads(search["result"])["issues"]])
    # ...each created the next key of its own Jira (the same key twice), and its search found only its own issue
    assert created[0] == created[1] and found == [[created[0]], [created[1]]]


def test_a_missing_install_is_refused_before_anything_is_written(results: Path, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JIRA_BENCH_SERVERS_DIR", str(tmp_path / "no-servers"))
    monkeypatch.delenv("JIRA_BENCH_MCP_ATLASSIAN", raising=False)
    before = fingerprint(results)
    code, out, err = invoke("run", "builtin:example", "--server", "mcp-atlassian")
    assert (code, out) == (2, "")
    assert err == "error: mcp-atlassian 0.23.1 is not installed; run: jira-bench servers install mcp-atlassian\n"
    code, _, err = invoke("run", "builtin:example", "--server", "mcp-atlassian==0.22.0")
    assert code == 2 and err == ("error: mcp-atlassian 0.22.0 is not installed; run: jira-bench servers install "
                                 "mcp-atlassian==0.22.0\n")
    code, _, err = invoke("validate", "builtin:example", "--server", "mcp-atlassian")
    assert code == 2 and err.endswith("is not installed; run: jira-bench servers install mcp-atlassian\n")
    assert fingerprint(results) == before and not (tmp_path / "no-servers").exists()


@pytest.mark.parametrize(("server", "message"), [
    ("mcp-atlassian==soon", "error: 'mcp-atlassian==soon' does not name a version"),
    ("rest:", "error: the server command is empty"),
    ("rest:'unclosed", "error: cannot read the server command"),
])
def test_bad_server_text_is_refused_with_nothing_written(results: Path, server: str, message: str) -> None:
    code, _, err = invoke("run", "builtin:example", "--server", server)
    assert code == 2 and err.startswith(message) and len(err.splitlines()) == 1
    assert not run_folder.runs_dir(results).exists()


def test_a_generic_rest_server_gets_jira_url_user_token_and_proxies(real_mcp_atlassian: Path, results: Path) -> None:
    env = server_env("rest", "http://127.0.0.1:5555", "t-x.atlassian.net")
    assert tuple(sorted(env)) == tuple(sorted(GENERIC_ENV_NAMES))
    assert env["JIRA_URL"] == "http://t-x.atlassian.net" and env["HTTP_PROXY"] == "http://127.0.0.1:5555"
    assert env["NO_PROXY"] == "" and env["JIRA_USERNAME"] and env["JIRA_API_TOKEN"]
    # mcp-atlassian run as any REST-speaking server: only those variables (TOOLSETS through `env`)
    command = shlex.join(["env", "TOOLSETS=all", "FASTMCP_CHECK_FOR_UPDATES=off", str(real_mcp_atlassian)])
    code, _, err = invoke("run", "builtin:example", "--server", f"rest:{command}", "--scenario", "start-password-bug",
                          "--fixture", "builtin:example")
    assert code == 0, err
    folder = only_run(results)
    spec = run_folder.read_spec(folder)
    assert spec.server.kind == "rest" and spec.server.command == shlex.split(command)
    assert spec.server.fixture == "builtin:example" and run_folder.spec_fixture(folder, spec) is not None
    assert run_folder.read_trial_data(folder, "start-password-bug", 1)["outcome"] == "passed"


def test_an_old_spec_without_a_server_version_still_loads() -> None:
    old = {"kind": "command", "command": ["uvx", "mcp-atlassian"], "trusted": True}
    choice = run_folder.ServerChoice.model_validate(old)
    assert choice.kind == "command" and choice.version is None


def test_a_server_that_dies_in_a_trial_makes_it_an_error_with_its_last_log_line(real_mcp_atlassian: Path,
                                                                                 results: Path,
                                                                                 tmp_path: Path) -> None:
    # the real server for the check at launch (its site is t-probe-...), a crash in every trial
    script = tmp_path / "flaky_server.py"
    script.write_text(
        "import os, sys\n"
        "if '//t-probe-' in os.environ['JIRA_URL']:\n"
        f"    os.environ['TOOLSETS'] = 'all'\n    os.execv({str(real_mcp_atlassian)!r}, ['mcp-atlassian'])\n"
        "print('boom: this server cannot start here', file=sys.stderr)\n"
        "sys.exit(3)\n")
    command = shlex.join([sys.executable, str(script)])
    code, _, err = invoke("run", "builtin:example", "--server", f"rest:{command}", "--scenario", "start-password-bug")
    assert code == 1, err  # no trial could be scored
    artifact = run_folder.read_trial_data(only_run(results), "start-password-bug", 1)
    assert artifact["outcome"] == "error"
    assert artifact["error"].endswith("; its log ends: boom: this server cannot start here"), artifact["error"]
