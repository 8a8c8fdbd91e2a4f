"""The big parts of a run's spec, kept once per results folder by content: the harness and the fixture.

```
<results>/harnesses/sha256-<hex>.json   a harness as resolved at launch (compact JSON)
<results>/fixtures/sha256-<hex>.json    a starting Jira (fixture) as resolved at launch (compact JSON)
```
`<hex>` is the SHA-256 of the file's bytes, so one content has one name: runs of the same harness and fixture share
the files, two launches writing the same file at once write the same bytes (each through a temp file and an atomic
rename), and nothing is ever rewritten with other content. spec.json names its files by `StoredFile` (the hash and the
path relative to the results folder), so a results folder copied or moved whole keeps working. Deleting a run never
deletes them (other runs may use them); `jira-bench clean` removes those no run names any more
(stored_cleanup.py).

Every reader of a spec's harness or fixture calls `spec_harness` / `spec_fixture`: they read the stored file (or the
copy embedded in specs written before, which still read), check its hash, and say in one StoreError sentence when it
is missing, changed or cut short.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path
from typing import Any, Literal

from jira_bench_tui.engine.run_folder.errors import StoreError
from jira_bench_tui.engine.run_folder.formats import RunSpec, StoredFile
from jira_bench_tui.engine.run_folder.json_files import (
    MAX_JSON_BYTES,
    parse_json_bytes,
    read_small_bytes,
    write_bytes_atomic,
)
from jira_bench_tui.json_input import regular_file_chunks

StoredKind = Literal["harnesses", "fixtures"]
HARNESSES: StoredKind = "harnesses"
FIXTURES: StoredKind = "fixtures"


def results_of(folder: Path) -> Path:
    """The results folder of a run folder (`<results>/runs/<run_id>`: its grandparent)."""
    return folder.parent.parent


def stored_bytes(data: Any) -> bytes:
    """The bytes a stored file holds for JSON `data`: compact UTF-8 JSON (the same data gives the same bytes)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def store_json(results: Path, kind: StoredKind, data: Any) -> StoredFile:
    """Keep `data` in `<results>/<kind>/sha256-<hex>.json` (fsynced, atomic) unless a file of that content is already
    there, whose mtime is then set to now (`clean` leaves a file stored or reused lately: stored_cleanup.py); its
    StoredFile. OSError when the folder cannot be written."""
    content = stored_bytes(data)
    digest = hashlib.sha256(content).hexdigest()
    ref = StoredFile(sha256=digest, path=f"{kind}/sha256-{digest}.json")
    path = results / ref.path
    if not _holds(path, digest, len(content)):
        write_bytes_atomic(path, content)
    else:
        with contextlib.suppress(OSError):  # another user's file: the stored lock still guards this launch
            os.utime(path)
    return ref


def _holds(path: Path, digest: str, size: int) -> bool:
    """Whether `path` is a regular file of `size` bytes whose SHA-256 is `digest` (a damaged one is written again)."""
    try:
        if os.stat(path).st_size != size:
            return False
        return hashlib.sha256(read_small_bytes(path, size)).hexdigest() == digest
    except (OSError, StoreError):
        return False


def read_stored(folder: Path, ref: StoredFile, what: str) -> Any:
    """The JSON data of the stored file `ref` of the run in `folder`, its hash checked. StoreError (one sentence
    naming `what`, e.g. "fixture") when it is missing, not a regular file, too big, changed or cut short, or not
    JSON."""
    path = results_of(folder) / ref.path
    try:
        content = read_small_bytes(path, MAX_JSON_BYTES)
    except FileNotFoundError:
        raise _missing(folder, path, what) from None
    if hashlib.sha256(content).hexdigest() != ref.sha256:
        raise _changed(folder, path, what, len(content))
    return parse_json_bytes(content, path)


def check_stored(folder: Path, ref: StoredFile, what: str) -> None:
    """Check that the stored file `ref` of the run in `folder` is there whole, its hash read in chunks (the file is
    never held in memory). StoreError as `read_stored` says when it is missing, not a regular file, too big, changed
    or cut short (a file that passes holds what the launcher wrote: JSON)."""
    path = results_of(folder) / ref.path
    digest = hashlib.sha256()
    size = 0
    try:
        for chunk in regular_file_chunks(path, MAX_JSON_BYTES):
            digest.update(chunk)
            size += len(chunk)
    except FileNotFoundError:
        raise _missing(folder, path, what) from None
    except OSError:  # not a regular file, too big, unreadable
        read_small_bytes(path, MAX_JSON_BYTES)  # the same StoreError sentence as a read
        raise
    if digest.hexdigest() != ref.sha256:
        raise _changed(folder, path, what, size)


def _missing(folder: Path, path: Path, what: str) -> StoreError:
    return StoreError(f"the {what} of run {folder.name} is missing: {path} (spec.json names it; the run cannot be "
                      "used without it)")


def _changed(folder: Path, path: Path, what: str, size: int) -> StoreError:
    return StoreError(f"the {what} of run {folder.name} was changed or cut short: {path} no longer has the SHA-256 "
                      f"its name and spec.json give ({size} bytes); restore the file (a run launched with the same "
                      f"{what} writes it again)")


def store_spec_parts(results: Path, spec: RunSpec) -> RunSpec:
    """`spec` with its embedded harness and fixture moved to stored files under `results` (written now): what
    spec.json holds. A spec without them comes back unchanged. OSError when the files cannot be written."""
    update: dict[str, Any] = {}
    if spec.harness is not None:
        update |= {"harness": None, "harness_file": store_json(results, HARNESSES, spec.harness)}
    if spec.fixture is not None:
        update |= {"fixture": None, "fixture_file": store_json(results, FIXTURES, spec.fixture)}
    return spec.model_copy(update=update) if update else spec


def spec_harness(folder: Path, spec: RunSpec) -> dict[str, Any]:
    """The harness (JSON object) the run in `folder` runs: from its stored file, else the copy in an older
    spec.json. StoreError when the stored file cannot be used or the spec holds neither."""
    if spec.harness_file is not None:
        data = read_stored(folder, spec.harness_file, "harness")
        if not isinstance(data, dict):
            raise StoreError(f"the harness of run {folder.name} is not a JSON object ({spec.harness_file.path})")
        return data
    if spec.harness is None:
        raise StoreError(f"spec.json in {folder} holds no harness")
    return spec.harness


def spec_fixture(folder: Path, spec: RunSpec) -> dict[str, Any] | None:
    """The starting Jira (fixture, JSON object) of the run in `folder`, as resolved at launch: from its stored file,
    else the copy in an older spec.json; None when the spec holds none (a `command` server, or a run made before
    specs kept the fixture: the harness's fixture file is read again). StoreError when the stored file cannot be
    used."""
    if spec.fixture_file is not None:
        data = read_stored(folder, spec.fixture_file, "fixture")
        if not isinstance(data, dict):
            raise StoreError(f"the fixture of run {folder.name} is not a JSON object ({spec.fixture_file.path})")
        return data
    return spec.fixture
