"""The default fixture builds and holds the situations builtin:core relies on, read back through the MCP tools."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from jira_bench_tui.cli import main
from jira_bench_tui.jira.fixture_files import fixture_path, load_fixture_file

from .conftest import open_default_jira


def test_default_fixture_is_big_and_varied() -> None:
    fixture = load_fixture_file("builtin:default")
    assert fixture.now == "2026-11-24T09:00:00Z"
    assert len(fixture.issues) >= 150
    assert len(fixture.users) >= 10
    assert len(fixture.projects) >= 3
    assert {i.type for i in fixture.issues} == {"Epic", "Story", "Task", "Bug", "Sub-task"}
    assert {i.status for i in fixture.issues} == {s.name for s in fixture.statuses}
    assert {i.priority for i in fixture.issues} == set(fixture.priorities)
    assert {state for b in fixture.boards for state in (s.state for s in b.sprints)} == {"closed", "active", "future"}
    assert any(not user.active for user in fixture.users)


async def test_this_weeks_untriaged_bugs(default_template: Path, tmp_path: Path) -> None:
    async with open_default_jira(default_template, tmp_path) as default_jira:
        keys = await default_jira.keys("labels = needs-triage AND created >= startOfWeek() ORDER BY key")
        assert sorted(keys) == sorted(["WEB-37", "WEB-38", "WEB-39", "WEB-40", "WEB-41", "MOB-19", "MOB-20"])
        older = await default_jira.keys("labels = needs-triage AND created < startOfWeek()")
        assert older == ["WEB-42"]


async def test_release_two_blockers(default_template: Path, tmp_path: Path) -> None:
    async with open_default_jira(default_template, tmp_path) as default_jira:
        release = await default_jira.ok("jira_get_issue", issue_key="WEB-28", fields="summary,issuelinks")
        blockers = {link["inward_issue"]["key"] for link in release["issuelinks"]
                    if link["type"]["name"] == "Blocks" and "inward_issue" in link}
        assert blockers == {"WEB-29", "WEB-30", "WEB-31", "OPS-4"}
        still_open = await default_jira.keys("key in (WEB-29, WEB-30, WEB-31, OPS-4) AND statusCategory != Done")
        assert sorted(still_open) == ["OPS-4", "WEB-29", "WEB-30"]


async def test_active_sprint_has_done_and_unfinished_work(default_template: Path, tmp_path: Path) -> None:
    async with open_default_jira(default_template, tmp_path) as default_jira:
        sprints = await default_jira.ok("jira_get_sprints_from_board", board_id="1")
        assert [(s["name"], s["state"]) for s in sprints] == [
            ("WEB Sprint 22", "closed"), ("WEB Sprint 23", "closed"), ("WEB Sprint 24", "active"), ("WEB Sprint 25", "future")]
        done = await default_jira.keys('sprint = "WEB Sprint 24" AND statusCategory = Done AND type != Sub-task')
        unfinished = await default_jira.keys('sprint = "WEB Sprint 24" AND statusCategory != Done AND type != Sub-task')
        assert len(done) == 5 and len(unfinished) == 7
        # sub-tasks share their parent's sprints, as in a real Jira
        subtasks = await default_jira.keys('sprint = "WEB Sprint 24" AND type = Sub-task')
        assert sorted(subtasks) == ["WEB-51", "WEB-52", "WEB-53", "WEB-54", "WEB-55"]


async def test_two_alexes_and_an_inactive_user(default_template: Path, tmp_path: Path) -> None:
    async with open_default_jira(default_template, tmp_path) as default_jira:
        alexes = await default_jira.ok("jira_search_assignable_users", query="Alex", project_key="WEB")
        assert sorted(u["display_name"] for u in alexes["users"]) == ["Alex Kim", "Alex Novak"]
        jordan = await default_jira.ok("jira_search_assignable_users", query="Jordan", project_key="WEB")
        assert jordan["count"] == 0
        assert sorted(await default_jira.keys('assignee = "jordan@acme.test" AND statusCategory != Done')) == [
            "WEB-24", "WEB-43", "WEB-44"]


async def test_duplicates_of_one_original(default_template: Path, tmp_path: Path) -> None:
    async with open_default_jira(default_template, tmp_path) as default_jira:
        original = await default_jira.ok("jira_get_issue", issue_key="WEB-32", fields="summary,status,issuelinks")
        assert original["status"]["name"] == "In Progress"
        assert [link["inward_issue"]["key"] for link in original["issuelinks"]] == ["WEB-35"]


def _write_broken_fixture(tmp_path: Path, mutate: Callable[[dict[str, Any]], None]) -> Path:
    data = json.loads(fixture_path("builtin:default").read_text(encoding="utf-8"))
    mutate(data)
    fixture = tmp_path / "broken.json"
    fixture.write_text(json.dumps(data), encoding="utf-8")
    return fixture


@pytest.mark.parametrize(("mutate", "message"), [
    (lambda d: d["issues"][5].update(assignee="nobody@acme.test"), "nobody@acme.test"),
    (lambda d: d["issues"][12].update(sprints=["WEB Sprint 99"]), "WEB Sprint 99"),
    (lambda d: d["links"].append({"type": "Blocks", "from": "WEB-999", "to": "WEB-1"}), "WEB-999"),
    (lambda d: d["issues"][0].update(components=["Billing"]), "Billing"),
])
def test_a_dangling_reference_is_named_and_nothing_changes(
    tmp_path: Path, mutate: Callable[[dict[str, Any]], None], message: str
) -> None:
    fixture = _write_broken_fixture(tmp_path, mutate)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    result = CliRunner().invoke(main, ["jira-server", "--fixture", str(fixture)])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before
