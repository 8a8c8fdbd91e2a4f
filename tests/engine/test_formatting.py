"""The one module of time and JSON formatting both the command line and the app use: each format pinned."""

from __future__ import annotations

import pytest

from jira_bench_tui.engine.formatting import age, clock, pretty_json_or_text, short_duration, step_duration
from jira_bench_tui.engine.transcript import _pretty


@pytest.mark.parametrize(("seconds", "text"), [(-3, "00:00"), (0.9, "00:00"), (65, "01:05"), (3599, "59:59"),
                                               (3723, "1:02:03")])
def test_clock(seconds: float, text: str) -> None:
    assert clock(seconds) == text


@pytest.mark.parametrize(("seconds", "text"), [(None, "--"), (-1, "0s"), (42.9, "42s"), (185, "3m05s"),
                                               (3720, "1h02m")])
def test_short_duration(seconds: float | None, text: str) -> None:
    assert short_duration(seconds) == text


@pytest.mark.parametrize(("seconds", "text"), [(None, ""), (0.0024, "2 ms"), (1.24, "1.2 s"), (185.5, "3m 05s")])
def test_step_duration(seconds: float | None, text: str) -> None:
    assert step_duration(seconds) == text


@pytest.mark.parametrize(("seconds", "text"), [(-5, "0s ago"), (12.7, "12s ago"), (300, "5m ago"),
                                               (3 * 3600, "3h ago"), (2 * 86400 + 5, "2d ago")])
def test_age(seconds: float, text: str) -> None:
    assert age(seconds) == text


def test_pretty_json_or_text() -> None:
    assert pretty_json_or_text(' {"a": [1, "é"]} ') == '{\n  "a": [\n    1,\n    "é"\n  ]\n}'
    assert pretty_json_or_text("plain text") == "plain text"
    assert pretty_json_or_text("{not json") == "{not json"
    deep = "[" * 100_000 + "]" * 100_000
    assert pretty_json_or_text(deep) == deep  # too deep to parse: shown as it is, never a crash


def test_the_plain_transcript_cuts_a_long_result() -> None:
    assert _pretty("x" * 4005) == "x" * 4000 + "\n... (5 more characters)"
    assert _pretty("[" * 100_000) == "[" * 4000 + "\n... (96000 more characters)"  # was a RecursionError
