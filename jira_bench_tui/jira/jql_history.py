"""JQL's history operators over the changelog: WAS, WAS IN, WAS NOT, WAS NOT IN and CHANGED, with the predicates
FROM, TO, BY, BEFORE, AFTER, ON and DURING, compiled to SQL over `changelog` / `changelog_items`.

Semantics follow Jira's change-history search (WasClauseQueryFactory, ChangedClauseQueryFactory,
HistoryPredicateQueryFactory; Atlassian's "JQL operators" page): a field's history is a run of periods, each a value
held from the change that set it (by its author) until the next change of the field; the first period starts when the
issue was created (set by its creator) and the last one lasts until now.
- `f WAS v`: some period holds v; BY u: one set by u; BEFORE d: one that started before d; AFTER d: one that lasted
  past d; ON d / DURING (d1, d2): one that overlaps that day / range. Predicates apply together to one period.
- `f CHANGED`: some change of f, with FROM (old value), TO (new value), BY (author) and the dates on the change itself.
- WAS NOT, WAS NOT IN and NOT CHANGED are the complements.
A date literal covers its whole day ("2026-11-20") or minute ("2026-11-20 10:00"): BEFORE takes its start, AFTER its
end, as Jira's implied precision does. Fields: status, assignee, reporter, priority, resolution and fixVersion, as
Jira Cloud documents; others get Jira's message."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from jira_bench_tui.jira.jql_dates import INVALID_DATE, DateValueError, parse_date_value
from jira_bench_tui.jira.jql_fields import DATE_KINDS, Field, FieldResolver
from jira_bench_tui.jira.jql_functions import FUNCTIONS
from jira_bench_tui.jira.jql_lookups import user_ids
from jira_bench_tui.jira.jql_parser import (
    Empty,
    Function,
    HistoryClause,
    JqlError,
    Literal_,
    Predicate,
    Value,
)
from jira_bench_tui.jira.jql_values import ValueResolver

# JQL field kind -> (the changelog's field name, the issue column of its current value; None: multi-valued)
HISTORY_FIELDS: dict[str, tuple[str, str | None]] = {
    "status": ("status", "ix.status_id"), "assignee": ("assignee", "ix.assignee_id"),
    "reporter": ("reporter", "ix.reporter_id"), "priority": ("priority", "ix.priority_id"),
    "resolution": ("resolution", "ix.resolution_id"), "fixversion": ("Fix Version", None),
}
# Jira Cloud's message for a field without history search, verbatim as a Jira Cloud site answered `project was ABC`
# (prometheus-community/jiralert#159; the two spaces are Jira's).
NOT_SUPPORTED = "History searches do not support the  '{field}' field."
ITEMS = "changelog hc JOIN changelog_items hi ON hi.changelog_id = hc.id"
# One issue's changes: its changelog first (CROSS JOIN keeps that order; `+hi.field` keeps SQLite from reading every
# item of the field through the field index instead), so a correlated lookup reads a few rows.
PER_ISSUE = "changelog hc CROSS JOIN changelog_items hi ON hi.changelog_id = hc.id"
PER_ISSUE2 = "changelog hc2 CROSS JOIN changelog_items hi2 ON hi2.changelog_id = hc2.id"
LATER = "(hc2.created, hc2.id) > (hc.created, hc.id)"
EARLIER = "(hc2.created, hc2.id) < (hc.created, hc.id)"
CURRENT_FIX = "SELECT 1 FROM issue_versions x WHERE x.issue_id = ix.id AND x.kind = 'fix'"
FIX = "Fix Version"
STILL = "9999"  # the end of a period that lasts until now: after every stored timestamp
INVALID_PREDICATE_DATE = INVALID_DATE.replace("for field '{field}'", "for predicate '{predicate}'")
_MINUTE = re.compile(r"^\d{4}[-/]\d{1,2}[-/]\d{1,2}\s+\d{1,2}:\d{2}$")
_DAY = re.compile(r"^\d{4}[-/]\d{1,2}[-/]\d{1,2}$")


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"


@dataclass(frozen=True)
class Values:
    """A field's values as the changelog stores them (text ids) and as the issue does, and whether EMPTY is one."""

    text: tuple[str, ...]
    stored: tuple[Any, ...]
    empty: bool


@dataclass(frozen=True)
class Window:
    """What a history clause's predicates ask of a period or change: who set it (`by`), the stored timestamps it must
    start before / last past, the date ranges it must overlap (one group per ON or DURING; a period must overlap
    some range of every group), the values the change came from / went to, and `nothing` when a predicate can match
    nothing (an EMPTY date or user)."""

    by: tuple[str, ...] | None = None
    before: str | None = None
    after: str | None = None
    groups: tuple[tuple[tuple[str, str], ...], ...] = ()
    came_from: tuple[Values, ...] = ()
    went_to: tuple[Values, ...] = ()
    nothing: bool = False

    @property
    def on_change(self) -> bool:
        """Whether FROM or TO is asked: only a change has them (not the periods since creation)."""
        return bool(self.came_from or self.went_to)


class HistoryCompiler:
    """Compiles the history clauses of one query. Parameters go to `params` as the SQL is written, so every piece is
    written in text order; the changelog field names are constants written into the SQL."""

    def __init__(self, fields: FieldResolver, values: ValueResolver, params: list[Any]) -> None:
        self.fields = fields
        self.values = values
        self.params = params

    # ------------------------------------------------------------ entry point

    def clause(self, clause: HistoryClause) -> str:
        """The SQL condition of a WAS or CHANGED clause (never NULL). Raises JqlError with Jira's message."""
        field = self.fields.resolve(clause.field)
        if field.kind not in HISTORY_FIELDS:
            raise JqlError(NOT_SUPPORTED.format(field=field.shown))
        if clause.op == "changed":
            return self.changed(field, self.window(field, clause.predicates))
        values = clause.value if isinstance(clause.value, tuple) else (clause.value,)
        resolved = self.resolve(field, tuple(v for v in values if v is not None))
        window = self.window(field, clause.predicates)
        sql = self.was(field, resolved, window, bool(clause.predicates))
        return f"NOT {sql}" if clause.op.startswith("was not") else sql

    # ------------------------------------------------------------ values

    def resolve(self, field: Field, values: tuple[Value, ...]) -> Values:
        """The values of a history clause or FROM/TO predicate: current names or ids, or names the changelog still
        holds (a value renamed or deleted since, which Jira still finds). Raises JqlError when neither knows it."""
        stored: list[Any] = []
        empty = False
        for value in values:
            try:
                resolved = self.values.resolve(field, (value,))
            except JqlError:
                historic = self.historic(field, value.text) if isinstance(value, Literal_) else []
                if not historic:
                    raise
                stored.extend(historic)
                continue
            stored.extend(resolved.values)
            empty = empty or resolved.empty
        unique = tuple(dict.fromkeys(stored))
        return Values(tuple(str(v) for v in unique), unique, empty)

    def historic(self, field: Field, name: str) -> list[Any]:
        """Ids the changelog recorded for a value name (any case) of the field."""
        changelog_field = HISTORY_FIELDS[field.kind][0]
        rows = self.values.conn.execute(
            "SELECT from_id FROM changelog_items WHERE field = ? AND lower(from_string) = lower(?) AND from_id IS NOT "
            "NULL UNION SELECT to_id FROM changelog_items WHERE field = ? AND lower(to_string) = lower(?) AND to_id "
            "IS NOT NULL", (changelog_field, name.strip(), changelog_field, name.strip())).fetchall()
        return [r[0] for r in rows]

    def bind(self, values: tuple[Any, ...]) -> str:
        """Add `values` to the parameters; their "?, ?" placeholders."""
        self.params.extend(values)
        return ", ".join("?" for _ in values)

    def match(self, column: str, values: Values) -> str:
        """`column` (a changelog id, text) holds one of the values, or is NULL when EMPTY is one."""
        parts = [f"{column} IN ({self.bind(values.text)})"] if values.text else []
        if values.empty:
            parts.append(f"{column} IS NULL")
        return "(" + " OR ".join(parts) + ")" if parts else "0"

    def current(self, field: Field, values: Values) -> list[str]:
        """Queries of the issues holding one of the values now (for fixVersion: having one of the versions, or
        none for EMPTY), each served by an index."""
        column = HISTORY_FIELDS[field.kind][1]
        queries = []
        if values.stored:
            marks = self.bind(values.stored)
            queries.append(f"SELECT x.issue_id FROM issue_versions x WHERE x.kind = 'fix' AND x.version_id IN "
                           f"({marks})" if column is None else f"SELECT ix.id FROM issues ix WHERE {column} IN ({marks})")
        if values.empty:
            queries.append(f"SELECT ix.id FROM issues ix WHERE NOT EXISTS ({CURRENT_FIX})" if column is None
                           else f"SELECT ix.id FROM issues ix WHERE {column} IS NULL")
        return queries

    def change(self, window: Window) -> str:
        """FROM / TO on the change `hi` (empty when neither is asked)."""
        sql = "".join(f" AND {self.match('hi.from_id', v)}" for v in window.came_from)
        return sql + "".join(f" AND {self.match('hi.to_id', v)}" for v in window.went_to)

    # ------------------------------------------------------------ WAS

    def was(self, field: Field, values: Values, window: Window, predicated: bool) -> str:
        """Some period of the field held one of the values (and met the predicates). Each kind of period is a
        query of issue ids, all of them one set that `i.id` is looked up in (cheap per issue, never NULL)."""
        name = HISTORY_FIELDS[field.kind][0]
        if window.nothing:
            return "0"
        if not predicated:
            multi = field.kind == "fixversion"  # a version added or removed is not an empty value
            held = Values(values.text, values.stored, values.empty and not multi)
            parts = [*self.current(field, values),
                     f"SELECT hc.issue_id FROM {ITEMS} WHERE hi.field = '{name}' AND {self.match('hi.to_id', held)}",
                     f"SELECT hc.issue_id FROM {ITEMS} WHERE hi.field = '{name}' AND {self.match('hi.from_id', held)}"]
            if multi and values.empty:
                parts.append(self.fix_empty(window))
        elif field.kind == "fixversion":
            parts = self.fix_periods(values, window)
        else:
            parts = self.periods(field, values, window)
        return f"i.id IN ({' UNION ALL '.join(parts)})" if parts else "0"

    def periods(self, field: Field, values: Values, window: Window) -> list[str]:
        """Queries of the issues with a period of a single-valued field holding the values: set by a change, held
        from creation until the first change, or held since creation (never changed)."""
        name = HISTORY_FIELDS[field.kind][0]
        later = (f"(SELECT min(hc2.created) FROM {PER_ISSUE2} "
                 f"WHERE hc2.issue_id = hc.issue_id AND +hi2.field = '{name}' AND {LATER})")
        parts = [f"SELECT hc.issue_id FROM {ITEMS} WHERE hi.field = '{name}' AND "
                 f"{self.match('hi.to_id', values)}{self.change(window)} AND "
                 f"{self.conditions(window, 'hc.created', later, 'hc.author_id')}"]
        if window.on_change:  # FROM / TO describe a change: the periods since creation have none
            return parts
        earlier = (f"NOT EXISTS (SELECT 1 FROM {PER_ISSUE2} "
                   f"WHERE hc2.issue_id = hc.issue_id AND +hi2.field = '{name}' AND {EARLIER})")
        parts.append(f"SELECT hc.issue_id FROM {ITEMS} JOIN issues hx ON hx.id = hc.issue_id WHERE "
                     f"hi.field = '{name}' AND {self.match('hi.from_id', values)} AND {earlier} AND "
                     f"{self.conditions(window, 'hx.created', 'hc.created', 'hx.creator_id')}")
        column = HISTORY_FIELDS[field.kind][1]
        held = []
        if values.stored:
            held.append(f"{column} IN ({self.bind(values.stored)})")
        if values.empty:
            held.append(f"{column} IS NULL")
        if held:
            unchanged = (f"{self.conditions(window, 'ix.created', 'NULL', 'ix.creator_id')} AND NOT EXISTS (SELECT 1 "
                         f"FROM {PER_ISSUE} WHERE hc.issue_id = ix.id AND +hi.field = '{name}')")
            parts.append(f"SELECT ix.id FROM issues ix WHERE ({' OR '.join(held)}) AND {unchanged}")
        return parts

    def fix_periods(self, values: Values, window: Window) -> list[str]:
        """Queries of the issues with a period of fixVersion holding the values, per version: from the change adding it (or creation) until the change removing it
        (or now); and, for EMPTY, the times the issue had no fix version."""
        removed = (f"(SELECT min(hc2.created) FROM {PER_ISSUE2} "
                   f"WHERE hc2.issue_id = hc.issue_id AND +hi2.field = '{FIX}' AND hi2.from_id = hi.to_id AND "
                   f"{LATER})")
        parts = []
        if values.text:
            parts.append(f"SELECT hc.issue_id FROM {ITEMS} WHERE hi.field = '{FIX}' AND "
                         f"hi.to_id IN ({self.bind(values.text)}){self.change(window)} AND "
                         f"{self.conditions(window, 'hc.created', removed, 'hc.author_id')}")
        if values.text and not window.on_change:
            first = (f"NOT EXISTS (SELECT 1 FROM {PER_ISSUE2} "
                     f"WHERE hc2.issue_id = hc.issue_id AND +hi2.field = '{FIX}' AND "
                     f"hi.from_id IN (hi2.from_id, hi2.to_id) AND {EARLIER})")
            parts.append(f"SELECT hc.issue_id FROM {ITEMS} JOIN issues hx ON hx.id = hc.issue_id WHERE "
                         f"hi.field = '{FIX}' AND hi.from_id IN ({self.bind(values.text)}) AND {first} AND "
                         f"{self.conditions(window, 'hx.created', 'hc.created', 'hx.creator_id')}")
            untouched = (f"NOT EXISTS (SELECT 1 FROM {PER_ISSUE} WHERE hc.issue_id = ix.id AND +hi.field = '{FIX}' "
                         "AND CAST(x.version_id AS TEXT) IN (hi.from_id, hi.to_id))")
            parts.append(f"SELECT x.issue_id FROM issue_versions x JOIN issues ix ON ix.id = x.issue_id WHERE "
                         f"x.kind = 'fix' AND x.version_id IN ({self.bind(values.stored)}) AND {untouched} AND "
                         f"{self.conditions(window, 'ix.created', 'NULL', 'ix.creator_id')}")
        if values.empty and not window.on_change:
            parts.append(self.fix_empty(window))
        return parts

    def fix_empty(self, window: Window) -> str:
        """A query of the issues that had no fix version for a while: since creation (never changed), from creation
        until the first change, or after a change until the next one; the count at a time runs back from the
        current versions through the changes after it."""
        def count_after(bound: str) -> str:
            delta = "sum(CASE WHEN hi2.to_id IS NOT NULL THEN 1 ELSE -1 END)"
            return (f"((SELECT count(*) FROM issue_versions x WHERE x.issue_id = ix.id AND x.kind = 'fix') - "
                    f"COALESCE((SELECT {delta} FROM {PER_ISSUE2} "
                    f"WHERE hc2.issue_id = ix.id AND +hi2.field = '{FIX}'{bound}), 0))")
        first = (f"(SELECT min(hc.created) FROM {PER_ISSUE} WHERE hc.issue_id = ix.id AND +hi.field = '{FIX}')")
        nxt = (f"(SELECT min(hc2.created) FROM {PER_ISSUE2} "
               f"WHERE hc2.issue_id = hc.issue_id AND +hi2.field = '{FIX}' AND {LATER})")
        unchanged = (f"SELECT ix.id FROM issues ix WHERE NOT EXISTS ({CURRENT_FIX}) AND NOT EXISTS (SELECT 1 FROM "
                     f"{PER_ISSUE} WHERE hc.issue_id = ix.id AND +hi.field = '{FIX}') AND "
                     f"{self.conditions(window, 'ix.created', 'NULL', 'ix.creator_id')}")
        initially = f"({count_after('')} = 0 AND {self.conditions(window, 'ix.created', first, 'ix.creator_id')})"
        later = (f"EXISTS (SELECT 1 FROM {PER_ISSUE} WHERE hc.issue_id = ix.id AND +hi.field = '{FIX}' AND "
                 f"{count_after(f' AND {LATER}')} = 0 AND {self.conditions(window, 'hc.created', nxt, 'hc.author_id')})")
        return (f"{unchanged} UNION ALL SELECT ix.id FROM issues ix WHERE ix.id IN (SELECT hc.issue_id FROM {ITEMS} "
                f"WHERE hi.field = '{FIX}') AND ({initially} OR {later})")

    # ------------------------------------------------------------ CHANGED

    def changed(self, field: Field, window: Window) -> str:
        """Some change of the field met every predicate; NOT CHANGED is its complement (through NOT)."""
        if window.nothing:
            return "0"
        name = HISTORY_FIELDS[field.kind][0]
        return (f"i.id IN (SELECT hc.issue_id FROM {ITEMS} WHERE hi.field = '{name}'{self.change(window)} AND "
                f"{self.conditions(window, 'hc.created', 'hc.created', 'hc.author_id', at_change=True)})")

    # ------------------------------------------------------------ predicates

    def window(self, field: Field, predicates: tuple[Predicate, ...]) -> Window:
        """The predicates as a Window. Raises JqlError with Jira's messages."""
        by: tuple[str, ...] | None = None
        before = after = None
        groups: list[tuple[tuple[str, str], ...]] = []
        came_from: list[Values] = []
        went_to: list[Values] = []
        nothing = False
        for predicate in predicates:
            values = predicate.value if isinstance(predicate.value, tuple) else (predicate.value,)
            if any(isinstance(v, Empty) for v in values) and predicate.op not in ("from", "to"):
                nothing = True  # Jira finds nothing for an EMPTY user or date
            elif predicate.op in ("from", "to"):
                (came_from if predicate.op == "from" else went_to).append(self.resolve(field, values))
            elif predicate.op == "by":
                found = self.users(values)
                by = found if by is None else tuple(u for u in by if u in found)
            else:
                ranges = self.dates(predicate, values, field)
                if predicate.op == "before":
                    before = min(before or ranges[0][0], ranges[0][0])
                elif predicate.op == "after":
                    after = max(after or ranges[0][1], ranges[0][1])
                elif predicate.op == "during":
                    groups.append(((ranges[0][0], ranges[1][1]),))
                else:
                    groups.append(tuple(ranges))
        return Window(by, before, after, tuple(groups), tuple(came_from), tuple(went_to), nothing)

    def conditions(self, window: Window, start: str, end: str, who: str, *, at_change: bool = False) -> str:
        """The window as SQL on a period [start, end) set by `who` (`end` NULL: still held); `at_change` for a
        change at one time (CHANGED). `end` and `start` must bind no parameters (they may be written twice)."""
        parts = ["1"]
        if window.by is not None:
            parts.append(f"{who} IN ({self.bind(window.by)})" if window.by else "0")
        if window.before is not None:
            parts.append(f"{start} < {self.bind((window.before,))}")
        if window.after is not None:
            mark = self.bind((window.after,))
            parts.append(f"{start} > {mark}" if at_change else f"COALESCE({end}, '{STILL}') > {mark}")
        for group in window.groups:
            ors = []
            for low, high in group:
                if at_change:
                    ors.append(f"{start} BETWEEN {self.bind((low,))} AND {self.bind((high,))}")
                else:
                    ors.append(f"({start} <= {self.bind((high,))} AND COALESCE({end}, '{STILL}') > "
                               f"{self.bind((low,))})")
            parts.append("(" + " OR ".join(ors) + ")")
        return "(" + " AND ".join(parts) + ")"

    def users(self, values: tuple[Value, ...]) -> tuple[str, ...]:
        """BY's users (account ids): names, emails, ids, currentUser(), membersOf(). Raises JqlError."""
        found: list[str] = []
        for value in values:
            if isinstance(value, Function):
                found.extend(self.values.function_values(Field("assignee", "by"), value))
            elif isinstance(value, Literal_):
                ids = user_ids(self.values.conn, value.text.strip())
                if not ids:
                    raise JqlError(f"The user '{value.text}' does not exist and cannot be used in the 'by' predicate.")
                found.extend(ids)
        return tuple(dict.fromkeys(found))

    def dates(self, predicate: Predicate, values: tuple[Value, ...], field: Field) -> list[tuple[str, str]]:
        """A date predicate's values as (start, end) stored timestamps, checked in Jira's order: date functions, then
        one value for BEFORE / AFTER and two for DURING, then the format of each literal (a number is milliseconds
        since 1970, as in Jira)."""
        found: list[tuple[str, str] | Literal_] = []
        for value in values:
            if isinstance(value, Function):
                found.extend(self.function_dates(predicate, field, value))
            elif isinstance(value, Literal_):
                found.append(value)
        name = predicate.op.upper()
        if predicate.op in ("before", "after") and len(found) != 1:
            raise JqlError(f"The {name} predicate must be supplied with only 1 date value.")
        if predicate.op == "during" and len(found) != 2:
            raise JqlError(f"The {name} predicate must be supplied with exactly 2 date values.")
        return [item if isinstance(item, tuple) else self.date_range(predicate, item) for item in found]

    def function_dates(self, predicate: Predicate, field: Field, value: Function) -> list[tuple[str, str]]:
        """The moments a date function gives, each a one-instant range; Jira's message for a function that gives
        no dates."""
        declared = FUNCTIONS.get(value.name)
        if declared is not None and not declared.kinds & DATE_KINDS:
            raise JqlError(f"A date for the predicate '{predicate.op}' provided by the function '{value.name}' is "
                           "not valid.")
        moments = self.values.function_values(Field("created", field.shown), value)
        return [(_stamp(m), _stamp(m)) for m in moments]

    def date_range(self, predicate: Predicate, literal: Literal_) -> tuple[str, str]:
        """A date literal as the range it stands for: a whole day, a whole minute, or an instant (a period, or a
        number of milliseconds since 1970)."""
        value = literal.text.strip()
        text = literal.text
        if not literal.quoted and value.lstrip("-").isdigit():
            moment = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=int(value))
            return _stamp(moment), _stamp(moment)
        try:
            moment = parse_date_value(value, self.values.now)
        except DateValueError:
            raise JqlError(INVALID_PREDICATE_DATE.format(value=text, predicate=predicate.op)) from None
        if _DAY.match(value):
            return _stamp(moment), _stamp(moment + timedelta(days=1) - timedelta(milliseconds=1))
        if _MINUTE.match(value):
            return _stamp(moment), _stamp(moment + timedelta(minutes=1) - timedelta(milliseconds=1))
        return _stamp(moment), _stamp(moment)
