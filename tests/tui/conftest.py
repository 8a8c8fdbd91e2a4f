"""Fixtures for the app's tests: fixed run folders with a fixed clock, fresh results folders, and snapshots that
live in the top-level snapshots/ folder."""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import pytest_textual_snapshot
from textual.widgets import Input

sys.path.insert(0, str(Path(__file__).parent))
from make_data import DATA, LIVE_PID  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
SNAPSHOTS = REPO / "snapshots"

def _live_heartbeat() -> float:
    for state_file in (DATA / "runs").glob("*/state.json"):
        state = json.loads(state_file.read_text(encoding="utf-8"))
        if state.get("pid") == LIVE_PID:
            return float(state["updated_at"])
    raise RuntimeError("tests/tui/data has no live run: run tests/tui/make_data.py")


FIXED_NOW = round(_live_heartbeat()) + 3.0  # 3 s after the fixed live run's last heartbeat: it looks alive


class RepoSnapshotExtension(pytest_textual_snapshot.SVGImageExtension):
    """pytest-textual-snapshot's SVG extension, storing files in <repo>/snapshots/<test module>/."""

    @classmethod
    def dirname(cls, *, test_location) -> str:  # type: ignore[no-untyped-def, override]
        return str(SNAPSHOTS / test_location.basename)


@pytest.fixture(autouse=True)
def _snapshots_in_repo_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pytest_textual_snapshot, "SVGImageExtension", RepoSnapshotExtension)


@pytest.fixture(autouse=True)
def _steady_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """UTC dates, no API key, no blinking cursors, cwd in a temporary folder."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)
    monkeypatch.chdir(tmp_path)
    yield
    time.tzset()


@pytest.fixture
def fixed_clock() -> Callable[[], float]:
    return lambda: FIXED_NOW


@pytest.fixture
def fixed_results(tmp_path: Path) -> Path:
    """A copy of tests/tui/data/results whose live run belongs to this (living) test process."""
    results = tmp_path / "fixed-results"
    shutil.copytree(DATA, results)
    for state_file in (results / "runs").glob("*/state.json"):
        state = json.loads(state_file.read_text(encoding="utf-8"))
        if state.get("pid") == LIVE_PID:
            state["pid"] = os.getpid()
            state_file.write_text(json.dumps(state), encoding="utf-8")
    return results


@pytest.fixture
def results(tmp_path: Path) -> Path:
    """An empty results folder."""
    folder = tmp_path / "results"
    folder.mkdir()
    return folder


def snapshot_tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` and its bytes, to show that nothing on disk changed."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
