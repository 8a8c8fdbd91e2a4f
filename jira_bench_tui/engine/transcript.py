"""A trial's transcript as plain text (`replay --plain`): prompt, turns, tool calls and results, checks, changes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jira_bench_tui.engine import run_folder
from jira_bench_tui.errors import UserError


def choose_trial(folder: Path, trial: str | None) -> tuple[str, int]:
    """The (scenario, repetition) that `--trial` names (SCENARIO or SCENARIO__REP); default: the first failure,
    else the first error, else the first readable trial."""
    done = sorted(run_folder.finished_trials(folder))
    if not done:
        raise UserError(f"run {folder.name} has no finished trial yet")
    if trial:
        scenario, sep, rep = trial.rpartition("__")
        if sep and rep.isdigit():
            if (scenario, int(rep)) in done:
                return scenario, int(rep)
        else:
            for key in done:
                if key[0] == trial:
                    return key
        shown = ", ".join(run_folder.trial_key(*key) for key in done[:6])
        raise UserError(f"run {folder.name} has no finished trial {trial!r} (it has: {shown}{', ...' if len(done) > 6 else ''})")
    outcomes: dict[tuple[str, int], object] = {}
    for key in done:
        try:
            outcomes[key] = run_folder.read_valid_trial(folder, *key).get("outcome")
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
    try:
        shown = json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    except (json.JSONDecodeError, TypeError, ValueError):
        shown = text or ""
    return shown if len(shown) <= limit else shown[:limit] + f"\n... ({len(shown) - limit} more characters)"


def format_transcript(artifact: dict[str, Any]) -> str:
    """The whole trial as text, in the order it happened."""
    usage = artifact.get("usage") or {}
    lines = [
        f"trial {artifact.get('scenario_id')}__{artifact.get('repetition')} of run {artifact.get('run_id')}"
        f" (model {artifact.get('model')})",
        f"outcome: {str(artifact.get('outcome')).upper()}  stop: {artifact.get('stop_reason')}  "
        f"turns: {artifact.get('turns')}  time: {float(artifact.get('duration_s') or 0):.2f} s  "
        f"tokens: {usage.get('total_tokens', 0)}  cost: ${float(usage.get('cost_usd') or 0):.4f}",
    ]
    if artifact.get("error"):
        lines.append(f"error: {artifact['error']}")
    lines += ["", "SYSTEM PROMPT", _indent(artifact.get("system_prompt") or "")]
    for step in artifact.get("steps") or []:
        kind = step.get("kind")
        if kind == "prompt":
            lines += ["", "PROMPT", _indent(step.get("text") or "")]
        elif kind == "model":
            took = step.get("duration_s")
            lines += ["", f"TURN {step.get('turn')}" + (f" ({took:.2f} s)" if isinstance(took, int | float) else "")]
            if step.get("text"):
                lines.append(_indent(step["text"]))
        elif kind == "tool_call":
            flag = " ERROR" if step.get("is_error") else ""
            took = step.get("duration_s")
            ms = f" {took * 1000:.1f} ms" if isinstance(took, int | float) else ""
            lines.append(f"  tool {step.get('tool')}{flag}{ms}")
            lines.append(_indent(json.dumps(step.get("arguments") or {}, ensure_ascii=False, indent=2), "    args "))
            lines.append(_indent(_pretty(str(step.get("result") or "")), "    | "))
        elif kind == "answer":
            lines += ["", "FINAL ANSWER", _indent(step.get("text") or "")]
    lines += ["", "CHECKS"]
    for check in artifact.get("checks") or []:
        verdict = "pass" if check.get("passed") else "FAIL"
        lines.append(f"  [{verdict}] {check.get('index')} {check.get('kind')}: {check.get('description')}")
        lines.append(f"         {check.get('reason')}")
    if not artifact.get("checks"):
        lines.append("  (no checks ran)")
    lines += ["", "CHANGES"]
    for change in artifact.get("changes") or []:
        fields = change.get("fields") or {}
        detail = "; ".join(f"{name}: {_short(v.get('before'))} -> {_short(v.get('after'))}"
                           for name, v in fields.items() if isinstance(v, dict))
        lines.append(f"  {change.get('key')} {change.get('change')}" + (f": {detail}" if detail else ""))
    if not artifact.get("changes"):
        lines.append("  (none)")
    return "\n".join(lines) + "\n"


def _short(value: Any, limit: int = 80) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str) if not isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
