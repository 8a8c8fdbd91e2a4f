"""The new-run form's settings as data (no Textual): the last launched ones, remembered in the user's config folder
(`$XDG_CONFIG_HOME/jira-bench/last-run.json`, default `~/.config`), and those of an earlier run, read from its
spec.json for "run again".

Settings are the form's fields as text, by field id (`FORM_KEYS`); the server as `server_kind` ("embedded",
"command" or "mcp-atlassian"), `server_command` and `fixture`. Never a key: a value that looks like one (an `sk-...`
token, `NAME=VALUE` whose name speaks of a key, token, secret or password, a URL with a password) is left out.
"""

from __future__ import annotations

import json
import os
import re
import shlex
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from jira_bench_tui.engine.run_folder import RunSpec, write_json_atomic

FORM_KEYS = ("harness", "model", "model_base_url", "model_args", "runs", "concurrency", "max_turns", "wall_time",
             "server_kind", "server_command", "fixture", "workers", "max_memory", "max_cpu_time", "nice", "note")
SERVER_KINDS = ("embedded", "command", "mcp-atlassian")
LAST_RUN_FILE = "last-run.json"
FORMAT_VERSION = 1
SECRET_NAME = re.compile(r"key|token|secret|password|passwd|auth", re.IGNORECASE)
SECRET_VALUE = re.compile(r"\b(sk-|sk_|xox[abp]-|ghp_|AKIA)[A-Za-z0-9_\-]{6,}")
MAX_FILE_BYTES = 64 * 1024

Settings = dict[str, str]


def config_dir() -> Path:
    """`$XDG_CONFIG_HOME/jira-bench`, else `~/.config/jira-bench`."""
    base = os.environ.get("XDG_CONFIG_HOME", "").strip()
    return (Path(base) if base else Path.home() / ".config") / "jira-bench"


def last_run_path() -> Path:
    """Where the last launched settings are kept."""
    return config_dir() / LAST_RUN_FILE


def looks_secret(text: str) -> bool:
    """Whether `text` seems to hold a credential: an API-key-like token, or a NAME=VALUE item whose name speaks of a
    key, token, secret or password."""
    if SECRET_VALUE.search(text):
        return True
    try:
        words = shlex.split(text)
    except ValueError:
        words = text.split()
    return any("=" in word and SECRET_NAME.search(word.partition("=")[0]) for word in words)


def without_password(url: str) -> str:
    """A URL without its user and password part ('http://u:p@host/v1' -> 'http://host/v1')."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.password is None and parts.username is None:
        return url
    return urlunsplit(parts._replace(netloc=parts.hostname or "" if parts.port is None
                                     else f"{parts.hostname}:{parts.port}"))


def clean(settings: dict[str, Any]) -> Settings:
    """Only the known keys, as text, with any value that looks like a credential left out."""
    kept: Settings = {}
    for key in FORM_KEYS:
        value = settings.get(key)
        if value is None:
            continue
        text = str(value).strip()
        if key == "model_base_url":
            text = without_password(text)
        if key == "server_kind" and text not in SERVER_KINDS:
            continue
        if not looks_secret(text):
            kept[key] = text
    return kept


def save_last(settings: Settings) -> None:
    """Remember the settings of a launch (atomically; credentials left out). OSError when the folder cannot be
    written."""
    write_json_atomic(last_run_path(), {"version": FORMAT_VERSION, "settings": clean(settings)}, durable=False)


def load_last() -> tuple[Settings | None, str | None]:
    """(the last launched settings, None), (None, None) when none were kept, or (None, why the file was ignored)
    when it cannot be read."""
    path = last_run_path()
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        return None, None
    except OSError as exc:
        return None, f"{path}: {exc.strerror or exc}"
    if len(raw) > MAX_FILE_BYTES:
        return None, f"{path} is larger than {MAX_FILE_BYTES // 1024} KB"
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        return None, f"{path} is not valid JSON ({exc})"
    if not isinstance(data, dict) or not isinstance(data.get("settings"), dict):
        return None, f"{path} does not hold form settings"
    return clean(data["settings"]), None


def spec_settings(spec: RunSpec) -> Settings:
    """The form's settings that launch a run like `spec` (for "run again"): its harness, model, endpoint and
    arguments, repetitions, concurrency, workers, limits, server and note."""
    limits, server = spec.limits, spec.server
    args = [f"{key}={value if isinstance(value, str) else json.dumps(value)}" for key, value in spec.model_args.items()]
    kind = {"embedded": "embedded", "command": "command", "rest": "command"}.get(server.kind, "mcp-atlassian")
    command = shlex.join(server.command or [])
    if server.kind == "rest":  # a real server over the REST face: the --server text `rest:'CMD ...'`
        command = "rest:" + shlex.quote(" ".join(server.command or []))
    settings: dict[str, Any] = {
        "harness": spec.harness_source, "model": spec.model, "model_base_url": spec.model_base_url or "",
        "model_args": shlex.join(args), "runs": spec.runs, "concurrency": spec.concurrency, "workers": spec.workers or "",
        "max_turns": spec.max_turns or "", "wall_time": f"{spec.wall_time_s:g}" if spec.wall_time_s else "",
        "server_kind": kind, "server_command": command if kind == "command" else "",
        "fixture": server.fixture or "",
        "max_memory": limits.max_memory_bytes or "", "max_cpu_time": f"{limits.max_cpu_time_s:g}"
        if limits.max_cpu_time_s else "", "nice": "" if limits.nice is None else limits.nice, "note": spec.note or "",
    }
    return clean(settings)
