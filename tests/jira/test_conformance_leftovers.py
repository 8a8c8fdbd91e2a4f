"""Behaviours copied from mcp-atlassian 0.23.1 over Jira Cloud that the conformance corpus found last: create_issue's
keyword clash, edit_comment's author, project descriptions, field ranking, component order and shape, the user
search's prefix rule and update_issue's attachment upload. Each through a real MCP client on the default site."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from jira_bench_tui.jira.fuzzy import partial_ratio

from .conftest import open_jira

CLASH = "mcp_atlassian.jira.issues.IssuesMixin.create_issue() got multiple values for keyword argument '{}'"


@pytest.mark.parametrize(("extra", "clash"), [
    ('{"description": "Tapping Pay does nothing.", "priority": {"name": "High"}}', "description"),
    ('{"labels": ["x"], "assignee": "sam@acme.test", "summary": "Other"}', "assignee"),  # the first, in JSON order
    ('{"components": ["Checkout"]}', "components"),
    ('{"project_key": "MOB"}', "project_key"),
    ('{"issue_type": "Task"}', "issue_type"),
])
async def test_create_refuses_additional_fields_repeating_its_parameters(default_db: Path, extra: str,
                                                                         clash: str) -> None:
    async with open_jira(default_db) as jira:
        before = jira.dump()
        text = await jira.error("jira_create_issue", project_key="WEB", summary="Checkout button unresponsive",
                                issue_type="Bug", description="In both places", additional_fields=extra)
        assert jira.dump() == before
    assert text == f"Error calling tool 'create_issue': {CLASH.format(clash)}"


async def test_create_refuses_a_self_key_and_takes_other_keys(default_db: Path) -> None:
    async with open_jira(default_db) as jira:
        refused = await jira.error("jira_create_issue", project_key="WEB", summary="x", issue_type="Bug",
                                   additional_fields='{"self": 1}')
        made = await jira.ok("jira_create_issue", project_key="WEB", summary="Checkout button unresponsive",
                             issue_type="Bug", description="Tapping Pay does nothing.",
                             additional_fields='{"priority": {"name": "High"}}')
    assert refused.endswith("IssuesMixin.create_issue() got multiple values for argument 'self'")
    assert made["issue"]["description"] == "Tapping Pay does nothing."
    assert made["issue"]["priority"] == {"name": "High"}


async def test_edit_comment_reports_the_comments_original_author(default_db: Path) -> None:
    async with open_jira(default_db) as jira:
        comments = (await jira.ok("jira_get_issue", issue_key="WEB-7", fields="comment"))["comments"]
        lees = next(c for c in comments if c["author"]["display_name"] == "Lee Chen")
        edited = await jira.ok("jira_edit_comment", issue_key="WEB-7", comment_id=lees["id"], body="Reworded")
        mine = await jira.ok("jira_add_comment", issue_key="WEB-7", body="Mine")
        own = await jira.ok("jira_edit_comment", issue_key="WEB-7", comment_id=mine["id"], body="Mine, reworded")
    assert edited["author"] == "Lee Chen" and edited["body"] == "Reworded"  # Dana edits; Lee still wrote it
    assert own["author"] == "Dana Whitfield"


async def test_all_projects_carry_descriptions_and_never_archived_ones(default_db: Path) -> None:
    conn = sqlite3.connect(str(default_db))
    with conn:
        conn.execute("UPDATE projects SET archived = 1 WHERE key = 'OPS'")
        conn.execute("UPDATE projects SET description = '' WHERE key = 'WEB'")
    conn.close()
    async with open_jira(default_db) as jira:
        plain = await jira.ok("jira_get_all_projects")
        archived_too = await jira.ok("jira_get_all_projects", include_archived=True)
    assert archived_too == plain  # Cloud's project search takes no includeArchived
    assert [p["key"] for p in plain] == ["MOB", "WEB"]
    assert plain[0]["description"] == "The Acme shopping app for iOS and Android."
    assert list(plain[0]) == ["key", "name", "description", "avatar_url"]
    assert "description" not in plain[1]  # an empty description is left out


@pytest.mark.parametrize(("s1", "s2", "score"), [
    ("story", "story points", 100), ("due", "duedate", 100), ("story", "statuscategory", 75),
    ("abc", "", 0), ("", "", 100), ("sprint", "print", 100), ("ab", "ba", 67), ("zzzz", "summary", 0),
])
def test_partial_ratio_scores_as_thefuzz(s1: str, s2: str, score: int) -> None:
    assert partial_ratio(s1, s2) == score


async def test_search_fields_ranks_by_partial_ratio_keeping_jiras_order_on_ties(default_db: Path) -> None:
    async with open_jira(default_db) as jira:
        every = await jira.ok("jira_search_fields", limit=200)
        story = await jira.ok("jira_search_fields", keyword="Story", limit=200)
        due = await jira.ok("jira_search_fields", keyword="due", refresh=True, limit=5)

    def score(keyword: str, entry: dict[str, object]) -> int:
        names = [entry["id"], entry["key"], entry["name"], *entry.get("clauseNames", [])]  # type: ignore[misc]
        return max(partial_ratio(keyword, str(name).lower()) for name in names)

    order = [e["id"] for e in every]
    ranked = [(-score("story", e), order.index(e["id"])) for e in story]
    assert ranked == sorted(ranked)  # by score, then in GET /field's order
    assert {e["id"] for e in story} == set(order)
    assert due[0]["id"] == "duedate"


async def test_components_in_jiras_order_with_full_leads(default_db: Path) -> None:
    async with open_jira(default_db) as jira:
        mob = await jira.ok("jira_get_project_components", project_key="MOB")
        ops = await jira.ok("jira_get_project_components", project_key="OPS")
    assert [c["name"] for c in mob] == ["Android", "iOS", "Offline Sync", "Push Notifications"]  # case ignored
    lead = ops[0]["lead"]
    assert ops[0]["name"] == "CI/CD" and lead["emailAddress"] == "alex.novak@acme.test"
    assert lead["self"].endswith(f"/rest/api/2/user?accountId={lead['accountId']}")
    assert set(lead) == {"self", "accountId", "emailAddress", "avatarUrls", "displayName", "active", "timeZone",
                         "accountType"}
    assert "lead" not in next(c for c in ops if c["name"] == "Networking")  # no lead: no key
    assert ops[0]["assigneeType"] == "PROJECT_DEFAULT" and ops[0]["projectId"] == 10002


@pytest.mark.parametrize(("query", "names"), [
    ("a", ["Alex Kim", "Alex Novak"]),  # a prefix of a word of the name, or of the email
    ("chen", ["Lee Chen"]),
    ("lee@", ["Lee Chen"]),
    ("acme.test", []),  # the email's domain is no prefix
    ("lex", []),  # nor is the middle of a word
    ("jordan", []),  # inactive
])
async def test_assignable_users_match_a_prefix_as_jira_cloud(default_db: Path, query: str,
                                                             names: list[str]) -> None:
    async with open_jira(default_db) as jira:
        by_project = await jira.ok("jira_search_assignable_users", query=query, project_key="WEB", limit=3)
        by_issue = await jira.ok("jira_search_assignable_users", query=query, issue_key="WEB-5", limit=3)
    assert [u["display_name"] for u in by_project["users"]] == names
    assert by_issue == by_project and by_project["count"] == len(names)


async def test_update_uploads_attachments_from_the_working_folder(default_db: Path) -> None:
    folder = default_db.parent
    (folder / "notes.txt").write_text("hello world\n")
    (folder / "sub").mkdir()
    async with open_jira(default_db) as jira:
        result = await jira.ok("jira_update_issue", issue_key="WEB-22", fields='{"labels": ["qa"]}',
                               attachments='["notes.txt", "missing-file.txt", "sub", "../outside.txt"]')
        shown = await jira.ok("jira_get_issue", issue_key="WEB-22", fields="attachment")
    report = result["issue"]["attachment_results"]
    base = folder.resolve()
    assert report["success"] and report["issue_key"] == "WEB-22" and report["total"] == 4
    assert report["uploaded"] == [{"filename": "notes.txt", "size": 12, "id": None}]
    assert report["failed"] == [
        {"filename": "missing-file.txt", "error": f"File not found: {base / 'missing-file.txt'}"},
        {"filename": "sub", "error": f"[Errno 21] Is a directory: '{base / 'sub'}'"},
        {"filename": "outside.txt", "error": f"Path traversal detected: ../outside.txt resolves outside {base}"},
    ]
    assert result["issue"]["labels"] == ["qa"]
    [attached] = shown["attachments"]
    assert attached["filename"] == "notes.txt" and attached["size"] == 12
    assert attached["content_type"] == "application/octet-stream"
    assert attached["author"]["display_name"] == "Dana Whitfield"
    assert "/rest/api/2/attachment/content/" in attached["url"]


async def test_update_attachments_edge_cases(default_db: Path) -> None:
    (default_db.parent / "notes.txt").write_text("hello")
    async with open_jira(default_db) as jira:
        transition = (await jira.ok("jira_get_transitions", issue_key="WEB-22"))[0]["id"]
        before = jira.dump()
        not_array = await jira.error("jira_update_issue", issue_key="WEB-22", fields="{}", attachments='{"a": 1}')
        assert jira.dump() == before
        with_status = await jira.ok("jira_update_issue", issue_key="WEB-22", fields=f'{{"status": "{transition}"}}',
                                    attachments="notes.txt")
        in_fields = await jira.ok("jira_update_issue", issue_key="WEB-22", fields='{"attachments": ["notes.txt"]}',
                                  return_fields="summary")
        empty = await jira.ok("jira_update_issue", issue_key="WEB-22", fields="{}", attachments="[]")
    assert not_array == "Error calling tool 'update_issue': attachments JSON string must be an array."
    assert "attachment_results" not in with_status["issue"]  # 0.23.1 returns from the transition first
    assert in_fields["issue"]["attachment_results"]["uploaded"][0]["filename"] == "notes.txt"
    assert "attachment_results" not in empty["issue"]
