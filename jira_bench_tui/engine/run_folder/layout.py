"""Where things are in a results folder: the file names of a run folder, their paths, run ids and trial keys.

```
<results>/runs/<run_id>/ spec.json, state.json, events.jsonl, trials/<scenario>__<rep>.json, worker.log,
                         worker.lock, summary.json
```
"""

from __future__ import annotations

import re
import secrets
import time
from datetime import UTC, datetime
from pathlib import Path

SPEC = "spec.json"
STATE = "state.json"
EVENTS = "events.jsonl"
TRIALS = "trials"
WORKER_LOG = "worker.log"
SUMMARY = "summary.json"
WORKER_LOCK = "worker.lock"
CORRUPT_SUFFIX = ".corrupt"
TRIAL_KEY_SEPARATOR = "__"
RUN_ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,199}")
"""What a run id (or a prefix of one) may be: one file name in `<results>/runs/`, never a path (no `/`, no `..`, not
hidden), at most 200 characters. Ids made by `new_run_id` always match."""


def _slug(text: str, limit: int = 24) -> str:
    text = text.split(":", 1)[-1] if text.startswith("builtin:") else Path(text).stem if "/" in text else text
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:limit].strip("-") or "run"


def new_run_id(harness_name: str, model: str, now: float | None = None) -> str:
    """A unique, time-sortable, readable run id such as `20261124-101500-core-sonnet-4-5-7f3a`.

    `now` is a Unix time in seconds (default: the current time); the stamp is in UTC."""
    stamp = datetime.fromtimestamp(now if now is not None else time.time(), tz=UTC).strftime("%Y%m%d-%H%M%S")
    bare = model.partition("/")[2] if model.lower().startswith(("anthropic/", "openai/")) else model
    model_slug = _slug(bare.lower().removeprefix("claude-").replace("/", "-").replace(".", "-"))
    return f"{stamp}-{_slug(harness_name)}-{model_slug}-{secrets.token_hex(2)}"


def runs_dir(results: Path) -> Path:
    """`<results>/runs`: the folder that holds every run folder."""
    return results / "runs"


def is_run_id(text: object) -> bool:
    """Whether `text` can be a run id (or a prefix of one): a str matching RUN_ID_PATTERN."""
    return isinstance(text, str) and RUN_ID_PATTERN.fullmatch(text) is not None


def run_dir(results: Path, run_id: str) -> Path:
    """`<results>/runs/<run_id>`: the folder of one run (it may not exist)."""
    return runs_dir(results) / run_id


def spec_path(folder: Path) -> Path:
    """The run's spec.json."""
    return folder / SPEC


def state_path(folder: Path) -> Path:
    """The run's state.json."""
    return folder / STATE


def events_path(folder: Path) -> Path:
    """The run's events.jsonl."""
    return folder / EVENTS


def worker_log_path(folder: Path) -> Path:
    """The run's worker.log (the detached worker's stdout and stderr)."""
    return folder / WORKER_LOG


def summary_path(folder: Path) -> Path:
    """The run's summary.json (written when the run ends)."""
    return folder / SUMMARY


def worker_lock_path(folder: Path) -> Path:
    """The run's worker.lock (who may write the folder; see engine/worker_lock.py)."""
    return folder / WORKER_LOCK


def trials_dir(folder: Path) -> Path:
    """The run's trials/ folder of trial artifacts."""
    return folder / TRIALS


def trial_key(scenario_id: str, repetition: int) -> str:
    """`<scenario>__<rep>`: the name of a trial in events, artifacts and the app (rep counts from 1)."""
    return f"{scenario_id}{TRIAL_KEY_SEPARATOR}{repetition}"


def parse_trial_key(key: str) -> tuple[str, int]:
    """(scenario_id, repetition) of a trial key; ValueError when it does not end in `__<number>`."""
    scenario_id, _, rep = key.rpartition(TRIAL_KEY_SEPARATOR)
    return scenario_id, int(rep)


def trial_path(folder: Path, scenario_id: str, repetition: int) -> Path:
    """`trials/<scenario>__<rep>.json`: where a trial's artifact is (it may not exist)."""
    return trials_dir(folder) / f"{trial_key(scenario_id, repetition)}.json"
