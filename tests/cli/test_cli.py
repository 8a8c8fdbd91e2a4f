"""The command line: help, schema, validate's schema part, `view list`, and clean errors (exit 2, no traceback)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner

from jira_bench_tui.cli import main
from jira_bench_tui.engine import run_folder
from jira_bench_tui.engine.run_folder import Counts, RunSpec, RunState

COMMANDS = ["run", "view", "attach", "kill", "resume", "clean", "replay", "report", "validate", "jira-server", "schema",
            "jira-rest", "servers", "serve"]


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_help_lists_every_command_in_both_entry_points() -> None:
    code, out, _ = invoke("--help")
    assert code == 0
    for command in COMMANDS:
        assert f"  {command} " in out
    module = subprocess.run([sys.executable, "-m", "jira_bench_tui", "--help"], capture_output=True, text=True, check=True)
    for command in COMMANDS:
        assert f"  {command} " in module.stdout


def test_schema_prints_the_harness_json_schema() -> None:
    code, out, _ = invoke("schema")
    schema = json.loads(out)
    assert code == 0 and schema["title"] == "Harness"
    assert {"name", "scenarios", "fixture"} <= set(schema["properties"])


def test_validate_schema_only_accepts_the_example() -> None:
    code, out, _ = invoke("validate", "builtin:example", "--schema-only")
    assert code == 0
    assert out.strip() == "builtin:example: schema ok (3 scenarios, fixture 'example')"


def test_validate_reports_every_problem_with_its_path_and_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"name": "x", "scenarios": [{"id": "Bad Id", "prompt": "", "checks": [], "solution": {}}]}))
    code, out, err = invoke("validate", str(bad), "--schema-only")
    assert code == 2 and out == ""
    assert err.startswith(f"error: {bad}: 3 problems\n")
    assert "  scenarios[0].id: 'Bad Id' is not a scenario id" in err
    assert "  scenarios[0].prompt: String should have at least 1 character" in err
    assert "  scenarios[0].checks: List should have at least 1 item" in err
    assert "Traceback" not in err


def test_validate_unknown_builtin_is_one_sentence() -> None:
    code, _, err = invoke("validate", "builtin:nope")
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("error: builtin:nope: no built-in harness 'nope' (known: ")


def test_view_list_without_results_folder(tmp_path: Path) -> None:
    code, out, _ = invoke("view", "list", "--results-dir", str(tmp_path / "nothing-here"))
    assert code == 0
    assert out.startswith("no runs yet")
    assert not (tmp_path / "nothing-here").exists()


def _run(results: Path, run_id: str, status: str, *, done: int, passed: int, total: int = 5, pid: int | None = None,
         updated: float | None = None, created: float = 0.0) -> Path:
    spec = RunSpec(run_id=run_id, created_at=created, harness_source="builtin:example", harness_name="example",
                   harness={}, model="oracle", runs=total, scenario_ids=["a"])
    folder = run_folder.create_run(results, spec)
    state = RunState(status=status, pid=pid, started_at=created, updated_at=updated or time.time(),
                     counts=Counts(total=total, done=done, passed=passed, failed=done - passed))
    run_folder.write_state(folder, state)
    return folder


def test_view_list_sections_progress_completed_interrupted_and_unreadable(tmp_path: Path) -> None:
    now = time.time()
    _run(tmp_path, "20261124-100000-example-oracle-0001", "completed", done=50, passed=45, total=50,
         created=now - 7200)
    _run(tmp_path, "20261124-110000-example-oracle-0002", "running", done=3, passed=2, pid=os.getpid(),
         created=now - 300)
    _run(tmp_path, "20261124-120000-example-oracle-0003", "running", done=1, passed=1, pid=os.getpid(),
         updated=now - 60, created=now - 120)
    broken = _run(tmp_path, "20261124-130000-example-oracle-0004", "running", done=0, passed=0)
    run_folder.state_path(broken).write_text("{\"status\": ")
    code, out, _ = invoke("view", "list", "--results-dir", str(tmp_path))
    assert code == 0
    lines = out.splitlines()
    progress, completed, unreadable = lines.index("IN PROGRESS"), lines.index("COMPLETED"), lines.index("UNREADABLE")
    live = lines[progress + 1:completed - 1]
    assert "interrupted" in live[0] and "1/5 | started 2m ago" in live[0]  # newest first
    assert "running" in live[1] and "3/5 | started 5m ago" in live[1]
    assert "45/50 (90%)" in lines[completed + 1] and "x50" in lines[completed + 1]
    assert "example" in lines[completed + 1] and "oracle" in lines[completed + 1]
    assert "20261124-130000-example-oracle-0004" in lines[unreadable + 1]
    assert "unreadable: state.json" in lines[unreadable + 1]


def test_run_without_a_harness_is_a_clear_error() -> None:
    code, _, err = invoke("run")
    assert code == 2 and err.startswith("error: which harness?")


def test_a_results_dir_given_before_the_command_is_used(tmp_path: Path) -> None:
    _run(tmp_path, "20261124-100000-example-oracle-0001", "completed", done=5, passed=5)
    code, out, _ = invoke("--results-dir", str(tmp_path), "view", "list")
    assert code == 0 and "20261124-100000-example-oracle-0001" in out


def test_a_results_dir_that_is_a_file_is_bad_input(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, _, err = invoke("run", "builtin:example", "--results-dir", str(blocker / "results"))
    assert code == 2
    assert err == f"error: the results folder {blocker / 'results'} cannot be used: {blocker} is not a folder\n"
    assert blocker.read_text() == "x"
