"""Jira durations: parsing with the 8h day and 5d week, formatting the way Jira shows them, clear errors."""

from __future__ import annotations

import pytest

from jira_bench_tui.jira.durations import format_duration, parse_duration


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("1h 30m", 5400), ("2d", 57600), ("1w 2d 3h 4m", 144000 + 57600 + 10800 + 240), ("90m", 5400), ("45", 2700),
     ("1.5h", 5400), ("1h30m", 5400), (" 3H ", 10800), ("0m", 0), ("1w", 144000)],
)
def test_parse_duration(text: str, seconds: int) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "abc", "1x", "h", "1h 2h", "-1h", "1 hour"])
def test_parse_duration_rejects_bad_text(text: str) -> None:
    with pytest.raises(ValueError, match="Invalid time duration"):
        parse_duration(text)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(5400, "1h 30m"), (36000, "1d 2h"), (0, "0m"), (144000 + 28800, "1w 1d"), (59, "0m"), (28800, "1d")],
)
def test_format_duration(seconds: int, text: str) -> None:
    assert format_duration(seconds) == text


def test_format_duration_rejects_negative() -> None:
    with pytest.raises(ValueError, match="Invalid number of seconds"):
        format_duration(-5)
