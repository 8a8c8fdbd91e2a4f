"""Date values in JQL: literal dates ("2026-11-01", "2026/11/01 10:00"), relative periods (-7d, "-1w 2d") and the date
functions (now(), startOfDay() ... endOfYear() with an optional offset), all against the frozen clock, in UTC."""

from __future__ import annotations

import calendar
import re
from datetime import UTC, datetime, timedelta

INVALID_DATE = (
    "Date value '{value}' for field '{field}' is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', "
    "'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'."
)
_PERIOD = re.compile(r"^([+-]?)\s*((?:\d+\s*[wdhm]\s*)+)$")
_PERIOD_PART = re.compile(r"(\d+)\s*([wdhm])")
_PERIOD_SECONDS = {"w": 7 * 86400, "d": 86400, "h": 3600, "m": 60}
_DATE_FORMATS = ("%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M", "%Y-%m-%d", "%Y/%m/%d")
_OFFSET = re.compile(r"^([+-]?)(\d+)([yMwdhm]?)$")


class DateValueError(ValueError):
    """A value that is not a JQL date; the caller adds the field name to the message."""


def parse_date_value(text: str, now: datetime) -> datetime:
    """A literal date or a relative period as a UTC moment. Raises DateValueError when it is neither."""
    value = text.strip()
    period = _PERIOD.match(value)
    if period:
        seconds = sum(int(n) * _PERIOD_SECONDS[u] for n, u in _PERIOD_PART.findall(period.group(2)))
        return now - timedelta(seconds=seconds) if period.group(1) == "-" else now + timedelta(seconds=seconds)
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).replace(tzinfo=UTC)
        except ValueError:
            continue
    raise DateValueError(value)


def _add_months(moment: datetime, months: int) -> datetime:
    total = moment.year * 12 + (moment.month - 1) + months
    year, month = divmod(total, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def _shift(moment: datetime, amount: int, unit: str) -> datetime:
    if unit == "y":
        return _add_months(moment, 12 * amount)
    if unit == "M":
        return _add_months(moment, amount)
    seconds = {"w": 7 * 86400, "d": 86400, "h": 3600, "m": 60}[unit]
    return moment + timedelta(seconds=amount * seconds)


def evaluate_date_function(name: str, args: tuple[str, ...], now: datetime) -> datetime:
    """The moment a date function names. `name` is lower-case; an offset argument such as -1, "+2d" or "-1M"
    moves the result (a bare number counts in the function's own unit). Raises DateValueError on a bad offset."""
    if name in ("now", "currentlogin", "lastlogin"):
        return now
    period = name.removeprefix("start").removeprefix("end").removeprefix("of")
    unit = {"day": "d", "week": "w", "month": "M", "year": "y"}[period]
    offset_amount, offset_unit = 0, unit
    if args:
        match = _OFFSET.match(args[0].strip())
        if not match:
            raise DateValueError(args[0])
        offset_amount = int(match.group(2)) * (-1 if match.group(1) == "-" else 1)
        offset_unit = match.group(3) or unit
    day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    if period == "day":
        start = day_start
    elif period == "week":  # weeks start on Sunday, as in Jira's default (en_US) locale
        start = day_start - timedelta(days=(day_start.weekday() + 1) % 7)
    elif period == "month":
        start = day_start.replace(day=1)
    else:
        start = day_start.replace(month=1, day=1)
    if offset_unit == unit:
        start = _shift(start, offset_amount, unit)
        offset_amount = 0
    if name.startswith("start"):
        return _shift(start, offset_amount, offset_unit)
    end = _shift(start, 1, unit) - timedelta(milliseconds=1)
    return _shift(end, offset_amount, offset_unit)
