"""Run events as readable plain-text lines, for `attach` and the foreground progress display."""

from __future__ import annotations

import json
from typing import Any

CUT = 160


def flat(text: Any, limit: int = CUT) -> str:
    """One line of at most `limit` characters."""
    line = " ".join(str(text if text is not None else "").split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _args(arguments: Any) -> str:
    try:
        return json.dumps(arguments, ensure_ascii=False, separators=(",", ":"), default=str)
    except (TypeError, ValueError):
        return str(arguments)


def _what(event: dict[str, Any]) -> str:
    kind = event.get("type")
    if kind == "run_started":
        again = "resumed" if event.get("resumed") else "started"
        return (f"run {again}: {event.get('pending')} of {event.get('total')} trials to do, model {event.get('model')}, "
                f"concurrency {event.get('concurrency')}")
    if kind == "trial_started":
        return "trial started"
    if kind == "agent_message":
        calls = event.get("tool_uses") or 0
        text = flat(event.get("text")) or "(no text)"
        return f"turn {event.get('turn')}: {text}" + (f" [{calls} tool call{'s' if calls != 1 else ''}]" if calls else "")
    if kind == "tool_call":
        return f"-> {event.get('tool')} {flat(_args(event.get('arguments')), 120)}"
    if kind == "tool_result":
        flag = "error" if event.get("is_error") else "ok"
        ms = event.get("duration_ms")
        took = f" {ms:.0f} ms" if isinstance(ms, int | float) else ""
        return f"<- {event.get('tool')} {flag}{took}: {flat(event.get('result'), 100)}"
    if kind == "check_result":
        verdict = "ok" if event.get("passed") else "FAILED"
        return f"check {event.get('index')} {event.get('kind')} {verdict}: {flat(event.get('reason'))}"
    if kind == "trial_finished":
        extra = [f"{event.get('turns', 0)} turns", f"{event.get('tool_calls', 0)} tool calls"]
        if event.get("tokens"):
            extra.append(f"{event['tokens']} tokens")
        if event.get("cost_usd"):
            extra.append(f"${event['cost_usd']:.4f}")
        seconds = event.get("duration_s")
        took = f" in {seconds:.2f} s" if isinstance(seconds, int | float) else ""
        error = f" ({flat(event.get('error'))})" if event.get("error") else ""
        return f"{str(event.get('outcome')).upper()}{took}, {', '.join(extra)}{error}"
    if kind == "log":
        return f"{event.get('level', 'info')}: {flat(event.get('message'), 400)}"
    if kind == "run_finished":
        rate = event.get("pass_rate")
        shown = f"{rate:.0%}" if isinstance(rate, int | float) else "n/a"
        error = f": {flat(event.get('error'), 400)}" if event.get("error") else ""
        return (f"run {event.get('status')}: {event.get('passed', 0)} passed, {event.get('failed', 0)} failed, "
                f"{event.get('errored', 0)} errors of {event.get('total', 0)} (pass rate {shown}){error}")
    rest = {k: v for k, v in event.items() if k not in ("t", "type")}
    return f"{kind}: {flat(_args(rest))}"


def event_line(event: dict[str, Any], start: float | None = None) -> str:
    """`+12.3s scenario#rep  what happened` (time from `start`, or the clock time when no start is given)."""
    t = float(event.get("t", 0.0) or 0.0)
    stamp = f"+{t - start:7.2f}s" if start is not None else f"{t:.3f}"
    who = f"{event['scenario']}#{event.get('rep', '?')}" if event.get("scenario") else "run"
    return f"{stamp} {who:<28} {_what(event)}"


def finished_trial_line(event: dict[str, Any], done: int, total: int) -> str:
    """The foreground display's line for a finished trial: `[ 3/9] PASSED  scenario#1  0.05 s ...`."""
    width = len(str(total))
    seconds = event.get("duration_s")
    took = f"{seconds:6.2f} s" if isinstance(seconds, int | float) else ""
    error = f"  {flat(event.get('error'), 200)}" if event.get("error") else ""
    who = f"{event.get('scenario')}#{event.get('rep')}"
    return (f"[{done:>{width}}/{total}] {str(event.get('outcome')).upper():<6}  {who:<32} {took}  "
            f"{event.get('turns', 0)} turns, {event.get('tool_calls', 0)} calls{error}")
