"""Match an issue field against a harness expectation, and say in words what was expected and what was found.

An expectation is a literal (equality: strings compare case-insensitively after trimming, lists as sets, null means
empty) or a `schema.FieldOp` with one operator; values come from a `jira.reader.IssueRecord`.
"""

from __future__ import annotations

from typing import Any

from jira_bench_tui.harness.patterns import Search, search_once
from jira_bench_tui.harness.schema import Expectation, FieldOp
from jira_bench_tui.jira.reader import IssueRecord


def show(value: Any) -> str:
    """A value as a reason shows it: 'To Do', [a, b], empty."""
    if value is None or value == [] or value == "":
        return "empty"
    if isinstance(value, list):
        return "[" + ", ".join(show(v) if not isinstance(v, str) else v for v in value) + "]"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str):
        return repr(value if len(value) <= 80 else value[:77] + "...")
    return str(value)


def field_value(record: IssueRecord, name: str) -> Any:
    """The value an expectation's field name reads: a key of the record, or "custom:<field name>" (matched
    case-insensitively against `custom_fields`). None when the record has no such field."""
    if name.startswith("custom:"):
        wanted = name.split(":", 1)[1].strip().lower()
        for key, value in record.get("custom_fields", {}).items():
            if key.lower() == wanted:
                return value
        return None
    return record.get(name)


def _norm(value: Any) -> object:
    """The comparable form of a value: trimmed lower-case text, numbers as floats, anything else as it is."""
    if isinstance(value, str):
        return value.strip().lower()
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return float(value)
    return value


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _equals(actual: Any, expected: Any) -> bool:
    """Literal equality as a harness means it: null matches empty, lists compare as sets, text ignores case."""
    if expected is None:
        return _is_empty(actual)
    if isinstance(actual, list) or isinstance(expected, list):
        actual_set = {_norm(v) for v in (actual if isinstance(actual, list) else [] if actual is None else [actual])}
        expected_set = {_norm(v) for v in (expected if isinstance(expected, list) else [expected])}
        return actual_set == expected_set
    if isinstance(expected, bool) or isinstance(actual, bool):
        return actual is expected
    if isinstance(expected, int | float):
        try:
            return actual is not None and float(actual) == float(expected)
        except (TypeError, ValueError):
            return False
    return _norm(actual) == _norm(expected)


def _texts(actual: Any) -> list[str]:
    if actual is None:
        return []
    if isinstance(actual, list):
        return [str(v) for v in actual]
    return [str(actual)]


def match_expectation(actual: Any, expected: Expectation, search: Search = search_once,
                      where: str = "the field") -> tuple[bool, str]:
    """Whether a field value meets an expectation, and what was expected in words ("one of [a, b]", ">= 3").

    The words complete a failed check's reason: "status is 'To Do', expected 'In Progress'". A `matches` operator
    searches through `search` (time-bounded; `where` names the field in its PatternTimeout sentence).
    """
    if not isinstance(expected, FieldOp):
        return _equals(actual, expected), show(expected)
    op = expected
    if "eq" in op.model_fields_set:
        return _equals(actual, op.eq), show(op.eq)
    if "ne" in op.model_fields_set:
        return not _equals(actual, op.ne), f"not {show(op.ne)}"
    if op.in_ is not None:
        return any(_equals(actual, v) for v in op.in_), f"one of {show(op.in_)}"
    if op.empty is not None:
        return _is_empty(actual) == op.empty, "empty" if op.empty else "set"
    if op.gte is not None or op.lte is not None:
        return _match_bound(actual, op.gte, op.lte)
    return _match_text(actual, op, search, where)


def _match_text(actual: Any, op: FieldOp, search: Search, where: str) -> tuple[bool, str]:
    """The text and list operators: contains, not_contains, matches, includes, excludes."""
    if op.contains is not None:
        needle = op.contains.lower()
        if isinstance(actual, list):
            return any(_norm(v) == needle for v in actual), f"to contain {op.contains!r}"
        return needle in str(actual or "").lower(), f"to contain {op.contains!r}"
    if op.not_contains is not None:
        needle = op.not_contains.lower()
        if isinstance(actual, list):
            return all(_norm(v) != needle for v in actual), f"not to contain {op.not_contains!r}"
        return needle not in str(actual or "").lower(), f"not to contain {op.not_contains!r}"
    if op.matches is not None:
        pattern = op.matches
        return any(search(pattern, t, where) for t in _texts(actual)), f"to match /{op.matches}/"
    if op.includes is not None:
        have = {_norm(v) for v in _texts(actual)}
        return all(_norm(v) in have for v in op.includes), f"to include {show(op.includes)}"
    if op.excludes is not None:
        have = {_norm(v) for v in _texts(actual)}
        return all(_norm(v) not in have for v in op.excludes), f"to exclude {show(op.excludes)}"
    return False, "an operator"


def _match_bound(actual: Any, gte: float | None, lte: float | None) -> tuple[bool, str]:
    """The numeric operators gte / lte (one of them is given); a value that is not a number fails."""
    try:
        number = float(actual)
    except (TypeError, ValueError):
        return False, f">= {gte}" if gte is not None else f"<= {lte}"
    if gte is not None:
        return number >= gte, f">= {show(gte)}"
    if lte is not None:
        return number <= lte, f"<= {show(lte)}"
    return False, "an operator"


def _field_label(name: str) -> str:
    return name.removeprefix("custom:")


def record_mismatches(record: IssueRecord, expect: dict[str, Expectation],
                      search: Search = search_once) -> list[str]:
    """One phrase per field of `record` that misses its expectation ("status is 'To Do', expected 'Done'");
    empty when the record meets them all. Patterns are searched through `search`: PatternTimeout propagates."""
    problems = []
    for name, expected in expect.items():
        actual = field_value(record, name)
        ok, wanted = match_expectation(actual, expected, search, f"the {_field_label(name)} of {record.get('key')}")
        if not ok:
            problems.append(f"{_field_label(name)} is {show(actual)}, expected {wanted}")
    return problems


def describe_expect(expect: dict[str, Expectation]) -> str:
    """Expectations in words for a check's description: "status 'Done', labels to include [ops]"."""
    return ", ".join(f"{_field_label(name)} {match_expectation(None, value)[1]}" for name, value in expect.items())
