"""Project analysis tools: a project's epics grouped under their cross-project parents (`get_project_epic_hierarchy`)
and its links to issues of other projects (`get_cross_project_dependencies`), computed as mcp-atlassian 0.23.1's
`ProjectAnalysisMixin` computes them from a JQL search ordered by `updated DESC`."""

from __future__ import annotations

from typing import Any

from jira_bench_tui.jira.issue_load import IssueLink, issue_rows, load_links
from jira_bench_tui.jira.jql import JqlError, search
from jira_bench_tui.jira.tools.common import PROJECT_KEY_PATTERN, JiraContext, ToolDef, ToolFailure, param

CHILD_OF_PHRASES = frozenset({"is child of", "is contained by", "split from"})  # 0.23.1's built-in set


def _project_of(key: str) -> str:
    return key.rsplit("-", 1)[0] if "-" in key else key


def _scan(ctx: JiraContext, jql: str, limit: int) -> list[Any]:
    """The ISSUE_SELECT rows of a search, in its order; ToolFailure with Jira's text for a bad project."""
    try:
        ids, _ = search(ctx.conn, jql, start_at=0, limit=limit)
    except JqlError as error:
        raise ToolFailure(str(error)) from None
    rows = issue_rows(ctx.site, ids)
    return [rows[i] for i in ids if i in rows]


def _parent_key(ctx: JiraContext, epic: Any, links: tuple[IssueLink, ...], own: str) -> str | None:
    """A parent in another project: the `parent` field, else a link whose phrase says the epic is the child."""
    if epic["parent_id"] is not None:
        parent = ctx.conn.execute("SELECT key FROM issues WHERE id = ?", (epic["parent_id"],)).fetchone()
        if parent is not None and _project_of(parent[0]) != own:
            return str(parent[0])
    for link in links:
        label = link.type.outward if link.outward else link.type.inward
        if _project_of(link.other.key) != own and {link.type.name.lower(), label.lower()} & CHILD_OF_PHRASES:
            return link.other.key
    return None


def epic_hierarchy(ctx: JiraContext, args: dict[str, Any]) -> Any:
    """`jira_get_project_epic_hierarchy`: {"project_key", "total_epics", "groups"}: epics (key, summary, status) by
    cross-project parent (parent key order), those without one last under "Unlinked"."""
    own = args["project_key"]
    epics = _scan(ctx, f'project = "{own}" AND issuetype = Epic ORDER BY updated DESC', args.get("max_epics", 200))
    groups: dict[str | None, list[dict[str, Any]]] = {}
    for epic in epics:
        parent = _parent_key(ctx, epic, load_links(ctx.site, epic["id"]), own)
        groups.setdefault(parent, []).append({"key": epic["key"], "summary": epic["summary"],
                                              "status": epic["status_name"]})
    out: list[dict[str, Any]] = []
    for parent in sorted(groups, key=lambda k: (k is None, k or "")):
        if parent is None:
            out.append({"parent": None, "group_name": "Unlinked", "epics": groups[parent]})
            continue
        row = ctx.conn.execute("SELECT summary FROM issues WHERE key = ?", (parent,)).fetchone()
        out.append({"parent": {"key": parent, "summary": row[0] if row else "", "project": _project_of(parent)},
                    "epics": groups[parent]})
    return {"project_key": own, "total_epics": len(epics), "groups": out}


def cross_project_dependencies(ctx: JiraContext, args: dict[str, Any]) -> Any:
    """`jira_get_cross_project_dependencies`: {"project_key", "total_issues_scanned", "total_cross_project_links",
    "by_project": {KEY: {"total_links", "by_link_type": {type: [{"source", "target", "direction"}]}}}} over the
    project's `max_issues` most recently updated issues."""
    own = args["project_key"]
    issues = _scan(ctx, f'project = "{own}" ORDER BY updated DESC', args.get("max_issues", 200))
    by_project: dict[str, dict[str, list[dict[str, str]]]] = {}
    total = 0
    for issue in issues:
        for link in load_links(ctx.site, issue["id"]):
            if _project_of(link.other.key) == own:
                continue
            by_project.setdefault(_project_of(link.other.key), {}).setdefault(link.type.name, []).append(
                {"source": issue["key"], "target": link.other.key,
                 "direction": "outward" if link.outward else "inward"})
            total += 1
    return {"project_key": own, "total_issues_scanned": len(issues), "total_cross_project_links": total,
            "by_project": {p: {"total_links": sum(len(v) for v in by_project[p].values()),
                               "by_link_type": by_project[p]} for p in sorted(by_project)}}


PROJECT_KEY = param("string", "The project's key, e.g. 'PROJ'.", pattern=PROJECT_KEY_PATTERN)
TOOLS = [
    ToolDef("jira_get_project_epic_hierarchy",
            "A project's epics grouped by the issue in another project they belong to (initiatives, parent epics); "
            "epics without one are 'Unlinked'. Example: project_key='WEB'.",
            {"project_key": PROJECT_KEY,
             "max_epics": param("integer", "At most this many epics, most recently updated first.", 200, minimum=1,
                                maximum=500)},
            epic_hierarchy, read_only=True),
    ToolDef("jira_get_cross_project_dependencies",
            "Links from a project's issues to issues of other projects (blocks, relates...), grouped by project and "
            "link type. Example: project_key='WEB', max_issues=100.",
            {"project_key": PROJECT_KEY,
             "max_issues": param("integer", "Scan at most this many issues, most recently updated first.", 200,
                                 minimum=1, maximum=500)},
            cross_project_dependencies, read_only=True),
]
