"""Trial artifacts on disk: write one, read one (typed, or as written for a reader that shows damaged ones), find
the finished trials, scan them all, set an unreadable one aside. A trial whose artifact is on disk and readable is
done (the unit of resume)."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from jira_bench_tui.engine.run_folder.artifact import TrialArtifact
from jira_bench_tui.engine.run_folder.errors import StoreError
from jira_bench_tui.engine.run_folder.json_files import read_json, write_json_atomic
from jira_bench_tui.engine.run_folder.layout import (
    CORRUPT_SUFFIX,
    WORKER_LOCK,
    parse_trial_key,
    trial_key,
    trial_path,
    trials_dir,
)


def write_trial(folder: Path, artifact: TrialArtifact) -> None:
    """Write a trial's artifact to trials/<scenario>__<rep>.json (compact JSON, fsynced: it is the unit of
    resume). OSError when it cannot be written."""
    path = trial_path(folder, artifact.scenario_id, artifact.repetition)
    write_json_atomic(path, artifact.model_dump(mode="json"), indent=None)


def read_trial_data(folder: Path, scenario_id: str, repetition: int) -> dict[str, Any]:
    """A trial's artifact as written, without the shape check (for a reader that shows a damaged artifact as far
    as it can); StoreError when it is missing, not JSON or not a JSON object."""
    data = read_json(trial_path(folder, scenario_id, repetition))
    if not isinstance(data, dict):
        raise StoreError(f"trial {trial_key(scenario_id, repetition)} in {folder} is not a JSON object")
    return data


def read_trial(folder: Path, scenario_id: str, repetition: int) -> TrialArtifact:
    """A trial's artifact; StoreError with one sentence when it is missing, not JSON, or not a trial artifact of
    this trial."""
    key = trial_key(scenario_id, repetition)
    try:
        data = read_trial_data(folder, scenario_id, repetition)
    except StoreError as exc:
        raise StoreError(f"trial {key} of run {folder.name} is unreadable: {exc}") from None
    try:
        artifact = TrialArtifact.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        place = ".".join(str(part) for part in first["loc"]) or "(top)"
        raise StoreError(f"trial {key} of run {folder.name} is unreadable: its artifact is not a trial artifact "
                         f"({place}: {first['msg']})") from None
    if artifact.key != key:
        raise StoreError(f"trial {key} of run {folder.name} is unreadable: its artifact holds trial {artifact.key}")
    return artifact


def finished_trials(folder: Path) -> set[tuple[str, int]]:
    """(scenario_id, repetition) of every trial whose artifact is on disk: the unit of resume."""
    done: set[tuple[str, int]] = set()
    directory = trials_dir(folder)
    if not directory.is_dir():
        return done
    for path in directory.glob("*.json"):
        if path.name.startswith("."):
            continue
        try:
            done.add(parse_trial_key(path.stem))
        except ValueError:
            continue
    return done


@dataclass
class TrialScan:
    """The trial artifacts of a run: the readable ones (sorted by scenario, then repetition), and one sentence for
    each unreadable one (by (scenario, repetition))."""

    artifacts: list[TrialArtifact]
    unreadable: dict[tuple[str, int], str]


def scan_trials(folder: Path) -> TrialScan:
    """Read every trial artifact once, keeping apart those that are not valid JSON or not trial artifacts."""
    scan = TrialScan([], {})
    for scenario_id, repetition in sorted(finished_trials(folder)):
        try:
            scan.artifacts.append(read_trial(folder, scenario_id, repetition))
        except StoreError as exc:
            scan.unreadable[(scenario_id, repetition)] = str(exc)
    return scan


def set_aside_trial(folder: Path, scenario_id: str, repetition: int) -> Path:
    """Move an unreadable artifact to trials/<key>.json.corrupt (kept for a human; no longer counts as done); the
    new path. OSError when it cannot be moved."""
    source = trial_path(folder, scenario_id, repetition)
    target = source.with_name(source.name + CORRUPT_SUFFIX)
    os.replace(source, target)
    return target


LOCK_TEMP_GRACE_S = 60.0
"""A hidden temp file of a worker.lock claim younger than this may belong to a claim under way (another process)."""


def remove_temp_files(folder: Path, now: float | None = None) -> list[str]:
    """Remove the hidden temp files a killed writer left in a run folder and its trials/ (`.NAME.XXXX.tmp` of an
    atomic JSON write: the caller holds the run's lock, so none is in use), and those of worker.lock claims
    (`.worker.lock.*.tmp`, `.stale`) older than LOCK_TEMP_GRACE_S; the names removed. Files it cannot remove stay."""
    now = time.time() if now is None else now
    removed: list[str] = []
    for directory in (folder, trials_dir(folder)):
        try:
            entries = list(os.scandir(directory))
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            if not name.startswith(".") or not name.endswith((".tmp", ".stale")):
                continue
            try:
                if not entry.is_file(follow_symlinks=False):
                    continue
                if name.startswith(f".{WORKER_LOCK}.") and now - entry.stat().st_mtime < LOCK_TEMP_GRACE_S:
                    continue
                os.unlink(entry.path)
            except OSError:
                continue
            removed.append(name)
    return removed
