"""Fixtures for the replay screen tests: private copies of the fixed run folders, and SVG snapshots stored under
snapshots/replay/."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import pytest_textual_snapshot
from syrupy.location import PyTestLocation

from .replay_app import COMPLETE_RUN, DATA, INTERRUPTED_RUN

SNAPSHOT_DIR = Path(__file__).resolve().parents[2] / "snapshots" / "replay"


class ReplaySVGExtension(pytest_textual_snapshot.SVGImageExtension):
    """pytest-textual-snapshot's SVG files, kept in snapshots/replay/ instead of tests/__snapshots__/."""

    @classmethod
    def dirname(cls, *, test_location: PyTestLocation) -> str:
        return str(SNAPSHOT_DIR)


@pytest.fixture(autouse=True)
def _replay_snapshot_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    # snap_compare looks the extension up in its module when called: point it at ours.
    monkeypatch.setattr(pytest_textual_snapshot, "SVGImageExtension", ReplaySVGExtension)


def folder_digest(folder: Path) -> str:
    """A hash of every file's path and bytes under `folder`: equal before and after means nothing changed."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(folder)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


@pytest.fixture
def runs(tmp_path: Path) -> Iterator[Path]:
    """A private copy of the fixed run folders (tests may not change the originals)."""
    target = tmp_path / "runs"
    shutil.copytree(DATA / "runs", target)
    yield target


@pytest.fixture
def complete_run(runs: Path) -> Path:
    return runs / COMPLETE_RUN


@pytest.fixture
def interrupted_run(runs: Path) -> Path:
    return runs / INTERRUPTED_RUN
