"""`--server 'CMD ...'`: the trials run against a stdio MCP server (here our own `jira-bench jira-server`), checks read
through the same MCP session; a harness's own server command runs only with --trust."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

from jira_bench_tui.engine import run_folder

from .conftest import invoke, only_run, write_harness

SERVER = shlex.join([sys.executable, "-m", "jira_bench_tui", "jira-server", "--fixture", "builtin:example"])
SCENARIO = "start-password-bug"


def test_run_against_a_stdio_server_command(results: Path) -> None:
    code, out, err = invoke("run", "builtin:example", "--server", SERVER, "--scenario", SCENARIO)
    assert code == 0, err
    folder = only_run(results)
    spec = run_folder.read_spec(folder)
    assert spec.server.kind == "command" and spec.server.command == shlex.split(SERVER)
    artifact = run_folder.read_trial(folder, SCENARIO, 1)
    assert artifact.outcome == "passed", artifact.checks
    assert "the user whose account the Jira tools use" in artifact.system_prompt
    assert artifact.changes[0].key == "WEB-3"  # read back through McpReader over the same session


def test_fixture_is_refused_with_a_server_command(results: Path) -> None:
    code, _, err = invoke("run", "builtin:example", "--server", SERVER, "--fixture", "builtin:example")
    assert code == 2 and "--fixture works only with the embedded Jira" in err
    assert not run_folder.runs_dir(results).exists()


def test_a_harness_server_command_runs_with_trust(results: Path, tmp_path: Path) -> None:
    data = json.loads(Path("jira_bench_tui/harness/builtin/example.json").read_text())
    data["server"] = {"kind": "command", "command": shlex.split(SERVER)}
    data["scenarios"] = [s for s in data["scenarios"] if s["id"] == SCENARIO]
    harness = write_harness(tmp_path / "own-server.json", data)
    code, _, err = invoke("run", str(harness))
    assert code == 2 and "--trust" in err and not run_folder.runs_dir(results).exists()
    code, out, err = invoke("run", str(harness), "--trust")
    assert code == 0, err
    assert run_folder.read_trial(only_run(results), SCENARIO, 1).outcome == "passed"
