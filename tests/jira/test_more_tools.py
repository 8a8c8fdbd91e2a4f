"""The tools beyond the core 32, through a real MCP client on builtin:default, one family at a time: what each
answers (mcp-atlassian 0.23.1's shapes and texts) and that a refused call changes nothing."""

from __future__ import annotations

import base64
import json
import sqlite3
from pathlib import Path

from mcp_types import EmbeddedResource, ImageContent, TextContent

from .conftest import open_jira

SAM = "cec60bf2b8fc8648e00a4cfd"  # sam@acme.test
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")
NOT_FOUND = "Issue does not exist or you do not have permission to see it."


async def test_watchers_are_listed_added_and_removed(default_db: Path) -> None:
    async with open_jira(default_db) as jira:
        before = jira.dump()
        assert await jira.error("jira_add_watcher", issue_key="WEB-5", user_identifier="sam@acme.test") == \
            "Error calling tool 'add_watcher': The user with account ID 'sam@acme.test' does not exist."
        assert await jira.error("jira_remove_watcher", issue_key="WEB-999", account_id=SAM) == \
            f"Error calling tool 'remove_watcher': {NOT_FOUND}"
        assert jira.dump() == before
        added = await jira.ok("jira_add_watcher", issue_key="WEB-5", user_identifier=SAM)
        assert added == {"success": True, "message": f"User '{SAM}' added as watcher to WEB-5", "issue_key": "WEB-5",
                         "user": SAM}
        listed = await jira.ok("jira_get_issue_watchers", issue_key="WEB-5")
        assert (listed["watcher_count"], listed["is_watching"]) == (1, False)
        assert listed["watchers"][0]["display_name"] == "Sam Ortiz"
        await jira.ok("jira_remove_watcher", issue_key="WEB-5", account_id=SAM)
        assert (await jira.ok("jira_get_issue_watchers", issue_key="WEB-5"))["watchers"] == []


async def test_versions_are_created_and_updated_with_jiras_checks(default_db: Path) -> None:
    async with open_jira(default_db) as jira:
        before = jira.dump()
        assert await jira.ok("jira_create_version", project_key="WEB", name="2.0") == \
            {"success": False, "error": "A version with this name already exists in this project."}
        assert await jira.ok("jira_update_version", version_id="99999", name="x") == \
            {"success": False, "error": "Could not find version for id '99999'"}
        assert await jira.error("jira_batch_create_versions", project_key="WEB", versions="{}") == \
            "Error calling tool 'batch_create_versions': Invalid input for versions: Input 'versions' must be a " \
            "JSON array string."
        assert jira.dump() == before
        made = await jira.ok("jira_create_version", project_key="WEB", name="3.0", release_date="2027-03-01")
        assert made["name"] == "3.0" and made["releaseDate"] == "2027-03-01" and made["self"].endswith(
            f"/rest/api/2/version/{made['id']}")
        batch = await jira.ok("jira_batch_create_versions", project_key="WEB",
                              versions=json.dumps([{"name": "3.1"}, {"name": "3.0"}]))
        assert [r["success"] for r in batch] == [True, False] and batch[1]["input"] == {"name": "3.0"}
        updated = await jira.ok("jira_update_version", version_id=made["id"], released=True)
        assert updated["released"] is True
        names = [v["name"] for v in await jira.ok("jira_get_project_versions", project_key="WEB")]
        assert names[-2:] == ["3.0", "3.1"]


async def test_history_tools_follow_the_changelog(default_db: Path) -> None:
    async with open_jira(default_db) as jira:
        assert (await jira.ok("jira_get_issue_dates", issue_key="WEB-999")) == \
            {"success": False, "error": NOT_FOUND, "issue_key": "WEB-999"}
        assert await jira.error("jira_batch_get_changelogs", issue_ids_or_keys="WEB-22,WEB-999") == \
            f"Error calling tool 'batch_get_changelogs': {NOT_FOUND}"
        await jira.ok("jira_transition_issue", issue_key="WEB-22", transition_id="21")
        await jira.ok("jira_transition_issue", issue_key="WEB-22", transition_id="41")
        logs = await jira.ok("jira_batch_get_changelogs", issue_ids_or_keys="WEB-22,WEB-30", fields="status")
        assert [entry["issue_id"] for entry in logs] == ["10021"]  # WEB-30 has no history
        assert [c["items"][0]["to_string"] for c in logs[0]["changelogs"]] == ["In Progress", "Done"]
        dates = await jira.ok("jira_get_issue_dates", issue_key="WEB-22")
        assert [s["status"] for s in dates["status_changes"]] == ["To Do", "In Progress", "Done"]
        assert dates["status_changes"][0]["duration_formatted"] == "34d 0h 0m"
        sla = await jira.ok("jira_get_issue_sla", issue_key="WEB-22", metrics="cycle_time,lead_time,nope")
        assert sla["metrics"] == {"cycle_time": {"calculated": True, "value_minutes": 48960,
                                                 "formatted": "34d 0h 0m"},
                                  "lead_time": {"value_minutes": 48960, "formatted": "34d 0h 0m", "is_resolved": True}}


async def test_remote_links_are_stored_and_refusals_change_nothing(default_db: Path) -> None:
    async with open_jira(default_db) as jira:
        before = jira.dump()
        assert await jira.error("jira_create_remote_issue_link", issue_key="WEB-999", url="https://x.test",
                                title="X") == f"Error calling tool 'create_remote_issue_link': {NOT_FOUND}"
        assert await jira.error("jira_create_remote_issue_link", issue_key="WEB-5", url="", title="X") == \
            "Error calling tool 'create_remote_issue_link': url is required."
        assert jira.dump() == before
        made = await jira.ok("jira_create_remote_issue_link", issue_key="WEB-5", url="https://x.test/doc",
                             title="Design doc", relationship="documented by")
        assert made["relationship"] == "documented by" and made["link_url"] == "https://x.test/doc"
    conn = sqlite3.connect(default_db)
    assert conn.execute("SELECT url, title, relationship FROM remote_links").fetchall() == \
        [("https://x.test/doc", "Design doc", "documented by")]


async def test_attachments_come_back_as_content_blocks(default_db: Path) -> None:
    conn = sqlite3.connect(default_db)
    for row in ((10000, "shot.png", "image/png", PNG), (10001, "notes.txt", "text/plain", b"hello")):
        conn.execute("INSERT INTO attachments(id, issue_id, filename, mime_type, size, content, author_id, created) "
                     "VALUES (?, 10004, ?, ?, ?, ?, ?, '2026-11-20T10:00:00.000+0000')",
                     (row[0], row[1], row[2], len(row[3]), row[3], SAM))
    conn.commit()
    conn.close()
    async with open_jira(default_db) as jira:
        result = await jira.client.call_tool("jira_download_attachments", {"issue_key": "WEB-5"})
        summary, image, text = result.content
        assert isinstance(summary, TextContent) and json.loads(summary.text)["downloaded"] == 2
        assert isinstance(image, EmbeddedResource) and image.resource.uri == "attachment:///WEB-5/shot.png"
        assert isinstance(text, TextContent) and base64.b64decode(json.loads(text.text)["content"]) == b"hello"
        assert result.structured_content is None
        images = await jira.client.call_tool("jira_get_issue_images", {"issue_key": "WEB-5"})
        assert isinstance(images.content[1], ImageContent) and len(images.content) == 2
        missing = await jira.client.call_tool("jira_get_issue_images", {"issue_key": "WEB-999"})
        assert missing.is_error and NOT_FOUND in missing.content[0].text  # type: ignore[union-attr]


async def test_board_issues_carry_the_total_and_jiras_errors(default_db: Path) -> None:
    async with open_jira(default_db) as jira:
        page = await jira.ok("jira_get_board_issues", board_id="1", jql="status != Done", limit=3,
                             fields="summary")
        assert (page["total"], [i["key"] for i in page["issues"]]) == (51, ["WEB-1", "WEB-2", "WEB-3"])
        assert await jira.error("jira_get_board_issues", board_id="99", jql="status != Done") == (
            "Error calling tool 'get_board_issues': Error searching issues for board with JQL: "
            "b'{\"errorMessages\":[\"Board does not exist or you do not have permission to see it.\"],"
            "\"errors\":{}}'")


async def test_project_and_field_lookups(default_db: Path) -> None:
    async with open_jira(default_db) as jira:
        assert [p["key"] for p in await jira.ok("jira_search_projects", query="o")] == ["MOB", "OPS", "WEB"]
        assert await jira.ok("jira_search_projects", query="mob", current_project_ids="10001") == []
        fields = await jira.ok("jira_get_create_fields", project_key="WEB", issue_type_id="10002")
        assert {f["field_id"]: f["required"] for f in fields}["summary"] is True
        assert "parent" not in [f["field_id"] for f in
                                await jira.ok("jira_get_create_fields", project_key="WEB", issue_type_id="10000")]
        assert await jira.ok("jira_get_create_fields", project_key="WEB", issue_type_id="99") == []
        assert await jira.ok("jira_get_project_fields", project_key="WEB") == []
        assert await jira.ok("jira_get_field_options", field_id="customfield_99999") == []


async def test_move_issue_gives_a_new_key_and_refuses_cleanly(default_db: Path) -> None:
    async with open_jira(default_db) as jira:
        before = jira.dump()
        assert await jira.error("jira_move_issue", issue_key="WEB-8", target_project_key="WEB") == \
            "Error calling tool 'move_issue': Failed to move issue WEB-8 to project WEB: WEB-8 is already in " \
            "project WEB."
        assert await jira.error("jira_move_issue", issue_key="WEB-999", target_project_key="MOB") == \
            f"Error calling tool 'move_issue': Failed to move issue WEB-999 to project MOB: {NOT_FOUND}"
        assert jira.dump() == before
        moved = await jira.ok("jira_move_issue", issue_key="WEB-7", target_project_key="MOB")
        assert moved["message"] == "Issue moved successfully from WEB-7 to project MOB"
        assert moved["issue"]["key"] == "MOB-41" and moved["issue"]["project"]["key"] == "MOB"


async def test_project_analysis(default_db: Path) -> None:
    async with open_jira(default_db) as jira:
        hierarchy = await jira.ok("jira_get_project_epic_hierarchy", project_key="WEB")
        assert hierarchy["total_epics"] == 4 and hierarchy["groups"][0]["group_name"] == "Unlinked"
        deps = await jira.ok("jira_get_cross_project_dependencies", project_key="WEB")
        assert deps["by_project"]["OPS"]["by_link_type"]["Blocks"][0] == \
            {"source": "WEB-28", "target": "OPS-4", "direction": "inward"}
        assert await jira.error("jira_get_cross_project_dependencies", project_key="NOPE") == \
            "Error calling tool 'get_cross_project_dependencies': The value 'NOPE' does not exist for the field " \
            "'project'."


async def test_products_this_site_lacks_answer_as_the_real_server(default_db: Path) -> None:
    async with open_jira(default_db) as jira:
        before = jira.dump()
        dev = await jira.ok("jira_get_issue_development_info", issue_key="WEB-5")
        assert dev["pullRequests"] == [] and "dev-status plugin" in dev["error"]
        assert (await jira.ok("jira_get_issue_development_info", issue_key="WEB-999"))["success"] is False
        forms = await jira.ok("jira_update_proforma_form_answers", issue_key="WEB-5", form_id="1",
                              answers=[{"questionId": "1", "type": "TEXT", "value": "x"}])
        assert forms["success"] is False and "cloud_id" in forms["error"]
        assert await jira.error("jira_get_service_desk_for_project", project_key="WEB") == \
            "Error calling tool 'get_service_desk_for_project': Jira Service Desk queue read endpoints are " \
            "currently implemented for Server/Data Center in v1."
        assert await jira.error("jira_create_customer_request", service_desk_id="1", request_type_id="2",
                                request_field_values="{}") == \
            "Error calling tool 'create_customer_request': null for uri: " \
            "/rest/servicedeskapi/servicedesk/1/requesttype/2/field"
        assert jira.dump() == before
