"""A parsed JQL query to one SQL statement over schema.sql: each clause becomes a condition (EXISTS subqueries for
multi-valued fields), each ORDER BY key a sort expression. Issues are the alias `i`.

Field names are resolved by `jql_fields.py`, values (literals and function calls) by `jql_values.py`; this module
only writes SQL."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from typing import Any

from jira_bench_tui.jira.jql_fields import (
    KIND_OPERATORS,
    RANGE,
    Field,
    FieldResolver,
)
from jira_bench_tui.jira.jql_functions import FUNCTIONS, FunctionRegistry
from jira_bench_tui.jira.jql_history import HistoryCompiler
from jira_bench_tui.jira.jql_lookups import link_condition, no_value
from jira_bench_tui.jira.jql_parser import (
    And,
    Clause,
    Empty,
    Function,
    HistoryClause,
    JqlError,
    Literal_,
    Node,
    Not,
    Or,
    Query,
    SortKey,
    Value,
)
from jira_bench_tui.jira.jql_text import (
    NOTHING,
    SQL_FUNCTION,
    TextQueryError,
    compile_text_query,
    fts_query,
    like_hints,
)
from jira_bench_tui.jira.jql_values import Resolved, ValueResolver

# Sorting: the SQL expression per kind; None = Jira refuses to sort by it.
ORDER_EXPRESSIONS: dict[str, str | None] = {
    "project": "(SELECT p.key FROM projects p WHERE p.id = i.project_id)",
    "key": "(SELECT p.key FROM projects p WHERE p.id = i.project_id), i.num",
    "summary": "i.summary COLLATE NOCASE",
    "status": "(SELECT s.sort_order FROM statuses s WHERE s.id = i.status_id)",
    "statuscategory": "(SELECT CASE s.category_id WHEN 2 THEN 0 WHEN 4 THEN 1 ELSE 2 END FROM statuses s "
                      "WHERE s.id = i.status_id)",
    "priority": "(SELECT -pr.rank FROM priorities pr WHERE pr.id = i.priority_id)",
    "issuetype": "i.issue_type_id",
    "assignee": "(SELECT u.display_name FROM users u WHERE u.account_id = i.assignee_id) COLLATE NOCASE",
    "reporter": "(SELECT u.display_name FROM users u WHERE u.account_id = i.reporter_id) COLLATE NOCASE",
    "creator": "(SELECT u.display_name FROM users u WHERE u.account_id = i.creator_id) COLLATE NOCASE",
    "component": "(SELECT min(c.name) FROM issue_components ic JOIN components c ON c.id = ic.component_id "
                 "WHERE ic.issue_id = i.id)",
    "fixversion": "(SELECT min(iv.version_id) FROM issue_versions iv WHERE iv.issue_id = i.id AND iv.kind = 'fix')",
    "affectedversion": "(SELECT min(iv.version_id) FROM issue_versions iv WHERE iv.issue_id = i.id "
                       "AND iv.kind = 'affects')",
    "sprint": "(SELECT max(si.sprint_id) FROM sprint_issues si WHERE si.issue_id = i.id)",
    "parent": "(SELECT p.key FROM projects p JOIN issues pi ON pi.project_id = p.id WHERE pi.id = i.parent_id), "
              "(SELECT pi.num FROM issues pi WHERE pi.id = i.parent_id)",
    "epiclink": "i.parent_id",
    "created": "i.created", "updated": "i.updated", "resolutiondate": "i.resolution_date", "duedate": "i.due_date",
    "resolution": "i.resolution_id", "rank": "i.id", "timespent": "NULLIF(i.time_spent_s, 0)",
    "originalestimate": "i.orig_estimate_s", "remainingestimate": "i.remaining_estimate_s",
    "description": None, "environment": None, "comment": None, "text": None, "labels": None,
    "watcher": None, "issuelinktype": None, "worklogauthor": None, "worklogdate": None,
}
DESCENDING_BY_DEFAULT = {"created", "updated", "resolutiondate", "priority"}
EMPTY_SORTS_FIRST = {"priority"}  # an issue without priority ranks below the lowest one
USER_COLUMNS = {"assignee": "i.assignee_id", "reporter": "i.reporter_id", "creator": "i.creator_id"}
DURATION_COLUMNS = {"timespent": "NULLIF(i.time_spent_s, 0)", "originalestimate": "i.orig_estimate_s",
                    "remainingestimate": "i.remaining_estimate_s"}
WORKLOGS = "SELECT 1 FROM worklogs x WHERE x.issue_id = i.id"
DATE_COLUMNS = {"created": "i.created", "updated": "i.updated", "resolutiondate": "i.resolution_date",
                "duedate": "(i.due_date || 'T00:00:00.000+0000')"}
TEXT_COLUMNS = {"summary": "i.summary", "description": "i.description", "environment": "i.environment"}
# The operator a clause takes under NOT (Jira's DeMorgansVisitor.getNotOperator)
NEGATED_OPERATORS = {"=": "!=", "!=": "=", "in": "not in", "not in": "in", "is": "is not", "is not": "is",
                     "~": "!~", "!~": "~", ">": "<=", ">=": "<", "<": ">=", "<=": ">"}
TEXT_SEARCH_COLUMNS = ("summary", "description", "environment", "custom_text")  # issue_text's columns
_MINUTE = timedelta(minutes=1)


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"


class Compiler:
    """Compiles one query for one database (values are checked against it) into SQL and parameters."""

    def __init__(self, conn: sqlite3.Connection, query: Query, now: datetime, current_user: str,
                 functions: FunctionRegistry = FUNCTIONS) -> None:
        self.conn = conn
        self.query = query
        self.params: list[Any] = []
        self.fields = FieldResolver(conn)
        self.values = ValueResolver(conn, now, current_user, functions)
        self.history = HistoryCompiler(self.fields, self.values, self.params)

    # ------------------------------------------------------------ entry points

    def where_sql(self) -> str:
        """The WHERE condition over `issues i` ("1" for a query without one); its parameters go to `self.params`."""
        return "1" if self.query.where is None else self.node(self.query.where, negated=False)

    def order_sql(self) -> str:
        """The ORDER BY list: the query's keys then `i.id` (ties by id); without ORDER BY, newest first as Jira
        Cloud."""
        if not self.query.order_by:
            return "i.created DESC, i.id DESC"
        parts = [self.sort_key(key) for key in self.query.order_by]
        return ", ".join(parts + ["i.id ASC"])

    # ------------------------------------------------------------ boolean structure

    def node(self, node: Node, negated: bool) -> str:
        """The SQL of a boolean node. NOT is pushed down to the clauses as Jira does before it searches (its
        DeMorgansVisitor): `NOT (a OR b)` is `NOT a AND NOT b`, and a negated clause takes the opposite operator
        (`NOT assignee = bob` is `assignee != bob`, `NOT created > d` is `created <= d`, `NOT summary ~ x` is
        `summary !~ x`), so a negated clause leaves out the issues without a value, as in Jira. A negated history
        clause is its complement (WAS NOT, NOT CHANGED)."""
        if isinstance(node, And | Or):
            joiner = " AND " if isinstance(node, And) != negated else " OR "
            return _balanced(joiner, [self.node(n, negated) for n in node.operands])
        if isinstance(node, Not):
            return self.node(node.operand, not negated)
        if isinstance(node, HistoryClause):
            sql = self.history.clause(node)
            return f"(NOT {sql})" if negated else f"({sql})"
        return f"({self.clause(node, negated)})"

    # ------------------------------------------------------------ fields

    def sort_key(self, key: SortKey) -> str:
        """One ORDER BY key as SQL sort terms, with the field's default direction (created, updated, resolved and
        priority descend) and Jira's place for empty values (last ascending, first descending; no priority ranks
        below Lowest). Raises JqlError for a field Jira cannot sort by ("Field 'text' does not support
        sorting.")."""
        field = self.fields.resolve(key.field)
        if field.kind.startswith("cf_"):
            expression: str | None = None if field.kind in ("cf_array",) else self.custom_value_sql(field)
        else:
            expression = ORDER_EXPRESSIONS.get(field.kind)
        if expression is None:
            raise JqlError(f"Field '{field.shown}' does not support sorting.")
        descending = key.descending if key.descending is not None else field.kind in DESCENDING_BY_DEFAULT
        direction = "DESC" if descending else "ASC"
        empty_first = descending != (field.kind in EMPTY_SORTS_FIRST)
        nulls = "NULLS FIRST" if empty_first else "NULLS LAST"
        return ", ".join(f"{part.strip()} {direction} {nulls}" for part in _split_top_level(expression))

    # ------------------------------------------------------------ clauses

    def clause(self, clause: Clause, negated: bool = False) -> str:
        """The SQL condition of one clause; `negated` (under NOT) takes the opposite operator, after the checks,
        which Jira makes on the query as written. Raises JqlError, with Jira's message, for an operator the field
        does not take or a value it does not know."""
        field = self.fields.resolve(clause.field)
        shown = clause.op
        if shown not in KIND_OPERATORS[field.kind]:
            raise JqlError(f"The operator '{_op_shown(shown)}' is not supported by the '{field.shown}' field.")
        op = NEGATED_OPERATORS[shown] if negated else shown
        value = clause.value
        if op in ("~", "!~"):
            return self.text_clause(field, op, value, shown)
        if isinstance(value, Empty) or op in ("is", "is not"):
            if op in ("=", "is", "in"):
                return self.emptiness(field, empty=True)
            if op in ("!=", "is not", "not in"):
                return self.emptiness(field, empty=False)
            raise JqlError(f"The operator '{_op_shown(shown)}' is not supported by the '{field.shown}' field "
                           "when comparing with EMPTY.")
        values = value if isinstance(value, tuple) else (value,)
        if field.kind == "worklogdate":
            return self.worklog_date_clause(field, op, values)
        if op in RANGE:
            if isinstance(values[0], Function) and field.kind == "key":
                raise JqlError(f"The operator '{shown}' is not supported by the '{field.shown}' field with a "
                               "function.")
            return self.range_clause(field, op, values[0])
        positive = op in ("=", "in")
        return self.membership(field, values, positive)

    # -- emptiness

    def emptiness(self, field: Field, empty: bool) -> str:
        """`field IS EMPTY` (`empty`) or `IS NOT EMPTY`: no value, an empty text, no row of a multi-valued field."""
        kind = field.kind
        if kind in ("project", "key", "status", "statuscategory", "issuetype", "summary", "created", "updated"):
            return "0" if empty else "1"
        column = self.single_column(field)
        if column is not None:
            return f"{column} IS NULL" if empty else f"{column} IS NOT NULL"
        if kind in ("description", "environment"):
            column = TEXT_COLUMNS[kind]
            return f"({column} IS NULL OR {column} = '')" if empty else f"({column} IS NOT NULL AND {column} <> '')"
        if kind == "cf_string":
            column = self.custom_value_sql(field)
            return f"({column} IS NULL OR {column} = '')" if empty else f"({column} IS NOT NULL AND {column} <> '')"
        if kind == "comment":
            sub = "SELECT 1 FROM comments c WHERE c.issue_id = i.id"
        else:
            sub = self.multi_subquery(field)
        return f"NOT EXISTS ({sub})" if empty else f"EXISTS ({sub})"

    def single_column(self, field: Field) -> str | None:
        """The SQL of a single-valued field whose stored values the resolver produces; None for other kinds."""
        kind = field.kind
        if kind in USER_COLUMNS:
            return USER_COLUMNS[kind]
        if kind in DURATION_COLUMNS:
            return DURATION_COLUMNS[kind]
        if kind in DATE_COLUMNS:
            return DATE_COLUMNS[kind].replace(" || 'T00:00:00.000+0000'", "") if kind == "duedate" else DATE_COLUMNS[kind]
        return {
            "project": "i.project_id", "key": "i.id", "status": "i.status_id", "statuscategory": "i.status_id",
            "issuetype": "i.issue_type_id", "priority": "i.priority_id", "resolution": "i.resolution_id",
            "parent": "i.parent_id", "epiclink": "i.parent_id",
        }.get(kind) or (self.custom_value_sql(field) if kind in ("cf_number", "cf_option", "cf_user", "cf_date")
                        else None)

    def custom_value_sql(self, field: Field) -> str:
        """The SQL of a single custom field's stored JSON value (lower-cased for select options, which compare in
        any case)."""
        assert field.custom_id is not None
        path = f'$."{field.custom_id}"'
        expression = f"json_extract(i.custom_fields, '{path}')"
        return f"lower({expression})" if field.kind == "cf_option" else expression

    def multi_subquery(self, field: Field, condition: str = "") -> str:
        """SELECT 1 over the rows of a multi-valued field of issue i, with an optional condition on `x.v`."""
        base = {
            "labels": "SELECT 1 FROM issue_labels x WHERE x.issue_id = i.id",
            "component": "SELECT 1 FROM issue_components x WHERE x.issue_id = i.id",
            "fixversion": "SELECT 1 FROM issue_versions x WHERE x.issue_id = i.id AND x.kind = 'fix'",
            "affectedversion": "SELECT 1 FROM issue_versions x WHERE x.issue_id = i.id AND x.kind = 'affects'",
            "sprint": "SELECT 1 FROM sprint_issues x WHERE x.issue_id = i.id",
            "watcher": "SELECT 1 FROM watchers x WHERE x.issue_id = i.id",
            "worklogauthor": WORKLOGS, "worklogdate": WORKLOGS,
            "issuelinktype": "SELECT 1 FROM issue_links x JOIN link_types lt ON lt.id = x.link_type_id "
                             "WHERE (x.inward_issue_id = i.id OR x.outward_issue_id = i.id)",
        }.get(field.kind)
        value = {
            "labels": "x.label COLLATE NOCASE", "component": "x.component_id", "fixversion": "x.version_id",
            "affectedversion": "x.version_id", "sprint": "x.sprint_id", "watcher": "x.account_id",
            "worklogauthor": "x.author_id",
        }.get(field.kind, "")
        if field.kind == "cf_array":
            assert field.custom_id is not None
            base = (f"SELECT 1 FROM json_each(json_extract(i.custom_fields, '$.\"{field.custom_id}\"')) x "
                    "WHERE json_type(i.custom_fields, '$.\"" + field.custom_id + "\"') = 'array'")
            value = "lower(x.value)"
        assert base is not None
        if not condition:
            return base
        return f"{base} AND {condition.replace('x.v', value)}"

    # -- membership: = != IN NOT IN

    def membership(self, field: Field, values: tuple[Value, ...], positive: bool) -> str:
        """= != IN NOT IN over resolved values. As Jira, != and NOT IN never match an issue without a value, and
        EMPTY in the list (`IN (x, EMPTY)`) adds the issues without one; a multi-valued field matches when any of
        its values does."""
        if field.kind == "issuelinktype":
            return self.link_type_clause(field, values, positive)
        resolved = self.values.resolve(field, values)
        single = self.single_column(field)
        if field.kind in DATE_COLUMNS or field.kind == "cf_date":
            return self.date_membership(field, DATE_COLUMNS.get(field.kind) or str(single), resolved, positive)
        marks = self.bind(resolved.values)
        if single is not None:
            column = single
            matches = f"{column} IN ({marks})" if resolved.values else "0"
            if positive:
                return f"({matches} OR {column} IS NULL)" if resolved.empty else matches
            return f"({column} IS NOT NULL AND NOT ({matches}))"
        if resolved.values:
            matching = f"EXISTS ({self.multi_subquery(field, f'x.v IN ({marks})')})"
        else:
            matching = "0"
        any_value = f"EXISTS ({self.multi_subquery(field)})"
        if positive:
            return f"({matching} OR NOT {any_value})" if resolved.empty else matching
        return f"({any_value} AND NOT {matching})"

    def bind(self, values: tuple[Any, ...]) -> str:
        """Add `values` to the parameters; the matching "?, ?, ..." placeholders."""
        self.params.extend(values)
        return ", ".join("?" for _ in values)

    def date_membership(self, field: Field, column: str, resolved: Resolved, positive: bool) -> str:
        """= != IN NOT IN on a date field: each moment matches its whole minute (`created = "2026-11-10 09:00"` is
        09:00:00-09:00:59, as in Jira); a date custom field matches its day."""
        ranges = []
        for moment in resolved.values:
            start = moment.replace(second=0, microsecond=0)
            if field.kind == "cf_date":
                ranges.append(f"{column} = ?")
                self.params.append(start.strftime("%Y-%m-%d"))
                continue
            ranges.append(f"({column} >= ? AND {column} < ?)")
            self.params.extend([_stamp(start), _stamp(start + _MINUTE)])
        matches = " OR ".join(ranges) if ranges else "0"
        if positive:
            return f"({matches} OR {column} IS NULL)" if resolved.empty else f"({matches})"
        return f"({column} IS NOT NULL AND NOT ({matches}))"

    # -- ranges: > >= < <=

    def range_clause(self, field: Field, op: str, value: Value) -> str:
        """> >= < <= on a field that takes ranges: dates (minute resolution), priority (by rank: `priority > Medium`
        is higher than Medium), issue keys (within the key's project), numbers and durations. Raises JqlError for
        other fields."""
        kind = field.kind
        if kind in DATE_COLUMNS or kind == "cf_date":
            moment = self.values.resolve(field, (value,)).values[0].replace(second=0, microsecond=0)
            if kind == "cf_date":
                column = self.custom_value_sql(field)
                self.params.append(moment.strftime("%Y-%m-%d"))
                return f"{column} {op} ?"
            return self.date_range_condition(DATE_COLUMNS[kind], op, moment)
        if kind == "priority":
            priority_id = self.values.resolve(field, (value,)).values[0]
            rank = self.conn.execute("SELECT rank FROM priorities WHERE id = ?", (priority_id,)).fetchone()[0]
            self.params.append(rank)
            flipped = {">": "<", ">=": "<=", "<": ">", "<=": ">="}[op]  # a higher priority has a lower rank
            return f"(SELECT pr.rank FROM priorities pr WHERE pr.id = i.priority_id) {flipped} ?"
        if kind == "key":
            issue_id = self.values.resolve(field, (value,)).values[0]
            row = self.conn.execute("SELECT project_id, num FROM issues WHERE id = ?", (issue_id,)).fetchone()
            self.params.extend([row[0], row[1]])
            return f"(i.project_id = ? AND i.num {op} ?)"
        if kind == "cf_number":
            number = self.values.number(field, value)
            self.params.append(number)
            return f"{self.custom_value_sql(field)} {op} ?"
        if kind in DURATION_COLUMNS:
            self.params.append(self.values.resolve(field, (value,)).values[0])
            return f"{DURATION_COLUMNS[kind]} {op} ?"
        raise JqlError(f"The operator '{op}' is not supported by the '{field.shown}' field.")

    def date_range_condition(self, column: str, op: str, moment: datetime) -> str:
        """`column op moment` at minute resolution, written as a range over stored timestamps (index-friendly)."""
        bound = {">": moment + _MINUTE, ">=": moment, "<": moment, "<=": moment + _MINUTE}[op]
        sql_op = {">": ">=", ">=": ">=", "<": "<", "<=": "<"}[op]
        self.params.append(_stamp(bound))
        return f"{column} {sql_op} ?"

    def worklog_date_clause(self, field: Field, op: str, values: tuple[Value, ...]) -> str:
        """worklogDate: some worklog of the issue was started at the given time (or in the given range)."""
        if op in RANGE:
            moment = self.values.resolve(field, values[:1]).values[0].replace(second=0, microsecond=0)
            return f"EXISTS ({WORKLOGS} AND {self.date_range_condition('x.started', op, moment)})"
        resolved = self.values.resolve(field, values)
        matching = f"EXISTS ({WORKLOGS} AND {self.date_membership(field, 'x.started', Resolved(resolved.values), True)})"
        if op in ("=", "in"):
            return f"({matching} OR NOT EXISTS ({WORKLOGS}))" if resolved.empty else matching
        return f"(EXISTS ({WORKLOGS}) AND NOT {matching})"

    # -- text: ~ !~

    def text_clause(self, field: Field, op: str, value: Value | tuple[Value, ...], shown: str) -> str:
        """~ and !~: the text match of jql_text.py (Jira's Lucene syntax; FTS5 for system fields and comments, our
        matcher for text custom fields). `text ~ x` is `summary ~ x OR description ~ x OR environment ~ x OR
        comment ~ x` and the text custom fields, each searched alone (Jira's AllTextClauseQueryFactory); a comment
        matches alone. `f !~ x` finds the issues whose field has a value that does not match, as Jira does. Raises
        JqlError for a function or a list as the value, and with Jira's message for a text Jira refuses; `shown` is
        the operator as written (`op` is the one searched: `NOT summary ~ x` searches `!~`).

        `NOT text ~ x` is `text !~ x`, which matches nothing: Jira's AllTextClauseQueryFactory answers a false
        result for any operator but `~` (the text is still checked)."""
        if field.kind == "text" and op == "!~":
            bound = len(self.params)
            self.text_clause(field, "~", value, shown)
            del self.params[bound:]
            return "0"
        if isinstance(value, Empty):
            sql = self.emptiness(field, empty=True)
            return f"NOT ({sql})" if op == "~" else sql
        if not isinstance(value, Literal_):
            if isinstance(value, Function):
                self.values.check_function(field, value)
            raise JqlError(f"The operator '{shown}' is not supported by the '{field.shown}' field.")
        filled = "" if op == "~" else self.emptiness(field, empty=False)  # binds nothing; written first
        try:
            if field.kind == "cf_string":
                matched = self.match_sql(self.custom_value_sql(field), compile_text_query(value.text, field.shown))
            else:
                matched = self.fts_sql(field, *fts_query(value.text, field.shown))
        except TextQueryError as error:
            raise JqlError(str(error)) from None
        return matched if op == "~" else f"({filled} AND NOT COALESCE({matched}, 0))"

    def fts_sql(self, field: Field, match: str | None, together: bool = False) -> str:
        """The FTS5 search of a system text field, `comment` or `text` (per field, and per comment; all the fields
        in one search when `together` gives the same issues, which is faster)."""
        if match is None or match == NOTHING:  # only stop words, or only prohibited terms: nothing matches
            return "0"
        issue_match = "i.id IN (SELECT rowid FROM issue_text WHERE issue_text MATCH ?)"
        comment_match = "i.id IN (SELECT issue_id FROM comment_text WHERE comment_text MATCH ?)"
        if field.kind == "text":
            per_field = " OR ".join(f"({{{column}}} : ({match}))" for column in TEXT_SEARCH_COLUMNS)
            if together:
                per_field = f"{{{' '.join(TEXT_SEARCH_COLUMNS)}}} : ({match})"
            self.params.extend([per_field, match])
            return f"({issue_match} OR {comment_match})"
        if field.kind == "comment":
            self.params.append(match)
            return comment_match
        self.params.append(f"{field.kind} : ({match})")
        return issue_match

    def match_sql(self, column: str, pattern: str) -> str:
        """A `jql_text_match` call on `column`, behind LIKE pre-filters that every matching text passes (cheap, so
        SQLite calls the Python matcher rarely)."""
        likes = []
        for hint in like_hints(pattern):
            likes.append(f"{column} LIKE ?")
            self.params.append(f"%{hint}%")
        self.params.append(pattern)
        return "(" + " AND ".join([*likes, f"{SQL_FUNCTION}({column}, ?)"]) + ")"

    def link_type_clause(self, field: Field, values: tuple[Value, ...], positive: bool) -> str:
        """issueLinkType = != IN NOT IN: a link read as the phrase from this issue ("blocks", "is blocked by") or
        of the named type (both directions). Raises JqlError for an unknown phrase or type, or a function as the
        value."""
        conditions = []
        for value in values:
            if not isinstance(value, Literal_):
                raise JqlError(f"The operator '=' is not supported by the '{field.shown}' field with this value.")
            text = value.text.strip().lower()
            found = self.conn.execute(
                "SELECT 1 FROM link_types WHERE lower(inward) = ? OR lower(outward) = ? OR lower(name) = ?",
                (text, text, text)).fetchone()
            if found is None:
                raise no_value(value.text, field.shown)
            condition, params = link_condition(self.conn, text, "x", "i.id")
            conditions.append(condition)
            self.params.extend(params)
        matching = f"EXISTS ({self.multi_subquery(field)} AND ({' OR '.join(conditions)}))"
        if positive:
            return matching
        return f"(EXISTS ({self.multi_subquery(field)}) AND NOT {matching})"

def _balanced(joiner: str, parts: list[str], width: int = 100) -> str:
    """Join conditions in groups of `width`, so that SQLite's expression depth stays small for long AND/OR chains."""
    while len(parts) > width:
        parts = ["(" + joiner.join(parts[n : n + width]) + ")" for n in range(0, len(parts), width)]
    return "(" + joiner.join(parts) + ")"


def _op_shown(op: str) -> str:
    return op.upper() if op in ("in", "not in", "is", "is not") else op


def _split_top_level(expression: str) -> list[str]:
    """Split a sort expression on the commas outside parentheses."""
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for ch in expression:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts


def compile_query(conn: sqlite3.Connection, query: Query, now: datetime, current_user: str) -> tuple[str, str, list[Any]]:
    """(WHERE condition, ORDER BY list, parameters) for a parsed query over `issues i`."""
    compiler = Compiler(conn, query, now, current_user)
    where = compiler.where_sql()
    order = compiler.order_sql()
    return where, order, compiler.params
