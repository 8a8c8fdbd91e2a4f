"""The run-folder protocol: creation, atomic state, incremental event reading, liveness, listing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from jira_bench_tui.engine import run_folder
from jira_bench_tui.engine.run_folder import (
    EventReader,
    EventWriter,
    LogEvent,
    Outcome,
    RunSpec,
    RunState,
    TrialArtifact,
)


def make_spec(run_id: str = "20261124-101500-example-oracle-abcd", runs: int = 2) -> RunSpec:
    return RunSpec(
        run_id=run_id, created_at=time.time(), harness_source="builtin:example", harness_name="example",
        harness={"name": "example"}, model="oracle", runs=runs, scenario_ids=["a", "b"],
    )


def test_create_run_writes_spec_and_queued_state(tmp_path: Path) -> None:
    folder = run_folder.create_run(tmp_path, make_spec())
    assert folder == tmp_path / "runs" / "20261124-101500-example-oracle-abcd"
    spec = run_folder.read_spec(folder)
    assert spec.total_trials == 4
    state = run_folder.read_state(folder)
    assert state.status == "queued" and state.counts.total == 4
    assert state.scenarios["a"].total == 2
    assert run_folder.events_path(folder).exists()
    with pytest.raises(FileExistsError):
        run_folder.create_run(tmp_path, make_spec())


def test_run_ids_are_unique_sortable_and_readable() -> None:
    first = run_folder.new_run_id("core", "claude-sonnet-4-5", now=1_700_000_000)
    second = run_folder.new_run_id("core", "claude-sonnet-4-5", now=1_700_000_001)
    assert first < second
    assert first.startswith("20231114-221320-core-sonnet-4-5-")
    assert run_folder.new_run_id("builtin:example", "oracle", now=0).split("-")[2] == "example"
    # the provider prefix goes, in any case; a model path's slashes become dashes
    assert run_folder.new_run_id("core", "OpenAI/GPT-4o", now=0).startswith("19700101-000000-core-gpt-4o-")
    assert run_folder.new_run_id("core", "Claude-Sonnet-4-6", now=0).startswith("19700101-000000-core-sonnet-4-6-")
    assert run_folder.new_run_id("core", "openai/Qwen/Qwen2.5-7B", now=0).startswith("19700101-000000-core-qwen-qwen2-5-7b-")


def test_atomic_write_leaves_no_temp_files(tmp_path: Path) -> None:
    target = tmp_path / "x.json"
    for i in range(20):
        run_folder.write_json_atomic(target, {"i": i})
    assert json.loads(target.read_text()) == {"i": 19}
    assert [p.name for p in tmp_path.iterdir()] == ["x.json"]


def test_event_reader_returns_whole_lines_and_resumes_after_cut_line(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    path.write_bytes(b'{"t": 1, "type": "a"}\n{"t": 2, "type": "b"')
    reader = EventReader(path)
    assert [e.type for e in reader.read_new()] == ["a"]
    assert reader.read_new() == []
    with open(path, "ab") as handle:
        handle.write(b', "x": 1}\n{"t": 3, "type": "c"}\n')
    assert [(e.type, getattr(e, "x", None)) for e in reader.read_new()] == [("b", 1), ("c", None)]


def test_writer_seals_a_cut_line_left_by_a_killed_worker(tmp_path: Path) -> None:
    folder = tmp_path
    run_folder.events_path(folder).write_bytes(b'{"t": 1, "type": "a"}\n{"t": 2, "ty')
    writer = EventWriter(folder)
    writer.write(LogEvent(level="info", message="after restart"))
    writer.close()
    reader = EventReader.for_run(folder)
    assert [e.type for e in reader.read_new()] == ["a", "log"]
    assert reader.skipped == 1


def test_many_appends_from_another_process_are_read_in_order_and_completely(tmp_path: Path) -> None:
    count = 3000
    script = textwrap.dedent(f"""
        from pathlib import Path
        from jira_bench_tui.engine.run_folder import EventWriter, UnknownEvent
        writer = EventWriter(Path({str(tmp_path)!r}))
        for i in range({count}):
            writer.write(UnknownEvent(t=float(i), type="tick", i=i, text="x" * (i % 300)))
        writer.close()
    """)
    proc = subprocess.Popen([sys.executable, "-c", script])
    reader = EventReader.for_run(tmp_path)
    seen: list[int] = []
    deadline = time.monotonic() + 60
    while len(seen) < count and time.monotonic() < deadline:
        seen += [e.i for e in reader.read_new(max_bytes=4096)]
    proc.wait(timeout=30)
    seen += [e.i for e in reader.read_new()]
    assert seen == list(range(count))
    assert reader.skipped == 0


def test_truncated_file_is_read_again_from_the_start(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    path.write_text('{"t": 1, "type": "a"}\n{"t": 2, "type": "b"}\n')
    reader = EventReader(path)
    assert len(reader.read_new()) == 2
    path.write_text('{"t": 3, "type": "c"}\n')
    assert [e.type for e in reader.read_new()] == ["c"]


def test_display_status_derives_interrupted(tmp_path: Path) -> None:
    now = time.time()
    alive = RunState(status="running", pid=os.getpid(), updated_at=now)
    assert run_folder.display_status(alive, now) == "running"
    stale = RunState(status="running", pid=os.getpid(), updated_at=now - 11)
    assert run_folder.display_status(stale, now) == "interrupted"
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    dead = RunState(status="running", pid=gone.pid, updated_at=now)
    assert run_folder.display_status(dead, now) == "interrupted"
    assert run_folder.display_status(RunState(status="completed", updated_at=0), now) == "completed"
    assert run_folder.display_status(RunState(status="queued", updated_at=now - 60), now) == "interrupted"


def test_list_runs_newest_first_and_survives_corrupt_state(tmp_path: Path) -> None:
    assert run_folder.list_runs(tmp_path / "missing") == []
    older = run_folder.create_run(tmp_path, make_spec("20261101-000000-a-oracle-0001"))
    newer = run_folder.create_run(tmp_path, make_spec("20261102-000000-a-oracle-0002"))
    broken = run_folder.create_run(tmp_path, make_spec("20261103-000000-a-oracle-0003"))
    run_folder.state_path(broken).write_text('{"status": "runn')
    runs = run_folder.list_runs(tmp_path)
    assert [r.run_id for r in runs] == [broken.name, newer.name, older.name]
    assert runs[0].status == "unreadable" and "not valid JSON" in (runs[0].problem or "")
    assert runs[1].spec is not None and runs[1].state is not None
    assert run_folder.state_path(broken).read_text() == '{"status": "runn'  # nothing was repaired behind the user's back


def test_find_run_by_id_or_unique_prefix(tmp_path: Path) -> None:
    folder = run_folder.create_run(tmp_path, make_spec("20261101-000000-a-oracle-0001"))
    run_folder.create_run(tmp_path, make_spec("20261101-000000-a-oracle-0002"))
    assert run_folder.find_run(tmp_path, folder.name) == folder
    assert run_folder.find_run(tmp_path, "20261101-000000-a-oracle-0001"[:-1] + "1") == folder
    with pytest.raises(run_folder.UnknownRunError, match="ambiguous"):
        run_folder.find_run(tmp_path, "20261101")
    with pytest.raises(run_folder.UnknownRunError, match="no run 'nope'"):
        run_folder.find_run(tmp_path, "nope")


def trial(scenario_id: str, repetition: int, outcome: Outcome) -> TrialArtifact:
    return TrialArtifact(run_id="r", scenario_id=scenario_id, repetition=repetition, model="oracle", outcome=outcome,
                         started_at=1.0, finished_at=2.0, duration_s=1.0, prompt="Do it.")


def test_trials_are_the_unit_of_resume(tmp_path: Path) -> None:
    folder = run_folder.create_run(tmp_path, make_spec())
    run_folder.write_trial(folder, trial("a", 1, "passed"))
    run_folder.write_trial(folder, trial("b__x", 2, "failed"))
    (run_folder.trials_dir(folder) / ".a__2.json.tmp").write_text("{")
    (run_folder.trials_dir(folder) / "c__1.json").write_text('{"outcome": "passed"}')
    assert run_folder.finished_trials(folder) == {("a", 1), ("b__x", 2), ("c", 1)}
    scan = run_folder.scan_trials(folder)
    assert [(t.key, t.outcome) for t in scan.artifacts] == [("a__1", "passed"), ("b__x__2", "failed")]
    assert "its artifact is not a trial artifact" in scan.unreadable[("c", 1)]


def test_an_artifact_round_trips_with_the_same_json(tmp_path: Path) -> None:
    data = {
        "run_id": "r", "scenario_id": "a", "repetition": 1, "model": "oracle", "outcome": "failed", "error": None,
        "started_at": 1.5, "finished_at": 2.5, "duration_s": 1.0, "system_prompt": "You are ...", "prompt": "Do it.",
        "final_answer": "Done.", "stop_reason": "end_turn", "turns": 2, "tool_calls": 1,
        "limits": {"max_turns": 25, "max_tokens": 200000, "wall_time_s": 300.0, "max_output_tokens": 4096},
        "usage": {"input_tokens": 1, "output_tokens": 2, "cache_creation_input_tokens": 0,
                  "cache_read_input_tokens": 0, "total_tokens": 3, "cost_usd": 0.5},
        "messages": [{"role": "user", "content": "Do it."},
                     {"role": "assistant", "content": [{"type": "tool_use", "id": "t1", "name": "x", "input": {}}]}],
        "steps": [{"kind": "prompt", "text": "Do it."},
                  {"kind": "model", "turn": 1, "text": "", "duration_s": None},
                  {"kind": "tool_call", "turn": 1, "call_id": "t1", "tool": "x", "arguments": {}, "result": "{}",
                   "is_error": False, "duration_s": 0.002},
                  {"kind": "thought", "turn": 2, "text": "a step kind from a newer writer"},
                  {"kind": "answer", "text": "Done."}],
        "checks": [{"index": 0, "kind": "issue", "description": "WEB-1", "passed": False, "reason": "no"}],
        "changes": [{"key": "WEB-1", "change": "updated", "fields": {"status": {"before": "To Do", "after": "Done"}}}],
        "grader": "a field from a newer writer",
    }
    artifact = TrialArtifact.model_validate(data)
    assert isinstance(artifact.steps[3], run_folder.OtherStep) and artifact.model_extra == {"grader": data["grader"]}
    folder = run_folder.create_run(tmp_path, make_spec())
    run_folder.write_trial(folder, artifact)
    assert json.loads(run_folder.trial_path(folder, "a", 1).read_text()) == data
    assert run_folder.read_trial(folder, "a", 1) == artifact
