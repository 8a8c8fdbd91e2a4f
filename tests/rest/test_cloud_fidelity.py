"""What the conformance run showed the face must answer as Jira Cloud does: the Sprint field takes only a numeric
sprint id (public report C10) and shows Cloud's sprint shape on an issue, a worklog's `started` only in Jira's format
(C15), one avatar URL per user on both faces, and page tokens the MCP tools' search also understands. Every refusal
leaves the database unchanged."""

from __future__ import annotations

import base64

from jira_bench_tui.jira.render import user_dict

from .conftest import Site

SAM = "cec60bf2b8fc8648e00a4cfd"


def test_the_sprint_field_takes_only_a_numeric_id(site: Site) -> None:
    before = site.snapshot()
    for value in ("WEB Sprint 25", [{"id": 4}], "4", True):
        reply = site.client.put("/rest/api/2/issue/WEB-22", json={"fields": {"customfield_10020": value}})
        assert reply.status_code == 400, (value, reply.text)
        assert reply.json()["errors"] == {"customfield_10020": "Number value expected as the Sprint id."}
    assert site.snapshot() == before
    assert site.client.put("/rest/api/2/issue/WEB-22", json={"fields": {"customfield_10020": 4}}).status_code == 204
    field = site.client.get("/rest/api/2/issue/WEB-22", params={"fields": "customfield_10020"}).json()
    assert [s["id"] for s in field["fields"]["customfield_10020"]] == [4]
    assert list(field["fields"]["customfield_10020"][0]) == ["id", "name", "state", "boardId", "goal", "startDate",
                                                             "endDate"]
    assert field["fields"]["customfield_10020"][0]["startDate"].endswith(".000Z")


def test_worklog_started_only_in_jiras_format(site: Site) -> None:
    before = site.snapshot()
    for started in ("2026-11-20", "2026-11-20T09:00:00.000Z", "2026-11-20T09:00:00+0000", 20261120):
        reply = site.client.post("/rest/api/2/issue/WEB-22/worklog", json={"timeSpentSeconds": 3600,
                                                                           "started": started})
        assert reply.status_code == 400 and "started" in reply.json()["errors"], (started, reply.text)
    assert site.snapshot() == before
    made = site.client.post("/rest/api/2/issue/WEB-22/worklog", json={"timeSpentSeconds": 3600,
                                                                      "started": "2026-11-20T09:00:00.000+0000"})
    assert made.status_code == 201 and made.json()["started"] == "2026-11-20T09:00:00.000+0000"


def test_avatar_urls_are_the_ones_the_mcp_tools_print(site: Site) -> None:
    base = f"http://{site.host}"
    user = site.client.get("/rest/api/2/user", params={"accountId": SAM}).json()
    assert user["avatarUrls"]["48x48"] == user_dict(base, SAM, None, None)["avatar_url"]
    project = site.client.get("/rest/api/2/project/WEB").json()
    assert project["avatarUrls"]["48x48"] == f"{base}/secure/projectavatar?pid=10000"
    assert len(set(project["avatarUrls"].values())) == 4


def test_next_page_token_is_the_tools_encoding(site: Site) -> None:
    page = site.client.post("/rest/api/3/search/jql", json={"jql": "project = WEB ORDER BY key", "maxResults": 3,
                                                           "fields": ["key"]}).json()
    token = page["nextPageToken"]
    assert base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)) == b"offset:3"
    more = site.client.post("/rest/api/3/search/jql", json={"jql": "project = WEB ORDER BY key", "maxResults": 3,
                                                           "fields": ["key"], "nextPageToken": token}).json()
    assert [i["key"] for i in more["issues"]] == ["WEB-4", "WEB-5", "WEB-6"]
