"""jira_search sends the JQL mcp-atlassian 0.23.1 builds (jira/search.py, jira/utils.py), so Jira answers ours as it
answers the real server: reserved words used as project keys are quoted, `projects_filter` is ANDed as
`(query) AND (project = KEY)` before a trailing ORDER BY, and its keys are not checked by the tool (Jira's message
names an unknown one). Through a real MCP client on the in-process server over builtin:default."""

from __future__ import annotations

from pathlib import Path

from jira_bench_tui.jira.jql_scope import mcp_search_jql

from .conftest import open_jira

NO_PROJECT = "The value '{key}' does not exist for the field 'project'."


def test_the_jql_string_is_the_one_0_23_1_sends() -> None:
    assert mcp_search_jql("status = 'To Do' ORDER BY key", "MOB") == "(status = 'To Do') AND (project = MOB) ORDER BY key"
    assert mcp_search_jql("status = x", "WEB,OPS") == "(status = x) AND (project IN (WEB, OPS))"
    assert mcp_search_jql("", "IF") == 'project = "IF"'
    assert mcp_search_jql("ORDER BY key", "IF, WEB") == 'project IN ("IF", WEB) ORDER BY key'
    assert mcp_search_jql('project = IF and summary ~ "project = IF"', None) == \
        'project = "IF" and summary ~ "project = IF"'
    assert mcp_search_jql("project in (IF, WEB, 'and')", None) == "project in (\"IF\", WEB, 'and')"
    assert mcp_search_jql("project not in (select)", "2X") == '(project not in ("select")) AND (project = "2X")'
    assert mcp_search_jql("x = 1\nORDER BY key", "A B") == '(x = 1) AND (project = "A B") ORDER BY key'
    assert mcp_search_jql("a = b order by c", "WEB, ") == '(a = b) AND (project IN (WEB, "")) order by c'
    assert mcp_search_jql("key = WEB-1", "") == "key = WEB-1"
    assert mcp_search_jql("project = the", None) == 'project = "the"'  # 0.23.1's list has words Jira does not reserve


async def test_projects_filter_is_anded_and_its_keys_left_to_jira(default_db: Path) -> None:
    async with open_jira(default_db) as jira:
        both = await jira.ok("jira_search", jql="priority = Highest ORDER BY key", fields="summary", limit=50,
                             projects_filter="MOB, OPS")
        each = [await jira.ok("jira_search", jql=f"priority = Highest AND project = {key} ORDER BY key",
                              fields="summary", limit=50) for key in ("MOB", "OPS")]
        assert [i["key"] for i in both["issues"]] == [i["key"] for page in each for i in page["issues"]]
        assert await jira.error("jira_search", jql="status = Done", projects_filter="OPS,NOPE") == \
            f"Error calling tool 'search': {NO_PROJECT.format(key='NOPE')}"
        # a reserved word as a key is quoted, as 0.23.1 quotes it: Jira then answers that no such project exists
        assert await jira.error("jira_search", jql="status = Done", projects_filter="IF") == \
            f"Error calling tool 'search': {NO_PROJECT.format(key='IF')}"
        assert await jira.error("jira_search", jql="project = IF") == \
            f"Error calling tool 'search': {NO_PROJECT.format(key='IF')}"
        only = await jira.ok("jira_search", jql="", fields="summary", limit=50, projects_filter="OPS")
        assert {i["key"].split("-")[0] for i in only["issues"]} == {"OPS"}
