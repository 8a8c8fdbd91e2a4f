"""build_database, prepare_template, copy_database, connect and the lookups: what a fixture becomes, and how a bad
fixture is refused with one sentence naming the place, leaving nothing on disk."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from jira_bench_tui.errors import UserError
from jira_bench_tui.jira.db import (
    FixtureError,
    account_id_for,
    build_database,
    connect,
    copy_database,
    format_timestamp,
    parse_timestamp,
    prepare_template,
    read_meta,
    resolve_user,
)
from jira_bench_tui.jira.fixture import Fixture


def _issue(conn: sqlite3.Connection, key: str) -> sqlite3.Row:
    return _present(_by_key(conn, "issues", key))


def _by_key(conn: sqlite3.Connection, table: str, key: str) -> sqlite3.Row | None:
    return conn.execute(f"SELECT * FROM {table} WHERE key = ?", (key.upper(),)).fetchone()


def _present(row: sqlite3.Row | None) -> sqlite3.Row:
    assert row is not None
    return row


def test_meta_holds_clock_user_and_base_url(conn: sqlite3.Connection) -> None:
    meta = read_meta(conn)
    assert format_timestamp(meta.now) == "2026-11-24T09:00:00.000+0000"
    assert meta.current_user == account_id_for("alice@acme.test")
    assert meta.base_url == "https://acme.atlassian.net"
    assert meta.fixture_name == "jql-tests"


def test_ids_keys_and_next_issue_numbers(conn: sqlite3.Connection) -> None:
    assert _issue(conn, "WEB-1")["id"] == 10000
    assert _issue(conn, "web-2")["num"] == 2
    assert _present(_by_key(conn, "projects", "WEB"))["next_issue_num"] == 8
    assert _present(_by_key(conn, "projects", "ops"))["next_issue_num"] == 3
    assert _by_key(conn, "projects", "NOPE") is None
    assert _by_key(conn, "issues", "WEB-99") is None


def test_status_categories_and_default_resolution(conn: sqlite3.Connection) -> None:
    categories = {r["id"]: (r["key"], r["name"], r["color_name"]) for r in conn.execute("SELECT * FROM status_categories")}
    assert categories == {2: ("new", "To Do", "blue-gray"), 4: ("indeterminate", "In Progress", "yellow"),
                          3: ("done", "Done", "green")}
    done = _issue(conn, "WEB-4")
    assert conn.execute("SELECT name FROM resolutions WHERE id=?", (done["resolution_id"],)).fetchone()[0] == "Done"
    assert done["resolution_date"] == "2026-09-05T16:00:00.000+0000"
    wont = _issue(conn, "WEB-5")
    assert conn.execute("SELECT name FROM resolutions WHERE id=?", (wont["resolution_id"],)).fetchone()[0] == "Won't Do"
    assert wont["resolution_date"] == wont["updated"]
    assert _issue(conn, "WEB-3")["resolution_id"] is None


def test_defaults_for_status_reporter_and_times(conn: sqlite3.Connection) -> None:
    subtask = _issue(conn, "WEB-6")
    status = conn.execute("SELECT name FROM statuses WHERE id=?", (subtask["status_id"],)).fetchone()[0]
    assert status == "To Do"
    assert subtask["created"] == "2026-11-21T11:00:00.000+0000" == subtask["updated"]
    ops1 = _issue(conn, "OPS-1")
    assert ops1["reporter_id"] == ops1["creator_id"] == account_id_for("alice@acme.test")


def test_custom_fields_links_sprints_worklogs(conn: sqlite3.Connection) -> None:
    assert json.loads(_issue(conn, "WEB-7")["custom_fields"]) == {
        "customfield_10016": 3, "customfield_10050": "Blue", "customfield_10051": "Carts now persist"}
    link = conn.execute("SELECT * FROM issue_links l JOIN link_types t ON t.id = l.link_type_id "
                        "WHERE t.name = 'Blocks'").fetchone()
    assert (link["inward_issue_id"], link["outward_issue_id"]) == (_issue(conn, "WEB-3")["id"], _issue(conn, "WEB-2")["id"])
    sprints = [r[0] for r in conn.execute("SELECT sprint_id FROM sprint_issues WHERE issue_id=? ORDER BY 1",
                                          (_issue(conn, "WEB-3")["id"],))]
    assert sprints == [1, 2]
    web4 = _issue(conn, "WEB-4")
    assert (web4["time_spent_s"], web4["orig_estimate_s"], web4["remaining_estimate_s"]) == (5400, 7200, 1800)
    assert conn.execute("SELECT COUNT(*) FROM changelog").fetchone()[0] == 16  # the fixture's history
    options = [r[0] for r in conn.execute("SELECT value FROM field_options WHERE field_id='customfield_10050' "
                                          "ORDER BY position")]
    assert options == ["Red", "Blue"]


def test_history_becomes_the_changelog_as_the_tools_write_it(conn: sqlite3.Connection) -> None:
    rows = conn.execute(
        "SELECT c.created, u.display_name, ci.field, ci.from_string, ci.to_string, ci.from_id, ci.to_id "
        "FROM changelog c JOIN changelog_items ci ON ci.changelog_id = c.id JOIN users u ON u.account_id = c.author_id "
        "JOIN issues i ON i.id = c.issue_id WHERE i.key = ? ORDER BY c.id, ci.rowid", ("WEB-4",)).fetchall()
    done = conn.execute("SELECT id FROM statuses WHERE name = 'Done'").fetchone()[0]
    assert [tuple(r) for r in rows] == [
        ("2026-09-02T10:00:00.000+0000", "Carol Chen", "status", "To Do", "In Progress", "10000", "10001"),
        ("2026-09-02T10:00:00.000+0000", "Carol Chen", "assignee", None, "Carol Chen", None, "712020:carol-0001"),
        ("2026-09-05T16:00:00.000+0000", "Carol Chen", "status", "In Progress", "Done", "10001", str(done)),
        ("2026-09-05T16:00:00.000+0000", "Carol Chen", "resolution", None, "Done", None, "10000"),
    ]
    versions = conn.execute(
        "SELECT ci.field, ci.from_string, ci.to_string FROM changelog c JOIN changelog_items ci ON ci.changelog_id = "
        "c.id JOIN issues i ON i.id = c.issue_id WHERE i.key = 'WEB-2' AND ci.field = 'Fix Version' ORDER BY ci.rowid").fetchall()
    assert [tuple(r) for r in versions] == [("Fix Version", "1.0", None), ("Fix Version", None, "2.0")]
    web4 = _issue(conn, "WEB-4")  # history never changes the issue
    assert (web4["updated"], web4["resolution_date"]) == ("2026-09-05T16:00:00.000+0000", "2026-09-05T16:00:00.000+0000")


def test_resolve_user_by_account_id_email_or_name(conn: sqlite3.Connection) -> None:
    carol = resolve_user(conn, "712020:carol-0001")
    assert carol is not None and carol["display_name"] == "Carol Chen"
    assert _present(resolve_user(conn, "CAROL@ACME.TEST"))["account_id"] == "712020:carol-0001"
    assert _present(resolve_user(conn, "carol chen"))["account_id"] == "712020:carol-0001"
    assert resolve_user(conn, "nobody") is None
    assert resolve_user(conn, "") is None


def test_connect_sets_row_factory_and_foreign_keys(small_jira_db: Path) -> None:
    conn = connect(small_jira_db)
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert isinstance(conn.execute("SELECT 1 AS one").fetchone(), sqlite3.Row)
    conn.close()
    with pytest.raises(FileNotFoundError):
        connect(small_jira_db.with_name("missing.sqlite"))


def test_timestamps_parse_and_format() -> None:
    now = parse_timestamp("2026-11-24T09:00:00Z")
    assert format_timestamp(parse_timestamp("2026-11-20T10:30:00+01:00")) == "2026-11-20T09:30:00.000+0000"
    assert format_timestamp(parse_timestamp("2026-11-20T09:30:00.000+0000")) == "2026-11-20T09:30:00.000+0000"
    assert format_timestamp(parse_timestamp("2026-11-20")) == "2026-11-20T00:00:00.000+0000"
    assert format_timestamp(parse_timestamp("-3d", now)) == "2026-11-21T09:00:00.000+0000"
    with pytest.raises(ValueError, match="not a date-time"):
        parse_timestamp("yesterday")


def test_relative_timestamps_in_fixture(tmp_path: Path, small_jira_data: dict[str, Any]) -> None:
    small_jira_data["issues"][0]["created"] = "-2w"
    small_jira_data["issues"][0]["history"] = []
    small_jira_data["issues"][0]["updated"] = "-1h"
    build_database(Fixture.model_validate(small_jira_data), tmp_path / "j.sqlite")
    conn = connect(tmp_path / "j.sqlite")
    row = _issue(conn, "WEB-1")
    assert (row["created"], row["updated"]) == ("2026-11-10T09:00:00.000+0000", "2026-11-24T08:00:00.000+0000")


def test_auto_keys_skip_explicit_numbers(tmp_path: Path, small_jira_data: dict[str, Any]) -> None:
    small_jira_data["issues"].append({"project": "OPS", "type": "Task", "summary": "auto one"})
    small_jira_data["issues"].append({"key": "OPS-4", "type": "Task", "summary": "explicit four"})
    small_jira_data["issues"].append({"project": "OPS", "type": "Task", "summary": "auto two"})
    build_database(Fixture.model_validate(small_jira_data), tmp_path / "j.sqlite")
    conn = connect(tmp_path / "j.sqlite")
    keys = {r["summary"]: r["key"] for r in conn.execute("SELECT key, summary FROM issues WHERE project_id = "
                                                         "(SELECT id FROM projects WHERE key='OPS')")}
    assert keys["auto one"] == "OPS-3" and keys["auto two"] == "OPS-5"
    assert _present(_by_key(conn, "projects", "OPS"))["next_issue_num"] == 6


BAD_FIXTURES: list[tuple[str, str, Any, str]] = [
    # (what, dotted path to change, new value, expected message)
    ("unknown assignee", "issues.2.assignee", "zed@x", "issues[2] (WEB-3).assignee: unknown user 'zed@x' (known: "),
    ("unknown status", "issues.0.status", "Doing", "issues[0] (WEB-1).status: unknown status 'Doing' (known: Done, "
                                                   "In Progress, In Review, To Do)"),
    ("unknown type", "issues.3.type", "Chore", "issues[3] (WEB-4).type: unknown issue type 'Chore'"),
    ("unknown priority", "issues.3.priority", "P1", "issues[3] (WEB-4).priority: unknown priority 'P1'"),
    ("unknown version", "issues.3.fix_versions", ["9.9"],
     "issues[3] (WEB-4).fix_versions: unknown version '9.9' in project WEB (known: 1.0, 2.0)"),
    ("unknown component", "issues.3.components", ["DB"], "issues[3] (WEB-4).components: unknown component 'DB' in "
                                                         "project WEB (known: API, UI)"),
    ("unknown sprint", "issues.3.sprints", ["Sprint 9"], "issues[3] (WEB-4).sprints[0]: unknown sprint 'Sprint 9'"),
    ("sub-task without parent", "issues.5.parent", None, "issues[5] (WEB-6).parent: a sub-task needs a parent issue"),
    ("duplicate key", "issues.1.key", "WEB-1", "issues[1] (WEB-1).key: duplicate issue key 'WEB-1'"),
    ("unknown parent", "issues.1.parent", "WEB-99", "issues[1] (WEB-2).parent: unknown issue 'WEB-99'"),
    ("story under story", "issues.6.parent", "WEB-2", "issues[6] (WEB-7).parent: the parent of a standard issue must "
                                                      "be an epic (WEB-2 is not)"),
    ("unknown project in key", "issues.7.key", "XYZ-1", "issues[7] (XYZ-1).key: unknown project 'XYZ'"),
    ("unknown link issue", "links.0.to", "WEB-42", "links[0] (WEB-3 Blocks WEB-42).to: unknown issue 'WEB-42'"),
    ("unknown link type", "links.0.type", "Causes", "links[0] (WEB-3 Causes WEB-2).type: unknown link type 'Causes'"),
    ("bad worklog duration", "issues.3.worklogs.0.time_spent", "an hour",
     "issues[3] (WEB-4).worklogs[0].time_spent: Invalid time duration 'an hour'"),
    ("unknown custom field", "issues.1.custom_fields", {"Velocity": 3},
     "issues[1] (WEB-2).custom_fields['Velocity']: unknown custom field"),
    ("bad option", "issues.1.custom_fields", {"Team": "Green"},
     "issues[1] (WEB-2).custom_fields['Team']: 'Green' is not an option (known: Blue, Red)"),
    ("bad date", "issues.2.due_date", "25/11/2026", "issues[2] (WEB-3).due_date: '25/11/2026' is not a date"),
    ("bad created", "issues.2.created", "last week", "issues[2] (WEB-3).created: 'last week' is not a date-time"),
    ("unknown current user", "current_user", "root", "current_user: unknown user 'root'"),
    ("unknown project lead", "projects.1.lead", "Eve", "projects[1] (OPS).lead: unknown user 'Eve'"),
    ("board of unknown project", "boards.0.project", "MOB", "boards[0] (WEB board).project: unknown project 'MOB'"),
    # history: each change follows the one before and the last one sets the issue's current value
    ("history out of order", "issues.1.history.2.status", ["To Do", "In Review"],
     "issues[1] (WEB-2).history[2].status: starts from 'To Do', but the change before set it to another value"),
    ("history not ending at the issue", "issues.3.history.1.status", ["In Progress", "In Review"],
     "issues[3] (WEB-4).history: the last change of status must set the issue's current status"),
    ("history before created", "issues.3.history.0.at", "2026-08-01T00:00:00Z",
     "issues[3] (WEB-4).history[0].at: 2026-08-01T00:00:00.000+0000 must lie between the issue's created time "
     "(2026-09-01T09:00:00.000+0000) and the issue's updated time (2026-09-05T16:00:00.000+0000)"),
    ("history unknown status", "issues.3.history.0.status", ["To Do", "Doing"],
     "issues[3] (WEB-4).history[0].status[1]: unknown status 'Doing'"),
    ("history unknown author", "issues.3.history.0.by", "zed@x", "issues[3] (WEB-4).history[0].by: unknown user 'zed@x'"),
    ("history unknown version", "issues.1.history.0.fix_versions", [["1.0"], ["9.9"]],
     "issues[1] (WEB-2).history[0].fix_versions[1]: unknown version '9.9' in project WEB"),
    ("history change of nothing", "issues.3.history.0", {"at": "2026-09-02T10:00:00Z", "by": "carol@acme.test"},
     "issues[3] (WEB-4).history[0]: a change must change at least one field"),
    ("history same from and to", "issues.4.history.0.priority", ["Medium", "Medium"],
     "issues[4] (WEB-5).history[0].priority: from and to are the same ('Medium')"),
    ("history empty status", "issues.3.history.0.status", ["To Do", ""],
     "issues[3] (WEB-4).history[0].status[1]: unknown status ''"),
]


def _set(data: Any, dotted: str, value: Any) -> None:
    *parents, last = dotted.split(".")
    for part in parents:
        data = data[int(part)] if part.isdigit() else data[part]
    data[int(last) if last.isdigit() else last] = value


@pytest.mark.parametrize(("what", "dotted", "value", "message"), BAD_FIXTURES, ids=[c[0] for c in BAD_FIXTURES])
def test_bad_fixture_names_the_place_and_leaves_nothing(tmp_path: Path, small_jira_data: dict[str, Any], what: str,
                                                        dotted: str, value: Any, message: str) -> None:
    _set(small_jira_data, dotted, value)
    target = tmp_path / "out" / "j.sqlite"
    with pytest.raises(FixtureError) as caught:
        build_database(Fixture.model_validate(small_jira_data), target)
    assert str(caught.value).startswith(message), str(caught.value)
    assert "\n" not in str(caught.value)
    assert isinstance(caught.value, UserError) and caught.value.exit_code == 2
    assert list(target.parent.iterdir()) == []


def test_failed_rebuild_keeps_the_old_file(tmp_path: Path, small_jira_data: dict[str, Any]) -> None:
    target = tmp_path / "j.sqlite"
    build_database(Fixture.model_validate(small_jira_data), target)
    before = target.read_bytes()
    small_jira_data["issues"][0]["status"] = "Doing"
    with pytest.raises(FixtureError):
        build_database(Fixture.model_validate(small_jira_data), target)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["j.sqlite"]


def test_template_is_cached_and_copies_are_fast_and_private(tmp_path: Path, small_jira_data: dict[str, Any]) -> None:
    fixture = Fixture.model_validate(small_jira_data)
    cache = tmp_path / "cache"
    started = time.perf_counter()
    template = prepare_template(fixture, cache)
    build_seconds = time.perf_counter() - started
    stamp = template.stat().st_mtime_ns
    assert prepare_template(fixture, cache) == template
    assert template.stat().st_mtime_ns == stamp  # not rebuilt
    small_jira_data["issues"][0]["summary"] = "Changed"
    assert prepare_template(Fixture.model_validate(small_jira_data), cache) != template
    started = time.perf_counter()
    copy = copy_database(template, tmp_path / "trial" / "jira.sqlite")
    copy_seconds = time.perf_counter() - started
    assert build_seconds < 2 and copy_seconds < 0.5  # generous bounds; benchmarks/ has the real figures
    trial = connect(copy)
    trial.execute("UPDATE issues SET summary = 'mine' WHERE key = 'WEB-1'")
    trial.commit()
    assert connect(template).execute("SELECT summary FROM issues WHERE key='WEB-1'").fetchone()[0] != "mine"


def test_default_cache_dir_follows_xdg(tmp_path: Path, small_jira_data: dict[str, Any],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    template = prepare_template(Fixture.model_validate(small_jira_data))
    assert template.parent == tmp_path / "xdg" / "jira-bench" / "fixtures"


_CONCURRENT_SCRIPT = """
import json, sys
from pathlib import Path
from jira_bench_tui.jira.db import prepare_template, connect
from jira_bench_tui.jira.fixture import Fixture
fixture = Fixture.model_validate(json.loads(sys.argv[1]))
for _ in range(5):
    path = prepare_template(fixture, Path(sys.argv[2]))
    assert connect(path).execute("SELECT COUNT(*) FROM issues").fetchone()[0] == 9
print(path)
"""


def test_prepare_template_from_two_processes_at_once(tmp_path: Path, small_jira_data: dict[str, Any]) -> None:
    cache = tmp_path / "cache"
    args = [sys.executable, "-c", _CONCURRENT_SCRIPT, json.dumps(small_jira_data), str(cache)]
    workers = [subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(3)]
    outputs = [w.communicate(timeout=60) for w in workers]
    assert [w.returncode for w in workers] == [0, 0, 0], [o[1] for o in outputs]
    assert len({o[0].strip() for o in outputs}) == 1
    assert [p.suffix for p in cache.iterdir()] == [".sqlite"]  # no temp files left behind
