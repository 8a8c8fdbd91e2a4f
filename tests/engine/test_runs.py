"""Foreground runs end to end through the CLI: the oracle passes everything, the null agent nothing, and the run
folder holds complete artifacts, events, state and summary; replay, report and clean read them."""

from __future__ import annotations

import json
from pathlib import Path

from jira_bench_tui.engine import run_folder

from .conftest import invoke, only_run, read_events

ARTIFACT_KEYS = {
    "run_id", "scenario_id", "repetition", "model", "outcome", "error", "started_at", "finished_at", "duration_s",
    "system_prompt", "prompt", "final_answer", "stop_reason", "turns", "limits", "usage", "messages", "steps",
    "checks", "changes",
}
EVENT_TYPES = {"run_started", "trial_started", "agent_message", "tool_call", "tool_result", "check_result",
               "trial_finished", "run_finished"}


def test_oracle_passes_everything_with_complete_artifacts(results: Path) -> None:
    code, out, err = invoke("run", "builtin:example", "--model", "oracle", "--runs", "3")
    assert code == 0, err
    folder = only_run(results)
    assert "pass rate 100.0%" in out and "k=3: 100.0%" in out
    assert out.count("PASSED") == 9

    state = run_folder.read_state(folder)
    assert state.status == "completed" and state.pid is not None and state.finished_at
    assert (state.counts.done, state.counts.passed, state.counts.running) == (9, 9, 0)
    assert all(c.passed == 3 and c.running == 0 for c in state.scenarios.values())
    summary = run_folder.read_summary(folder)
    assert summary is not None and summary.pass_rate == 1.0 and summary.pass_hat_k["3"] == 1.0

    scan = run_folder.scan_trials(folder)
    assert len(scan.artifacts) == 9 and not scan.unreadable
    for artifact in scan.artifacts:
        path = run_folder.trial_path(folder, artifact.scenario_id, artifact.repetition)
        assert ARTIFACT_KEYS <= set(json.loads(path.read_text()))
        assert artifact.outcome == "passed" and artifact.error is None
        assert "Today is" in artifact.system_prompt and "Jira tools" in artifact.system_prompt
        assert artifact.messages[0].model_dump() == {"role": "user", "content": artifact.prompt}
        kinds = [step.kind for step in artifact.steps]
        assert kinds[0] == "prompt" and kinds[-1] == "answer" and "tool_call" in kinds and "model" in kinds
        for step in artifact.steps:
            if isinstance(step, run_folder.ToolCallStep):
                assert (step.tool or "").startswith("jira_") and not step.is_error and step.result
                assert (step.duration_s or 0) >= 0 and step.turn >= 1
        assert artifact.checks and all(c.passed and c.reason for c in artifact.checks)

    started = run_folder.read_trial(folder, "start-password-bug", 1)
    assert started.changes[0].key == "WEB-3"
    assert started.changes[0].fields["status"].model_dump() == {"before": "To Do", "after": "In Progress"}

    events = read_events(folder)
    assert EVENT_TYPES <= {e.type for e in events}
    assert not any(isinstance(e, run_folder.UnknownEvent) for e in events)  # every line fits its model
    assert events[0].type == "run_started" and events[-1].type == "run_finished"
    assert sum(e.type == "trial_finished" for e in events) == 9
    call = next(e for e in events if e.type == "tool_call")
    assert {"trial", "scenario", "rep", "turn", "call_id", "tool", "arguments"} <= set(call.to_record())


def test_null_agent_fails_everything(results: Path) -> None:
    code, out, err = invoke("run", "builtin:example", "--model", "null", "--runs", "2", "--concurrency", "2")
    assert code == 0, err  # a run that completed exits 0 whatever its pass rate
    folder = only_run(results)
    summary = run_folder.read_summary(folder)
    assert summary is not None
    assert (summary.passed, summary.failed, summary.errored, summary.pass_rate) == (0, 6, 0, 0.0)
    for artifact in run_folder.scan_trials(folder).artifacts:
        assert artifact.outcome == "failed" and artifact.final_answer == "done"
        assert any(not c.passed for c in artifact.checks)


def test_replay_plain_shows_the_trial(results: Path) -> None:
    invoke("run", "builtin:example", "--model", "null", "--scenario", "start-password-bug")
    run_id = only_run(results).name
    code, out, err = invoke("replay", run_id, "--plain")
    assert code == 0, err
    assert "trial start-password-bug__1" in out and "outcome: FAILED" in out
    assert "PROMPT\n    Priya is picking up the bug" in out
    assert "[FAIL] 1 issue" in out and "expected" in out  # the failing check with its reason
    code, out, _ = invoke("replay", run_id[:18], "--plain", "--trial", "start-password-bug__1")
    assert code == 0 and "SYSTEM PROMPT" in out


def test_replay_shows_tool_calls_and_changes(results: Path) -> None:
    invoke("run", "builtin:example", "--scenario", "start-password-bug")
    code, out, _ = invoke("replay", only_run(results).name, "--plain")
    assert code == 0
    assert "tool jira_assign_issue" in out and '"issue_key": "WEB-3"' in out
    assert "CHANGES\n  WEB-3 updated" in out and "'To Do' -> 'In Progress'" in out


def test_report_in_every_format(results: Path, tmp_path: Path) -> None:
    invoke("run", "builtin:example", "--model", "oracle", "--runs", "2")
    invoke("run", "builtin:example", "--model", "null", "--runs", "2")
    oracle, null = sorted((results / "runs").iterdir(), key=lambda p: "null" in p.name)
    code, out, _ = invoke("report", oracle.name, null.name)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split()[:5] == ["run", "harness", "model", "note", "status"]
    assert "100.0%" in lines[1] and "oracle" in lines[1] and "0.0%" in lines[2]
    code, out, _ = invoke("report", oracle.name, "--format", "md")
    assert out.startswith("| run | harness |") and "| oracle |" in out
    code, out, _ = invoke("report", oracle.name, null.name, "--format", "csv")
    assert out.splitlines()[0].startswith("run_id,harness,model,note,status,trials,pass_rate")
    target = tmp_path / "report.json"
    code, out, _ = invoke("report", oracle.name, "--format", "json", "-o", str(target))
    assert code == 0 and "report written" in out
    (row,) = json.loads(target.read_text())
    assert row["pass_rate"] == 1.0 and row["pass_hat_k"] == 1.0 and row["k"] == 2 and row["errors"] == 0


def test_clean_removes_finished_runs_only_with_yes(results: Path) -> None:
    invoke("run", "builtin:example", "--model", "null", "--scenario", "start-password-bug")
    folder = only_run(results)
    code, out, err = invoke("clean")
    assert code == 2 and "add --yes" in err and folder.exists()
    code, out, _ = invoke("clean", "--older-than", "1d", "--yes")
    assert code == 0 and out.strip() == "nothing to clean" and folder.exists()
    code, out, _ = invoke("clean", "--status", "cancelled", "--yes")
    assert out.strip() == "nothing to clean" and folder.exists()
    code, out, _ = invoke("clean", "--yes")
    assert code == 0 and f"removed {folder.name} (completed)" in out and not folder.exists()


def test_validate_the_example(results: Path) -> None:
    code, out, err = invoke("validate", "builtin:example")
    assert code == 0, err
    assert "start-password-bug: ok (oracle passes, null agent fails)" in out
    assert "all 3 scenarios ok" in out


def test_validate_names_a_scenario_whose_solution_is_wrong(tmp_path: Path) -> None:
    data = json.loads(Path("jira_bench_tui/harness/builtin/example.json").read_text())
    data["scenarios"][0]["solution"]["steps"][1]["arguments"]["assignee"] = "alex@acme.test"
    data["scenarios"][2]["checks"] = [{"kind": "unchanged"}]  # the null agent passes this one
    bad = tmp_path / "wrong.json"
    bad.write_text(json.dumps(data))
    code, out, err = invoke("validate", str(bad))
    assert code == 1
    assert "start-password-bug: PROBLEM\n  the oracle does not pass it (failed)" in out
    assert "check 1 issue:" in out
    assert "count-open-storefront-bugs: PROBLEM\n  the null agent does not fail it (passed)" in out
    assert "2 of 3 scenarios need fixing" in err
