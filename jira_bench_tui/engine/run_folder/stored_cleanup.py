"""Stored harnesses and fixtures no run names any more, for `jira-bench clean` (docs/run-folder.md).

A stored file (`<results>/harnesses/sha256-<hex>.json`, `<results>/fixtures/sha256-<hex>.json`, `stored.py`) is
removed only when all of these hold:

- **No spec.json names it**: the spec.json of every folder under `<results>/runs/` is read (hidden `.RUN_ID.*.new`
  folders being built included) for its `harness_file` and `fixture_file` paths.
- **No doubt**: a run folder whose spec.json is missing, unreadable, not JSON or names its files in a shape this
  version does not know counts as naming every stored file, so nothing is removed (`unsure` names it); so does a
  `runs/` folder that cannot be listed.
- **Not stored or used lately**: its mtime is more than STORED_GRACE_S ago. `store_json` refreshes the mtime of a
  file it finds already there, so a file a launch just wrote or reused is young.
- **No run is being created**: `create_run` stores the parts before it writes spec.json, so for a moment a file it
  needs is named by no spec. It holds `<results>/.stored.lock` shared (flock) from storing the parts until the run
  folder is in place; the removal holds it exclusive while it reads the specs and removes files. So a removal never
  runs between a launch's store and its spec, and a launch that reuses a file after a removal writes it again.

The lock alone makes the rule exact for this version; the grace period also covers what the lock cannot: a launch
by an older jira-bench (which takes no lock) or a file system whose flock is not shared between machines.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from jira_bench_tui.engine.run_folder.errors import StoreError, disk_sentence
from jira_bench_tui.engine.run_folder.json_files import MAX_JSON_BYTES, read_small_bytes
from jira_bench_tui.engine.run_folder.layout import runs_dir, spec_path
from jira_bench_tui.engine.run_folder.stored import FIXTURES, HARNESSES

STORED_GRACE_S = 3600.0
"""A stored file written or reused less than this many seconds ago is never removed (a launch may be about to name
it)."""
STORED_LOCK = ".stored.lock"
LOCK_WAIT_S = 30.0
"""How long a launch waits for a removal (or a removal for launches) to finish before giving up with a sentence."""
_NAME = re.compile(r"sha256-[0-9a-f]{64}\.json")


@dataclass(frozen=True)
class StoredUse:
    """What `unused_stored` found: the stored files that would be removed (`unused`, by path, with sizes in
    bytes) and, when nothing may be removed for doubt, `unsure`: the run folder (name) whose spec.json cannot be
    read, or the runs folder."""

    unused: list[tuple[Path, int]] = field(default_factory=list)
    unsure: str | None = None

    @property
    def size(self) -> int:
        """The bytes of the unused files."""
        return sum(size for _, size in self.unused)


@contextlib.contextmanager
def stored_lock(results: Path, *, exclusive: bool, wait_s: float | None = None) -> Iterator[None]:
    """Hold `<results>/.stored.lock` (created when missing): shared while a launch stores parts and builds its
    run folder, exclusive while stored files are removed. OSError when the lock file cannot be created (a full or
    read-only disk); StoreError (one sentence) when the other side holds it for more than `wait_s` seconds
    (default LOCK_WAIT_S)."""
    results.mkdir(parents=True, exist_ok=True)
    fd = os.open(results / STORED_LOCK, os.O_RDONLY | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        deadline = time.monotonic() + (LOCK_WAIT_S if wait_s is None else wait_s)
        while True:
            try:
                fcntl.flock(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    doing = "a run is being created" if exclusive else "`jira-bench clean` is removing stored files"
                    raise StoreError(f"{doing} in {results}; try again in a moment") from None
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)


def _stored_files(results: Path) -> list[tuple[Path, os.stat_result]]:
    """Every stored file (regular files named sha256-<hex>.json) with its lstat."""
    found = []
    for kind in (HARNESSES, FIXTURES):
        try:
            entries = list(os.scandir(results / kind))
        except FileNotFoundError:
            continue
        for entry in entries:
            if _NAME.fullmatch(entry.name) and entry.is_file(follow_symlinks=False):
                with contextlib.suppress(FileNotFoundError):
                    found.append((Path(entry.path), entry.stat(follow_symlinks=False)))
    return sorted(found)


def _spec_refs(folder: Path) -> set[str] | None:
    """The stored paths (relative to the results folder) the spec.json in `folder` names; None when it cannot be
    read or names them in an unknown shape. A folder being built (hidden) without its spec yet names none."""
    try:
        data = json.loads(read_small_bytes(spec_path(folder), MAX_JSON_BYTES))
    except FileNotFoundError:
        return set() if folder.name.startswith(".") else None
    except (OSError, StoreError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    refs = set()
    for key in ("harness_file", "fixture_file"):
        ref = data.get(key)
        if ref is None:
            continue
        if not isinstance(ref, dict) or not isinstance(ref.get("path"), str):
            return None
        refs.add(os.path.normpath(ref["path"]))
    return refs


def _references(results: Path, leaving: set[Path]) -> tuple[set[str], str | None]:
    """The stored paths named by the runs under `results` but those in `leaving`, and the name of the first folder
    whose spec cannot be read (then the paths are incomplete)."""
    root = runs_dir(results)
    try:
        folders = [Path(e.path) for e in os.scandir(root) if e.is_dir()]
    except FileNotFoundError:
        return set(), None
    except OSError:
        return set(), root.name
    named: set[str] = set()
    for folder in sorted(folders):
        if folder in leaving:
            continue
        refs = _spec_refs(folder)
        if refs is None:
            return named, folder.name
        named |= refs
    return named, None


def unused_stored(results: Path, leaving: Iterable[Path] = (), now: float | None = None) -> StoredUse:
    """The stored files under `results` that a clean would remove once the run folders `leaving` are gone: named
    by no other spec.json, stored or reused more than STORED_GRACE_S ago (`now`: epoch seconds, default the current
    time); none, with `unsure` set, when a spec.json cannot be read. Reads only; takes no lock (a preview)."""
    now = time.time() if now is None else now
    old = [(path, st) for path, st in _stored_files(results) if now - st.st_mtime > STORED_GRACE_S]
    if not old:
        return StoredUse()
    named, unsure = _references(results, {Path(p) for p in leaving})
    if unsure is not None:
        return StoredUse(unsure=unsure)
    return StoredUse([(path, st.st_size) for path, st in old
                      if os.path.normpath(path.relative_to(results)) not in named])


def remove_unused_stored(results: Path, only: Iterable[Path] | None = None, now: float | None = None) -> StoredUse:
    """Remove the stored files no run under `results` names (`unused_stored`'s rule, checked again under the stored
    lock held exclusive: no launch stores a part meanwhile), of `only` when given (what a person was shown and
    agreed to); what was removed. A file whose mtime moved into the grace period since it was listed stays. StoreError (one sentence) when the lock cannot be created or a file cannot be removed
    (a full or read-only disk, no permission), or launches hold the lock for LOCK_WAIT_S."""
    wanted = None if only is None else {Path(p) for p in only}
    if wanted == set() or not unused_stored(results, now=now).unused:
        return StoredUse()  # nothing to remove: no lock, nothing written
    what = f"cannot remove the unused stored files of {results}"
    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(stored_lock(results, exclusive=True))
        except OSError as exc:
            raise StoreError(f"{what}: {disk_sentence(exc)}") from None
        try:
            return _remove_unused(results, wanted, now)
        except OSError as exc:
            raise StoreError(f"{what}: {disk_sentence(exc, 'remove')}") from None
    raise AssertionError("unreachable")  # pragma: no cover - ExitStack does not swallow exceptions


def _remove_unused(results: Path, only: set[Path] | None, now: float | None) -> StoredUse:
    found = unused_stored(results, now=now)
    removed = []
    for path, size in found.unused:
        if only is not None and path not in only:
            continue
        now_s = time.time() if now is None else now
        with contextlib.suppress(FileNotFoundError):
            if now_s - os.lstat(path).st_mtime > STORED_GRACE_S:
                os.unlink(path)
                removed.append((path, size))
    return StoredUse(removed, found.unsure)
