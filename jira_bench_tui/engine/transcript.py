"""A trial's transcript as plain text (`replay --plain`): prompt, turns, tool calls and results, checks, changes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jira_bench_tui.engine import run_folder
from jira_bench_tui.engine.formatting import pretty_json, pretty_json_or_text
from jira_bench_tui.engine.run_folder import (
    AnswerStep,
    ModelStep,
    PromptStep,
    Step,
    ToolCallStep,
    TrialArtifact,
)
from jira_bench_tui.errors import UserError


def choose_trial(folder: Path, trial: str | None) -> tuple[str, int]:
    """The (scenario, repetition) that `--trial` names (SCENARIO or SCENARIO__REP); default: the first failure,
    else the first error, else the first readable trial."""
    done = sorted(run_folder.finished_trials(folder))
    if not done:
        raise UserError(f"run {folder.name} has no finished trial yet")
    if trial:
        scenario, sep, rep = trial.rpartition(run_folder.TRIAL_KEY_SEPARATOR)
        if sep and rep.isdigit():
            if (scenario, int(rep)) in done:
                return scenario, int(rep)
        else:
            for key in done:
                if key[0] == trial:
                    return key
        shown = ", ".join(run_folder.trial_key(*key) for key in done[:6])
        raise UserError(f"run {folder.name} has no finished trial {trial!r} (it has: {shown}{', ...' if len(done) > 6 else ''})")
    outcomes: dict[tuple[str, int], str] = {}
    for key in done:
        try:
            outcomes[key] = run_folder.read_trial(folder, *key).outcome
        except run_folder.StoreError:
            continue
    for outcome in ("failed", "error"):
        for key in done:
            if outcomes.get(key) == outcome:
                return key
    return next(iter(outcomes), done[0])  # the first readable trial


def _indent(text: str, prefix: str = "    ") -> str:
    return "\n".join(prefix + line for line in (text or "").splitlines() or [""])


def _pretty(text: str, limit: int = 4000) -> str:
    """A tool result pretty-printed when it is JSON, cut to `limit` characters (saying how many more there are)."""
    shown = pretty_json_or_text(text)
    return shown if len(shown) <= limit else shown[:limit] + f"\n... ({len(shown) - limit} more characters)"


def _step_lines(step: Step) -> list[str]:
    """The lines of one timeline step (none for a kind this reader does not know)."""
    if isinstance(step, PromptStep):
        return ["", "PROMPT", _indent(step.text)]
    if isinstance(step, ModelStep):
        took = f" ({step.duration_s:.2f} s)" if step.duration_s is not None else ""
        return ["", f"TURN {step.turn}{took}", *([_indent(step.text)] if step.text else [])]
    if isinstance(step, ToolCallStep):
        flag = " ERROR" if step.is_error else ""
        ms = f" {step.duration_s * 1000:.1f} ms" if step.duration_s is not None else ""
        return [f"  tool {step.tool}{flag}{ms}",
                _indent(pretty_json(step.arguments), "    args "),
                _indent(_pretty(step.result), "    | ")]
    if isinstance(step, AnswerStep):
        return ["", "FINAL ANSWER", _indent(step.text)]
    return []


def format_transcript(artifact: TrialArtifact) -> str:
    """The whole trial as text, in the order it happened."""
    usage = artifact.usage
    lines = [
        f"trial {artifact.key} of run {artifact.run_id} (model {artifact.model})",
        f"outcome: {artifact.outcome.upper()}  stop: {artifact.stop_reason}  "
        f"turns: {artifact.turns}  time: {artifact.duration_s:.2f} s  "
        f"tokens: {usage.total_tokens}  cost: ${usage.cost_usd:.4f}",
    ]
    if artifact.error:
        lines.append(f"error: {artifact.error}")
    lines += ["", "SYSTEM PROMPT", _indent(artifact.system_prompt)]
    for step in artifact.steps:
        lines += _step_lines(step)
    lines += ["", "CHECKS"]
    for check in artifact.checks:
        verdict = "pass" if check.passed else "FAIL"
        lines.append(f"  [{verdict}] {check.index + 1} {check.kind}: {check.description}")
        lines.append(f"         {check.reason}")
    if not artifact.checks:
        lines.append("  (no checks ran)")
    lines += ["", "CHANGES"]
    for change in artifact.changes:
        detail = "; ".join(f"{name}: {_short(v.before)} -> {_short(v.after)}" for name, v in change.fields.items())
        lines.append(f"  {change.key} {change.change}" + (f": {detail}" if detail else ""))
    if not artifact.changes:
        lines.append("  (none)")
    return "\n".join(lines) + "\n"


def _short(value: Any, limit: int = 80) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str) if not isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
