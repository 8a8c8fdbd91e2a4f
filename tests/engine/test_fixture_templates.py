"""A run's worker finds its fixture's template database by the SHA-256 of the stored fixture file (issue #17): the
launcher names the templates it built, so the worker and its trial processes never read nor validate the fixture
(about 1 GB at 100,000 issues); only when the template is missing is the fixture validated and the template built."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jira_bench_tui.engine import run_folder
from jira_bench_tui.engine.launcher import RunRequest, create_run, kill_run
from jira_bench_tui.harness.loader import load_harness

from .conftest import assert_consistent, invoke, many_trials_harness

NOT_A_FIXTURE = {"name": "not a fixture", "issues": 7}


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This test's own template cache (jira.db.default_cache_dir)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    return tmp_path / "xdg" / "jira-bench" / "fixtures"


def _queued_run(results: Path, harness: Path) -> Path:
    folder = create_run(RunRequest(harness=str(harness), runs=2), results)
    kill_run(folder)  # left for `resume` to run in this process
    return folder


def _swap_stored_fixture(results: Path, folder: Path, data: dict[str, object]) -> str:
    """Point the run's spec.json at a stored fixture file holding `data` (hash and all): its SHA-256."""
    ref = run_folder.store_json(results, run_folder.FIXTURES, data)
    path = run_folder.spec_path(folder)
    spec = json.loads(path.read_text(encoding="utf-8"))
    spec["fixture_file"] = ref.model_dump()
    path.write_text(json.dumps(spec, indent=1), encoding="utf-8")
    return ref.sha256


def test_the_worker_uses_the_template_the_launcher_built(results: Path, tmp_path: Path, cache: Path) -> None:
    folder = _queued_run(results, many_trials_harness(tmp_path / "many.json"))
    built = sorted(cache.glob("*.sqlite"))
    assert built, "the launcher builds the template while checking the run"
    for template in built:
        if not template.name.startswith("known-"):
            template.unlink()  # only the name the stored fixture file's hash gives is left
    left = sorted(cache.glob("*.sqlite"))
    assert left
    code, _out, err = invoke("resume", folder.name)
    assert code == 0, err
    assert_consistent(folder)
    assert run_folder.read_state(folder).counts.passed == 2
    assert sorted(cache.glob("*.sqlite")) == left  # the worker built nothing


def test_a_stored_fixture_is_not_validated_when_its_template_is_known(results: Path, tmp_path: Path,
                                                                      cache: Path) -> None:
    harness = many_trials_harness(tmp_path / "many.json")
    folder = _queued_run(results, harness)
    sha256 = _swap_stored_fixture(results, folder, NOT_A_FIXTURE)
    loaded = load_harness(str(harness))
    loaded.prepare_templates(loaded.harness.scenarios)
    loaded.name_templates(sha256)  # the good fixture's template, found by the bad file's hash
    code, _out, err = invoke("resume", folder.name)
    assert code == 0, err
    assert run_folder.read_state(folder).counts.passed == 2  # the file was never validated


def test_without_its_template_the_stored_fixture_is_validated_at_start(results: Path, tmp_path: Path,
                                                                       cache: Path) -> None:
    folder = _queued_run(results, many_trials_harness(tmp_path / "many.json"))
    _swap_stored_fixture(results, folder, NOT_A_FIXTURE)
    code, out, err = invoke("resume", folder.name)
    state = run_folder.read_state(folder)
    assert state.status == "failed" and state.counts.done == 0, (code, out, err)
    assert "fixture" in (state.error or "")
