"""Small run folders (issue #17): a run's harness and fixture are kept once per results folder by SHA-256 and named
by spec.json; runs of the same fixture share one file; a changed file is a clear error that loses nothing; run
folders written before (harness and fixture inline in spec.json) still list, replay, report and resume."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from jira_bench_tui.engine import run_folder
from jira_bench_tui.engine.launcher import RunRequest, create_run, kill_run

from .conftest import assert_consistent, fingerprint, invoke, many_trials_harness, only_run, run_folders

CORE_SCENARIO = "read-release-date"


def _stored(results: Path, kind: str) -> list[Path]:
    folder = results / kind
    return sorted(folder.iterdir()) if folder.is_dir() else []


def _to_old_format(results: Path, *folders: Path) -> None:
    """Rewrite spec.json as older versions wrote it (harness and fixture inline) and remove the stored files."""
    for folder in folders:
        path = run_folder.spec_path(folder)
        spec = json.loads(path.read_text(encoding="utf-8"))
        spec["harness"] = json.loads((results / spec.pop("harness_file")["path"]).read_text(encoding="utf-8"))
        spec["fixture"] = json.loads((results / spec.pop("fixture_file")["path"]).read_text(encoding="utf-8"))
        path.write_text(json.dumps(spec, indent=1), encoding="utf-8")
    for kind in (run_folder.HARNESSES, run_folder.FIXTURES):
        shutil.rmtree(results / kind)


def test_a_core_run_keeps_a_small_spec_and_its_fixture_once(results: Path) -> None:
    code, _out, err = invoke("run", "builtin:core", "--scenario", CORE_SCENARIO)
    assert code == 0, err
    code, _out, err = invoke("run", "builtin:core", "--scenario", CORE_SCENARIO, "--model", "null")
    assert code == 0, err
    first, second = run_folders(results)
    for folder in (first, second):
        assert run_folder.spec_path(folder).stat().st_size < 20_000
        assert_consistent(folder)
    specs = [run_folder.read_spec(folder) for folder in (first, second)]
    assert specs[0].fixture is None and specs[0].harness is None  # nothing inline
    assert specs[0].fixture_file == specs[1].fixture_file is not None
    assert specs[0].harness_file == specs[1].harness_file is not None
    fixtures = _stored(results, run_folder.FIXTURES)
    assert [results / specs[0].fixture_file.path] == fixtures  # one file for both runs
    assert len(_stored(results, run_folder.HARNESSES)) == 1
    stored = json.loads(fixtures[0].read_text(encoding="utf-8"))
    builtin = json.loads((Path(run_folder.__file__).parents[2] / "jira/fixtures/default.json").read_text())
    assert stored["name"] == builtin["name"] and len(stored["issues"]) == len(builtin["issues"])
    outcomes = {spec.model: run_folder.read_trial_data(run_folder.run_dir(results, spec.run_id), CORE_SCENARIO, 1)
                ["outcome"] for spec in specs}
    assert outcomes == {"oracle": "passed", "null": "failed"}


def test_a_results_folder_moved_whole_still_works(results: Path, tmp_path: Path) -> None:
    folder = create_run(RunRequest(harness=str(many_trials_harness(tmp_path / "many.json")), runs=2), results)
    kill_run(folder)
    moved = tmp_path / "elsewhere"
    shutil.move(results, moved)
    code, _out, err = invoke("resume", folder.name, "--results-dir", str(moved))
    assert code == 0, err
    assert_consistent(only_run(moved))


def test_a_changed_fixture_is_a_clear_error_and_loses_nothing(results: Path, tmp_path: Path) -> None:
    folder = create_run(RunRequest(harness=str(many_trials_harness(tmp_path / "many.json")), runs=2), results)
    kill_run(folder)
    fixture = _stored(results, run_folder.FIXTURES)[0]
    good = fixture.read_bytes()
    fixture.write_bytes(good[: len(good) // 2])  # cut short
    before = fingerprint(results)
    code, _out, err = invoke("resume", folder.name)
    assert code == 2 and err.startswith("error: ") and err.count("\n") == 1 and "Traceback" not in err
    assert "fixture" in err and "changed or cut short" in err and fixture.name in err
    assert fingerprint(results) == before  # nothing written, nothing removed
    code, out, _err = invoke("view", "list")
    assert code == 0 and folder.name in out and "UNREADABLE" not in out  # list reads only the small files
    fixture.write_bytes(good.replace(b'"WEB"', b'"WEX"', 1))  # same size, other content
    code, _out, err = invoke("resume", folder.name)
    assert code == 2 and "changed or cut short" in err
    create_run(RunRequest(harness=str(many_trials_harness(tmp_path / "many.json")), runs=1), results)
    assert fixture.read_bytes() == good  # a run launched with the same fixture writes it again
    code, _out, err = invoke("resume", folder.name)
    assert code == 0, err
    assert_consistent(folder)


def test_a_missing_harness_file_names_the_file(results: Path, tmp_path: Path) -> None:
    code, _out, err = invoke("run", str(many_trials_harness(tmp_path / "many.json")))
    assert code == 0, err
    folder = only_run(results)
    harness = _stored(results, run_folder.HARNESSES)[0]
    harness.unlink()
    code, _out, err = invoke("report", folder.name)
    assert code == 2 and "the harness of run" in err and "is missing" in err and harness.name in err


def test_deleting_a_run_keeps_the_fixture_other_runs_use(results: Path, tmp_path: Path) -> None:
    harness = str(many_trials_harness(tmp_path / "many.json"))
    for _ in range(2):
        code, _out, err = invoke("run", harness)
        assert code == 0, err
    first, second = run_folders(results)
    code, _out, err = invoke("clean", "--yes", "--older-than", "0s")
    assert code == 0, err
    assert run_folders(results) == []
    assert len(_stored(results, run_folder.FIXTURES)) == 1  # kept: stored within the hour (a launch may name it)
    assert not first.exists() and not second.exists()


def test_an_old_format_run_still_lists_replays_reports_and_resumes(results: Path, tmp_path: Path) -> None:
    harness = str(many_trials_harness(tmp_path / "many.json", scenarios=2))
    code, _out, err = invoke("run", harness, "--runs", "2")
    assert code == 0, err
    done = only_run(results)
    stopped = create_run(RunRequest(harness=harness, runs=2), results)
    kill_run(stopped)
    _to_old_format(results, done, stopped)
    assert _stored(results, run_folder.FIXTURES) == []
    assert run_folder.spec_path(done).stat().st_size > 6_000  # the example fixture inline
    code, out, err = invoke("view", "list")
    assert code == 0 and done.name in out and stopped.name in out and "UNREADABLE" not in out, out
    code, out, err = invoke("replay", done.name, "--plain", "--trial", "count-bugs-1__1")
    assert code == 0 and "jira_search" in out, err
    code, out, err = invoke("report", done.name, stopped.name, "--format", "json")
    assert code == 0, err
    assert [row["summary"]["passed"] for row in json.loads(out)] == [4, 0]
    code, _out, err = invoke("resume", stopped.name)
    assert code == 0, err
    assert_consistent(stopped)
    assert run_folder.read_state(stopped).counts.passed == 4
    assert _stored(results, run_folder.FIXTURES) == []  # an old run is resumed as it is, not rewritten
