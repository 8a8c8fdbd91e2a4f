"""Helpers for the server tests: the real mcp-atlassian (found as `jira-bench` finds it), and a local package index
holding a fake `mcp-atlassian` wheel, so installs are tested without the network.

The real server is looked up with `engine.server_envs.find` ($JIRA_BENCH_MCP_ATLASSIAN first, then the managed
install of `jira-bench servers install mcp-atlassian`). Missing, the tests that need it are skipped on a developer's
machine but FAIL in CI (CI=true): `.ci/run` installs it first, so a missing server there is a defect."""

from __future__ import annotations

import base64
import hashlib
import os
import zipfile
from pathlib import Path

import pytest
from real_server import HOW_TO_INSTALL, find_mcp_atlassian, in_ci

FAKE_VERSION = "99.0.0"


@pytest.fixture(scope="session")
def real_mcp_atlassian() -> Path:
    """The executable of the pinned mcp-atlassian (tests/real_server.py's lookup): skip, or fail in CI, when missing."""
    found = find_mcp_atlassian()
    if found is None:
        if in_ci():
            pytest.fail(HOW_TO_INSTALL)
        pytest.skip(HOW_TO_INSTALL)
    return Path(found)


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def build_fake_wheel(folder: Path, version: str = FAKE_VERSION) -> Path:
    """A wheel named mcp-atlassian `version` whose `mcp-atlassian` command prints `fake mcp-atlassian VERSION`."""
    info = f"mcp_atlassian-{version}.dist-info"
    files = {
        "mcp_atlassian/__init__.py": f"def main():\n    print('fake mcp-atlassian {version}')\n    return 0\n".encode(),
        f"{info}/METADATA": f"Metadata-Version: 2.1\nName: mcp-atlassian\nVersion: {version}\n".encode(),
        f"{info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: jira-bench-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
        f"{info}/entry_points.txt": b"[console_scripts]\nmcp-atlassian = mcp_atlassian:main\n",
    }
    record = "\n".join([*(_record_line(n, d) for n, d in files.items()), f"{info}/RECORD,,"]) + "\n"
    wheel = folder / f"mcp_atlassian-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
        archive.writestr(f"{info}/RECORD", record)
    return wheel


@pytest.fixture
def local_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A file:// package index holding only the fake mcp-atlassian 99.0.0; pip is told to use nothing else, and
    installs go to a fresh servers folder ($JIRA_BENCH_SERVERS_DIR). Returns that servers folder."""
    project = tmp_path / "index" / "mcp-atlassian"
    project.mkdir(parents=True)
    wheel = build_fake_wheel(project)
    (project / "index.html").write_text(f'<html><body><a href="{wheel.name}">{wheel.name}</a></body></html>\n')
    use_only_index(monkeypatch, (tmp_path / "index").as_uri())
    servers = tmp_path / "servers"
    monkeypatch.setenv("JIRA_BENCH_SERVERS_DIR", str(servers))
    monkeypatch.delenv("JIRA_BENCH_MCP_ATLASSIAN", raising=False)
    return servers


def use_only_index(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    """Make every pip this test starts read packages from `url` alone (no config files, links or extra indexes)."""
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("PIP_INDEX_URL", url)
    monkeypatch.setenv("PIP_EXTRA_INDEX_URL", "")
    monkeypatch.setenv("PIP_FIND_LINKS", "")
    monkeypatch.setenv("PIP_RETRIES", "1")  # one retry: pip says why it could not connect
    monkeypatch.setenv("PIP_TIMEOUT", "3")


@pytest.fixture
def results() -> Path:
    """The results folder of this test (the root conftest points JIRA_BENCH_RESULTS at a fresh one)."""
    return Path(os.environ["JIRA_BENCH_RESULTS"])
