"""JSON files of a run folder: written atomically (readers see the old file or the new one, never a part), read
with a one-sentence StoreError when missing, not a regular file, too big or not JSON.

Reading never blocks and never trusts the file's kind: a FIFO, a device or a folder where a file should be is
refused after opening with O_NONBLOCK (a FIFO without a writer would block a plain `open` for ever)."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from jira_bench_tui.engine.run_folder.errors import StoreError
from jira_bench_tui.json_input import FileTooBigError, NotRegularFileError, read_regular_file


def write_json_atomic(path: Path, data: Any, *, durable: bool = True, indent: int | None = 1) -> None:
    """Write `data` as JSON to `path` through a temp file and `os.replace`, creating the parent folder.

    The replace alone survives a killed process; `durable` also fsyncs the data first, for power loss (skip it for
    files rewritten every second, such as state.json). `indent=None` writes compact JSON (faster, for big files).
    OSError when the folder cannot be written; TypeError when `data` is not JSON-serialisable (nothing is left)."""
    if indent is None:
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    else:
        text = json.dumps(data, ensure_ascii=False, indent=indent)
    write_bytes_atomic(path, text.encode("utf-8"), durable=durable)


def write_bytes_atomic(path: Path, content: bytes, *, durable: bool = True) -> None:
    """Write `content` to `path` through a temp file and `os.replace` (fsynced first when `durable`), creating the
    parent folder: readers see the old file or the new one, never a part. OSError when it cannot be written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
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


MAX_JSON_BYTES = 256 * 1024 * 1024
"""The biggest JSON file of a run folder a reader accepts (a stored fixture can be tens of MB; artifacts can be
big); state.json, summary.json and worker.lock are read with smaller limits."""


def read_small_bytes(path: Path, max_bytes: int) -> bytes:
    """The bytes of the regular file `path`, at most `max_bytes`; never blocks (`json_input.read_regular_file`: a
    FIFO is refused, not waited on). FileNotFoundError when it is missing; StoreError (one sentence) when it is another
    kind of file, too big or cannot be read."""
    try:
        return read_regular_file(path, max_bytes)
    except FileNotFoundError:
        raise
    except NotRegularFileError as exc:
        raise StoreError(f"{path.name} in {path.parent} is {exc.kind}, not a file") from None
    except FileTooBigError as exc:
        size = "more than" if exc.size is None else f"{exc.size} bytes; at most"
        raise StoreError(f"{path.name} in {path.parent} is too big ({size} {max_bytes})") from None
    except OSError as exc:
        raise StoreError(f"{path.name} in {path.parent} cannot be read ({exc.strerror or exc})") from None


def parse_json_bytes(data: bytes, path: Path) -> Any:
    """JSON data of a file's bytes; StoreError naming `path` when they are not UTF-8 JSON (also: nesting too deep for
    the parser, an integer too long to read)."""
    try:
        return json.loads(data.decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:  # JSONDecodeError is a ValueError
        reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)[:200]
        raise StoreError(f"{path.name} in {path.parent} is not valid JSON ({reason})") from None


def read_json(path: Path, max_bytes: int = MAX_JSON_BYTES) -> Any:
    """The parsed JSON of `path`; StoreError with a one-sentence reason when it is missing, not a regular file (a
    folder, a FIFO: never blocks), bigger than `max_bytes` or not JSON."""
    try:
        data = read_small_bytes(path, max_bytes)
    except FileNotFoundError:
        raise StoreError(f"{path.name} is missing in {path.parent}") from None
    return parse_json_bytes(data, path)
