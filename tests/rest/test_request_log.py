"""The face's request log: every request reaches the listeners with the endpoint that answered it (None when no
route matched) and its status; `served_endpoints` lists every route per API version."""

from __future__ import annotations

from jira_bench_tui.jira.rest import RequestRecord, RestServer, served_endpoints

from .conftest import Site


def test_listeners_see_every_request_with_its_endpoint(site: Site, rest_server: RestServer) -> None:
    seen: list[RequestRecord] = []
    remove = rest_server.app.add_listener(seen.append)
    try:
        site.client.get("/rest/api/3/issue/WEB-5", params={"fields": "summary"})
        site.client.get("/rest/api/2/issue/WEB-9999")
        site.client.get("/rest/agile/1.0/board/1/sprint")
        site.client.get("/rest/dev-status/1.0/issue/summary")
    finally:
        remove()
    site.client.get("/rest/api/2/myself")
    assert [(r.endpoint, r.status) for r in seen] == [
        ("GET /rest/api/3/issue/{issueIdOrKey}", 200), ("GET /rest/api/2/issue/{issueIdOrKey}", 404),
        ("GET /rest/agile/1.0/board/{boardId}/sprint", 200), (None, 404)]
    assert seen[0].host == site.host and seen[0].query == "fields=summary" and seen[3].path.startswith("/rest/dev")


def test_served_endpoints_lists_each_route_per_version() -> None:
    endpoints = served_endpoints()
    assert "POST /rest/api/3/search/jql" in endpoints and "POST /rest/api/2/search/jql" in endpoints
    assert "GET /rest/agile/1.0/board/{boardId}/sprint" in endpoints
    assert len(endpoints) == len(set(endpoints)) > 100
