"""Shared fixtures for the db and JQL tests: the small Jira built once per session, opened read-only per test."""

from __future__ import annotations

import copy
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from jira_bench_tui.jira.db import build_database, connect
from jira_bench_tui.jira.fixture import Fixture

from .fixture_data import SMALL_JIRA


@pytest.fixture
def small_jira_data() -> dict[str, Any]:
    """A fresh, mutable copy of the small Jira's fixture data."""
    return copy.deepcopy(SMALL_JIRA)


@pytest.fixture(scope="session")
def small_jira_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small Jira built once for the session (tests must not write to it)."""
    path = tmp_path_factory.mktemp("jql") / "small.sqlite"
    build_database(Fixture.model_validate(SMALL_JIRA), path)
    return path


@pytest.fixture
def conn(small_jira_db: Path) -> Iterator[sqlite3.Connection]:
    """A connection to the session's small Jira."""
    connection = connect(small_jira_db)
    yield connection
    connection.close()
