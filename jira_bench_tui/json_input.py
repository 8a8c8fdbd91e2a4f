"""Read a JSON file a person gives the tool (a harness, a fixture) so that every way it can be bad is one sentence.

The one reader of user-given JSON files: the harness loader and the fixture reader both use it. It refuses, with a
`JsonInputError` naming the place (a JSON path such as `scenarios[0].checks[1]`) when there is one:

- a path that is not a regular file (a folder, a FIFO, a device: checked on the open file, so nothing blocks),
  an empty file, one over `MAX_BYTES`, one that is not UTF-8 (a leading byte-order mark is allowed);
- text that is not JSON, `NaN`/`Infinity` literals, numbers that do not fit: integers outside the 64-bit range
  (`MIN_INT`..`MAX_INT`), decimals that overflow to infinity;
- objects with a key given twice (JSON allows it, but only one of the values would be used, silently);
- nesting deeper than `MAX_DEPTH`, strings longer than `MAX_STRING_CHARS`, arrays or objects with more than
  `MAX_ITEMS` members, strings with unpaired surrogates (`"\\ud800"`: they cannot be written back as UTF-8).

A leaf module: it imports nothing of the package but `errors`.
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from jira_bench_tui.errors import UserError

MAX_BYTES = 16 * 1024 * 1024  # a harness with an inline fixture of thousands of issues is well below
MAX_DEPTH = 64  # levels of arrays and objects (the built-in harness uses 8)
MAX_STRING_CHARS = 1_000_000
MAX_ITEMS = 100_000  # members of one array or object
MAX_INT = 2**63 - 1  # what SQLite and every consumer of the numbers can hold
MIN_INT = -(2**63)

_SURROGATE = re.compile("[\ud800-\udfff]")
_BOM = b"\xef\xbb\xbf"


class JsonInputError(UserError):
    """A JSON file cannot be used. `reason` is one sentence; `where` is the JSON path of the bad value ("" for the
    top level), or None when the problem is the file itself (missing, not JSON...): then `reason` names the file."""

    def __init__(self, reason: str, where: str | None = None) -> None:
        self.reason = reason
        self.where = where
        super().__init__(reason if where is None else f"{where or '(top level)'}: {reason}")

    def problem(self, prefix: str = "") -> str:
        """The problem as a sentence whose place starts with `prefix` (e.g. "fixture(small.json)"): "prefix.path:
        reason", or the reason alone for a problem of the file itself."""
        if self.where is None:
            return self.reason
        dot = "." if prefix and self.where and not self.where.startswith("[") else ""
        return f"{prefix}{dot}{self.where or ('' if prefix else '(top level)')}: {self.reason}"


class _Invalid:
    """A value the parser met and cannot accept (a NaN, an oversized number, a duplicated key), reported with its
    JSON path once parsing is over."""

    __slots__ = ("reason",)

    def __init__(self, reason: str) -> None:
        self.reason = reason


def _shown_number(text: str) -> str:
    return text if len(text) <= 24 else f"{text[:12]}...{text[-4:]} ({len(text)} characters)"


def _parse_int(text: str) -> int | _Invalid:
    digits = text.lstrip("-")
    if len(digits) <= 19:
        value = int(text)
        if MIN_INT <= value <= MAX_INT:
            return value
    return _Invalid(f"the number {_shown_number(text)} is out of range (whole numbers are at most {MAX_INT})")


def _parse_float(text: str) -> float | _Invalid:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        return _Invalid(f"the number {_shown_number(text)} is out of range")
    return value


def _parse_constant(name: str) -> _Invalid:
    return _Invalid(f"{name} is not a JSON number")


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any] | _Invalid:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _value in pairs:
            if key in seen:
                return _Invalid(f"duplicate key {key!r} (only one of its values would be used)")
            seen.add(key)
    return result


def _child(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _check_text(text: str, what: str) -> str | None:
    if len(text) > MAX_STRING_CHARS:
        return f"the {what} is {len(text)} characters long (at most {MAX_STRING_CHARS})"
    if not text.isascii() and _SURROGATE.search(text):
        return f"the {what} holds an unpaired surrogate (\\ud800-\\udfff), which is not text"
    return None


def _check_member(node: Any, path: str, depth: int, stack: list[tuple[Any, str, int]]) -> None:
    """Check one parsed value; push its members (in reverse, so they are checked in the file's order)."""
    if isinstance(node, _Invalid):
        raise JsonInputError(node.reason, path)
    if isinstance(node, str):
        bad = _check_text(node, "string")
        if bad:
            raise JsonInputError(bad, path)
        return
    if not isinstance(node, dict | list):
        return
    if depth > MAX_DEPTH:
        shown = path if len(path) <= 60 else f"{path[:48]}..."
        raise JsonInputError(f"nested more than {MAX_DEPTH} levels deep", shown)
    if len(node) > MAX_ITEMS:
        members = "keys" if isinstance(node, dict) else "items"
        raise JsonInputError(f"has {len(node)} {members} (at most {MAX_ITEMS})", path)
    if isinstance(node, list):
        stack.extend((item, _child(path, index), depth + 1) for index, item in reversed(list(enumerate(node))))
        return
    for key in node:
        bad = _check_text(key, "key")
        if bad:
            raise JsonInputError(bad, path)
    stack.extend((value, _child(path, key), depth + 1) for key, value in reversed(list(node.items())))


def _check_tree(data: Any) -> None:
    """Walk the parsed value without recursion; JsonInputError at the first value that cannot be accepted."""
    stack: list[tuple[Any, str, int]] = [(data, "", 1)]
    while stack:
        node, path, depth = stack.pop()
        _check_member(node, path, depth, stack)


def parse_json_text(text: str, what: str = "the file") -> Any:
    """The JSON value of `text`, checked as the module docstring says; JsonInputError otherwise.

    `what` names the text in a syntax error's sentence ("harness is not valid JSON: ... (line 3, column 5)")."""
    try:
        data = json.loads(text, object_pairs_hook=_object, parse_int=_parse_int, parse_float=_parse_float,
                          parse_constant=_parse_constant)
    except json.JSONDecodeError as exc:
        raise JsonInputError(f"{what} is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from None
    except RecursionError:
        raise JsonInputError(f"{what} is nested more than {MAX_DEPTH} levels deep") from None
    _check_tree(data)
    return data


class NotRegularFileError(OSError):
    """The path is not a regular file; `kind` says what it is ("a folder", "a FIFO (named pipe)", ...)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        super().__init__(f"{kind}, not a file")


class FileTooBigError(OSError):
    """The file is larger than allowed; `size` is its size in bytes, or None when it grew while being read."""

    def __init__(self, size: int | None, max_bytes: int) -> None:
        self.size = size
        self.max_bytes = max_bytes
        super().__init__(f"larger than {max_bytes} bytes")


def _file_kind(mode: int) -> str:
    kinds = [(stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"),
             (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device")]
    return next((name for test, name in kinds if test(mode)), "not a regular file")


def read_regular_file(path: Path, max_bytes: int) -> bytes:
    """The bytes of the regular file `path`, at most `max_bytes` (the one low-level reader of files the tool did not
    write itself: user-given JSON and run folders).

    Opened non-blocking and checked on the open descriptor, so a FIFO or a device is refused, never waited on.
    Raises NotRegularFileError (a folder, FIFO, socket or device), FileTooBigError, or the OSError of the open or
    read (FileNotFoundError, PermissionError, ...); ValueError for a NUL byte in the path. Callers word the
    sentence."""
    return b"".join(regular_file_chunks(path, max_bytes))


def regular_file_chunks(path: Path, max_bytes: int) -> Iterator[bytes]:
    """The bytes of the regular file `path` in chunks of at most 1 MiB, read as `read_regular_file` reads (same
    checks, same errors, raised when the chunks are asked for): for hashing a big file without holding it."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFileError(_file_kind(info.st_mode))
        if info.st_size > max_bytes:
            raise FileTooBigError(info.st_size, max_bytes)
        size = 0
        while size <= max_bytes:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - size))
            if not chunk:
                break
            size += len(chunk)
            if size > max_bytes:  # it grew while we read it
                raise FileTooBigError(None, max_bytes)
            yield chunk
    finally:
        os.close(fd)


def read_json_bytes(path: Path, what: str = "file", max_bytes: int = MAX_BYTES) -> bytes:
    """The raw bytes of a JSON file, refusing anything but a regular file of at most `max_bytes`
    (`read_regular_file`: a FIFO or a device never blocks).

    JsonInputError (one sentence naming `what` and `path`) when it is missing, unreadable or not a regular file."""
    try:
        return read_regular_file(path, max_bytes)
    except NotRegularFileError as exc:
        raise JsonInputError(f"{what} {path} is {exc.kind}, not a file") from None
    except FileTooBigError as exc:
        size = "larger than" if exc.size is None else f"{exc.size} bytes, larger than"
        raise JsonInputError(f"{what} {path} is {size} the {max_bytes} bytes allowed") from None
    except FileNotFoundError:
        raise JsonInputError(f"{what} file {path} does not exist") from None
    except PermissionError:
        raise JsonInputError(f"cannot read {what} {path}: permission denied") from None
    except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the path
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise JsonInputError(f"cannot read {what} {path}: {reason[:1].lower()}{reason[1:]}") from None


def decode_json_bytes(data: bytes, path: Path, what: str = "file") -> str:
    """`data` as text: UTF-8, with an optional byte-order mark; JsonInputError when empty or not UTF-8."""
    data = data.removeprefix(_BOM)
    if not data.strip():
        raise JsonInputError(f"{what} {path} is empty")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise JsonInputError(f"{what} {path} is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset "
                             f"{exc.start})") from None


def read_json_file(path: Path, what: str = "file", max_bytes: int = MAX_BYTES) -> Any:
    """The checked JSON value of the file at `path` (see the module docstring for every refusal).

    `what` ("harness", "fixture") names the file in the sentences. Raises JsonInputError, a UserError; reads only."""
    return parse_json_text(decode_json_bytes(read_json_bytes(path, what, max_bytes), path, what), what)
