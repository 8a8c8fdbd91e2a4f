"""`jira-bench jira-server`: fixtures, --empty, --db and --quirk, and clear errors for bad input."""

from __future__ import annotations

import dataclasses
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
    (["--fixture", str(SAMPLE_SITE), "--quirk", "speed=fast"], "Unknown quirk 'speed' (known: custom_field_names, error_hints, rich_text, search_total"),
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
    assert dataclasses.asdict(Quirks()) == {"search_total": "-1", "transitions_to_status": "false",
                                     "unknown_fields": "ignore", "transition_by_name": "false",
                                     "custom_field_names": "false", "worklog_original_estimate": "ignored",
                                     "rich_text": "mcp-atlassian", "error_hints": "false"}
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


def test_a_db_that_is_not_a_jira_and_other_bad_server_options(tmp_path: Path) -> None:
    not_jira = tmp_path / "notes.txt"
    not_jira.write_text("hello")
    cases = [
        (["--db", str(not_jira)], f"{not_jira} is not a jira-bench Jira database"),
        (["--db", str(tmp_path / "no" / "such" / "j.sqlite")], "the folder"),
        (["--transport", "http", "--port", "99999"], "99999 is not in the range 1<=x<=65535"),
    ]
    for arguments, message in cases:
        result = CliRunner().invoke(main, ["jira-server", *arguments])
        assert result.exit_code == 2, (arguments, result.output)
        assert message in result.output and "Traceback" not in result.output
    assert not_jira.read_text() == "hello"
    assert not (tmp_path / "no").exists()


def test_http_port_in_use_is_one_sentence(tmp_path: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, ["jira-server", "--fixture", str(SAMPLE_SITE), "--transport", "http",
                                           "--port", str(port)])
    assert result.exit_code == 2
    assert f"cannot serve on 127.0.0.1:{port}: Address already in use" in result.output
