"""`jira-bench clean` removes the stored harnesses and fixtures no run names any more (run_folder/stored_cleanup.py):
never one a remaining run names, one stored or reused within the grace period (a launch may be about to name it),
one a run folder being built names, nor any while a spec.json cannot be read or a launch holds the stored lock; it
says how many files and bytes, and lists them before asking."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from jira_bench_tui.engine import run_folder
from jira_bench_tui.engine.launcher import RunRequest, create_run, kill_run
from jira_bench_tui.engine.run_folder import stored_cleanup

from .conftest import invoke, many_trials_harness, run_folders

AGED_S = run_folder.STORED_GRACE_S + 60


def stored(results: Path) -> list[Path]:
    return sorted(p for kind in (run_folder.HARNESSES, run_folder.FIXTURES) if (results / kind).is_dir()
                  for p in (results / kind).iterdir())


def age(*paths: Path) -> None:
    """Set the files' mtime past the grace period, as if stored (or last reused) long ago."""
    then = time.time() - AGED_S
    for path in paths:
        os.utime(path, (then, then))


def size_text(paths: list[Path]) -> str:
    """How clean writes the files' total size: bytes below 1 KB, else KB with one decimal (these files are small)."""
    total = sum(p.stat().st_size for p in paths)
    return f"{total} bytes" if total < 1024 else f"{total / 1024:.1f} KB"


def two_runs_of_one_harness(results: Path, tmp_path: Path) -> tuple[Path, Path]:
    """A completed and a cancelled run of one harness: they name the same stored harness and fixture."""
    harness = str(many_trials_harness(tmp_path / "many.json"))
    code, _out, err = invoke("run", harness)
    assert code == 0, err
    cancelled = create_run(RunRequest(harness=harness, runs=2), results)
    kill_run(cancelled)
    (completed,) = [f for f in run_folders(results) if f != cancelled]
    return completed, cancelled


def test_clean_keeps_stored_files_a_remaining_run_names_and_removes_them_with_the_last(
        results: Path, tmp_path: Path) -> None:
    completed, cancelled = two_runs_of_one_harness(results, tmp_path)
    files = stored(results)
    assert [p.parent.name for p in files] == ["fixtures", "harnesses"]
    age(*files)
    code, out, err = invoke("clean", "--status", "cancelled", "--yes")
    assert code == 0, err
    assert out == f"removed {cancelled.name} (cancelled)\n1 run removed\n"  # the completed run still names both
    assert stored(results) == files

    code, out, err = invoke("clean")  # no --yes, stdin not a terminal: the listing, then the sentence
    assert code == 2 and not err.count("\n") > 1
    assert out.splitlines() == [f"  {completed.name}  completed",
                                *(f"  {p.relative_to(results)}  {size_text([p])}, named by no remaining run" for p in files)]
    assert (f"1 run and 2 stored files ({size_text(files)}) no remaining run names would be removed; add --yes to remove them "
            "without asking") in err
    assert stored(results) == files and completed.exists()

    total = size_text(files)
    code, out, err = invoke("clean", "--yes")
    assert code == 0, err
    assert out == (f"removed {completed.name} (completed)\n1 run removed\n"
                   f"removed 2 stored files ({total}) no run names any more\n")
    assert stored(results) == [] and run_folders(results) == []
    code, out, _ = invoke("clean", "--yes")
    assert code == 0 and out == "nothing to clean\n"


def test_clean_with_no_run_to_remove_still_offers_the_unused_stored_files(results: Path, tmp_path: Path) -> None:
    orphan = results / run_folder.store_json(results, run_folder.FIXTURES, {"name": "gone", "issues": []}).path
    age(orphan)
    size = orphan.stat().st_size
    code, out, err = invoke("clean")
    assert code == 2 and out == f"  fixtures/{orphan.name}  {size} bytes, named by no remaining run\n"
    assert f"1 stored file ({size} bytes) no remaining run names would be removed; add --yes to remove it without asking" in err
    code, out, err = invoke("clean", "--yes")
    assert code == 0 and out == f"removed 1 stored file ({size} bytes) no run names any more\n", err
    assert not orphan.exists()


def test_a_just_stored_or_reused_file_without_a_spec_yet_survives(results: Path) -> None:
    fresh = results / run_folder.store_json(results, run_folder.HARNESSES, {"name": "launching"}).path
    reused = results / run_folder.store_json(results, run_folder.FIXTURES, {"name": "reused", "issues": []}).path
    age(reused)
    run_folder.store_json(results, run_folder.FIXTURES, {"name": "reused", "issues": []})  # a launch reuses it now
    named = results / run_folder.store_json(results, run_folder.HARNESSES, {"name": "being built"}).path
    age(named)
    building = run_folder.runs_dir(results) / ".20261124-100000-x-oracle-0001.abc.new"  # a launch half way
    building.mkdir(parents=True)
    ref = {"sha256": named.name[7:-5], "path": f"harnesses/{named.name}"}
    (building / "spec.json").write_text(json.dumps({"harness_file": ref, "fixture_file": None}), encoding="utf-8")
    (run_folder.runs_dir(results) / ".20261124-100001-y-oracle-0002.def.new").mkdir()  # not even a spec yet
    code, out, err = invoke("clean", "--yes")
    assert code == 0 and out == "nothing to clean\n", err
    assert fresh.exists() and reused.exists() and named.exists()


def test_an_unreadable_spec_keeps_every_stored_file(results: Path, tmp_path: Path) -> None:
    completed, cancelled = two_runs_of_one_harness(results, tmp_path)
    orphan = results / run_folder.store_json(results, run_folder.FIXTURES, {"name": "gone", "issues": []}).path
    age(*stored(results))
    run_folder.spec_path(cancelled).write_text("{not json", encoding="utf-8")
    before = stored(results)
    code, out, err = invoke("clean", "--yes")
    assert code == 0, err
    assert out == f"removed {completed.name} (completed)\n1 run removed\n"  # the unreadable run is never removed
    assert err == (f"stored harnesses and fixtures kept: the spec.json of {cancelled.name} cannot be read, so it may "
                   "name any of them\n")
    assert stored(results) == before and orphan.exists()


def test_clean_waits_for_a_launch_between_storing_and_its_spec(results: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    orphan = results / run_folder.store_json(results, run_folder.FIXTURES, {"name": "gone", "issues": []}).path
    age(orphan)
    monkeypatch.setattr(stored_cleanup, "LOCK_WAIT_S", 0.2)
    with run_folder.stored_lock(results, exclusive=False):  # a launch holds it from storing until spec.json is in
        code, out, err = invoke("clean", "--yes")
    assert code == 2 and err == f"error: a run is being created in {results}; try again in a moment\n", err
    assert orphan.exists()
    with run_folder.stored_lock(results, exclusive=True):  # a clean is removing stored files: a launch waits
        code, _out, err = invoke("run", "builtin:example", "--model", "null")
    assert code == 2 and f"`jira-bench clean` is removing stored files in {results}; try again in a moment" in err
    assert run_folders(results) == []
    code, out, err = invoke("clean", "--yes")
    assert code == 0 and not orphan.exists(), err
