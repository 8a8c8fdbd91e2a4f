"""Date functions and periods against the frozen clock (Tue 2026-11-24 09:00 UTC): offsets, units, week starts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from jira_bench_tui.jira.jql_dates import DateValueError, evaluate_date_function, parse_date_value

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("name", "args", "expected"),
    [
        ("now", (), "2026-11-24 09:00:00.000"),
        ("startofday", (), "2026-11-24 00:00:00.000"),
        ("endofday", (), "2026-11-24 23:59:59.999"),
        ("startofday", ("-1",), "2026-11-23 00:00:00.000"),
        ("endofday", ("+1d",), "2026-11-25 23:59:59.999"),
        ("startofday", ("+2h",), "2026-11-24 02:00:00.000"),
        ("startofweek", (), "2026-11-22 00:00:00.000"),  # Sunday
        ("endofweek", (), "2026-11-28 23:59:59.999"),
        ("startofweek", ("-1",), "2026-11-15 00:00:00.000"),
        ("startofmonth", (), "2026-11-01 00:00:00.000"),
        ("endofmonth", (), "2026-11-30 23:59:59.999"),
        ("startofmonth", ("-1M",), "2026-10-01 00:00:00.000"),
        ("endofmonth", ("+3",), "2027-02-28 23:59:59.999"),
        ("startofmonth", ("+14d",), "2026-11-15 00:00:00.000"),
        ("startofyear", (), "2026-01-01 00:00:00.000"),
        ("endofyear", ("-1",), "2025-12-31 23:59:59.999"),
    ],
)
def test_date_functions(name: str, args: tuple[str, ...], expected: str) -> None:
    assert evaluate_date_function(name, args, NOW).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("-7d", "2026-11-17 09:00"), ("-24h", "2026-11-23 09:00"), ("-1w 2d", "2026-11-15 09:00"),
     ("+30m", "2026-11-24 09:30"), ("2026-11-01", "2026-11-01 00:00"), ("2026/11/01 10:30", "2026-11-01 10:30")],
)
def test_date_values(text: str, expected: str) -> None:
    assert parse_date_value(text, NOW).strftime("%Y-%m-%d %H:%M") == expected


@pytest.mark.parametrize("text", ["yesterday", "7d-", "2026-02-30", "-7x", ""])
def test_bad_date_values(text: str) -> None:
    with pytest.raises(DateValueError):
        parse_date_value(text, NOW)


def test_bad_offset() -> None:
    with pytest.raises(DateValueError):
        evaluate_date_function("startofday", ("soon",), NOW)
