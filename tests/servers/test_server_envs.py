"""`jira-bench servers install|list` and `engine.server_envs`: an isolated, versioned environment per server, built
apart and renamed into place; a missing version or no network is one sentence (exit 2) with nothing left behind.
Installs come from a local index holding a fake mcp-atlassian wheel (conftest.py), so no test needs the network."""

from __future__ import annotations

import json
import socket
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from jira_bench_tui.cli import main
from jira_bench_tui.engine import server_envs

from .conftest import FAKE_VERSION, use_only_index


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_install_builds_a_versioned_environment_and_lists_it(local_index: Path) -> None:
    code, out, err = invoke("servers", "install", f"mcp-atlassian=={FAKE_VERSION}")
    assert code == 0, err
    folder = local_index / f"mcp-atlassian-{FAKE_VERSION}"
    assert "creating an environment" in err and "installing 1 package\n" in err  # progress, on stderr
    assert out.strip() == f"mcp-atlassian {FAKE_VERSION}: {folder / 'bin' / 'mcp-atlassian'}"
    marker = json.loads((folder / "jira-bench-server.json").read_text())
    assert marker["name"] == "mcp-atlassian" and marker["version"] == FAKE_VERSION and marker["installed_at"] > 0
    assert [p.name for p in local_index.iterdir()] == [folder.name]  # the temp folder was renamed, nothing else left
    executable = server_envs.find("mcp-atlassian", FAKE_VERSION)
    assert executable == folder / "bin" / "mcp-atlassian"
    # the console script names the interpreter of the folder it was moved to, so it runs
    ran = subprocess.run([str(executable)], capture_output=True, text=True, timeout=30)
    assert ran.stdout.strip() == f"fake mcp-atlassian {FAKE_VERSION}"
    assert server_envs.find("mcp-atlassian") is None  # the pinned 0.23.1 is not installed here

    code, out, _ = invoke("servers", "list")
    header, row = out.splitlines()
    assert header.split() == ["NAME", "VERSION", "SIZE", "PATH"]
    assert row.split()[:2] == ["mcp-atlassian", FAKE_VERSION] and row.endswith(str(folder)) and " MB " in row

    code, _, err = invoke("servers", "install", f"mcp-atlassian=={FAKE_VERSION}")
    assert code == 0 and "already installed" in err


def test_a_version_that_does_not_exist_is_one_sentence_and_leaves_nothing(local_index: Path) -> None:
    code, out, err = invoke("servers", "install", "mcp-atlassian==98.0.0")
    assert code == 2 and out == ""
    assert err.splitlines()[-1] == ("error: mcp-atlassian 98.0.0 does not exist on the package index (latest "
                                    f"versions there: {FAKE_VERSION})")  # after the progress lines
    assert list(local_index.iterdir()) == []


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_offline_is_one_sentence_and_leaves_nothing(local_index: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use_only_index(monkeypatch, f"http://127.0.0.1:{_closed_port()}/simple")
    code, _, err = invoke("servers", "install", "mcp-atlassian")
    assert code == 2
    assert err.splitlines()[-1] == ("error: cannot install mcp-atlassian 0.23.1: the package index cannot be "
                                    "reached (offline?); connect to the network and try again")
    assert list(local_index.iterdir()) == []


@pytest.mark.parametrize(("requirement", "message"), [
    ("jira-mcp", "jira-bench cannot install a server called 'jira-mcp' (it knows: mcp-atlassian)"),
    ("mcp-atlassian==latest!", "'mcp-atlassian==latest!' does not name a version"),
    ("mcp atlassian", "'mcp atlassian' is not a server name"),
])
def test_bad_requirements_are_refused_before_anything_is_made(local_index: Path, requirement: str,
                                                               message: str) -> None:
    code, _, err = invoke("servers", "install", requirement)
    assert code == 2 and err.startswith(f"error: {message}") and len(err.splitlines()) == 1
    assert not local_index.exists()


def test_list_with_nothing_installed_says_how_to_install(local_index: Path) -> None:
    code, out, _ = invoke("servers", "list")
    assert code == 0 and out.strip() == (f"no servers installed in {local_index} "
                                         "(install one: jira-bench servers install mcp-atlassian)")


def test_the_environment_variable_names_the_executable_to_use(local_index: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    exe = tmp_path / "venv" / "bin" / "mcp-atlassian"
    exe.parent.mkdir(parents=True)
    exe.write_text("#!/bin/sh\n")
    exe.chmod(0o755)
    monkeypatch.setenv("JIRA_BENCH_MCP_ATLASSIAN", str(exe))
    assert server_envs.find("mcp-atlassian") == exe  # its version cannot be read: trusted
    info = tmp_path / "venv" / "lib" / "python3.11" / "site-packages" / "mcp_atlassian-0.22.0.dist-info"
    info.mkdir(parents=True)
    assert server_envs.find("mcp-atlassian") is None  # it says it is 0.22.0, not the pinned 0.23.1
    assert server_envs.find("mcp-atlassian", "0.22.0") == exe


def test_the_servers_folder_follows_the_cache_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("JIRA_BENCH_SERVERS_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert server_envs.install_dir("mcp-atlassian", "0.23.1") == (
        tmp_path / "cache" / "jira-bench" / "servers" / "mcp-atlassian-0.23.1")
