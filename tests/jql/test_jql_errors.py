"""Queries Jira refuses: each gives Jira's message (syntax errors with their position), and a refused query changes
nothing in the database."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from jira_bench_tui.jira.db import connect
from jira_bench_tui.jira.jql import JqlError, search, validate

OPERATORS = ("The valid operators are '=', '!=', '<', '>', '<=', '>=', '~', '!~', 'IN', 'NOT IN', 'IS' and "
             "'IS NOT'.")
DATE_FORMATS = ("Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a "
                "period format e.g. '-5d', '4w 2d'.")

ERRORS: list[tuple[str, str]] = [
    # syntax, with Jira's position (line, character: 1-based)
    ("project foo", f"Error in the JQL Query: Expecting operator but got 'foo'. {OPERATORS} (line 1, character 9)"),
    ("status = In Progress", "Error in the JQL Query: Expecting either a value, list or function but got 'In'. "
                             "You must surround 'In' in quotation marks to use it as a value. (line 1, character 10)"),
    ("status = Done foo", "Error in the JQL Query: Expecting either 'OR' or 'AND' but got 'foo'. "
                          "(line 1, character 15)"),
    ('summary ~ "abc', "Error in the JQL Query: The quoted string 'abc' has not been completed. (line 1, character 11)"),
    ("(status = Done", "Error in the JQL Query: Expecting ')' before the end of the query. (line 1, character 15)"),
    ("status = ", "Error in the JQL Query: Expecting either a value, list or function before the end of the query. "
                  "(line 1, character 10)"),
    ("status = Done)", "Error in the JQL Query: Unexpected ')'. (line 1, character 14)"),
    ("status in Done", "Error in the JQL Query: Expecting '(' but got 'Done'. (line 1, character 11)"),
    ("status is Done", "Error in the JQL Query: Expecting 'EMPTY' or 'NULL' but got 'Done'. (line 1, character 11)"),
    ("assignee not = x", "Error in the JQL Query: Expecting 'IN' but got '='. (line 1, character 14)"),
    ("project = WEB ORDER created", "Error in the JQL Query: Expecting 'BY' but got 'created'. "
                                    "(line 1, character 21)"),
    ("project = WEB ORDER BY", "Error in the JQL Query: Expecting a field name before the end of the query. "
                               "(line 1, character 23)"),
    ("= WEB", "Error in the JQL Query: Expecting a field name but got '='. (line 1, character 1)"),
    ("project = WEB AND", "Error in the JQL Query: Expecting a field name before the end of the query. "
                          "(line 1, character 18)"),
    ("project = WEB\nAND foo bar", f"Error in the JQL Query: Expecting operator but got 'bar'. {OPERATORS} "
                                   "(line 2, character 9)"),
    # reserved characters (Jql.g RESERVED_CHARS): each refused outside quotes, at its position
    *[(f"summary ~ a{ch}b", f"Error in the JQL Query: The character '{ch}' is a reserved JQL character. You must "
                            f"enclose it in a string or use the escape '\\u{ord(ch):04x}' instead. (line 1, character 12)")
      for ch in "{}*/%+^$#@?;"],
    ("assignee = dana@acme.test", "Error in the JQL Query: The character '@' is a reserved JQL character. You must "
                                  "enclose it in a string or use the escape '\\u0040' instead. (line 1, character 16)"),
    ("mine{www = qwwr", "Error in the JQL Query: The character '{' is a reserved JQL character. You must enclose it in "
                        "a string or use the escape '\\u007b' instead. (line 1, character 5)"),
    ("reporter=a/user/with/slash", "Error in the JQL Query: The character '/' is a reserved JQL character. You must "
                                   "enclose it in a string or use the escape '\\u002f' instead. (line 1, character 11)"),
    ("due <= endOfDay(+1d)", "Error in the JQL Query: The character '+' is a reserved JQL character. You must enclose "
                             "it in a string or use the escape '\\u002b' instead. (line 1, character 17)"),
    ("labels = x\x7f", "Error in the JQL Query: The character 'U+007F' on line 1 at position 11 must be escaped. Use "
                       "the escape '\\u007f' instead. (line 1, character 11)"),
    # reserved words (JqlStringSupportImpl.RESERVED_WORDS): refused unquoted as values, fields or function arguments
    *[(f"summary ~ {word}", f"Error in the JQL Query: '{word}' is a reserved JQL word. You must surround it in "
                            "quotation marks to use it in a query. (line 1, character 11)")
      for word in ("abort", "select", "update", "user", "index", "date", "true", "false", "start", "end", "limit",
                   "number", "string", "view", "with", "while", "where", "revoke", "isnull", "notin", "TRUE")],
    ("labels = true", "Error in the JQL Query: 'true' is a reserved JQL word. You must surround it in quotation marks "
                      "to use it in a query. (line 1, character 10)"),
    ("select = x", "Error in the JQL Query: 'select' is a reserved JQL word. You must surround it in quotation marks "
                   "to use it in a query. (line 1, character 1)"),
    ("assignee in membersOf(user)", "Error in the JQL Query: 'user' is a reserved JQL word. You must surround it in "
                                    "quotation marks to use it in a query. (line 1, character 23)"),
    ("assignee = user@acme.test", "Error in the JQL Query: 'user' is a reserved JQL word. You must surround it in "
                                  "quotation marks to use it in a query. (line 1, character 12)"),
    # keywords of the grammar used as values
    *[(f"labels = {word}", f"Error in the JQL Query: Expecting either a value, list or function but got '{word}'. You "
                           f"must surround '{word}' in quotation marks to use it as a value. (line 1, character 10)")
      for word in ("and", "OR", "not", "in", "is", "order", "asc", "desc", "was", "changed", "from", "to", "by",
                   "before", "after", "on", "during")],
    # escapes
    ('labels = "a\\qb"', "Error in the JQL Query: '\\q' is an illegal JQL escape sequence. The valid escape "
                         "sequences are \\', \\\", \\t, \\n, \\r, \\\\, '\\ ' and \\uXXXX. (line 1, character 12)"),
    ("comme\\unt ~ 'test", "Error in the JQL Query: '\\un' is an illegal JQL escape sequence. The valid escape "
                          "sequences are \\', \\\", \\t, \\n, \\r, \\\\, '\\ ' and \\uXXXX. (line 1, character 6)"),
    ("comment ~ '", "Error in the JQL Query: The quoted string has not been completed. (line 1, character 11)"),
    # fields and operators
    ("foo = bar", "Field 'foo' does not exist or you do not have permission to view it."),
    ('"Story Points" = 3', "Field 'Story Points' does not exist or you do not have permission to view it."),
    ("cf[99999] = 1", "Field 'cf[99999]' does not exist or you do not have permission to view it."),
    ("status ~ Done", "The operator '~' is not supported by the 'status' field."),
    ("summary = login", "The operator '=' is not supported by the 'summary' field."),
    ("labels > a", "The operator '>' is not supported by the 'labels' field."),
    ("text is empty", "The operator 'IS' is not supported by the 'text' field."),
    ("created > EMPTY", "The operator '>' is not supported by the 'created' field when comparing with EMPTY."),
    ("ORDER BY text", "Field 'text' does not support sorting."),
    ("ORDER BY labels", "Field 'labels' does not support sorting."),
    ("ORDER BY foo", "Field 'foo' does not exist or you do not have permission to view it."),
    # values
    ("project = XYZ", "The value 'XYZ' does not exist for the field 'project'."),
    ("Project in (WEB, XYZ)", "The value 'XYZ' does not exist for the field 'Project'."),
    ("status = Doing", "The value 'Doing' does not exist for the field 'status'."),
    ("statusCategory = Blocked", "The value 'Blocked' does not exist for the field 'statusCategory'."),
    ("assignee = 'nobody@acme.test'", "The value 'nobody@acme.test' does not exist for the field 'assignee'."),
    ("priority = P1", "The value 'P1' does not exist for the field 'priority'."),
    ("priority > P1", "The value 'P1' does not exist for the field 'priority'."),
    ("type = Chore", "The value 'Chore' does not exist for the field 'type'."),
    ("component = DB", "The value 'DB' does not exist for the field 'component'."),
    ("fixVersion = 9.9", "The value '9.9' does not exist for the field 'fixVersion'."),
    ('sprint = "Sprint 9"', "The value 'Sprint 9' does not exist for the field 'sprint'."),
    ("sprint = 77", "The value '77' does not exist for the field 'sprint'."),
    ("resolution = Fixed", "The value 'Fixed' does not exist for the field 'resolution'."),
    ("Team = Green", "The value 'Green' does not exist for the field 'Team'."),
    ("issueLinkType = causes", "The value 'causes' does not exist for the field 'issueLinkType'."),
    ("key = WEB-99", "An issue with key 'WEB-99' does not exist for field 'key'."),
    ("parent = WEB-99", "An issue with key 'WEB-99' does not exist for field 'parent'."),
    ("key = foo", "The issue key 'foo' for field 'key' is invalid."),
    ("id = 5", "An issue with id '5' does not exist for field 'id'."),
    ("created > yesterday", f"Date value 'yesterday' for field 'created' is invalid. {DATE_FORMATS}"),
    ('due = "2026-13-45"', f"Date value '2026-13-45' for field 'due' is invalid. {DATE_FORMATS}"),
    ('"Story point estimate" = abc', "The value 'abc' is not a valid number for the field 'Story point estimate'."),
    ("timespent > soon", "The value 'soon' is not a valid duration for the field 'timespent' (use a duration such as "
                         "2h, 1d 4h or 30m)."),
    ("ORDER BY worklogDate", "Field 'worklogDate' does not support sorting."),
    # history searches (WAS, CHANGED): fields, values, predicates
    *[(f"{name} WAS x", f"History searches do not support the  '{name}' field.")
      for name in ("summary", "project", "labels", "sprint", "component", "type", "created", "Team", "cf[10016]")],
    ("Labels CHANGED", "History searches do not support the  'Labels' field."),
    ("status WAS fred", "The value 'fred' does not exist for the field 'status'."),
    ("status CHANGED FROM fred", "The value 'fred' does not exist for the field 'status'."),
    ('fixVersion CHANGED FROM 1.0 TO "I can type complete rubbish here"',
     "The value 'I can type complete rubbish here' does not exist for the field 'fixVersion'."),
    ("assignee WAS 'nobody@acme.test'", "The value 'nobody@acme.test' does not exist for the field 'assignee'."),
    ('status CHANGED AFTER "20/12/10"', f"Date value '20/12/10' for predicate 'after' is invalid. {DATE_FORMATS}"),
    ("status WAS Done ON yesterday", f"Date value 'yesterday' for predicate 'on' is invalid. {DATE_FORMATS}"),
    ("status CHANGED AFTER currentUser()",
     "A date for the predicate 'after' provided by the function 'currentUser' is not valid."),
    ("status CHANGED BEFORE (11, 12)", "The BEFORE predicate must be supplied with only 1 date value."),
    ("status CHANGED AFTER (-1d, -2d)", "The AFTER predicate must be supplied with only 1 date value."),
    ("status CHANGED DURING 11", "The DURING predicate must be supplied with exactly 2 date values."),
    ("status WAS Done DURING ('2026-11-01')", "The DURING predicate must be supplied with exactly 2 date values."),
    ("assignee CHANGED BY bogus()", "Unable to find JQL function 'bogus()'."),
    ("assignee WAS bogus()", "Unable to find JQL function 'bogus()'."),
    ("status CHANGED AFTER now(x)", "Function 'now' expected '0' arguments but received '1'."),
    ("status WAS Done BY 'nobody@acme.test'",
     "The user 'nobody@acme.test' does not exist and cannot be used in the 'by' predicate."),
    ('status = "Open" by admin', 'Error in the JQL Query: The EQUALS operator does not support the use of the by '
                                 '"admin" predicate.'),
    ("assignee in (x) after -1d", 'Error in the JQL Query: The IN operator does not support the use of the after '
                                  '"-1d" predicate.'),
    ("status is EMPTY on 2026-11-20 by x", 'Error in the JQL Query: The IS operator does not support the use of the '
                                          'on "2026-11-20" by "x" predicate.'),
    ("summary ~ x before 5", "Error in the JQL Query: The LIKE operator does not support the use of the before 5 "
                             "predicate."),
    ('fixVersion CHANGED 4 BY "I can type complete rubbish here"',
     "Error in the JQL Query: The CHANGED operator does not support the use of values without predicates. You must "
     "prefix the 4 value with a suitable predicate."),
    ("status WAS", "Error in the JQL Query: Expecting either a value, list or function before the end of the query. "
                   "(line 1, character 11)"),
    ('status NOT WAS "Open"', "Error in the JQL Query: Expecting 'IN' but got 'WAS'. (line 1, character 12)"),
    ("status WAS Done BY", "Error in the JQL Query: Expecting either a value, list or function before the end of the "
                           "query. (line 1, character 19)"),
    ("status CHANGED TO AND x = y", "Error in the JQL Query: Expecting either a value, list or function but got "
                                    "'AND'. You must surround 'AND' in quotation marks to use it as a value. (line 1, "
                                    "character 19)"),
    # text search (Lucene syntax inside ~)
    ("summary ~ ''", "The field 'summary' does not support searching for an empty string."),
    ("description ~ '   '", "The field 'description' does not support searching for an empty string."),
    *[(f"summary ~ '{text}'", f"Unable to parse the text '{text}' for field 'summary'.")
      for text in ("AND", "OR", "NOT", "&&", "crash AND", "crash OR", "AND crash", "crash NOT", "crash -", "+",
                   "(crash", "crash)", "()", '"crash', "crash *rror", "crash AND OR error", "crash !")],
    ("text ~ 'crash ||'", "Unable to parse the text 'crash ||' for field 'text'."),
    ("summary ~ '?in'", "The text query '?in' for field 'summary' is not allowed to start with '?'."),
    ("text !~ crash", "The operator '!~' is not supported by the 'text' field."),
    ("summary ~ '*in'", "The text query '*in' for field 'summary' is not allowed to start with '*'."),
    # functions
    ("assignee = bogus()", "Unable to find JQL function 'bogus()'."),
    ("assignee = now()", "Function 'now' is not supported by the field 'assignee'."),
    ("created > currentUser()", "Function 'currentUser' is not supported by the field 'created'."),
    # a wrong number of arguments: Jira's NumberOfArgumentsValidator (exact, or a range), the name as written
    ("assignee = currentUser(x)", "Function 'currentUser' expected '0' arguments but received '1'."),
    ("assignee = currentUser(1)", "Function 'currentUser' expected '0' arguments but received '1'."),
    ("assignee = CURRENTUSER(a, b)", "Function 'CURRENTUSER' expected '0' arguments but received '2'."),
    ("assignee in membersOf()", "Function 'membersOf' expected '1' arguments but received '0'."),
    ("assignee in membersOf(devs, qa)", "Function 'membersOf' expected '1' arguments but received '2'."),
    ("created > startOfDay(1, 2)", "Function 'startOfDay' expected between '0' and '1' arguments but received '2'."),
    ("created < endOfMonth(-1, 2, 3)",
     "Function 'endOfMonth' expected between '0' and '1' arguments but received '3'."),
    ("created > now(-1d)", "Function 'now' expected '0' arguments but received '1'."),
    ("sprint in openSprints(x)", "Function 'openSprints' expected '0' arguments but received '1'."),
    ("sprint in closedSprints(1)", "Function 'closedSprints' expected '0' arguments but received '1'."),
    ("type in standardIssueTypes(arg)", "Function 'standardIssueTypes' expected '0' arguments but received '1'."),
    ("fixVersion in releasedVersions(WEB, OPS)",
     "Function 'releasedVersions' expected between '0' and '1' arguments but received '2'."),
    ("issue in linkedIssues()", "Function 'linkedIssues' expected between '1' and '2' arguments but received '0'."),
    ("sprint in openSprint()", "Unable to find JQL function 'openSprint()'."),
    ("assignee = me()", "Unable to find JQL function 'me()'."),
    ("assignee in membersOf(nogroup)", "Function 'membersOf' can not generate a list of usernames for group "
                                       "'nogroup'; the group does not exist."),
    ("created > startOfDay(xyz)", "Duration for function 'startOfDay' should have the format (+/-)n(yMwdm), e.g "
                                  "-1M for 1 month earlier."),
    ('status changed AFTER startOfDay("invalid")', "Duration for function 'startOfDay' should have the format "
                                                   "(+/-)n(yMwdm), e.g -1M for 1 month earlier."),
    ("fixVersion in releasedVersions(NOPE)", "Could not resolve the project 'NOPE' provided to function "
                                             "'releasedVersions'."),
    ("cf[10016] > currentUser()", "Function 'currentUser' is not supported by the field 'cf[10016]'."),
    ("key > linkedIssues(WEB-3)", "The operator '>' is not supported by the 'key' field with a function."),
    ("summary ~ currentUser()", "Function 'currentUser' is not supported by the field 'summary'."),
]


@pytest.mark.parametrize(("jql", "message"), ERRORS, ids=[e[0] for e in ERRORS])
def test_refused_query_gives_jiras_message(conn: sqlite3.Connection, jql: str, message: str) -> None:
    with pytest.raises(JqlError) as caught:
        search(conn, jql)
    assert str(caught.value) == message
    with pytest.raises(JqlError):
        validate(conn, jql)


def test_refused_queries_change_nothing_on_disk(small_jira_db: Path) -> None:
    before = hashlib.sha256(small_jira_db.read_bytes()).hexdigest()
    conn = connect(small_jira_db)
    for jql, _message in ERRORS:
        with pytest.raises(JqlError):
            search(conn, jql)
    conn.close()
    assert hashlib.sha256(small_jira_db.read_bytes()).hexdigest() == before


def test_deep_nesting_is_refused_not_crashing(conn: sqlite3.Connection) -> None:
    with pytest.raises(JqlError, match="nests more than 100 levels"):
        search(conn, "(" * 5000 + "project = WEB" + ")" * 5000)
    with pytest.raises(JqlError, match="nests more than 100 levels"):
        search(conn, "NOT " * 5000 + "project = WEB")
    ids, _total = search(conn, "(" * 50 + "project = OPS" + ")" * 50 + " AND NOT NOT project = OPS")
    assert len(ids) == 2


def test_long_queries_work_up_to_the_clause_limit(conn: sqlite3.Connection) -> None:
    many = " OR ".join(f"labels = l{n}" for n in range(499)) + " OR labels = urgent"
    assert search(conn, many)[1] == 2
    with pytest.raises(JqlError, match="more than 500 clauses; use IN lists instead"):
        search(conn, many + " OR labels = docs")
    values = ", ".join(f"l{n}" for n in range(3000))
    assert search(conn, f"labels in ({values}, docs)")[1] == 1


def test_valid_query_validates(conn: sqlite3.Connection) -> None:
    validate(conn, "project = WEB ORDER BY created DESC")  # no error


# Every reserved word that is not a JQL keyword, as Jira's own parser test lists them (TestJqlParsing, "copied from
# JqlStringSupportImpl.java"): each is refused unquoted, at its position, and is a plain value once quoted.
JIRA_RESERVED_WORDS = """
abort access add alias all alter any as audit avg begin between boolean break byte catch char character check
checkpoint collate collation column commit connect continue count create current date decimal declare decrement
default defaults define delete delimiter difference distinct divide do double drop else encoding end equals escape
exclusive exec execute exists explain false fetch file field first float for function go goto grant greater group
having identified if immediate increment index initial inner inout input insert int integer intersect intersection
into isempty isnull join last left less like limit lock long max min minus mode modify modulo more multiply next
noaudit notin nowait number object of option outer output power previous prior privileges public raise raw remainder
rename resource return returns revoke right row rowid rownum rows select session set share size sqrt start strict
string subtract sum synonym table then trans transaction trigger true uid union unique update user validate values
view when whenever where while with""".split()


@pytest.mark.parametrize("word", JIRA_RESERVED_WORDS)
def test_every_reserved_word_is_refused_unquoted(conn: sqlite3.Connection, word: str) -> None:
    for jql, at in ((f"summary ~ {word}", 11), (f"labels in (a, {word.upper()})", 15), (f"{word} = x", 1)):
        shown = word.upper() if "in (" in jql else word
        with pytest.raises(JqlError) as caught:
            search(conn, jql)
        assert str(caught.value) == (f"Error in the JQL Query: '{shown}' is a reserved JQL word. You must surround it "
                                     f"in quotation marks to use it in a query. (line 1, character {at})")
    assert search(conn, f'labels = "{word}"') == ([], 0)
