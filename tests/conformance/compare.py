"""Comparing one tool call's two answers (the real mcp-atlassian over the REST face, and our in-process tools):
normalise only what must differ, decide identical or not, and name the kinds of difference.

What must differ, and is normalised: the site's base URL and host (the real server sees `http://t-<id>.atlassian.net`
through the face, our tools print the fixture's `base_url`) and the run's temporary working folder (in the real
server's file errors). Generated ids and timestamps need no normalising: both
sides start from the same fresh database with the fixture's fixed clock, so the model gives both the same ids and
times. Nothing else is touched: key order, indentation, error texts all count.

Kinds of difference (`KINDS`, most telling first): an outcome gets every kind its answers show, and its main kind
is the first of them in this order."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

SITE = "https://SITE"
WORKDIR = "WORKDIR"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}|$)")
RICH_TEXT_KEYS = {"description", "body", "comment", "environment", "rendered_description", "text"}
PAGING_KEYS = {"total", "start_at", "max_results", "next_page_token", "is_last", "startAt", "maxResults", "isLast"}

KINDS: dict[str, str] = {
    "coercion": "argument coercion: the real server (pydantic lax mode) accepts what ours refuses, or the reverse",
    "validation_text": "both refuse the arguments, with other texts (pydantic's validation error vs ours)",
    "only_real_error": "only the real server answers with an error",
    "only_ours_error": "only our tools answer with an error",
    "error_text": "both answer with an error, in other words",
    "success_flag": "both answer, but one says success: false or carries an error inside its JSON",
    "missing_key": "a key only one side gives",
    "paging": "paging values or page length (total, start_at, max_results, next_page_token, number of items)",
    "order": "the same items in another order",
    "rich_text": "rich text after a round trip (ADF on v3, wiki markup on v2) differs from the stored Markdown",
    "date_format": "the same date or time written another way (`.000Z` vs `.000+0000`, `UTC` vs `+00:00`)",
    "self_link": "a URL to a REST resource (`self`, `url`) differs (REST v2 vs v3, path)",
    "url": "another URL differs (avatars, browse links)",
    "value": "another value differs",
    "type": "a value of another JSON type",
    "not_json": "the texts differ and at least one is not JSON",
    "format": "the same JSON, written differently (key order, indentation, escapes)",
    "structured": "the texts agree but the structured content differs",
    "crash": "a side gave no answer (exception, timeout or a dead server)",
}


@dataclass(frozen=True)
class Answer:
    """One side's answer to a call: its text content (text blocks joined by newlines, other blocks as `[type]`),
    is_error, structured content, and `crash` (why there was no answer at all) or None."""

    text: str
    is_error: bool
    structured: Any = None
    crash: str | None = None

    def as_json(self) -> dict[str, Any]:
        """The answer as a JSON object for the report."""
        return {"text": self.text, "is_error": self.is_error, "structured": self.structured, "crash": self.crash}


@dataclass(frozen=True)
class Verdict:
    """The comparison of two answers: identical or not, the outcome (`identical`, `differs`, `only_real_error`,
    `only_ours_error`, `crash`), the kinds of difference found and the first differences as readable lines."""

    identical: bool
    outcome: str
    kinds: tuple[str, ...]
    diffs: tuple[str, ...]

    @property
    def main_kind(self) -> str:
        """The most telling kind of difference ('' when identical)."""
        return self.kinds[0] if self.kinds else ""


def site_pattern(hosts: list[str], folders: list[str] | None = None) -> re.Pattern[str]:
    """A regex matching the site's base URL or bare host, for each of `hosts` (e.g. `t-conformance.atlassian.net`
    and the fixture's `acme.atlassian.net`), and each of the run's working `folders` (the real server names files
    below its working folder: `File not found: /tmp/.../missing-file.txt`)."""
    names = "|".join(re.escape(host) for host in sorted(hosts, key=len, reverse=True))
    paths = "|".join(re.escape(folder) for folder in sorted(folders or [], key=len, reverse=True))
    return re.compile(rf"(?P<site>(?:https?://)?(?:{names}))" + (rf"|(?P<dir>{paths})" if paths else ""))


def normalise(value: Any, sites: re.Pattern[str]) -> Any:
    """`value` with every site URL or host replaced by `https://SITE` and every working folder by `WORKDIR`
    (strings inside lists and dicts too)."""
    if isinstance(value, str):
        return sites.sub(lambda found: SITE if found.group("site") else WORKDIR, value)
    if isinstance(value, list):
        return [normalise(item, sites) for item in value]
    if isinstance(value, dict):
        return {key: normalise(item, sites) for key, item in value.items()}
    return value


def compare(real: Answer, ours: Answer, sites: re.Pattern[str]) -> Verdict:
    """The verdict on one call's two answers, after normalising the site on both."""
    if real.crash or ours.crash:
        side = "real" if real.crash else "ours"
        return Verdict(False, "crash", ("crash",), (f"{side}: {real.crash or ours.crash}",))
    real_text, ours_text = normalise(real.text, sites), normalise(ours.text, sites)
    same_structured = normalise(real.structured, sites) == normalise(ours.structured, sites)
    if real.is_error == ours.is_error and real_text == ours_text:
        if same_structured:
            return Verdict(True, "identical", (), ())
        return Verdict(False, "differs", ("structured",), ("structured content differs",))
    if real.is_error != ours.is_error:
        return _one_side_error(real, ours, real_text, ours_text)
    if real.is_error:
        kind = "validation_text" if _is_validation(real_text) or _is_validation(ours_text) else "error_text"
        return Verdict(False, "differs", (kind,), (f"real: {_short(real_text)}", f"ours: {_short(ours_text)}"))
    return _both_answered(real_text, ours_text)


def _one_side_error(real: Answer, ours: Answer, real_text: str, ours_text: str) -> Verdict:
    """Only one side errs: argument coercion when the refusal is about an argument's type, else only_*_error."""
    refusal = ours_text if ours.is_error else real_text
    coercion = bool(re.search(r"must be a (?:integer|boolean|string)|Input should be a valid", refusal))
    outcome = "only_ours_error" if ours.is_error else "only_real_error"
    kinds = ("coercion", outcome) if coercion else (outcome,)
    lines = (f"real ({'error' if real.is_error else 'ok'}): {_short(real_text)}",
             f"ours ({'error' if ours.is_error else 'ok'}): {_short(ours_text)}")
    return Verdict(False, outcome, kinds, lines)


def _both_answered(real_text: str, ours_text: str) -> Verdict:
    """Both succeed with other texts: walk the two JSON values and name each difference."""
    try:
        real_value, ours_value = json.loads(real_text), json.loads(ours_text)
    except ValueError:
        return Verdict(False, "differs", ("not_json",), (f"real: {_short(real_text)}", f"ours: {_short(ours_text)}"))
    if real_value == ours_value:
        return Verdict(False, "differs", ("format",), ("same JSON, other text (key order or layout)",))
    found: list[tuple[str, str]] = []
    _walk(real_value, ours_value, "", found)
    if _error_flag(real_value) != _error_flag(ours_value):
        found.insert(0, ("success_flag", f"real success={_error_flag(real_value)}, ours={_error_flag(ours_value)}"))
    kinds = tuple(kind for kind in KINDS if any(kind == k for k, _ in found))
    return Verdict(False, "differs", kinds or ("value",), tuple(line for _, line in found[:6]))


def _walk(real: Any, ours: Any, path: str, found: list[tuple[str, str]]) -> None:
    """Append (kind, line) for each difference between two JSON values (recursing into equal-typed containers)."""
    if real == ours:
        return
    if isinstance(real, dict) and isinstance(ours, dict):
        for key in [*real, *(k for k in ours if k not in real)]:
            where = f"{path}.{key}" if path else str(key)
            if key not in ours or key not in real:
                side = "real" if key in real else "ours"
                found.append(("missing_key", f"{where}: only {side} has it ({_short(json.dumps(real.get(key, ours.get(key))))})"))
            else:
                _walk(real[key], ours[key], where, found)
        return
    if isinstance(real, list) and isinstance(ours, list):
        _walk_list(real, ours, path, found)
        return
    found.append((_value_kind(real, ours, path), f"{path}: real {_short(json.dumps(real))} / ours {_short(json.dumps(ours))}"))


def _walk_list(real: list[Any], ours: list[Any], path: str, found: list[tuple[str, str]]) -> None:
    """Lists: another length is paging (for pages of items) or a value difference; the same items in another order
    is `order`; else compare item by item."""
    if len(real) != len(ours):
        kind = "paging" if path.split(".")[-1] in ("issues", "values", "results") else "value"
        found.append((kind, f"{path}: {len(real)} items (real) / {len(ours)} (ours)"))
    elif _canonical(real) == _canonical(ours):
        found.append(("order", f"{path}: the same {len(real)} items in another order"))
        return
    for index, (left, right) in enumerate(zip(real, ours, strict=False)):
        _walk(left, right, f"{path}[{index}]", found)


def _value_kind(real: Any, ours: Any, path: str) -> str:
    """The kind of one differing leaf value at `path`."""
    key = re.sub(r"\[\d+\]", "", path.split(".")[-1])
    if type(real) is not type(ours) and not (isinstance(real, int | float) and isinstance(ours, int | float)):
        return "type"
    if key in PAGING_KEYS:
        return "paging"
    if isinstance(real, str) and isinstance(ours, str):
        if _DATE.match(real) and _DATE.match(ours):
            return "date_format"
        if "/rest/" in real or "/rest/" in ours:
            return "self_link"
        if real.startswith(("http", SITE)) or ours.startswith(("http", SITE)):
            return "url"
        if key in RICH_TEXT_KEYS:
            return "rich_text"
    return "value"


def _canonical(items: list[Any]) -> list[str]:
    return sorted(json.dumps(item, sort_keys=True) for item in items)


def _error_flag(value: Any) -> bool:
    """True when a JSON answer reports a failure inside a success (`"success": false` or an `error` key)."""
    return isinstance(value, dict) and (value.get("success") is False or bool(value.get("error")))


def _is_validation(text: str) -> bool:
    return "validation error for call[" in text


def _short(text: str, limit: int = 160) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."
