"""The replay model (no Textual): a trial artifact turned into a timeline of steps, and the run's trial summaries.

Never raises on a malformed artifact: what cannot be read becomes a `problem` the screen shows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from jira_bench_tui.engine import run_folder

StepKind = Literal["prompt", "model", "tool_call", "answer", "check", "changes", "error", "other"]

PREVIEW_LINES = 30
"""A tool result longer than this many lines (after pretty-printing) is cut, with a "show all" toggle."""
PREVIEW_CHARS = 4000
"""A tool result longer than this many characters is cut, with a "show all" toggle."""


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def pretty_json_or_text(text: str) -> str:
    """`text` pretty-printed when it is a JSON object or array, else as it is."""
    stripped = text.strip()
    if stripped[:1] in ("{", "["):
        try:
            return json.dumps(json.loads(stripped), indent=2, ensure_ascii=False)
        except (json.JSONDecodeError, RecursionError):
            return text
    return text


def preview(text: str, max_lines: int = PREVIEW_LINES, max_chars: int = PREVIEW_CHARS) -> tuple[str, int]:
    """The first lines of `text` (at most `max_lines` lines and about `max_chars` characters) and how many
    lines were left out (0 when nothing was cut)."""
    lines = text.splitlines()
    kept: list[str] = []
    size = 0
    for line in lines[:max_lines]:
        if size + len(line) > max_chars:
            kept.append(line[: max(0, max_chars - size)] + "…")
            break
        kept.append(line)
        size += len(line) + 1
    return "\n".join(kept), len(lines) - len(kept)


def format_duration(seconds: float | None) -> str:
    """'2 ms', '1.2 s', '3m 05s'; '' when unknown."""
    if seconds is None:
        return ""
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 60:
        return f"{seconds:.1f} s"
    return f"{int(seconds // 60)}m {int(seconds % 60):02d}s"


def format_size(chars: int) -> str:
    """'812 chars', '12.3 KB'."""
    return f"{chars} chars" if chars < 1024 else f"{chars / 1024:.1f} KB"


@dataclass
class ReplayStep:
    """One step of the replay timeline. `failure` marks a tool error, a failed check or the trial's error."""

    kind: StepKind
    title: str
    text: str = ""
    turn: int | None = None
    duration_s: float | None = None
    tool: str | None = None
    arguments: Any = None
    result: str | None = None
    is_error: bool = False
    passed: bool | None = None
    failure: bool = False

    @cached_property
    def arguments_text(self) -> str:
        """The tool call's arguments as indented JSON."""
        if self.arguments is None or self.arguments == {}:
            return "(no arguments)"
        return json.dumps(self.arguments, indent=2, ensure_ascii=False, default=str)

    @cached_property
    def result_text(self) -> str:
        """The tool result, pretty-printed when it is JSON (computed once per step)."""
        return pretty_json_or_text(self.result or "")

    @cached_property
    def result_preview(self) -> tuple[str, int]:
        """The first lines of the result and how many lines were cut (see `preview`; computed once per step)."""
        return preview(self.result_text)

    @cached_property
    def result_line_count(self) -> int:
        """How many lines the pretty-printed result has (0 when it is empty)."""
        text = self.result_text
        return text.count("\n") + 1 if text else 0


@dataclass
class TrialReplay:
    """A trial ready to replay: its header facts, its steps, and problems met while reading it."""

    key: str
    scenario_id: str
    repetition: int
    outcome: str = "unknown"
    turns: int | None = None
    duration_s: float | None = None
    error: str | None = None
    steps: list[ReplayStep] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def failure_positions(self) -> list[int]:
        """Indices of the steps that are failures, in timeline order."""
        return [index for index, step in enumerate(self.steps) if step.failure]


@dataclass
class TrialSummary:
    """One line of the trial list. `problem` is set when the artifact could not be read."""

    key: str
    scenario_id: str
    repetition: int
    outcome: str = "unknown"
    turns: int | None = None
    duration_s: float | None = None
    problem: str | None = None


def _summary_fields(artifact: dict[str, Any]) -> tuple[str, int | None, float | None]:
    outcome = artifact.get("outcome")
    outcome = outcome if outcome in ("passed", "failed", "error") else "unknown"
    turns = artifact.get("turns")
    turns = turns if isinstance(turns, int) and not isinstance(turns, bool) else None
    return outcome, turns, _number(artifact.get("duration_s"))


def _short(error: run_folder.StoreError, folder: Path) -> str:
    """The store's message without the trials folder's path (the screen already says which run it is)."""
    return str(error).replace(f" in {run_folder.trials_dir(folder)}", "").replace(f" in {folder}", "")


def load_summaries(folder: Path) -> list[TrialSummary]:
    """A summary of every finished trial in `folder` (sorted by scenario then repetition), unreadable ones
    included with their problem."""
    summaries: list[TrialSummary] = []
    for scenario_id, repetition in sorted(run_folder.finished_trials(folder)):
        key = run_folder.trial_key(scenario_id, repetition)
        try:
            artifact = run_folder.read_trial(folder, scenario_id, repetition)
        except run_folder.StoreError as exc:
            summaries.append(
                TrialSummary(key, scenario_id, repetition, "unreadable", problem=_short(exc, folder))
            )
            continue
        outcome, turns, duration = _summary_fields(artifact)
        summaries.append(TrialSummary(key, scenario_id, repetition, outcome, turns, duration))
    return summaries


def load_trial(folder: Path, summary: TrialSummary) -> TrialReplay:
    """Read and convert one trial; an unreadable artifact gives a replay with no steps and the reason."""
    try:
        artifact = run_folder.read_trial(folder, summary.scenario_id, summary.repetition)
    except run_folder.StoreError as exc:
        problem = _short(exc, folder)
        return TrialReplay(
            summary.key, summary.scenario_id, summary.repetition, "unreadable", problems=[problem]
        )
    return build_replay(summary.key, summary.scenario_id, summary.repetition, artifact)


def _step_from_record(record: dict[str, Any]) -> ReplayStep:
    kind = record.get("kind")
    turn = record.get("turn") if isinstance(record.get("turn"), int) else None
    duration = _number(record.get("duration_s"))
    if kind == "prompt":
        return ReplayStep("prompt", "Prompt", _text(record.get("text")))
    if kind == "model":
        return ReplayStep("model", "Model", _text(record.get("text")), turn=turn, duration_s=duration)
    if kind == "tool_call":
        is_error = record.get("is_error") is True
        tool = _text(record.get("tool")) or "(unnamed tool)"
        return ReplayStep(
            "tool_call",
            "Tool call",
            turn=turn,
            duration_s=duration,
            tool=tool,
            arguments=record.get("arguments"),
            result=_text(record.get("result")),
            is_error=is_error,
            failure=is_error,
        )
    if kind == "answer":
        return ReplayStep("answer", "Final answer", _text(record.get("text")))
    body = json.dumps(record, indent=2, ensure_ascii=False, default=str)
    return ReplayStep("other", f"Step ({_text(kind) or 'no kind'})", body)


def _check_step(position: int, record: dict[str, Any]) -> ReplayStep:
    raw_index = record.get("index")
    index = raw_index if isinstance(raw_index, int) and not isinstance(raw_index, bool) else position
    kind = _text(record.get("kind"))
    description = _text(record.get("description"))
    label = " · ".join(part for part in (kind, description) if part)
    passed = record.get("passed")
    passed = passed if isinstance(passed, bool) else None
    reason = _text(record.get("reason"))
    return ReplayStep(
        "check",
        f"Check {index + 1}" + (f" · {label}" if label else ""),
        reason,
        passed=passed,
        failure=passed is False,
    )


def _change_line(record: Any) -> str:
    if not isinstance(record, dict):
        return f"(unreadable change: {_text(record)})"
    key = _text(record.get("key")) or "?"
    change = _text(record.get("change")) or "changed"
    fields = record.get("fields")
    if not isinstance(fields, dict) or not fields:
        return f"{key} {change}"
    parts = []
    for name, values in fields.items():
        if isinstance(values, dict):
            before, after = values.get("before"), values.get("after")
            parts.append(f"  {name}: {_value(before)} -> {_value(after)}")
        else:
            parts.append(f"  {name}: {_value(values)}")
    return f"{key} {change}\n" + "\n".join(parts)


def _value(value: Any) -> str:
    if value is None:
        return "(none)"
    return repr(value) if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)


def build_replay(key: str, scenario_id: str, repetition: int, artifact: dict[str, Any]) -> TrialReplay:
    """The timeline of one artifact: its `steps`, then one step per check, the Jira changes, and the error."""
    outcome, turns, duration = _summary_fields(artifact)
    error = _text(artifact.get("error")) or None
    replay = TrialReplay(key, scenario_id, repetition, outcome, turns, duration, error)
    raw_steps = artifact.get("steps")
    if isinstance(raw_steps, list):
        skipped = 0
        for record in raw_steps:
            if isinstance(record, dict):
                replay.steps.append(_step_from_record(record))
            else:
                skipped += 1
        if skipped:
            replay.problems.append(f"{skipped} step(s) in this artifact are not objects and were skipped")
    else:
        replay.problems.append("this artifact has no steps list: the transcript cannot be replayed")
        if isinstance(artifact.get("prompt"), str):
            replay.steps.append(ReplayStep("prompt", "Prompt", artifact["prompt"]))
    checks = artifact.get("checks")
    if isinstance(checks, list):
        for position, record in enumerate(checks):
            if isinstance(record, dict):
                replay.steps.append(_check_step(position, record))
    elif outcome != "error":
        replay.problems.append("this artifact has no checks list")
    changes = artifact.get("changes")
    if isinstance(changes, list):
        text = "\n".join(_change_line(record) for record in changes) or "(no changes)"
        replay.steps.append(ReplayStep("changes", f"Jira changes ({len(changes)})", text))
    if outcome == "error" or error:
        replay.steps.append(ReplayStep("error", "Trial error", error or "(no error text)", failure=True))
    if outcome == "unknown":
        replay.problems.append("this artifact has no valid outcome (passed, failed or error)")
    return replay
