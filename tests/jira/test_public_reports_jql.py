"""The public bug reports about JQL (../shared/cases/public-reports: C04 reserved characters, C05 reserved words, C06
text-search operators, C17 history operators), each call made through a real MCP client (mcp.client.Client) against
`jira-bench jira-server --fixture builtin:default` over stdio, asserting what production gives (Jira Cloud's JQL
through mcp-atlassian 0.23.1); then more inputs of the same kind, since a fix must hold for the kind, not the input.

Each case's calls are written here too, so the test runs without the shared folder; when the folder is there, its
calls must be these."""

from __future__ import annotations

import json
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from mcp import StdioServerParameters
from mcp.client import Client

from .conftest import text_of

CASES = Path(__file__).resolve().parents[1] / "data" / "public-reports"  # a copy of shared/cases/public-reports
RESERVED = ("Error in the JQL Query: The character '{ch}' is a reserved JQL character. You must enclose it in a "
            "string or use the escape '\\u{code:04x}' instead. (line 1, character {at})")
RESERVED_WORD = ("Error in the JQL Query: '{word}' is a reserved JQL word. You must surround it in quotation marks to "
                 "use it in a query. (line 1, character {at})")


@asynccontextmanager
async def jira(*server_args: str) -> AsyncIterator[Client]:
    """A real MCP client on `jira-bench jira-server --fixture builtin:default` over stdio."""
    params = StdioServerParameters(command=sys.executable, args=[
        "-m", "jira_bench_tui", "jira-server", "--fixture", "builtin:default", *server_args])
    async with Client(params) as client:
        yield client


async def search(client: Client, jql: str, **extra: Any) -> tuple[bool, Any]:
    """(is_error, the keys found as a sorted list, or the error text) of one jira_search call."""
    result = await client.call_tool("jira_search", {"jql": jql, "fields": "key", "limit": 50, **extra})
    if result.is_error:
        return True, text_of(result)
    return False, sorted(issue["key"] for issue in json.loads(text_of(result))["issues"])


def check_case_file(case_id: str, calls: list[dict[str, Any]], server_args: list[str] | None = None) -> None:
    """The shared case's calls (and server arguments) are the ones this test makes, when the folder is here."""
    path = CASES / f"{case_id}.json"
    if not path.exists():
        return
    case = json.loads(path.read_text(encoding="utf-8"))
    assert case["calls"] == calls
    assert case.get("server_args", []) == (server_args or [])


# ---------------------------------------------------------------- C04: reserved characters

C04_CALLS = [{"tool": "jira_search", "arguments": {"jql": "assignee = dana@acme.test", "fields": "key", "limit": 5}}]


async def test_c04_an_unquoted_reserved_character_is_refused_as_jira_refuses_it() -> None:
    check_case_file("C04-jql-reserved-character-at-unquoted", C04_CALLS)
    async with jira() as client:
        refused, text = await search(client, **C04_CALLS[0]["arguments"])
        assert refused and RESERVED.format(ch="@", code=0x40, at=16) in text
        # the same kind: every reserved character, anywhere outside quotes
        for ch in "{}*/%+^$#@?;":
            refused, text = await search(client, f"labels = a{ch}b")
            assert refused and RESERVED.format(ch=ch, code=ord(ch), at=11) in text, ch
        refused, text = await search(client, "created > startOfWeek(+1w)")
        assert refused and RESERVED.format(ch="+", code=0x2B, at=23) in text
        refused, text = await search(client, "reporter = chloe@acme.test AND assignee = ben@acme.test")
        assert refused and RESERVED.format(ch="@", code=0x40, at=17) in text  # the first one is named
        # quoted, or escaped, the value works
        assert await search(client, 'assignee = "dana@acme.test"') == (False, ["WEB-1", "WEB-28"])
        assert await search(client, "assignee = dana\\u0040acme.test") == (False, ["WEB-1", "WEB-28"])
        assert (await search(client, "created > startOfWeek('+1w')"))[0] is False


# ---------------------------------------------------------------- C05: reserved words

C05_CALLS = [{"tool": "jira_search", "arguments": {"jql": jql, "fields": "key"}}
             for jql in ("labels = true", "summary ~ user", "summary ~ index")]


async def test_c05_an_unquoted_reserved_word_is_refused_as_jira_refuses_it() -> None:
    check_case_file("C05-jql-reserved-words-unquoted", C05_CALLS)
    async with jira() as client:
        for call, word, at in zip(C05_CALLS, ("true", "user", "index"), (10, 11, 11), strict=True):
            refused, text = await search(client, **call["arguments"])
            assert refused and RESERVED_WORD.format(word=word, at=at) in text, call
        # the same kind: other reserved words, in any case, as values, field names and function arguments
        for jql, word, at in [("labels = Select", "Select", 10), ("summary ~ DATE", "DATE", 11),
                              ("fixVersion = update", "update", 14), ("assignee in membersOf(user)", "user", 23),
                              ("start = 1", "start", 1), ("labels in (a, false)", "false", 15)]:
            refused, text = await search(client, jql)
            assert refused and RESERVED_WORD.format(word=word, at=at) in text, jql
        # quoted, the word is a value like any other
        assert await search(client, 'labels = "true"') == (False, [])
        assert (await search(client, "summary ~ 'user'"))[0] is False


# ---------------------------------------------------------------- C06: text-search operators

C06_QUERIES = ['text ~ "crash OR error"', 'text ~ "crash || error"', 'text ~ "crash NOT iOS"', 'text ~ "crash -iOS"',
               'text ~ "crash" OR text ~ "error"', 'text ~ "crash" AND text !~ "iOS"']
C06_CALLS = [{"tool": "jira_search", "arguments": {"jql": jql, "fields": "key", "limit": 50}} for jql in C06_QUERIES]
CRASH_OR_ERROR = sorted(["MOB-19", "WEB-37", "MOB-11", "WEB-15", "MOB-33", "OPS-15", "WEB-9"])
CRASH_NOT_IOS = sorted(["WEB-37", "MOB-11", "MOB-33"])


async def test_c06_text_search_reads_lucene_operators() -> None:
    check_case_file("C06-text-search-boolean-operators", C06_CALLS, ["--quirk", "search_total=count"])
    async with jira("--quirk", "search_total=count") as client:
        found = [await search(client, **call["arguments"]) for call in C06_CALLS]
        assert found[0] == found[1] == found[4] == (False, CRASH_OR_ERROR)
        assert found[2] == found[3] == (False, CRASH_NOT_IOS)
        refused, text = found[5]  # Jira's `text` field takes ~ only
        assert refused and "The operator '!~' is not supported by the 'text' field." in text
        # the same kind: the other Lucene forms
        for jql, keys in [('text ~ "crash !iOS"', CRASH_NOT_IOS), ('text ~ "+crash -iOS"', CRASH_NOT_IOS),
                          ('text ~ "(crash OR error) AND checkout"', ["OPS-15", "WEB-37"]),
                          ('text ~ "crash AND NOT (iOS OR Turkish)"', ["MOB-33", "WEB-37"]),
                          ('text ~ "\\"data loss\\""', ["WEB-38", "WEB-41"]), ('text ~ "crash*"', [
                              "MOB-11", "MOB-19", "MOB-33", "WEB-37"]),
                          ('text ~ "crash or error"', []),  # lower-case or is a stop word: both words
                          ('text ~ "crash && error"', []),  # no one field has both
                          ('text ~ "NOT crash"', [])]:  # prohibited terms alone match nothing
            assert await search(client, jql) == (False, keys), jql
        for jql, message in [('text ~ "crash OR"', "Unable to parse the text 'crash OR' for field 'text'."),
                             ('summary ~ "AND"', "Unable to parse the text 'AND' for field 'summary'."),
                             ('summary ~ "(crash"', "Unable to parse the text '(crash' for field 'summary'."),
                             ('summary ~ "*rash"', "The text query '*rash' for field 'summary' is not allowed to "
                                                   "start with '*'.")]:
            refused, text = await search(client, jql)
            assert refused and message in text, jql


# ---------------------------------------------------------------- C17: history operators

C17_CALLS = [{"tool": "jira_search", "arguments": {"jql": jql, "fields": "key"}}
             for jql in ("status changed to Done after -7d", "assignee was dana@acme.test")]


async def test_c17_history_operators_search_the_changelog() -> None:
    check_case_file("C17-jql-history-operators", C17_CALLS)
    async with jira() as client:
        assert await search(client, **C17_CALLS[0]["arguments"]) == (False, sorted([
            "MOB-11", "MOB-12", "WEB-13", "WEB-14", "WEB-15", "WEB-16", "WEB-17", "WEB-31", "WEB-51"]))
        refused, text = await search(client, **C17_CALLS[1]["arguments"])  # Jira refuses the unquoted '@' first
        assert refused and RESERVED.format(ch="@", code=0x40, at=18) in text
        assert await search(client, 'assignee was "dana@acme.test"') == (False, ["WEB-1", "WEB-28"])
        # the same kind: every operator and predicate over the default fixture's history
        for jql, keys in [
            ('status CHANGED TO Done BY "sam@acme.test" DURING (startOfWeek(-1), endOfWeek(-1))',
             ["WEB-13", "WEB-15", "WEB-51"]),
            ('status CHANGED FROM "In Review" TO Done BY "sam@acme.test"',
             ["WEB-11", "WEB-13", "WEB-15", "WEB-75", "WEB-77", "WEB-9"]),
            ('assignee WAS "jordan@acme.test"', ["WEB-20", "WEB-24", "WEB-43", "WEB-44", "WEB-45"]),
            ('assignee WAS "jordan@acme.test" AND assignee != "jordan@acme.test"', ["WEB-20"]),
            ("priority CHANGED TO Highest", ["WEB-29"]),
            ("fixVersion WAS 1.9 AND fixVersion = 2.0", ["WEB-16", "WEB-18", "WEB-24"]),
            ("status WAS Done AND resolution = Unresolved", ["OPS-7"]),
            ('status WAS NOT IN ("In Progress", "In Review", Done) AND project = OPS AND created < -30d',
             ["OPS-18", "OPS-20", "OPS-23", "OPS-25", "OPS-26", "OPS-27", "OPS-3", "OPS-30", "OPS-32", "OPS-6"]),
        ]:
            assert await search(client, jql) == (False, keys), jql
        for jql, message in [("sprint WAS 3", "History searches do not support the  'sprint' field."),
                             ("status CHANGED DURING (-1d)", "The DURING predicate must be supplied with exactly 2 "
                                                             "date values."),
                             ('status = Done BY "sam@acme.test"', 'The EQUALS operator does not support the use of '
                                                                  'the by "sam@acme.test" predicate.')]:
            refused, text = await search(client, jql)
            assert refused and message in text, jql


@pytest.mark.parametrize("case_id", ["C04-jql-reserved-character-at-unquoted", "C05-jql-reserved-words-unquoted",
                                     "C06-text-search-boolean-operators", "C17-jql-history-operators"])
def test_the_cases_of_this_part_are_jql_ones(case_id: str) -> None:
    if not (CASES / f"{case_id}.json").exists():
        pytest.skip("the shared cases folder is not here")
    case = json.loads((CASES / f"{case_id}.json").read_text(encoding="utf-8"))
    assert {call["tool"] for call in case["calls"]} == {"jira_search"}
