"""What a trial changed in Jira: field-by-field differences between issue snapshots taken before and after it."""

from __future__ import annotations

from typing import Any

from jira_bench_tui.jira.reader import IssueRecord

# Fields every diff skips: Jira bumps "updated" on any write, so it says nothing the other fields do not.
ALWAYS_IGNORED = {"updated"}


def _comparable(record: IssueRecord, ignore: set[str]) -> dict[str, Any]:
    """The record's fields but `ignore`, with comments, links and worklogs as short phrases that compare well."""
    shown: dict[str, Any] = {}
    items: dict[str, Any] = dict(record)
    for name, value in items.items():
        if name in ignore:
            continue
        if name == "comments":
            value = [f"{c.get('author') or '?'}: {c.get('body', '')}" for c in value]
        elif name == "links":
            value = sorted(f"{link['text']} {link['other']}" for link in value)
        elif name == "worklogs":
            value = [f"{w.get('author') or '?'} {w.get('time_spent_seconds', 0)}s" for w in value]
        shown[name] = value
    return shown


def diff_records(before: IssueRecord, after: IssueRecord, ignore: set[str] | None = None) -> dict[str, dict[str, Any]]:
    """Fields that differ: {field: {"before": ..., "after": ...}}; comments, links and worklogs as short phrases."""
    skip = ALWAYS_IGNORED | (ignore or set())
    old, new = _comparable(before, skip), _comparable(after, skip)
    return {
        name: {"before": old.get(name), "after": new.get(name)}
        for name in sorted(set(old) | set(new))
        if old.get(name) != new.get(name)
    }


def issue_key_order(key: str) -> tuple[str, int]:
    """Sort key for issue keys as Jira lists them: by project, then by number (WEB-9 before WEB-10)."""
    project, _, number = key.rpartition("-")
    return project, int(number) if number.isdigit() else 0


def diff_snapshots(before: dict[str, IssueRecord], after: dict[str, IssueRecord]) -> list[dict[str, Any]]:
    """The Jira changes a trial made, for its artifact, in issue-key order.

    Each is `{"key", "change": "created" | "deleted" | "updated", "fields": {field: {"before", "after"}}}`; a created
    issue lists its summary, issue type and status, a deleted one no fields.
    """
    changes: list[dict[str, Any]] = []
    for key in sorted(set(before) | set(after), key=issue_key_order):
        if key not in before:
            record = after[key]
            changes.append({"key": key, "change": "created", "fields": {
                "summary": {"before": None, "after": record.get("summary")},
                "issue_type": {"before": None, "after": record.get("issue_type")},
                "status": {"before": None, "after": record.get("status")},
            }})
        elif key not in after:
            changes.append({"key": key, "change": "deleted", "fields": {}})
        else:
            fields = diff_records(before[key], after[key])
            if fields:
                changes.append({"key": key, "change": "updated", "fields": fields})
    return changes
