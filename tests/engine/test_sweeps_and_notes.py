"""Sweeps (`run --model a --model b`: one detached run per model, sharing a sweep id) and run notes (`--note`: kept in
spec.json, shown by `view list` and `report`)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from jira_bench_tui.engine import run_folder
from jira_bench_tui.engine.launcher import RunRequest, create_sweep, sweep_requests
from jira_bench_tui.errors import UserError

from .conftest import cli_subprocess, invoke, only_run, run_folders, wait_for


def test_a_sweep_launches_one_detached_run_per_model_sharing_a_sweep_id(results: Path,
                                                                         pids_to_reap: list[int]) -> None:
    started = cli_subprocess("run", "builtin:example", "--scenario", "start-password-bug", "--model", "oracle",
                             "--model", "null", "--note", "baseline pair")
    assert started.returncode == 0, started.stderr
    pids_to_reap.extend(int(pid) for pid in re.findall(r"worker pid (\d+)", started.stdout))
    assert len(pids_to_reap) == 2
    folders = run_folders(results)
    assert len(folders) == 2
    for folder in folders:
        assert f"run {folder.name} (worker pid" in started.stdout
    specs = [run_folder.read_spec(folder) for folder in folders]
    assert sorted(spec.model for spec in specs) == ["null", "oracle"]
    sweep_ids = {spec.sweep_id for spec in specs}
    assert len(sweep_ids) == 1 and None not in sweep_ids
    assert f"sweep {specs[0].sweep_id}: 2 runs started" in started.stdout
    assert {spec.note for spec in specs} == {"baseline pair"}
    for folder in folders:
        wait_for(lambda f=folder: run_folder.read_state(f).status == "completed", what="sweep run to complete")


def test_background_sweep_and_a_lone_run_has_no_sweep_id(results: Path, pids_to_reap: list[int]) -> None:
    code, out, err = invoke("run", "builtin:example", "--scenario", "start-password-bug", "--note", "alone")
    assert code == 0, err
    spec = run_folder.read_spec(only_run(results))
    assert spec.sweep_id is None and spec.note == "alone"
    started = cli_subprocess("run", "builtin:example", "--scenario", "start-password-bug", "-m", "oracle",
                             "-m", "null", "--background")
    assert started.returncode == 0, started.stderr
    pids_to_reap.extend(int(pid) for pid in re.findall(r"worker pid (\d+)", started.stdout))
    assert len(pids_to_reap) == 2 and len(run_folders(results)) == 3


def test_a_bad_model_in_a_sweep_creates_no_run(results: Path) -> None:
    code, _, err = invoke("run", "builtin:example", "--model", "oracle", "--model", "no-such-model-x")
    assert code == 2 and "no-such-model-x" in err
    assert run_folders(results) == []


def test_sweep_requests_drop_duplicates_and_keep_the_order() -> None:
    requests = sweep_requests(RunRequest(harness="builtin:example"), ["null", " oracle ", "null"])
    assert [r.model for r in requests] == ["null", "oracle"]
    assert requests[0].sweep_id == requests[1].sweep_id and (requests[0].sweep_id or "").startswith("sweep-")
    (lone,) = sweep_requests(RunRequest(harness="builtin:example"), ["oracle"])
    assert lone.sweep_id is None
    with pytest.raises(UserError) as caught:
        sweep_requests(RunRequest(harness="builtin:example"), [" "])
    assert caught.value.field == "model"


@pytest.mark.parametrize(("note", "words"), [("two\nlines", "one line"), ("x" * 201, "at most 200 characters")])
def test_a_bad_note_is_bad_input_on_its_field(results: Path, note: str, words: str) -> None:
    with pytest.raises(UserError) as caught:
        create_sweep([RunRequest(harness="builtin:example", note=note)], results)
    assert caught.value.field == "note" and words in str(caught.value)
    assert run_folders(results) == []


def test_the_note_shows_in_view_list_and_report(results: Path) -> None:
    invoke("run", "builtin:example", "--scenario", "start-password-bug", "--note", "after the prompt fix")
    folder = only_run(results)
    code, out, _ = invoke("view", "list")
    assert code == 0 and "after the prompt fix" in out
    code, out, _ = invoke("report", folder.name)
    assert code == 0 and "note" in out.splitlines()[0] and "after the prompt fix" in out.splitlines()[1]
    code, out, _ = invoke("report", folder.name, "--format", "json")
    (row,) = json.loads(out)
    assert row["note"] == "after the prompt fix" and row["summary"]["note"] == "after the prompt fix"


def test_an_old_spec_without_note_or_sweep_still_reads(results: Path) -> None:
    invoke("run", "builtin:example", "--scenario", "start-password-bug")
    folder = only_run(results)
    path = run_folder.spec_path(folder)
    data = json.loads(path.read_text())
    data.pop("note", None)
    data.pop("sweep_id", None)
    path.write_text(json.dumps(data))
    spec = run_folder.read_spec(folder)
    assert spec.note is None and spec.sweep_id is None
    assert invoke("report", folder.name)[0] == 0
