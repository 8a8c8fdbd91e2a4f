"""Search (enhanced `/search/jql` paging, JQL errors), site metadata (fields, create metadata, projects, versions,
users) and the agile endpoints (boards, sprints, moving issues) through HTTP."""

from __future__ import annotations

from .conftest import Site


def test_search_jql_pages_with_next_page_token_and_no_total(site: Site) -> None:
    seen: list[str] = []
    token = None
    pages = 0
    while True:
        body = {"jql": "project = WEB ORDER BY key ASC", "fields": ["summary"], "maxResults": 30}
        if token:
            body["nextPageToken"] = token
        page = site.client.post("/rest/api/3/search/jql", json=body).json()
        assert "total" not in page
        seen += [i["key"] for i in page["issues"]]
        pages += 1
        if page["isLast"]:
            assert "nextPageToken" not in page
            break
        token = page["nextPageToken"]
    count = site.one("SELECT COUNT(*) FROM issues i JOIN projects p ON p.id = i.project_id WHERE p.key = 'WEB'")[0]
    assert len(seen) == count == len(set(seen)) and pages == -(-count // 30)
    get = site.client.get("/rest/api/2/search/jql", params={"jql": "key = WEB-5", "fields": "summary,status"}).json()
    assert get["issues"][0]["key"] == "WEB-5" and set(get["issues"][0]["fields"]) == {"summary", "status"}
    only_ids = site.client.post("/rest/api/3/search/jql", json={"jql": "key = WEB-5"}).json()
    assert only_ids["issues"][0]["id"] == "10004" and only_ids["issues"][0]["fields"] == {}


def test_bad_jql_unbounded_jql_and_the_removed_search_api(site: Site) -> None:
    before = site.snapshot()
    bad = site.client.post("/rest/api/3/search/jql", json={"jql": "project = NOPE"})
    assert bad.status_code == 400
    assert bad.json() == {"errorMessages": ["The value 'NOPE' does not exist for the field 'project'."], "errors": {}}
    syntax = site.client.get("/rest/api/3/search/jql", params={"jql": "project = "})
    assert syntax.status_code == 400 and syntax.json()["errorMessages"][0].startswith("Error in the JQL Query")
    unbounded = site.client.post("/rest/api/3/search/jql", json={"jql": "ORDER BY created DESC"})
    assert unbounded.status_code == 400 and "Unbounded" in unbounded.json()["errorMessages"][0]
    assert site.client.get("/rest/api/2/search", params={"jql": "project = WEB"}).status_code == 410
    count = site.client.post("/rest/api/3/search/approximate-count", json={"jql": "project = WEB"}).json()["count"]
    assert count > 0
    assert site.snapshot() == before


def test_fields_createmeta_and_projects(site: Site) -> None:
    fields = site.client.get("/rest/api/2/field").json()
    story = next(f for f in fields if f["name"] == "Story point estimate")
    assert story["id"] == "customfield_10016" and story["custom"] is True
    types = site.client.get("/rest/api/2/issue/createmeta/WEB/issuetypes").json()
    assert {"Bug", "Task", "Epic"} <= {t["name"] for t in types["issueTypes"]} and types["total"] >= 3
    task = next(t for t in types["issueTypes"] if t["name"] == "Task")
    meta = site.client.get(f"/rest/api/2/issue/createmeta/WEB/issuetypes/{task['id']}").json()
    by_id = {f["fieldId"]: f for f in meta["fields"]}
    assert by_id["summary"]["required"] is True and by_id["priority"]["allowedValues"]
    assert site.client.get("/rest/api/2/issue/createmeta/NOPE/issuetypes").status_code == 404
    page = site.client.get("/rest/api/2/project/search", params={"expand": "description"}).json()
    assert {p["key"] for p in page["values"]} == {"WEB", "MOB", "OPS"} and page["isLast"] is True
    assert site.client.get("/rest/api/2/project/WEB").json()["key"] == "WEB"
    assert site.client.get("/rest/api/2/project/WEB/components").json()
    assert site.client.get("/rest/api/2/project/NOPE/versions").status_code == 404


def test_versions_create_and_update(site: Site) -> None:
    made = site.client.post("/rest/api/2/version", json={"project": "WEB", "name": "9.0", "releaseDate": "2027-03-01"})
    assert made.status_code == 201 and made.json()["name"] == "9.0"
    version_id = made.json()["id"]
    updated = site.client.put(f"/rest/api/2/version/{version_id}", json={"released": True, "description": "GA"})
    assert updated.json()["released"] is True
    row = site.one("SELECT * FROM versions WHERE id = ?", int(version_id))
    assert row["released"] == 1 and row["description"] == "GA"
    before = site.snapshot()
    assert site.client.post("/rest/api/2/version", json={"project": "WEB", "name": "9.0"}).status_code == 400
    assert site.client.post("/rest/api/2/version", json={"project": "WEB", "name": "x",
                                                         "releaseDate": "March"}).status_code == 400
    assert site.snapshot() == before


def test_users_myself_and_server_info(site: Site) -> None:
    me = site.client.get("/rest/api/2/myself").json()
    assert me["accountId"] == site.one("SELECT v FROM meta WHERE k = 'current_user'")[0]
    found = site.client.get("/rest/api/2/user/search", params={"query": "sam@acme.test"}).json()
    assert [u["displayName"] for u in found] == ["Sam Ortiz"]
    assert site.client.get("/rest/api/2/user/search", params={"query": "ort"}).json()[0]["displayName"] == "Sam Ortiz"
    assignable = site.client.get("/rest/api/2/user/assignable/search", params={"query": "s", "project": "WEB"})
    assert assignable.status_code == 200 and assignable.json()
    assert site.client.get("/rest/api/2/user", params={"accountId": "nobody"}).status_code == 404
    assert site.client.get("/rest/api/2/serverInfo").json()["deploymentType"] == "Cloud"


def test_boards_sprints_and_moving_issues(site: Site) -> None:
    boards = site.client.get("/rest/agile/1.0/board", params={"projectKeyOrId": "WEB"}).json()
    assert [b["id"] for b in boards["values"]] == [1]
    sprints = site.client.get("/rest/agile/1.0/board/1/sprint", params={"state": "active"}).json()["values"]
    assert [s["state"] for s in sprints] == ["active"]
    assert site.client.get("/rest/agile/1.0/board/3/sprint").status_code == 400  # kanban
    made = site.client.post("/rest/agile/1.0/sprint", json={"name": "Sprint X", "originBoardId": 1,
                                                            "goal": "Ship"})
    assert made.status_code == 201 and made.json()["state"] == "future"
    sprint_id = made.json()["id"]
    moved = site.client.post(f"/rest/agile/1.0/sprint/{sprint_id}/issue", json={"issues": ["WEB-22"]})
    assert moved.status_code == 204
    assert site.one("SELECT 1 FROM sprint_issues WHERE sprint_id = ? AND issue_id = "
                    "(SELECT id FROM issues WHERE key = 'WEB-22')", sprint_id) is not None
    in_sprint = site.client.get(f"/rest/agile/1.0/sprint/{sprint_id}/issue").json()
    assert [i["key"] for i in in_sprint["issues"]] == ["WEB-22"] and in_sprint["total"] == 1
    assert site.client.post("/rest/agile/1.0/backlog/issue", json={"issues": ["WEB-22"]}).status_code == 204
    assert site.one("SELECT COUNT(*) FROM sprint_issues WHERE sprint_id = ?", sprint_id)[0] == 0
    renamed = site.client.post(f"/rest/agile/1.0/sprint/{sprint_id}", json={"name": "Sprint Y"}).json()
    assert renamed["name"] == "Sprint Y"
    board_issues = site.client.get("/rest/agile/1.0/board/1/issue", params={"jql": "status = 'To Do'",
                                                                              "fields": "summary"}).json()
    assert board_issues["issues"] and all(i["key"].startswith("WEB-") for i in board_issues["issues"])


def test_agile_refusals_change_nothing(site: Site) -> None:
    before = site.snapshot()
    assert site.client.get("/rest/agile/1.0/board/99").status_code == 404
    assert site.client.post("/rest/agile/1.0/sprint/99/issue", json={"issues": ["WEB-22"]}).status_code == 404
    closed = site.client.post("/rest/agile/1.0/sprint/1/issue", json={"issues": ["WEB-22"]})
    assert closed.status_code == 400
    assert site.client.post("/rest/agile/1.0/sprint", json={"originBoardId": 1}).status_code == 400
    assert site.client.post("/rest/agile/1.0/sprint/4", json={"state": "closed"}).status_code == 400
    assert site.snapshot() == before


def test_custom_field_contexts_and_options(site: Site) -> None:
    contexts = site.client.get("/rest/api/3/field/customfield_10016/context").json()
    assert contexts["values"][0]["isGlobalContext"] is True and contexts["total"] == 1
    context_id = contexts["values"][0]["id"]
    options = site.client.get(f"/rest/api/3/field/customfield_10016/context/{context_id}/option").json()
    assert options["values"] == []
    assert site.client.get("/rest/api/3/field/priority/context").status_code == 404
