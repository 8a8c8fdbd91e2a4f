"""Rich text reads back through our tools as through the real mcp-atlassian 0.23.1 over Jira Cloud.

Each case is Markdown as an agent writes it, and what 0.23.1 shows of it along each read path (see
jira_bench_tui/jira/mcpa_text.py): "v2" (jira_get_issue, jira_get_worklog: REST v2 wiki markup, cleaned by
`JiraPreprocessor.clean_jira_text`), "v2_raw" (the issue create/update answer with, board issues: wiki markup as
sent), "v3" (searches: ADF flattened by `adf_to_text`), "v3_clean" (add/edit comment and add worklog answers: ADF
flattened, then cleaned). The expected texts were computed by running mcp-atlassian 0.23.1's own functions (in its
environment) on the wiki markup and ADF our REST face sends for each Markdown text; they are pasted here, not
computed by importing it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jira_bench_tui.jira.quirks import Quirks

from .conftest import open_jira

# name: (Markdown as written, {read path: what mcp-atlassian 0.23.1 shows})
CASES: dict[str, tuple[str | None, dict[str, str | None]]] = {
    'heading': (
        '## Steps\n\nDo it.',
        {'v2': '## Steps\n\nDo it.', 'v2_raw': 'h2. Steps\n\nDo it.', 'v3': 'Steps\nDo it.', 'v3_clean': 'Steps\nDo it.'},
    ),
    'rich': (
        '## Steps\n\n1. open the cart\n2. pay with **Visa**\n\n- see `checkout.ts`\n- [spec](https://example.com/spec)\n\n```\nnpm test\n```',
        {'v2': '## Steps\n\n1. open the cart\n1. pay with **Visa**\n\n- see `checkout.ts`\n- [spec](https://example.com/spec)\n\n```\n\nnpm test\n\n```', 'v2_raw': 'h2. Steps\n\n# open the cart\n# pay with *Visa*\n\n* see {{checkout.ts}}\n* [spec|https://example.com/spec]\n\n{code}\nnpm test\n{code}', 'v3': 'Steps\nopen the cart\npay with \nVisa\nsee \ncheckout.ts\nspec\n```\nnpm test\n```', 'v3_clean': 'Steps\nopen the cart\npay with \nVisa\nsee \ncheckout.ts\nspec\n```\nnpm test\n```'},
    ),
    'nested': (
        '- one\n  - one a\n  - one b\n- two\n\n1. first\n   1. inner\n2. second',
        {'v2': '- one\n      - one a\n      - one b\n- two\n\n1. first\n  1. inner\n1. second', 'v2_raw': '* one\n** one a\n** one b\n* two\n\n# first\n## inner\n# second', 'v3': 'one\none a\none b\ntwo\nfirst\ninner\nsecond', 'v3_clean': 'one\none a\none b\ntwo\nfirst\ninner\nsecond'},
    ),
    'ordered_start': (
        '3. three\n4. four',
        {'v2': '1. three\n1. four', 'v2_raw': '# three\n# four', 'v3': 'three\nfour', 'v3_clean': 'three\nfour'},
    ),
    'emphasis': (
        'Retry **twice**, then *give up*; ~~old~~ see `sync.kt` and [the doc](https://example.com/doc).',
        {'v2': 'Retry **twice**, then *give up*; -old- see `sync.kt` and [the doc](https://example.com/doc).', 'v2_raw': 'Retry *twice*, then _give up_; -old- see {{sync.kt}} and [the doc|https://example.com/doc].', 'v3': 'Retry \ntwice\n, then \ngive up\n; \nold\n see \nsync.kt\n and \nthe doc\n.', 'v3_clean': 'Retry \ntwice\n, then \ngive up\n; \nold\n see \nsync.kt\n and \nthe doc\n.'},
    ),
    'code_lang': (
        "Run:\n\n```python\nprint('hi')\n\nx = 1\n```\n\nDone.",
        {'v2': "Run:\n\n```python\n\nprint('hi')\n\nx = 1\n\n```\n\nDone.", 'v2_raw': "Run:\n\n{code:python}\nprint('hi')\n\nx = 1\n{code}\n\nDone.", 'v3': "Run:\n```\nprint('hi')\n\nx = 1\n```\nDone.", 'v3_clean': "Run:\n```\nprint('hi')\n\nx = 1\n```\nDone."},
    ),
    'table': (
        '| Name | Value |\n|---|---|\n| a | 1 |\n| b | **2** |',
        {'v2': '|Name|Value|\n|---|---|\n|a|1|\n|b|**2**|', 'v2_raw': '||Name||Value||\n|a|1|\n|b|*2*|', 'v3': 'Name\nValue\na\n1\nb\n2', 'v3_clean': 'Name\nValue\na\n1\nb\n2'},
    ),
    'blank_lines': (
        'First paragraph.\n\nSecond paragraph\nwith a soft break.\n\n\nThird.',
        {'v2': 'First paragraph.\n\nSecond paragraph\nwith a soft break.\n\nThird.', 'v2_raw': 'First paragraph.\n\nSecond paragraph\nwith a soft break.\n\nThird.', 'v3': 'First paragraph.\nSecond paragraph\nwith a soft break.\nThird.', 'v3_clean': 'First paragraph.\nSecond paragraph\nwith a soft break.\nThird.'},
    ),
    'quote': (
        '> quoted text\n> more\n\nafter',
        {'v2': '> \n> quoted text\n> more\n> \n\nafter', 'v2_raw': '{quote}\nquoted text\nmore\n{quote}\n\nafter', 'v3': 'quoted text\nmore\nafter', 'v3_clean': 'quoted text\nmore\nafter'},
    ),
    'mention': (
        'Ping [~accountid:cec60bf2b8fc8648e00a4cfd] please',
        {'v2': 'Ping User:cec60bf2b8fc8648e00a4cfd please', 'v2_raw': 'Ping [~accountid:cec60bf2b8fc8648e00a4cfd] please', 'v3': 'Ping \n@cec60bf2b8fc8648e00a4cfd\n please', 'v3_clean': 'Ping \n@cec60bf2b8fc8648e00a4cfd\n please'},
    ),
    'plain': (
        'Pairing on the cart',
        {'v2': 'Pairing on the cart', 'v2_raw': 'Pairing on the cart', 'v3': 'Pairing on the cart', 'v3_clean': 'Pairing on the cart'},
    ),
    'bold_only': (
        'Pairing on the **cart**',
        {'v2': 'Pairing on the **cart**', 'v2_raw': 'Pairing on the *cart*', 'v3': 'Pairing on the \ncart', 'v3_clean': 'Pairing on the \ncart'},
    ),
    'html_like': (
        'Keep p95 < 200ms and > 100ms, see <b>note</b>',
        {'v2': 'Keep p95 < 200ms and > 100ms, see **note**', 'v2_raw': 'Keep p95 < 200ms and > 100ms, see <b>note</b>', 'v3': 'Keep p95 < 200ms and > 100ms, see <b>note</b>', 'v3_clean': 'Keep p95 < 200ms and > 100ms, see **note**'},
    ),
    'underscores': (
        'set snake_case_name and _em_ here',
        {'v2': 'set snake*case*name and *em* here', 'v2_raw': 'set snake_case_name and _em_ here', 'v3': 'set snake_case_name and \nem\n here', 'v3_clean': 'set snake*case*name and \nem\n here'},
    ),
    'plus_caret': (
        'C++ and C++ again, x^2^ and a~b~c',
        {'v2': 'C and C again, x2 and abc', 'v2_raw': 'C++ and C++ again, x^2^ and a~b~c', 'v3': 'C++ and C++ again, x^2^ and a~b~c', 'v3_clean': 'C and C again, x2 and abc'},
    ),
    'rule': (
        'above\n\n---\n\nbelow',
        {'v2': 'above\n\n----\n\nbelow', 'v2_raw': 'above\n\n----\n\nbelow', 'v3': 'above\nbelow', 'v3_clean': 'above\nbelow'},
    ),
    'url_autolink': (
        'see https://example.com/x and <https://example.com/y>',
        {'v2': 'see https://example.com/x and [https://example.com/y]', 'v2_raw': 'see https://example.com/x and [https://example.com/y]', 'v3': 'see https://example.com/x and \nhttps://example.com/y', 'v3_clean': 'see https://example.com/x and \nhttps://example.com/y'},
    ),
    'hardbreak': (
        'line one  \nline two',
        {'v2': 'line one\\\\\nline two', 'v2_raw': 'line one\\\\\nline two', 'v3': 'line one\n\n\nline two', 'v3_clean': 'line one\n\n\nline two'},
    ),
    'issue_key': (
        'Relates to WEB-12 and MOB-3',
        {'v2': 'Relates to WEB-12 and MOB-3', 'v2_raw': 'Relates to WEB-12 and MOB-3', 'v3': 'Relates to WEB-12 and MOB-3', 'v3_clean': 'Relates to WEB-12 and MOB-3'},
    ),
    'panel_wiki': (
        '{panel:title=Note}inside{panel}',
        {'v2': '**Note**\ninside', 'v2_raw': '{panel:title=Note}inside{panel}', 'v3': '{panel:title=Note}inside{panel}', 'v3_clean': '**Note**\ninside'},
    ),
    'headings': (
        '# Title\n\n### Detail\n\ntext',
        {'v2': '# Title\n\n### Detail\n\ntext', 'v2_raw': 'h1. Title\n\nh3. Detail\n\ntext', 'v3': 'Title\nDetail\ntext', 'v3_clean': 'Title\nDetail\ntext'},
    ),
    'panel_md': (
        ':::info\nHeads up\n:::',
        {'v2': ':::info\nHeads up\n:::', 'v2_raw': ':::info\nHeads up\n:::', 'v3': ':::info\nHeads up\n:::', 'v3_clean': ':::info\nHeads up\n:::'},
    ),
    'empty': (
        '',
        {'v2': '', 'v2_raw': '', 'v3': None, 'v3_clean': ''},
    ),
    'spaces': (
        '   ',
        {'v2': '', 'v2_raw': '', 'v3': None, 'v3_clean': ''},
    ),
    'none': (
        None,
        {'v2': '', 'v2_raw': None, 'v3': None, 'v3_clean': ''},
    ),
}

WRITTEN = {name: md for name, (md, _) in CASES.items() if md and md.strip()}  # what the write tools accept


def _shown(name: str, path: str, *, empty_is_absent: bool = True) -> str | None:
    """The expected text; a description that shows "" (or nothing) is left out of the simplified issue."""
    value = CASES[name][1][path]
    return None if empty_is_absent and not value else value


async def _create_all(jira, with_description: bool = True) -> dict[str, dict]:
    """One WEB task per case (its description the case's Markdown, none for empty or None): name -> answer."""
    created = {}
    for name, (md, _) in CASES.items():
        args = {"project_key": "WEB", "summary": f"rich {name}", "issue_type": "Task"}
        if with_description and md:
            args["description"] = md
        created[name] = (await jira.ok("jira_create_issue", **args))["issue"]
    return created


async def test_descriptions_read_back_per_read_path(default_db: Path) -> None:
    async with open_jira(default_db) as jira:
        created = await _create_all(jira)
        keys = {name: issue["key"] for name, issue in created.items()}
        got_create = {name: issue.get("description") for name, issue in created.items()}
        got_get = {name: (await jira.ok("jira_get_issue", issue_key=key, fields="description")).get("description")
                   for name, key in keys.items()}
        got_search = {}
        for name, key in keys.items():
            page = await jira.ok("jira_search", jql=f"key = {key}", fields="description")
            got_search[name] = page["issues"][0].get("description")
        updated = {}
        for name, md in WRITTEN.items():
            answer = await jira.ok("jira_update_issue", issue_key="WEB-22", fields=json.dumps({"description": md}))
            updated[name] = answer["issue"].get("description")
    assert got_create == {name: _shown(name, "v2_raw") for name in CASES}
    assert got_get == {name: _shown(name, "v2") for name in CASES}
    assert got_search == {name: _shown(name, "v3") for name in CASES}
    assert updated == {name: _shown(name, "v2_raw") for name in WRITTEN}


async def test_comments_read_back_per_read_path(default_db: Path) -> None:
    async with open_jira(default_db) as jira:
        added, edited, on_get, on_search = {}, {}, {}, {}
        for name, md in WRITTEN.items():
            key = (await jira.ok("jira_create_issue", project_key="WEB", summary=f"c {name}", issue_type="Task")
                   )["issue"]["key"]
            answer = await jira.ok("jira_add_comment", issue_key=key, body=md)
            added[name] = answer["body"]
            on_get[name] = (await jira.ok("jira_get_issue", issue_key=key, fields="comment"))["comments"][0]["body"]
            page = await jira.ok("jira_search", jql=f"key = {key}", fields="comment")
            on_search[name] = page["issues"][0]["comments"][0]["body"]
            edited[name] = (await jira.ok("jira_edit_comment", issue_key=key, comment_id=answer["id"], body=md))["body"]
    assert added == {name: CASES[name][1]["v3_clean"] for name in WRITTEN}
    assert edited == added
    assert on_get == {name: CASES[name][1]["v2"] for name in WRITTEN}
    assert on_search == {name: CASES[name][1]["v3"] or "" for name in WRITTEN}


async def test_worklog_comments_read_back_per_read_path(default_db: Path) -> None:
    async with open_jira(default_db) as jira:
        added, listed = {}, {}
        for name, md in [*WRITTEN.items(), ("none", None)]:
            key = (await jira.ok("jira_create_issue", project_key="WEB", summary=f"w {name}", issue_type="Task")
                   )["issue"]["key"]
            args = {"issue_key": key, "time_spent": "1h"} | ({"comment": md} if md else {})
            added[name] = (await jira.ok("jira_add_worklog", **args))["worklog"]["comment"]
            listed[name] = (await jira.ok("jira_get_worklog", issue_key=key))["worklogs"][0]["comment"]
            included = await jira.ok("jira_get_issue", issue_key=key, fields="summary", include="worklogs")
            assert included["worklogs"][0]["comment"] == listed[name], name
    names = [*WRITTEN, "none"]
    assert added == {name: CASES[name][1]["v3_clean"] for name in names}
    assert listed == {name: CASES[name][1]["v2"] for name in names}


async def test_other_issue_lists_follow_their_read_path(default_db: Path) -> None:
    """Sprint and project issues come from REST v3 searches (ADF flattened); board issues from the agile API,
    whose wiki markup 0.23.1 passes on as it is."""
    md, expected = CASES["rich"]
    async with open_jira(default_db) as jira:
        await jira.ok("jira_update_issue", issue_key="WEB-22", fields=json.dumps({"description": md}))
        board = await jira.ok("jira_get_board_issues", board_id="1", jql="key = WEB-22", fields="description")
        sprint_id = (await jira.ok("jira_get_issue", issue_key="WEB-22", fields="customfield_10020")
                     )["customfield_10020"]["value"][0]["id"]
        sprint = await jira.ok("jira_get_sprint_issues", sprint_id=str(sprint_id), fields="description", limit=50)
        project = await jira.ok("jira_get_project_issues", project_key="WEB", limit=50)
    assert board["issues"][0]["description"] == expected["v2_raw"]
    assert next(i for i in sprint["issues"] if i["key"] == "WEB-22")["description"] == expected["v3"]
    assert next(i for i in project["issues"] if i["key"] == "WEB-22")["description"] == expected["v3"]


@pytest.mark.parametrize("tool", ["jira_get_issue", "jira_search", "jira_add_comment"])
async def test_the_markdown_quirk_shows_the_text_as_written(default_db: Path, tool: str) -> None:
    md = CASES["rich"][0]
    async with open_jira(default_db, Quirks.from_strings({"rich_text": "markdown"})) as jira:
        await jira.ok("jira_update_issue", issue_key="WEB-22", fields=json.dumps({"description": md}))
        if tool == "jira_get_issue":
            shown = (await jira.ok(tool, issue_key="WEB-22", fields="description"))["description"]
        elif tool == "jira_search":
            shown = (await jira.ok(tool, jql="key = WEB-22", fields="description"))["issues"][0]["description"]
        else:
            shown = (await jira.ok(tool, issue_key="WEB-22", body=md))["body"]
        worklog = (await jira.ok("jira_add_worklog", issue_key="WEB-22", time_spent="1h", comment=md))["worklog"]
    assert shown == md
    assert worklog["comment"] == md


@pytest.mark.parametrize("path", ["v2", "v2_raw", "v3", "v3_clean"])
def test_remembered_texts_read_as_computed_ones(path: str) -> None:
    """shown_text remembers its answers: a text shown again (and the first time) reads as mcp-atlassian shows it."""
    from jira_bench_tui.jira.mcpa_text import shown_text

    for name, (md, expected) in CASES.items():
        first = shown_text(md, path, "https://example.atlassian.net")  # type: ignore[arg-type]
        again = shown_text(md, path, "https://example.atlassian.net")  # type: ignore[arg-type]
        assert first == again == expected[path], name
