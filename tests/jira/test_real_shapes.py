"""Successful answers shaped as mcp-atlassian 0.23.1 gives them over Jira Cloud, through a real MCP client on the
default site: self links in the API version each tool reads through, the REST face's page tokens, custom field
names only with the names expansion, include sections, sprint dates, batch create per element."""

from __future__ import annotations

from pathlib import Path

from jira_bench_tui.jira.page_tokens import decode_page_token, encode_page_token
from jira_bench_tui.jira.quirks import Quirks

from .conftest import open_jira


def test_page_tokens_are_the_rest_faces() -> None:
    assert encode_page_token(10) == "b2Zmc2V0OjEw" and decode_page_token("b2Zmc2V0OjEw") == 10
    assert decode_page_token(None) == 0 and decode_page_token("") == 0
    for bad in ("%%%", "amI6MTA", "b2Zmc2V0Og"):  # not base64; the old "jb:10"; "offset:" without a number
        try:
            decode_page_token(bad)
        except ValueError:
            continue
        raise AssertionError(f"{bad} decoded")


async def test_search_pages_with_the_rest_faces_tokens(default_db: Path) -> None:
    async with open_jira(default_db) as jira:
        first = await jira.ok("jira_search", jql="project = WEB ORDER BY key", fields="summary", limit=3)
        third = await jira.ok("jira_search", jql="project = WEB ORDER BY key", fields="summary", limit=3,
                              page_token="b2Zmc2V0OjM")
        bad = await jira.error("jira_search", jql="project = WEB", page_token="amI6Mw")
    assert first["next_page_token"] == "b2Zmc2V0OjM"
    assert [i["key"] for i in third["issues"]] == ["WEB-4", "WEB-5", "WEB-6"]
    assert bad.endswith("The nextPageToken is invalid.")


async def test_self_links_carry_the_version_each_tool_reads_through(default_db: Path) -> None:
    async with open_jira(default_db) as jira:
        got = await jira.ok("jira_get_issue", issue_key="WEB-28", fields="*all")
        found = await jira.ok("jira_search", jql="key = WEB-28", fields="*all")
        child = await jira.ok("jira_get_issue", issue_key="WEB-18", fields="parent")
        types = await jira.ok("jira_get_link_types")
        updated = await jira.ok("jira_update_issue", issue_key="WEB-22", fields='{"summary": "Renamed"}')
    searched = found["issues"][0]
    assert got["url"].endswith("/rest/api/2/issue/10027") and searched["url"].endswith("/rest/api/3/issue/10027")
    link, found_link = got["issuelinks"][0], searched["issuelinks"][0]
    assert "/rest/api/2/issueLinkType/" in link["type"]["self"] and "/rest/api/3/" in found_link["type"]["self"]
    end = link.get("inward_issue") or link["outward_issue"]
    assert end["self"].endswith(f"/rest/api/2/issue/{end['id']}")
    parent = child["parent"]
    assert "/rest/api/2/" in parent["self"] and "/rest/api/2/status/" in parent["fields"]["status"]["self"]
    assert list(parent["fields"]["status"]["statusCategory"])[0] == "self"
    assert parent["fields"]["issuetype"]["avatarId"] == 10300
    assert all("/rest/api/2/issueLinkType/" in t["self"] for t in types)
    assert updated["issue"]["url"].endswith("/rest/api/2/issue/10021") and "browse_url" not in updated["issue"]


async def test_custom_fields_are_named_only_with_the_names_expansion(default_db: Path) -> None:
    async with open_jira(default_db) as jira:
        plain = await jira.ok("jira_get_issue", issue_key="WEB-22", fields="summary,customfield_10016")
        expanded = await jira.ok("jira_get_issue", issue_key="WEB-22", fields="customfield_10016", expand="names")
        display = await jira.ok("jira_get_issue", issue_key="WEB-22", fields="summary,customfield_10016",
                                use_display_names=True)
        searched = await jira.ok("jira_search", jql="key = WEB-22", fields="customfield_10016",
                                 use_display_names=True)
    async with open_jira(default_db, Quirks(custom_field_names="true")) as jira:
        quirk = await jira.ok("jira_get_issue", issue_key="WEB-22", fields="customfield_10016")
    assert plain["customfield_10016"] == {"value": 3}
    assert expanded["customfield_10016"] == {"value": 3, "name": "Story point estimate"}
    assert "customfield_10016" not in display
    assert display["Story point estimate"] == {"value": 3, "field_id": "customfield_10016"}
    assert searched["issues"][0]["Story point estimate"] == {"value": 3, "field_id": "customfield_10016"}
    assert quirk["customfield_10016"] == {"value": 3, "name": "Story point estimate"}


async def test_include_and_expand_sections(default_db: Path) -> None:
    async with open_jira(default_db) as jira:
        await jira.ok("jira_create_remote_issue_link", issue_key="WEB-5", url="https://example.com/spec",
                      title="Spec")
        everything = await jira.ok("jira_get_issue", issue_key="WEB-28", include="all")
        links = await jira.ok("jira_get_issue", issue_key="WEB-5", fields="summary", include="remote_links")
        history = await jira.ok("jira_get_issue", issue_key="WEB-5", fields="summary", expand="changelog")
        searched = await jira.ok("jira_search", jql="key = WEB-5", fields="summary", expand="changelog")
        plain = await jira.ok("jira_get_issue", issue_key="WEB-5", fields="summary")
        worklogs = await jira.ok("jira_get_issue", issue_key="WEB-10", fields="comment,worklog", include="worklogs")
    assert everything["comments"] == [] and list(everything)[-6:] == [
        "comments", "changelogs", "remote_links", "transitions", "watchers", "worklogs"]
    names = [w["display_name"] for w in everything["watchers"]["watchers"]]
    assert names == sorted(names) and len(names) == 2
    remote = links["remote_links"][0]
    assert remote["object"] == {"url": "https://example.com/spec", "title": "Spec", "icon": {}, "status": {"icon": {}}}
    assert remote["self"].endswith(f"/rest/api/3/issue/WEB-5/remotelink/{remote['id']}")
    assert history["changelogs"] == searched["issues"][0]["changelogs"] and "changelogs" not in plain
    item = history["changelogs"][0]["items"][0]
    assert set(item) >= {"field", "fieldtype"} and None not in item.values()
    assert worklogs["worklog"]["total"] == len(worklogs["worklogs"])
    assert all(isinstance(w["comment"], str) for w in worklogs["worklogs"])


async def test_sprint_dates_are_agile_dates(default_db: Path) -> None:
    async with open_jira(default_db) as jira:
        closed = await jira.ok("jira_get_sprints_from_board", board_id="1", state="closed")
        future = await jira.ok("jira_get_sprints_from_board", board_id="2", state="future")
        issue = await jira.ok("jira_get_issue", issue_key="WEB-22", fields="customfield_10020")
    assert closed[0]["start_date"] == "2026-10-19T09:00:00.000Z" and closed[0]["end_date"].endswith(".000Z")
    assert "start_date" not in future[0] and "end_date" not in future[0]
    sprint = issue["customfield_10020"]["value"][0]
    assert sprint["startDate"].endswith(".000Z") and sprint["goal"] is not None


async def test_write_answers_as_mcp_atlassian_words_them(default_db: Path) -> None:
    async with open_jira(default_db) as jira:
        batch = await jira.ok("jira_batch_create_issues", issues='[{"project_key": "WEB", "summary": "Kept", '
                              '"issue_type": "Task", "components": ["Search"]}, {"project_key": "NOPE", "summary": '
                              '"Refused", "issue_type": "Task"}, {"project_key": "MOB", "summary": "With text", '
                              '"issue_type": "Bug", "description": "Found in **4.3**"}]')
        empty = await jira.ok("jira_batch_create_issues", issues="[]")
        unassigned = await jira.ok("jira_assign_issue", issue_key="WEB-18")
        link = await jira.ok("jira_create_issue_link", link_type="blocks", inward_issue_key="WEB-22",
                             outward_issue_key="WEB-23")
        logged = await jira.ok("jira_add_worklog", issue_key="WEB-22", time_spent="1h", original_estimate="2d")
        created = await jira.ok("jira_create_issue", project_key="WEB", summary="Points", issue_type="Story",
                                additional_fields='{"customfield_10016": 5}')
    assert [i["summary"] for i in batch["issues"]] == ["Kept"]  # Jira refused the others one by one
    assert batch["issues"][0]["browse_url"].endswith("/browse/WEB-81")
    assert batch["issues"][0]["components"] == ["Search"]
    assert empty == {"message": "Issues created successfully", "issues": []}
    assert unassigned["message"] == "Issue WEB-18 assigned successfully"
    assert unassigned["issue"]["assignee"] == {"display_name": "Unassigned"} and unassigned["issue"]["comments"]
    assert link["link_type"] == "blocks"
    assert logged["worklog"]["comment"] == "" and logged["worklog"]["original_estimate_updated"] is False
    assert not any(key.startswith("customfield_") for key in created["issue"])
    assert "browse_url" not in created["issue"]
