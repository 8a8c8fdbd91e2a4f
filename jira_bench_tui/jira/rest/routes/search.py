"""JQL search endpoints of Jira Cloud: `GET/POST /rest/api/{2,3}/search/jql` (enhanced search: `nextPageToken`
paging, `isLast`, no `total`; fields default to `id`), `POST /search/approximate-count`, and the removed
`/search` (410 Gone, as Jira Cloud answers since CHANGE-2046). Queries go through the model's JQL compiler."""

from __future__ import annotations

from typing import Any

from jira_bench_tui.jira.issue_load import issue_rows
from jira_bench_tui.jira.jql import JqlError
from jira_bench_tui.jira.jql import check_bounded as jql_check_bounded
from jira_bench_tui.jira.jql import count as jql_count
from jira_bench_tui.jira.jql import search as jql_search
from jira_bench_tui.jira.page_tokens import encode_page_token
from jira_bench_tui.jira.rest.core import Reply, RestCall, RestError, bad_request, route
from jira_bench_tui.jira.rest.issue_json import FieldChoice, field_defs, issue_json
from jira_bench_tui.jira.rest.routes.issues import expand_set, token_offset

REMOVED = ("The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. A full migration "
           "guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046")


def check_bounded(jql: str) -> None:
    """400 for a query with no restriction (only ORDER BY, or empty), as the enhanced search refuses it."""
    try:
        jql_check_bounded(jql)
    except JqlError as error:
        raise RestError(400, str(error)) from None


def search_page(call: RestCall, jql: str, fields: Any, expand: set[str], max_results: int,
                token: str | None) -> dict[str, Any]:
    """One page of `/search/jql`: `{"issues", "nextPageToken"?, "isLast"}` (+ `names`/`schema` when expanded)."""
    check_bounded(jql)
    choice = FieldChoice.parse(fields, default="id")
    only_ids = not choice.all_fields and not choice.navigable and choice.names <= {"id", "key"}
    limit = max(0, min(max_results, 5000 if only_ids else 100))
    offset = token_offset(token)
    try:
        ids, _total = jql_search(call.conn, jql, start_at=offset, limit=limit + 1)
    except JqlError as error:
        raise RestError(400, str(error)) from None
    more = len(ids) > limit
    ids = ids[:limit]
    rows = issue_rows(call.ctx.site, ids)
    defs = field_defs(call)
    issues = [issue_json(call, rows[i], choice, expand, defs) for i in ids if i in rows]
    out: dict[str, Any] = {"issues": issues}
    if more:
        out["nextPageToken"] = encode_page_token(offset + len(ids))
    out["isLast"] = not more
    if "names" in expand:
        out["names"] = {e["id"]: e["name"] for e in defs if choice.wants(e["id"])}
    if "schema" in expand:
        out["schema"] = {e["id"]: e.get("schema", {}) for e in defs if choice.wants(e["id"])}
    return out


@route("GET", "search/jql")
def search_get(call: RestCall) -> Reply:
    """GET /search/jql?jql=&nextPageToken=&maxResults=&fields=&expand=."""
    jql = call.arg("jql", "") or ""
    return Reply(search_page(call, jql, call.args("fields"), expand_set(call), call.int_arg("maxResults", 50),
                             call.arg("nextPageToken")))


@route("POST", "search/jql", writes=False)
def search_post(call: RestCall) -> Reply:
    """POST /search/jql `{"jql", "nextPageToken", "maxResults", "fields", "expand"}`."""
    body = call.json_object()
    jql = body.get("jql") or ""
    if not isinstance(jql, str):
        raise bad_request("jql must be a string.")
    size = body.get("maxResults", 50)
    if isinstance(size, bool) or not isinstance(size, int):
        raise bad_request("maxResults must be an integer.")
    return Reply(search_page(call, jql, body.get("fields"), expand_set(call, body.get("expand")), size,
                             body.get("nextPageToken")))


@route("POST", "search/approximate-count", writes=False)
def approximate_count(call: RestCall) -> Reply:
    """POST /search/approximate-count `{"jql"}` -> `{"count"}`."""
    jql = call.json_object().get("jql") or ""
    check_bounded(jql)
    try:
        return Reply({"count": jql_count(call.conn, jql)})
    except JqlError as error:
        raise RestError(400, str(error)) from None


@route("GET", "search")
def search_removed_get(call: RestCall) -> Reply:
    """GET /search: 410 Gone, as Jira Cloud answers since the enhanced search replaced it."""
    raise RestError(410, REMOVED)


@route("POST", "search", writes=False)
def search_removed_post(call: RestCall) -> Reply:
    """POST /search: 410 Gone (see GET)."""
    raise RestError(410, REMOVED)
