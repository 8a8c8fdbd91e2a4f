"""Fixtures for the REST face: one uvicorn server per module, a fresh copy of the default fixture per test behind its
own `*.atlassian.net` host, an httpx client whose requests carry that host, and a snapshot of every table to prove
that a refused request changed nothing."""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest
from real_server import mcp_atlassian_binary  # noqa: F401  (the shared lookup of the real mcp-atlassian)

from jira_bench_tui.jira import db
from jira_bench_tui.jira.fixture_files import load_fixture_file
from jira_bench_tui.jira.rest import RestServer

_COUNTER = itertools.count(1)


@pytest.fixture(scope="session")
def default_template() -> Path:
    return db.prepare_template(load_fixture_file("builtin:default"))


@pytest.fixture(scope="module")
def rest_server() -> Iterator[RestServer]:
    with RestServer() as server:
        yield server


class Site:
    """One test's Jira behind the shared server: its host, database path and a client bound to it."""

    def __init__(self, server: RestServer, host: str, path: Path) -> None:
        self.server = server
        self.host = host
        self.path = path
        self.client = httpx.Client(base_url=server.url, headers={"Host": host}, auth=("agent@x.test", "token"),
                                   timeout=30)

    def db(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path)
        conn.row_factory = sqlite3.Row
        return conn

    def snapshot(self) -> dict[str, list[tuple]]:
        """Every row of every table, to compare before and after a refused request."""
        conn = self.db()
        try:
            tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT "
                                                 "LIKE '%text%' ORDER BY name")]
            return {t: sorted((tuple(r) for r in conn.execute(f"SELECT * FROM {t}")), key=repr) for t in tables}
        finally:
            conn.close()

    def one(self, sql: str, *args: object) -> sqlite3.Row:
        conn = self.db()
        try:
            return conn.execute(sql, args).fetchone()
        finally:
            conn.close()


@pytest.fixture
def site(rest_server: RestServer, default_template: Path, tmp_path: Path) -> Iterator[Site]:
    host = f"t-test{next(_COUNTER)}.atlassian.net"
    path = tmp_path / "jira.sqlite"
    rest_server.registry.add(host, path, template=default_template)
    made = Site(rest_server, host, path)
    yield made
    made.client.close()
    rest_server.registry.remove(host)
