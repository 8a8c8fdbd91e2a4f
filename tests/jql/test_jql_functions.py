"""The JQL function registry: a function declared once (name, arity, field kinds, evaluation) works through JQL with
Jira's messages, a declaration without an evaluation cannot be made, and docs/jql.md lists every function."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from jira_bench_tui.jira import jql_functions
from jira_bench_tui.jira.jql import JqlError, search
from jira_bench_tui.jira.jql_functions import FUNCTIONS, FunctionCall, JqlFunction, jql_function

DOCS = Path(__file__).resolve().parents[2] / "docs" / "jql.md"


@pytest.fixture
def scratch_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """Declarations made in the test are dropped afterwards (the registry's table is restored)."""
    monkeypatch.setattr(FUNCTIONS, "_by_name", dict(FUNCTIONS._by_name))


def _keys(conn: sqlite3.Connection, jql: str) -> list[str]:
    ids, _total = search(conn, jql)
    by_id = dict(conn.execute("SELECT id, key FROM issues").fetchall())
    return [by_id[i] for i in ids]


@pytest.mark.usefixtures("scratch_registry")
def test_a_function_declared_once_works_through_jql(conn: sqlite3.Connection) -> None:
    seen: list[FunctionCall] = []

    @jql_function("qaTeam", kinds={"assignee", "reporter"}, args=(0, 1))
    def qa_team(call: FunctionCall) -> list[Any]:
        seen.append(call)
        return [r[0] for r in call.conn.execute("SELECT account_id FROM users WHERE email LIKE 'carol@%'")]

    assert _keys(conn, "assignee in qaTeam() ORDER BY key") == _keys(conn, "assignee = 'carol@acme.test' ORDER BY key")
    assert _keys(conn, "assignee in qaTeam()")  # the small Jira has issues assigned to Carol
    assert seen[0].name == "qaTeam" and seen[0].args == () and seen[0].field == "assignee"
    # the declaration drives Jira's messages: the field kinds, the arity, and the name in any case
    assert _keys(conn, "reporter = QATEAM('x')") == _keys(conn, "reporter = 'carol@acme.test'")
    with pytest.raises(JqlError, match=r"^Function 'qaTeam' is not supported by the field 'creator'\.$"):
        search(conn, "creator = qaTeam()")
    with pytest.raises(JqlError, match=r"^Function 'qaTeam' expected between '0' and '1' arguments but received '2'\.$"):
        search(conn, "assignee in qaTeam(a, b)")


@pytest.mark.usefixtures("scratch_registry")
def test_a_function_is_declared_once() -> None:
    with pytest.raises(ValueError, match="declared twice"):
        jql_function("CURRENTUSER", kinds={"assignee"})(lambda call: [])


def test_a_function_without_an_evaluation_cannot_be_declared() -> None:
    with pytest.raises(TypeError):
        JqlFunction("noEval", 0, 0, frozenset({"assignee"}))  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="has no evaluation"):
        JqlFunction("noEval", 0, 0, frozenset({"assignee"}), None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="has no evaluation"):
        jql_function("noEval", kinds={"assignee"})(None)  # type: ignore[arg-type]
    assert FUNCTIONS.get("noEval") is None


@pytest.mark.parametrize(("kinds", "args", "message"), [
    (set(), (0, 0), "applies to no field kind"),
    ({"asignee"}, (0, 0), r"unknown field kinds \['asignee'\]"),
    ({"assignee"}, (2, 1), "bad arity"),
])
def test_a_declaration_that_cannot_work_fails_at_definition(kinds: set[str], args: tuple[int, int],
                                                             message: str) -> None:
    with pytest.raises(ValueError, match=message):
        JqlFunction("broken", args[0], args[1], frozenset(kinds), lambda call: [])


def test_every_declared_function_has_an_evaluation_and_is_documented() -> None:
    documented = {name.lower() for name in re.findall(r"`(\w+)\(", DOCS.read_text(encoding="utf-8"))}
    assert len(FUNCTIONS) >= 20
    for function in FUNCTIONS:
        assert callable(function.evaluate)
        assert function.name.lower() in documented, f"docs/jql.md does not mention {function.name}()"
    assert jql_functions.FUNCTIONS is FUNCTIONS
