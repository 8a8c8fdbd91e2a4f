"""Text for people that the command line and the app share: lengths of time, ages and pretty-printed JSON.

(Jira's own "1w 2d" durations are `jira/durations.py`.)
"""

from __future__ import annotations

import json
from typing import Any


def clock(seconds: float) -> str:
    """A stopwatch reading: '01:05', '59:59', '1:02:03' (negative counts as 0; fractions are dropped)."""
    minutes, secs = divmod(int(max(0.0, seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def short_duration(seconds: float | None) -> str:
    """A length of time in two units at most: '1h02m', '3m05s', '42s'; '--' when unknown (None)."""
    if seconds is None:
        return "--"
    whole = int(max(0.0, seconds))
    if whole >= 3600:
        return f"{whole // 3600}h{(whole % 3600) // 60:02d}m"
    if whole >= 60:
        return f"{whole // 60}m{whole % 60:02d}s"
    return f"{whole}s"


def step_duration(seconds: float | None) -> str:
    """How long a step took, to the unit that reads best: '2 ms', '1.2 s', '3m 05s'; '' when unknown (None)."""
    if seconds is None:
        return ""
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 60:
        return f"{seconds:.1f} s"
    return f"{int(seconds // 60)}m {int(seconds % 60):02d}s"


def age(seconds: float) -> str:
    """How long ago, in its largest whole unit: '12s ago', '5m ago', '3h ago', '2d ago'."""
    seconds = max(0.0, seconds)
    if seconds < 60:
        return f"{int(seconds)}s ago"
    if seconds < 3600:
        return f"{int(seconds // 60)}m ago"
    if seconds < 86400:
        return f"{int(seconds // 3600)}h ago"
    return f"{int(seconds // 86400)}d ago"


def pretty_json(value: Any) -> str:
    """`value` as indented JSON (indent 2, non-ASCII kept; what JSON cannot hold, as its str)."""
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)


def pretty_json_or_text(text: str) -> str:
    """`text` pretty-printed (indent 2) when it is a JSON object or array, else as it is (never raises, even for
    JSON nested too deep to parse)."""
    stripped = text.strip()
    if stripped[:1] in ("{", "["):
        try:
            return pretty_json(json.loads(stripped))
        except (ValueError, RecursionError):  # JSONDecodeError is a ValueError
            return text
    return text
