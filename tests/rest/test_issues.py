"""Issue endpoints through HTTP: get (v2 wiki, v3 ADF, fields, expand), create, bulk create, edit, assign, delete,
transitions, comments, worklogs, watchers, links, remote links and changelogs, each checked in the database."""

from __future__ import annotations

from .conftest import Site

ADF_STEPS = {"type": "doc", "version": 1, "content": [
    {"type": "heading", "attrs": {"level": 2}, "content": [{"type": "text", "text": "Steps"}]},
    {"type": "orderedList", "attrs": {"order": 1}, "content": [
        {"type": "listItem", "content": [{"type": "paragraph", "content": [{"type": "text", "text": "open"}]}]}]}]}


def test_get_issue_v2_wiki_and_v3_adf_of_the_same_text(site: Site) -> None:
    site.client.put("/rest/api/3/issue/WEB-5", json={"fields": {"description": ADF_STEPS}})
    v2 = site.client.get("/rest/api/2/issue/WEB-5", params={"fields": "description,summary"}).json()
    v3 = site.client.get("/rest/api/3/issue/WEB-5", params={"fields": "description"}).json()
    assert v2["fields"]["description"] == "h2. Steps\n\n# open"
    assert v3["fields"]["description"]["content"][0]["type"] == "heading"
    assert set(v2["fields"]) == {"description", "summary"} and v2["key"] == "WEB-5"
    assert site.one("SELECT description FROM issues WHERE key = 'WEB-5'")[0] == "## Steps\n\n1. open"


def test_get_issue_by_id_with_expands(site: Site) -> None:
    reply = site.client.get("/rest/api/2/issue/10004",
                            params={"expand": "renderedFields,names,changelog,transitions", "fields": "*all"})
    assert reply.status_code == 200
    body = reply.json()
    assert body["key"] == "WEB-5" and body["fields"]["status"]["name"]
    assert body["names"]["summary"] == "Summary" and "transitions" in body and "histories" in body["changelog"]
    assert body["fields"]["project"]["key"] == "WEB" and "customfield_10016" in body["fields"]
    assert "comment" in body["fields"] and "worklog" in body["fields"]


def test_create_issue_v3_stores_markdown_and_answers_201(site: Site) -> None:
    reply = site.client.post("/rest/api/3/issue", json={"fields": {
        "project": {"key": "WEB"}, "issuetype": {"name": "Bug"}, "summary": "Broken cart", "description": ADF_STEPS,
        "labels": ["cart"], "priority": {"name": "High"}, "customfield_10016": 3}})
    assert reply.status_code == 201, reply.text
    key = reply.json()["key"]
    row = site.one("SELECT * FROM issues WHERE key = ?", key)
    assert row["summary"] == "Broken cart" and row["description"] == "## Steps\n\n1. open"
    assert '"customfield_10016": 3' in row["custom_fields"]
    assert site.one("SELECT label FROM issue_labels WHERE issue_id = ?", row["id"])[0] == "cart"


def test_create_issue_v2_takes_wiki_and_a_subtask_needs_its_parent(site: Site) -> None:
    made = site.client.post("/rest/api/2/issue", json={"fields": {
        "project": {"key": "WEB"}, "issuetype": {"id": "10004"}, "summary": "Child", "parent": {"key": "WEB-5"},
        "description": "*bold* text"}})
    assert made.status_code == 201, made.text
    assert site.one("SELECT description FROM issues WHERE key = ?", made.json()["key"])[0] == "**bold** text"
    before = site.snapshot()
    orphan = site.client.post("/rest/api/2/issue", json={"fields": {
        "project": {"key": "WEB"}, "issuetype": {"name": "Sub-task"}, "summary": "Orphan"}})
    assert orphan.status_code == 400 and "parent" in orphan.json()["errors"]
    assert site.snapshot() == before


def test_create_refusals_name_the_field_and_change_nothing(site: Site) -> None:
    before = site.snapshot()
    cases = [({"project": {"key": "WEB"}, "issuetype": {"name": "Task"}}, "summary"),
             ({"project": {"key": "NOPE"}, "issuetype": {"name": "Task"}, "summary": "x"}, "project"),
             ({"project": {"key": "WEB"}, "issuetype": {"name": "Saga"}, "summary": "x"}, "issuetype"),
             ({"project": {"key": "WEB"}, "issuetype": {"name": "Task"}, "summary": "x", "foo": 1}, "foo"),
             ({"project": {"key": "WEB"}, "issuetype": {"name": "Task"}, "summary": "x", "description": "str"},
              "description"),
             ({"project": {"key": "WEB"}, "issuetype": {"name": "Task"}, "summary": "x",
               "priority": {"name": "Urgentest"}}, "priority")]
    for fields, bad in cases:
        reply = site.client.post("/rest/api/3/issue", json={"fields": fields})
        assert reply.status_code == 400, (fields, reply.text)
        assert bad in reply.json()["errors"], reply.json()
    assert site.client.post("/rest/api/3/issue", json={"fields": {
        "project": {"key": "WEB"}, "issuetype": {"name": "Task"}, "summary": "x", "foo": 1}}).json()["errors"] == {
        "foo": "Field 'foo' cannot be set. It is not on the appropriate screen, or unknown."}
    assert site.snapshot() == before


def test_bulk_create_reports_failed_elements(site: Site) -> None:
    reply = site.client.post("/rest/api/2/issue/bulk", json={"issueUpdates": [
        {"fields": {"project": {"key": "WEB"}, "issuetype": {"name": "Task"}, "summary": "One"}},
        {"fields": {"project": {"key": "WEB"}, "issuetype": {"name": "Task"}}}]})
    assert reply.status_code == 201
    body = reply.json()
    assert len(body["issues"]) == 1 and body["errors"][0]["failedElementNumber"] == 1
    assert "summary" in body["errors"][0]["elementErrors"]["errors"]


def test_edit_issue_fields_and_update_operations_write_the_changelog(site: Site) -> None:
    reply = site.client.put("/rest/api/2/issue/WEB-5", json={
        "fields": {"summary": "Renamed", "duedate": "2027-02-01"},
        "update": {"labels": [{"add": "p0"}], "comment": [{"add": {"body": "Done *now*"}}]}})
    assert reply.status_code == 204, reply.text
    row = site.one("SELECT * FROM issues WHERE key = 'WEB-5'")
    assert row["summary"] == "Renamed" and row["due_date"] == "2027-02-01"
    assert site.one("SELECT 1 FROM issue_labels WHERE issue_id = ? AND label = 'p0'", row["id"]) is not None
    assert site.one("SELECT body FROM comments WHERE issue_id = ? ORDER BY id DESC", row["id"])[0] == "Done **now**"  # wiki *x* is bold
    fields = {r[0] for r in site.db().execute(
        "SELECT ci.field FROM changelog_items ci JOIN changelog c ON c.id = ci.changelog_id WHERE c.issue_id = ?",
        (row["id"],))}
    assert {"summary", "duedate", "labels"} <= fields


def test_edit_refusals_change_nothing(site: Site) -> None:
    before = site.snapshot()
    for body in ({"fields": {"status": {"name": "Done"}}}, {"fields": {"summary": ""}},
                 {"fields": {"summary": "ok", "assignee": {"accountId": "nobody"}}},
                 {"update": {"labels": [{"explode": "x"}]}}):
        reply = site.client.put("/rest/api/2/issue/WEB-5", json=body)
        assert reply.status_code == 400, (body, reply.text)
    assert site.client.put("/rest/api/2/issue/WEB-999", json={"fields": {"summary": "x"}}).status_code == 404
    assert site.snapshot() == before


def test_assign_unassign_and_delete(site: Site) -> None:
    sam = "cec60bf2b8fc8648e00a4cfd"
    assert site.client.put("/rest/api/2/issue/WEB-5/assignee", json={"accountId": sam}).status_code == 204
    assert site.one("SELECT assignee_id FROM issues WHERE key = 'WEB-5'")[0] == sam
    assert site.client.put("/rest/api/2/issue/WEB-5/assignee", json={"accountId": None}).status_code == 204
    assert site.one("SELECT assignee_id FROM issues WHERE key = 'WEB-5'")[0] is None
    assert site.client.delete("/rest/api/2/issue/WEB-80").status_code == 204
    assert site.one("SELECT 1 FROM issues WHERE key = 'WEB-80'") is None
    assert site.client.get("/rest/api/2/issue/WEB-80").status_code == 404


def test_transitions_move_the_status_and_refuse_an_invalid_one(site: Site) -> None:
    listed = site.client.get("/rest/api/2/issue/WEB-22/transitions").json()["transitions"]
    assert all({"id", "name", "to"} <= set(t) for t in listed)
    done = next(t for t in listed if t["to"]["statusCategory"]["key"] == "done")
    before = site.snapshot()
    bad = site.client.post("/rest/api/3/issue/WEB-22/transitions", json={"transition": {"id": "999"}})
    assert bad.status_code == 400
    assert bad.json() == {"errorMessages": ["Transition id '999' is not valid for this issue."], "errors": {}}
    assert site.snapshot() == before
    ok = site.client.post("/rest/api/3/issue/WEB-22/transitions", json={
        "transition": {"id": done["id"]}, "fields": {"resolution": {"name": "Done"}}})
    assert ok.status_code == 204, ok.text
    row = site.one("SELECT s.name, i.resolution_id FROM issues i JOIN statuses s ON s.id = i.status_id "
                   "WHERE i.key = 'WEB-22'")
    assert row["name"] == done["to"]["name"] and row["resolution_id"] is not None


def test_comments_v3_adf_in_v2_wiki_out(site: Site) -> None:
    made = site.client.post("/rest/api/3/issue/WEB-5/comment", json={"body": ADF_STEPS})
    assert made.status_code == 201 and made.json()["body"]["type"] == "doc"
    comment_id = made.json()["id"]
    listed = site.client.get("/rest/api/2/issue/WEB-5/comment").json()
    assert listed["comments"][-1]["body"] == "h2. Steps\n\n# open" and listed["total"] == len(listed["comments"])
    edited = site.client.put(f"/rest/api/2/issue/WEB-5/comment/{comment_id}", json={"body": "_new_"})
    assert edited.status_code == 200
    assert site.one("SELECT body FROM comments WHERE id = ?", int(comment_id))[0] == "*new*"
    assert site.client.put("/rest/api/2/issue/WEB-5/comment/1", json={"body": "x"}).status_code == 404
    assert site.client.post("/rest/api/3/issue/WEB-5/comment", json={"body": "plain"}).status_code == 400


def test_worklogs(site: Site) -> None:
    made = site.client.post("/rest/api/3/issue/WEB-5/worklog", json={
        "timeSpentSeconds": 5400, "comment": ADF_STEPS, "started": "2026-11-23T09:00:00.000+0000"})
    assert made.status_code == 201, made.text
    assert made.json()["timeSpent"] == "1h 30m"
    listed = site.client.get("/rest/api/2/issue/WEB-5/worklog").json()
    assert listed["worklogs"][-1]["timeSpentSeconds"] == 5400
    assert site.client.post("/rest/api/2/issue/WEB-5/worklog", json={"timeSpent": "soon"}).status_code == 400


def test_watchers_remote_links_and_issue_links(site: Site) -> None:
    sam = "cec60bf2b8fc8648e00a4cfd"
    assert site.client.post("/rest/api/2/issue/WEB-5/watchers", json=sam).status_code == 204
    watchers = site.client.get("/rest/api/2/issue/WEB-5/watchers").json()
    assert sam in [w["accountId"] for w in watchers["watchers"]] and watchers["watchCount"] >= 1
    assert site.client.delete("/rest/api/2/issue/WEB-5/watchers", params={"accountId": sam}).status_code == 204
    assert site.client.post("/rest/api/2/issue/WEB-5/watchers", json="nobody").status_code == 404
    link = site.client.post("/rest/api/3/issue/WEB-5/remotelink", json={
        "object": {"url": "https://example.com", "title": "Doc"}})
    assert link.status_code == 201 and site.client.get("/rest/api/3/issue/WEB-5/remotelink").json()[0]["object"][
        "title"] == "Doc"
    made = site.client.post("/rest/api/2/issueLink", json={
        "type": {"name": "Blocks"}, "inwardIssue": {"key": "WEB-5"}, "outwardIssue": {"key": "WEB-6"}})
    assert made.status_code == 201
    links = site.client.get("/rest/api/2/issue/WEB-5", params={"fields": "issuelinks"}).json()["fields"]["issuelinks"]
    new = next(x for x in links if x.get("outwardIssue", {}).get("key") == "WEB-6")
    assert site.client.delete(f"/rest/api/2/issueLink/{new['id']}").status_code == 204
    assert site.client.delete(f"/rest/api/2/issueLink/{new['id']}").status_code == 404


def test_changelog_per_issue_and_bulkfetch(site: Site) -> None:
    site.client.put("/rest/api/2/issue/WEB-5", json={"fields": {"summary": "Changed"}})
    page = site.client.get("/rest/api/2/issue/WEB-5/changelog").json()
    assert page["values"][-1]["items"][0]["field"] == "summary" and page["isLast"] is True
    bulk = site.client.post("/rest/api/2/changelog/bulkfetch", json={"issueIdsOrKeys": ["WEB-5"],
                                                                     "fieldIds": ["summary"]}).json()
    assert bulk["issueChangeLogs"][0]["issueId"] == "10004"
    assert bulk["issueChangeLogs"][0]["changeHistories"][-1]["items"][0]["toString"] == "Changed"


def test_bulk_move_gives_a_new_key_and_the_old_key_still_answers(site: Site) -> None:
    type_id = site.one("SELECT issue_type_id FROM issues WHERE key = 'WEB-7'")[0]
    before_mob = site.one("SELECT next_issue_num FROM projects WHERE key = 'MOB'")[0]
    task = site.client.post("/rest/api/3/bulk/issues/move", json={"targetToSourcesMapping": {
        f"MOB,{type_id}": {"issueIdsOrKeys": ["WEB-7"], "inferStatusDefaults": True}}})
    assert task.status_code == 201, task.text
    done = site.client.get(f"/rest/api/3/bulk/queue/{task.json()['taskId']}").json()
    assert done["status"] == "COMPLETE" and done["processedAccessibleIssues"] == [10006]
    new_key = f"MOB-{before_mob}"
    assert site.one("SELECT key FROM issues WHERE id = 10006")[0] == new_key
    assert site.client.get("/rest/api/2/issue/WEB-7").json()["key"] == new_key
    items = {r[0] for r in site.db().execute("SELECT ci.field FROM changelog_items ci JOIN changelog c "
                                             "ON c.id = ci.changelog_id WHERE c.issue_id = 10006")}
    assert {"Key", "project"} <= items
    before = site.snapshot()
    refused = site.client.post("/rest/api/3/bulk/issues/move", json={"targetToSourcesMapping": {
        "MOB,99999": {"issueIdsOrKeys": ["WEB-8"]}}})
    assert refused.status_code == 400 and site.snapshot() == before
    assert site.client.get("/rest/api/3/bulk/queue/1").status_code == 404


def test_attachments_upload_read_and_delete(site: Site) -> None:
    before = site.snapshot()
    refused = site.client.post("/rest/api/3/issue/WEB-5/attachments", files={"file": ("a.txt", b"hi", "text/plain")})
    assert refused.status_code == 403 and site.snapshot() == before
    made = site.client.post("/rest/api/3/issue/WEB-5/attachments", headers={"X-Atlassian-Token": "no-check"},
                            files={"file": ("notes.txt", b"hello", "text/plain")})
    assert made.status_code == 200, made.text
    meta = made.json()[0]
    assert (meta["filename"], meta["size"], meta["mimeType"]) == ("notes.txt", 5, "text/plain")
    content = site.client.get(f"/rest/api/3/attachment/content/{meta['id']}")
    assert content.content == b"hello" and content.headers["content-type"].startswith("text/plain")
    field = site.client.get("/rest/api/2/issue/WEB-5", params={"fields": "attachment"}).json()["fields"]["attachment"]
    assert [a["id"] for a in field] == [meta["id"]]
    assert site.client.delete(f"/rest/api/3/attachment/{meta['id']}").status_code == 204
    assert site.client.get(f"/rest/api/3/attachment/{meta['id']}").status_code == 404
