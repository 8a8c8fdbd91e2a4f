"""The JQL functions, each declared once: its name, how many arguments it takes, which field kinds accept it, and
its evaluation (the stored values it stands for).

Declaring a function is one decorator above its evaluation::

    @jql_function("openSprints", kinds={"sprint"})
    def _open_sprints(call: FunctionCall) -> list[Any]:
        ...

The compiler checks every call against this registry (with Jira Cloud's messages for an unknown function, a field
that does not take it and a wrong number of arguments) and evaluates it from here; docs/jql.md lists the same
functions (a test keeps the two in step). A declaration without an evaluation cannot be written: the decorator
needs the function, and `JqlFunction` refuses anything that cannot be called."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from jira_bench_tui.jira.jql_dates import DateValueError, evaluate_date_function
from jira_bench_tui.jira.jql_fields import DATE_KINDS, KIND_OPERATORS, USER_KINDS
from jira_bench_tui.jira.jql_lookups import issue_id, link_condition, project_id
from jira_bench_tui.jira.jql_parser import JqlError


@dataclass(frozen=True)
class FunctionCall:
    """One call being evaluated: the database and clock it runs against, the call as written (`name` keeps the
    query's spelling, for messages) and the name of the field it is compared with, as written."""

    conn: sqlite3.Connection
    now: datetime
    current_user: str  # account id
    name: str
    args: tuple[str, ...]
    field: str


Evaluation = Callable[[FunctionCall], list[Any]]


@dataclass(frozen=True)
class JqlFunction:
    """A JQL function: `name` in Jira's spelling ("currentUser"), `min_args` to `max_args` arguments, the field
    `kinds` (see jql_fields.py) that accept it, and `evaluate`, which turns a call into the stored values it stands
    for (account ids, sprint ids, UTC datetimes...) or raises JqlError with Jira's message.

    Raises TypeError when `evaluate` is not callable, ValueError for an impossible arity, no kinds or a kind
    jql_fields.py does not know."""

    name: str
    min_args: int
    max_args: int
    kinds: frozenset[str]
    evaluate: Evaluation

    def __post_init__(self) -> None:
        if not callable(self.evaluate):
            raise TypeError(f"JQL function '{self.name}' has no evaluation (got {self.evaluate!r})")
        if not 0 <= self.min_args <= self.max_args:
            raise ValueError(f"JQL function '{self.name}': bad arity {self.min_args}..{self.max_args}")
        if not self.kinds:
            raise ValueError(f"JQL function '{self.name}' applies to no field kind")
        unknown = sorted(self.kinds - KIND_OPERATORS.keys())
        if unknown:
            raise ValueError(f"JQL function '{self.name}': unknown field kinds {unknown}")

    def arity_message(self, written: str, received: int) -> str:
        """Jira's message for a call of this function (`written` as the query spells it) with `received` arguments
        outside its arity, from its NumberOfArgumentsValidator (keys jira.jql.function.arg.incorrect.exact and
        .range): "Function 'currentUser' expected '0' arguments but received '1'." or "Function 'startOfDay'
        expected between '0' and '1' arguments but received '2'."."""
        if self.min_args == self.max_args:
            expected = f"expected '{self.min_args}' arguments"
        else:
            expected = f"expected between '{self.min_args}' and '{self.max_args}' arguments"
        return f"Function '{written}' {expected} but received '{received}'."


class FunctionRegistry:
    """The JQL functions by lower-case name (JQL function names are case-insensitive)."""

    def __init__(self) -> None:
        self._by_name: dict[str, JqlFunction] = {}

    def add(self, function: JqlFunction) -> JqlFunction:
        """Register `function`; ValueError when a function of that name (in any case) is already there."""
        key = function.name.lower()
        if key in self._by_name:
            raise ValueError(f"JQL function '{function.name}' is declared twice")
        self._by_name[key] = function
        return function

    def declare(self, name: str, *, kinds: frozenset[str] | set[str],
                args: tuple[int, int] = (0, 0)) -> Callable[[Evaluation], Evaluation]:
        """A decorator that registers the function it decorates as the evaluation of JQL function `name`,
        taking `args` = (fewest, most) arguments, for fields of `kinds`."""
        def register(evaluate: Evaluation) -> Evaluation:
            self.add(JqlFunction(name, args[0], args[1], frozenset(kinds), evaluate))
            return evaluate
        return register

    def get(self, name: str) -> JqlFunction | None:
        """The function called `name` (any case), or None."""
        return self._by_name.get(name.lower())

    def __iter__(self) -> Iterator[JqlFunction]:
        return iter(self._by_name.values())

    def __len__(self) -> int:
        return len(self._by_name)

    def check(self, name: str, arg_count: int, kind: str, field: str) -> JqlFunction:
        """The function a call names, after Jira's checks, in Jira's order: it exists ("Unable to find JQL
        function 'bogus()'."), the field takes it ("Function 'now' is not supported by the field 'assignee'."),
        the number of arguments fits ("Function 'membersOf' expected '1' arguments but received '0'.").

        `name` and `field` are as the query wrote them; raises JqlError."""
        function = self.get(name)
        if function is None:
            raise JqlError(f"Unable to find JQL function '{name}()'.")
        if kind not in function.kinds:
            raise JqlError(f"Function '{name}' is not supported by the field '{field}'.")
        if not function.min_args <= arg_count <= function.max_args:
            raise JqlError(function.arity_message(name, arg_count))
        return function


FUNCTIONS = FunctionRegistry()
jql_function = FUNCTIONS.declare


# ---- users ---------------------------------------------------------------------------------------------------


@jql_function("currentUser", kinds=USER_KINDS)
def _current_user(call: FunctionCall) -> list[Any]:
    return [call.current_user]


@jql_function("membersOf", kinds=USER_KINDS, args=(1, 1))
def _members_of(call: FunctionCall) -> list[Any]:
    group = call.args[0]
    rows = call.conn.execute("SELECT name FROM groups WHERE lower(name) = lower(?)", (group,)).fetchall()
    if not rows:
        raise JqlError(f"Function 'membersOf' can not generate a list of usernames for group '{group}'; "
                       "the group does not exist.")
    return [r[0] for r in call.conn.execute(
        "SELECT account_id FROM group_members WHERE group_name = ? ORDER BY account_id", (rows[0][0],))]


# ---- dates (jql_dates.py does the calendar arithmetic) ---------------------------------------------------------


def _moment(call: FunctionCall) -> list[Any]:
    try:
        return [evaluate_date_function(call.name.lower(), call.args, call.now)]
    except DateValueError:
        # Jira's text (its func test TestJqlParsing: `startOfDay("invalid")`)
        raise JqlError(f"Duration for function '{call.name}' should have the format (+/-)n(yMwdm), e.g -1M for 1 "
                       "month earlier.") from None


for _name in ("now", "currentLogin", "lastLogin"):  # no sessions here: both logins are now
    FUNCTIONS.add(JqlFunction(_name, 0, 0, DATE_KINDS, _moment))
for _name in ("startOfDay", "endOfDay", "startOfWeek", "endOfWeek", "startOfMonth", "endOfMonth", "startOfYear",
              "endOfYear"):  # an optional offset: startOfDay(-1), endOfMonth("+1M")
    FUNCTIONS.add(JqlFunction(_name, 0, 1, DATE_KINDS, _moment))


# ---- sprints, versions, issue types ----------------------------------------------------------------------------


def _sprints_in(call: FunctionCall, states: tuple[str, ...]) -> list[Any]:
    marks = ", ".join("?" for _ in states)
    return [r[0] for r in call.conn.execute(f"SELECT id FROM sprints WHERE state IN ({marks}) ORDER BY id", states)]


@jql_function("openSprints", kinds={"sprint"})
def _open_sprints(call: FunctionCall) -> list[Any]:
    return _sprints_in(call, ("active", "future"))  # as in Jira: not yet closed


@jql_function("closedSprints", kinds={"sprint"})
def _closed_sprints(call: FunctionCall) -> list[Any]:
    return _sprints_in(call, ("closed",))


@jql_function("futureSprints", kinds={"sprint"})
def _future_sprints(call: FunctionCall) -> list[Any]:
    return _sprints_in(call, ("future",))


def _versions(call: FunctionCall, released: bool) -> list[Any]:
    sql = "SELECT v.id FROM versions v JOIN projects p ON p.id = v.project_id WHERE v.released = ?"
    params: list[Any] = [int(released)]
    if call.args:
        project = project_id(call.conn, call.args[0])
        if project is None:
            raise JqlError(f"Could not resolve the project '{call.args[0]}' provided to function '{call.name}'.")
        sql += " AND v.project_id = ?"
        params.append(project)
    return [r[0] for r in call.conn.execute(sql + " ORDER BY v.id", params)]


@jql_function("releasedVersions", kinds={"fixversion", "affectedversion"}, args=(0, 1))
def _released_versions(call: FunctionCall) -> list[Any]:
    return _versions(call, released=True)


@jql_function("unreleasedVersions", kinds={"fixversion", "affectedversion"}, args=(0, 1))
def _unreleased_versions(call: FunctionCall) -> list[Any]:
    return _versions(call, released=False)


def _issue_types(call: FunctionCall, subtask: bool) -> list[Any]:
    return [r[0] for r in call.conn.execute("SELECT id FROM issue_types WHERE subtask = ?", (int(subtask),))]


@jql_function("standardIssueTypes", kinds={"issuetype"})
def _standard_issue_types(call: FunctionCall) -> list[Any]:
    return _issue_types(call, subtask=False)


@jql_function("subtaskIssueTypes", kinds={"issuetype"})
def _subtask_issue_types(call: FunctionCall) -> list[Any]:
    return _issue_types(call, subtask=True)


# ---- links ---------------------------------------------------------------------------------------------------


@jql_function("linkedIssues", kinds={"key"}, args=(1, 2))
def _linked_issues(call: FunctionCall) -> list[Any]:
    """The issues linked to an issue, optionally only through links read as a phrase ("blocks") or of a type."""
    issue = issue_id(call.conn, call.args[0], call.field)
    sql = ("SELECT CASE WHEN l.inward_issue_id = ? THEN l.outward_issue_id ELSE l.inward_issue_id END "
           "FROM issue_links l JOIN link_types lt ON lt.id = l.link_type_id "
           "WHERE (l.inward_issue_id = ? OR l.outward_issue_id = ?)")
    params: list[Any] = [issue, issue, issue]
    if len(call.args) == 2:
        condition, more = link_condition(call.conn, call.args[1].strip().lower(), "l", str(int(issue)))
        sql += " AND " + condition
        params += more
    return [r[0] for r in call.conn.execute(sql, params)]
