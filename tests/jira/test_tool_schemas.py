"""The tool surface a real MCP client sees over stdio matches mcp-atlassian 0.23.1's, tool for tool: the 63 names,
input schemas (descriptions aside), output schemas, annotations, titles and `_meta` tags, and the server's
`initialize` answer (name, version, capabilities). With the real server installed, its live listing is compared
too."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from mcp import StdioServerParameters
from mcp.client import Client
from mcp.client.stdio import stdio_client

from jira_bench_tui.jira.tools.surface import LISTINGS

from .conftest import REFERENCE, SAMPLE_SITE, text_of

# 0.23.1 joins a *set* of field names for these defaults, so their order changes from one process to the next
FIELD_LIST_DEFAULTS = {("jira_get_issue", "fields"), ("jira_search", "fields"), ("jira_get_sprint_issues", "fields"),
                       ("jira_get_board_issues", "fields")}


def _reference() -> dict[str, dict[str, Any]]:
    return {t["name"]: t for t in json.loads((REFERENCE / "mcp-atlassian-tools.json").read_text())["tools"]}


def interface(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    """The schema without descriptions; a comma-separated field-list default as a sorted list."""
    schema = json.loads(json.dumps(schema))
    for prop, spec in schema["properties"].items():
        spec.pop("description", None)
        if (name, prop) in FIELD_LIST_DEFAULTS:
            spec["default"] = sorted(spec["default"].split(","))
    schema["required"] = sorted(schema.get("required", []))
    return schema


def listed(tool: Any) -> dict[str, Any]:
    """A listed tool as plain JSON (the wire names: inputSchema, outputSchema, _meta, readOnlyHint...)."""
    dumped: dict[str, Any] = tool.model_dump(mode="json", by_alias=True, exclude_none=True)
    return dumped


def _stdio_params(tmp_path: Path) -> StdioServerParameters:
    return StdioServerParameters(command=sys.executable, cwd=str(tmp_path),
                                 args=["-m", "jira_bench_tui", "jira-server", "--fixture", str(SAMPLE_SITE)])


async def test_stdio_server_lists_the_63_tools_exactly_as_mcp_atlassian(tmp_path: Path) -> None:
    reference = _reference()
    async with Client(_stdio_params(tmp_path)) as client:
        tools = {t.name: listed(t) for t in (await client.list_tools()).tools}
        result = await client.call_tool("jira_get_issue", {"issue_key": "PROJ-1"})
    assert sorted(tools) == sorted(reference) and len(tools) == 63
    for name, ref in reference.items():
        ours = tools[name]
        assert interface(name, ours["inputSchema"]) == interface(name, ref["inputSchema"]), name
        assert ours.get("outputSchema") == ref["outputSchema"], name
        title = ours.pop("title")
        assert ours["annotations"] == {"title": title, **ref["annotations"]}, name
        assert title == LISTINGS[name].title and title[0].isupper(), name
        assert ours["_meta"] == ref["meta"], name
        assert all(len(spec.get("description", "")) > 5 for spec in ours["inputSchema"]["properties"].values()), name
        assert len(ours.get("description") or "") > 40, name
    assert not result.is_error
    assert json.loads(text_of(result))["key"] == "PROJ-1"
    assert result.structured_content == {"result": text_of(result)}


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
async def test_initialize_answers_as_mcp_atlassian_does(tmp_path: Path) -> None:
    async with Client(_stdio_params(tmp_path), mode="legacy") as client:  # a 2025 client, as agents' clients are
        info, capabilities, instructions = client.server_info, client.server_capabilities, client.instructions
        await client.set_logging_level("debug")  # advertised, so accepted
        assert (await client.list_prompts()).prompts == [] and (await client.list_resources()).resources == []
    assert (info.name, info.version) == ("Atlassian MCP", "3.4.11")
    assert instructions is None
    caps = capabilities.model_dump(mode="json", by_alias=True, exclude_none=True)
    assert caps["logging"] == {} and caps["experimental"] == {}
    assert caps["tools"] == {"listChanged": True}
    assert caps["prompts"] == {"listChanged": False}
    assert caps["resources"] == {"subscribe": False, "listChanged": False}


def _real_server() -> str:
    """The real server, as tests/real_server.py finds it (skipped, or failed in CI, when it is not installed)."""
    from real_server import HOW_TO_INSTALL, find_mcp_atlassian, in_ci

    found = find_mcp_atlassian()
    if found is None:
        if in_ci():
            pytest.fail(HOW_TO_INSTALL)
        pytest.skip(HOW_TO_INSTALL)
    return found


async def test_the_listing_matches_the_live_real_server(tmp_path: Path) -> None:
    from jira_bench_tui.jira.rest import mcp_atlassian_env

    env = mcp_atlassian_env("http://127.0.0.1:9", "t-listing.atlassian.net")  # listing asks Jira nothing
    params = StdioServerParameters(command=_real_server(), env=env, cwd=str(tmp_path))
    with open(tmp_path / "real.log", "w") as log:
        async with Client(stdio_client(params, errlog=log), mode="legacy") as client:
            real = {t.name: listed(t) for t in (await client.list_tools()).tools}
            real_info = client.server_info
    async with Client(_stdio_params(tmp_path)) as client:
        ours = {t.name: listed(t) for t in (await client.list_tools()).tools}
        our_info = client.server_info
    assert sorted(ours) == sorted(real)
    for name, tool in real.items():
        for key in ("title", "annotations", "outputSchema", "_meta"):
            assert ours[name].get(key) == tool.get(key), (name, key)
        assert interface(name, ours[name]["inputSchema"]) == interface(name, tool["inputSchema"]), name
    assert (our_info.name, our_info.version) == (real_info.name, real_info.version)
