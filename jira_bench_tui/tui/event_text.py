"""One readable line per run event, for the monitor's log pane (plain text: never rendered as markup)."""

from __future__ import annotations

import json
from typing import Any

MAX_TEXT = 160


def one_line(text: Any, limit: int = MAX_TEXT) -> str:
    """`text` on one line: newlines and control characters become spaces, cut to `limit` characters."""
    flat = " ".join(str(text if text is not None else "").split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _clock(seconds: float) -> str:
    seconds = max(0.0, seconds)
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def _arguments(arguments: Any) -> str:
    try:
        return json.dumps(arguments, ensure_ascii=False, separators=(",", ":"), default=str)
    except (TypeError, ValueError):
        return str(arguments)


def _describe(event: dict[str, Any]) -> str:
    kind = event.get("type")
    if kind == "run_started":
        resumed = " (resumed)" if event.get("resumed") else ""
        return (f"run started{resumed}: {event.get('pending', event.get('total', '?'))} of {event.get('total', '?')} "
                f"trials to do, model {event.get('model', '?')}, concurrency {event.get('concurrency', '?')}")
    if kind == "trial_started":
        return "started"
    if kind == "agent_message":
        text = one_line(event.get("text"))
        calls = event.get("tool_uses") or 0
        tail = f" ({calls} tool call{'s' if calls != 1 else ''})" if calls else ""
        return f"turn {event.get('turn', '?')}: {text or '(no text)'}{tail}"
    if kind == "tool_call":
        return f"→ {event.get('tool', '?')} {one_line(_arguments(event.get('arguments')), 120)}"
    if kind == "tool_result":
        flag = "ERROR" if event.get("is_error") else "ok"
        duration = event.get("duration_ms")
        took = f" {duration:.0f}ms" if isinstance(duration, int | float) else ""
        return f"← {event.get('tool', '?')} {flag}{took}: {one_line(event.get('result'), 120)}"
    if kind == "check_result":
        verdict = "passed" if event.get("passed") else "FAILED"
        reason = f": {one_line(event.get('reason'))}" if event.get("reason") else ""
        return f"check {event.get('index', '?')} {event.get('kind', '')} {verdict}{reason}"
    if kind == "trial_finished":
        outcome = str(event.get("outcome", "?")).upper()
        parts = [f"{event.get('turns', 0)} turns", f"{event.get('tool_calls', 0)} tool calls"]
        if event.get("tokens"):
            parts.append(f"{event['tokens']:,} tokens")
        if event.get("cost_usd"):
            parts.append(f"${event['cost_usd']:.4f}")
        duration = event.get("duration_s")
        took = f" in {duration:.1f}s" if isinstance(duration, int | float) else ""
        error = f": {one_line(event.get('error'))}" if event.get("error") else ""
        return f"finished {outcome}{took} ({', '.join(parts)}){error}"
    if kind == "log":
        return f"{event.get('level', 'info')}: {one_line(event.get('message'), 400)}"
    if kind == "run_finished":
        return (f"run finished: {event.get('status', '?')}, {event.get('passed', 0)} passed, "
                f"{event.get('failed', 0)} failed, {event.get('errored', 0)} errors of {event.get('total', 0)}"
                + (f": {one_line(event.get('error'))}" if event.get("error") else ""))
    return f"{kind}: {one_line(_arguments({k: v for k, v in event.items() if k not in ('t', 'type')}))}"


def event_line(event: dict[str, Any], run_start: float) -> str:
    """`+MM:SS scenario#rep  what happened` (time relative to the run's start, so it reads the same anywhere)."""
    stamp = _clock(float(event.get("t", run_start) or run_start) - run_start)
    trial = f"{event['scenario']}#{event.get('rep', '?')}" if event.get("scenario") else "run"
    return f"+{stamp} {trial:<24} {_describe(event)}"
