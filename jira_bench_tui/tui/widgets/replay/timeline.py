"""The replay model (no Textual): a trial artifact turned into a timeline of steps, and the run's trial summaries.

Artifacts are read through the run folder's models (TrialArtifact and its steps, checks and changes). Never raises
on a malformed artifact: what cannot be read becomes a `problem` the screen shows, or a step shown plainly.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from jira_bench_tui.engine import run_folder
from jira_bench_tui.engine.formatting import pretty_json, pretty_json_or_text
from jira_bench_tui.engine.run_folder import (
    AnswerStep,
    CheckResult,
    IssueChange,
    ModelStep,
    PromptStep,
    Step,
    ToolCallStep,
    TrialArtifact,
)

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
    latency_s: float | None = None  # a model turn's HTTP exchanges, and its wait for the event loop (None: unknown)
    wait_s: float | None = None
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
        return pretty_json(self.arguments)

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
class TrialFacts:
    """What a trial's header says: its key ("SCENARIO__REP"), scenario, repetition (from 1), outcome ("passed",
    "failed", "error", "unreadable" or "unknown"), turns and seconds (None when the artifact does not say)."""

    key: str
    scenario_id: str
    repetition: int
    outcome: str = "unknown"
    turns: int | None = None
    duration_s: float | None = None


@dataclass
class TrialReplay(TrialFacts):
    """A trial ready to replay: its header facts, its steps, and problems met while reading it."""

    error: str | None = None
    steps: list[ReplayStep] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def failure_positions(self) -> list[int]:
        """Indices of the steps that are failures, in timeline order."""
        return [index for index, step in enumerate(self.steps) if step.failure]


@dataclass
class TrialSummary(TrialFacts):
    """One line of the trial list. `problem` is set when the artifact could not be read."""

    problem: str | None = None


def _summary_fields(artifact: dict[str, Any]) -> tuple[str, int | None, float | None]:
    """(outcome, turns, seconds) of an artifact as written, whatever its shape ("unknown" outcome when invalid)."""
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
    included with their problem. Only the header facts are read (leniently, so a damaged artifact still lists)."""
    summaries: list[TrialSummary] = []
    for scenario_id, repetition in sorted(run_folder.finished_trials(folder)):
        key = run_folder.trial_key(scenario_id, repetition)
        try:
            artifact = run_folder.read_trial_data(folder, scenario_id, repetition)
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
        artifact = run_folder.read_trial_data(folder, summary.scenario_id, summary.repetition)
    except run_folder.StoreError as exc:
        problem = _short(exc, folder)
        return TrialReplay(
            summary.key, summary.scenario_id, summary.repetition, "unreadable", problems=[problem]
        )
    return build_replay(summary.key, summary.scenario_id, summary.repetition, artifact)


# ---- an artifact's parts, typed: from a TrialArtifact, or salvaged record by record from a damaged one ----------


@dataclass
class _Parts:
    """What the replay shows of one artifact. `steps`, `checks` and `changes` are None when the artifact has no
    list of them; a check or change record that fits no model is kept as it was (shown plainly)."""

    outcome: str
    turns: int | None
    duration_s: float | None
    error: str | None
    prompt: str | None
    steps: list[Step] | None
    checks: list[CheckResult | dict[str, Any]] | None
    changes: list[IssueChange | Any] | None
    problems: list[str] = field(default_factory=list)


def _typed_parts(artifact: TrialArtifact) -> _Parts:
    return _Parts(artifact.outcome, artifact.turns, artifact.duration_s, artifact.error, artifact.prompt,
                  list(artifact.steps), list(artifact.checks), list(artifact.changes))


def _salvaged_parts(data: dict[str, Any]) -> _Parts:
    """A damaged artifact (not a TrialArtifact) read as far as it goes: each record through its model on its own."""
    outcome, turns, duration = _summary_fields(data)
    prompt = data.get("prompt")
    parts = _Parts(outcome, turns, duration, _text(data.get("error")) or None,
                   prompt if isinstance(prompt, str) else None, None, None, None)
    raw_steps, raw_checks, raw_changes = data.get("steps"), data.get("checks"), data.get("changes")
    if isinstance(raw_steps, list):
        parts.steps = [run_folder.parse_step(record) for record in raw_steps if isinstance(record, dict)]
        skipped = len(raw_steps) - len(parts.steps)
        if skipped:
            parts.problems.append(f"{skipped} step(s) in this artifact are not objects and were skipped")
    if isinstance(raw_checks, list):
        parts.checks = [run_folder.parse_check(record) or record for record in raw_checks
                        if isinstance(record, dict)]
    if isinstance(raw_changes, list):
        parts.changes = [run_folder.parse_change(record) or record if isinstance(record, dict) else record
                         for record in raw_changes]
    return parts


def _step(step: Step) -> ReplayStep:
    if isinstance(step, PromptStep):
        return ReplayStep("prompt", "Prompt", step.text)
    if isinstance(step, ModelStep):
        return ReplayStep("model", "Model", step.text, turn=step.turn, duration_s=step.duration_s,
                          latency_s=step.latency_s, wait_s=step.wait_s)
    if isinstance(step, ToolCallStep):
        return ReplayStep(
            "tool_call",
            "Tool call",
            turn=step.turn,
            duration_s=step.duration_s,
            tool=step.tool or "(unnamed tool)",
            arguments=step.arguments,
            result=step.result,
            is_error=step.is_error,
            failure=step.is_error,
        )
    if isinstance(step, AnswerStep):
        return ReplayStep("answer", "Final answer", step.text)
    return ReplayStep("other", f"Step ({step.kind or 'no kind'})", pretty_json(step.model_dump(exclude_unset=True)))


def _check_step(position: int, check: CheckResult | dict[str, Any]) -> ReplayStep:
    if not isinstance(check, CheckResult):
        return ReplayStep("other", f"Check {position + 1} (not a check result)", pretty_json(check))
    label = " · ".join(part for part in (check.kind, check.description) if part)
    return ReplayStep(
        "check",
        f"Check {check.index + 1}" + (f" · {label}" if label else ""),
        check.reason,
        passed=check.passed,
        failure=not check.passed,
    )


def _change_line(change: IssueChange | Any) -> str:
    if not isinstance(change, IssueChange):
        return f"(unreadable change: {_text(change)})"
    if not change.fields:
        return f"{change.key or '?'} {change.change}"
    parts = [f"  {name}: {_value(values.before)} -> {_value(values.after)}" for name, values in change.fields.items()]
    return f"{change.key or '?'} {change.change}\n" + "\n".join(parts)


def _value(value: Any) -> str:
    if value is None:
        return "(none)"
    return repr(value) if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)


def build_replay(key: str, scenario_id: str, repetition: int, data: dict[str, Any]) -> TrialReplay:
    """The timeline of one artifact as written: its `steps`, then one step per check, the Jira changes, and the
    error. It reads through TrialArtifact; a damaged artifact is read record by record (through the same step, check
    and change models), what cannot be read becoming a problem or a plainly shown step. Never raises."""
    artifact = run_folder.parse_artifact(data)
    parts = _typed_parts(artifact) if artifact is not None else _salvaged_parts(data)
    replay = TrialReplay(key, scenario_id, repetition, parts.outcome, parts.turns, parts.duration_s, parts.error)
    replay.problems += parts.problems
    if parts.steps is not None:
        replay.steps += [_step(step) for step in parts.steps]
    else:
        replay.problems.append("this artifact has no steps list: the transcript cannot be replayed")
        if parts.prompt is not None:
            replay.steps.append(ReplayStep("prompt", "Prompt", parts.prompt))
    if parts.checks is not None:
        replay.steps += [_check_step(position, check) for position, check in enumerate(parts.checks)]
    elif parts.outcome != "error":
        replay.problems.append("this artifact has no checks list")
    if parts.changes is not None:
        text = "\n".join(_change_line(change) for change in parts.changes) or "(no changes)"
        replay.steps.append(ReplayStep("changes", f"Jira changes ({len(parts.changes)})", text))
    if parts.outcome == "error" or parts.error:
        replay.steps.append(ReplayStep("error", "Trial error", parts.error or "(no error text)", failure=True))
    if parts.outcome == "unknown":
        replay.problems.append("this artifact has no valid outcome (passed, failed or error)")
    return replay
