"""`jira-bench jira-server`: fixtures, --empty, --db and --quirk, and clear errors for bad input."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from mcp import StdioServerParameters
from mcp.client import Client

from jira_bench_tui.cli import main
from jira_bench_tui.errors import UserError
from jira_bench_tui.jira.fixture_files import load_fixture_file
from jira_bench_tui.jira.quirks import Quirks

from .conftest import SAMPLE_SITE, text_of


@pytest.mark.parametrize(("arguments", "message"), [
    (["--fixture", "missing.json"], "Fixture file 'missing.json' does not exist."),
    (["--fixture", "builtin:nope"], "Unknown built-in fixture 'builtin:nope' (known: "),
    (["--fixture", str(SAMPLE_SITE), "--quirk", "speed=fast"], "Unknown quirk 'speed' (known: search_total"),
    (["--fixture", str(SAMPLE_SITE), "--quirk", "search_total=some"],
     "Quirk 'search_total' cannot be 'some' (use one of: -1, count)."),
])
def test_bad_server_input_is_one_sentence_and_exit_code_2(tmp_path: Path, arguments: list[str], message: str) -> None:
    db_path = tmp_path / "kept.sqlite"
    result = CliRunner().invoke(main, ["jira-server", "--db", str(db_path), *arguments])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert not db_path.exists()


def test_bad_fixture_files_are_named_clearly(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"now": "2026-11-24T09:00:00Z",')
    with pytest.raises(UserError, match=r"Fixture '.*broken.json' is not valid JSON: .* \(line 1, column 32\)"):
        load_fixture_file(str(broken))
    invalid = tmp_path / "invalid.json"
    invalid.write_text(json.dumps({"now": "2026-11-24T09:00:00Z", "current_user": "a@b", "users": []}))
    with pytest.raises(UserError, match=r"invalid.json': projects: Field required"):
        load_fixture_file(str(invalid))


def test_quirks_default_to_mcp_atlassian_and_switch_by_name() -> None:
    assert Quirks.from_strings({}) == Quirks()
    assert Quirks().as_strings() == {"search_total": "-1", "transitions_to_status": "false",
                                     "unknown_fields": "ignore", "transition_by_name": "false"}
    assert Quirks.from_strings({"unknown_fields": "ERROR"}).unknown_fields_are_errors


async def test_empty_jira_kept_in_a_file_across_server_runs(tmp_path: Path) -> None:
    db_path = tmp_path / "site.sqlite"

    def params(*extra: str) -> StdioServerParameters:
        return StdioServerParameters(command=sys.executable, cwd=str(tmp_path), args=[
            "-m", "jira_bench_tui", "jira-server", "--fixture", str(SAMPLE_SITE), "--db", str(db_path), *extra])

    async with Client(params("--empty")) as client:
        empty = await client.call_tool("jira_search", {"jql": "project = PROJ"})
        created = await client.call_tool("jira_create_issue", {"project_key": "PROJ", "summary": "First",
                                                                "issue_type": "Task"})
    assert json.loads(text_of(empty))["issues"] == []
    assert json.loads(text_of(created))["issue"]["key"] == "PROJ-1"
    assert db_path.exists()
    async with Client(params("--quirk", "search_total=count")) as client:
        again = await client.call_tool("jira_search", {"jql": "project = PROJ"})
    found = json.loads(text_of(again))
    assert [i["summary"] for i in found["issues"]] == ["First"] and found["total"] == 1
