"""Run events as readable one-line plain text: for `attach`, the foreground progress display and the app's log pane.

Plain text only: callers must never render these lines as markup (model text can hold `[INST]`-like tags).
"""

from __future__ import annotations

import json
from typing import Any

CUT = 160


def flat(text: Any, limit: int = CUT) -> str:
    """`text` on one line (newlines and control characters become spaces), cut to `limit` characters."""
    line = " ".join(str(text if text is not None else "").split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def plural(count: int, noun: str) -> str:
    """'1 turn', '3 turns'."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _args(arguments: Any) -> str:
    try:
        return json.dumps(arguments, ensure_ascii=False, separators=(",", ":"), default=str)
    except (TypeError, ValueError):
        return str(arguments)


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(max(0.0, seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def describe(event: dict[str, Any]) -> str:
    """What an event says, without time or trial."""
    kind = event.get("type")
    if kind == "run_started":
        again = "resumed" if event.get("resumed") else "started"
        return (f"run {again}: {event.get('pending', event.get('total', '?'))} of {event.get('total', '?')} trials to "
                f"do, model {event.get('model', '?')}, concurrency {event.get('concurrency', '?')}")
    if kind == "trial_started":
        return "started"
    if kind == "agent_message":
        calls = int(event.get("tool_uses") or 0)
        tail = f" ({plural(calls, 'tool call')})" if calls else ""
        return f"turn {event.get('turn', '?')}: {flat(event.get('text')) or '(no text)'}{tail}"
    if kind == "tool_call":
        return f"→ {event.get('tool', '?')} {flat(_args(event.get('arguments')), 120)}"
    if kind == "tool_result":
        flag = "ERROR" if event.get("is_error") else "ok"
        ms = event.get("duration_ms")
        took = f" {ms:.0f}ms" if isinstance(ms, int | float) else ""
        return f"← {event.get('tool', '?')} {flag}{took}: {flat(event.get('result'), 120)}"
    if kind == "check_result":
        verdict = "passed" if event.get("passed") else "FAILED"
        reason = f": {flat(event.get('reason'))}" if event.get("reason") else ""
        return f"check {event.get('index', '?')} {event.get('kind', '')} {verdict}{reason}"
    if kind == "trial_finished":
        parts = [plural(int(event.get("turns") or 0), "turn"), plural(int(event.get("tool_calls") or 0), "tool call")]
        if event.get("tokens"):
            parts.append(f"{event['tokens']:,} tokens")
        if event.get("cost_usd"):
            parts.append(f"${event['cost_usd']:.4f}")
        seconds = event.get("duration_s")
        took = f" in {seconds:.2f}s" if isinstance(seconds, int | float) else ""
        error = f": {flat(event.get('error'))}" if event.get("error") else ""
        return f"finished {str(event.get('outcome', '?')).upper()}{took} ({', '.join(parts)}){error}"
    if kind == "log":
        return f"{event.get('level', 'info')}: {flat(event.get('message'), 400)}"
    if kind == "run_finished":
        rate = event.get("pass_rate")
        shown = f"{rate:.0%}" if isinstance(rate, int | float) else "n/a"
        error = f": {flat(event.get('error'), 400)}" if event.get("error") else ""
        return (f"run {event.get('status', '?')}: {event.get('passed', 0)} passed, {event.get('failed', 0)} failed, "
                f"{event.get('errored', 0)} errors of {event.get('total', 0)} (pass rate {shown}){error}")
    rest = {k: v for k, v in event.items() if k not in ("t", "type")}
    return f"{kind}: {flat(_args(rest))}"


def event_line(event: dict[str, Any], start: float) -> str:
    """`+MM:SS scenario#rep  what happened`, the time counted from the run's start (so it reads the same anywhere)."""
    stamp = _clock(float(event.get("t", start) or start) - start)
    who = f"{event['scenario']}#{event.get('rep', '?')}" if event.get("scenario") else "run"
    return f"+{stamp} {who:<28} {describe(event)}"


def finished_trial_line(event: dict[str, Any], done: int, total: int) -> str:
    """The foreground display's line for a finished trial: `[3/9] PASSED  scenario#1   0.05 s  2 turns, 1 tool call`."""
    width = len(str(total))
    seconds = event.get("duration_s")
    took = f"{seconds:6.2f} s" if isinstance(seconds, int | float) else ""
    error = f"  {flat(event.get('error'), 200)}" if event.get("error") else ""
    who = f"{event.get('scenario')}#{event.get('rep')}"
    calls = f"{plural(int(event.get('turns') or 0), 'turn')}, {plural(int(event.get('tool_calls') or 0), 'tool call')}"
    return f"[{done:>{width}}/{total}] {str(event.get('outcome')).upper():<6}  {who:<32} {took}  {calls}{error}"
