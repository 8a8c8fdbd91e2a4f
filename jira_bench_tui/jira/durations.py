"""Jira time-tracking durations: parse "1w 2d 3h 4m" into seconds and format seconds back, with Jira's 8h day
and 5d week. A bare number means minutes, as in Jira."""

from __future__ import annotations

import re

MINUTE = 60
HOUR = 60 * MINUTE
DAY = 8 * HOUR  # a Jira working day
WEEK = 5 * DAY  # a Jira working week

_UNIT_SECONDS = {"w": WEEK, "d": DAY, "h": HOUR, "m": MINUTE}
_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([wdhm])", re.IGNORECASE)
_WHOLE = re.compile(r"^\s*(?:\d+(?:\.\d+)?\s*[wdhm]\s*)+$", re.IGNORECASE)
_BARE_MINUTES = re.compile(r"^\s*(\d+)\s*$")


def parse_duration(text: str) -> int:
    """Seconds in a Jira duration: "1h 30m" -> 5400, "2d" -> 57600, "1.5h" -> 5400, "45" (minutes) -> 2700.

    Raises ValueError naming the text and the accepted form when it is not a duration."""
    if not isinstance(text, str):
        raise ValueError(f"Invalid time duration {text!r}: expected a string such as '1w 2d 3h 30m'.")
    bare = _BARE_MINUTES.match(text)
    if bare:
        return int(bare.group(1)) * MINUTE
    if not _WHOLE.match(text):
        raise ValueError(
            f"Invalid time duration '{text}': use weeks, days, hours and minutes such as '1w 2d 3h 30m' "
            "(1d = 8h, 1w = 5d; a bare number means minutes)."
        )
    seen: set[str] = set()
    total = 0.0
    for amount, unit in _PART.findall(text):
        unit = unit.lower()
        if unit in seen:
            raise ValueError(f"Invalid time duration '{text}': the unit '{unit}' appears twice.")
        seen.add(unit)
        total += float(amount) * _UNIT_SECONDS[unit]
    return int(round(total))


def format_duration(seconds: int) -> str:
    """Jira's display of a duration: 5400 -> "1h 30m", 36000 -> "1d 2h", 0 -> "0m"; seconds below a minute drop."""
    if isinstance(seconds, bool) or not isinstance(seconds, int) or seconds < 0:
        raise ValueError(f"Invalid number of seconds {seconds!r}: expected a whole number >= 0.")
    parts: list[str] = []
    rest = seconds
    for unit in ("w", "d", "h", "m"):
        size = _UNIT_SECONDS[unit]
        count, rest = divmod(rest, size)
        if count:
            parts.append(f"{count}{unit}")
    return " ".join(parts) if parts else "0m"
