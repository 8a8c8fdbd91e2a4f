"""JSON files of a run folder: written atomically (readers see the old file or the new one, never a part), read
with a one-sentence StoreError when missing or not JSON."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from jira_bench_tui.engine.run_folder.errors import StoreError


def write_json_atomic(path: Path, data: Any, *, durable: bool = True, indent: int | None = 1) -> None:
    """Write `data` as JSON to `path` through a temp file and `os.replace`, creating the parent folder.

    The replace alone survives a killed process; `durable` also fsyncs the data first, for power loss (skip it for
    files rewritten every second, such as state.json). `indent=None` writes compact JSON (faster, for big files).
    OSError when the folder cannot be written; TypeError when `data` is not JSON-serialisable (nothing is left)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            if indent is None:
                handle.write(json.dumps(data, ensure_ascii=False, separators=(",", ":")))
            else:
                json.dump(data, handle, ensure_ascii=False, indent=indent)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def read_json(path: Path) -> Any:
    """The parsed JSON of `path`; StoreError with a one-sentence reason when it is missing or not JSON."""
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except FileNotFoundError:
        raise StoreError(f"{path.name} is missing in {path.parent}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise StoreError(f"{path.name} in {path.parent} is not valid JSON ({exc})") from None
