"""Rich text on the REST face: Markdown <-> ADF (v3) and Markdown <-> wiki markup (v2) round-trip what a user
writes, and ADF / wiki written by other tools (mcp-atlassian's converter, Jira's editor) read back as expected."""

from __future__ import annotations

import pytest

from jira_bench_tui.jira.rest.adf import adf_to_markdown, markdown_to_adf
from jira_bench_tui.jira.rest.wiki import adf_to_wiki, markdown_to_wiki, wiki_to_adf, wiki_to_markdown

SAMPLES = [
    "Plain text only",
    "# Title\n\nHello **bold**, *italic*, ~~gone~~ and `code`.\nA second line in the same paragraph.",
    "## Steps\n\n1. one\n2. two\n   - nested a\n   - nested b\n3. three",
    "- a\n- b\n  - deeper\n    - deepest",
    "```python\nx = 1\nprint(x)\n```",
    "```\nno language\n```",
    "> quoted *text*",
    "Before\n\n---\n\nAfter",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "Ping [~accountid:5b10ac8d82e05b22cc7d4ef5] about [the doc](https://example.com/d?x=1).",
    "Line one\\\nline two",
    "###### Small heading",
]


@pytest.mark.parametrize("text", SAMPLES)
def test_markdown_round_trips_through_adf(text: str) -> None:
    assert adf_to_markdown(markdown_to_adf(text)) == text


@pytest.mark.parametrize("text", SAMPLES)
def test_markdown_round_trips_through_wiki(text: str) -> None:
    assert wiki_to_markdown(markdown_to_wiki(text)) == text


def test_wiki_markup_is_jira_notation() -> None:
    wiki = markdown_to_wiki("# T\n\n**b** *i* `c` ~~s~~ [x](http://a)\n\n- one\n  - two\n1. first\n\n```sql\nSELECT 1\n```")
    assert wiki == ("h1. T\n\n*b* _i_ {{c}} -s- [x|http://a]\n\n* one\n** two\n\n# first\n\n"
                    "{code:sql}\nSELECT 1\n{code}")


def test_adf_structure_of_a_mention_a_list_and_a_code_block() -> None:
    doc = markdown_to_adf("Hi [~accountid:abc]\n\n1. x\n\n```js\ny\n```")
    assert doc is not None
    assert doc["content"][0]["content"][1] == {"type": "mention", "attrs": {"id": "abc"}}
    assert doc["content"][1]["type"] == "orderedList" and doc["content"][1]["attrs"] == {"order": 1}
    assert doc["content"][2] == {"type": "codeBlock", "attrs": {"language": "js"}, "content": [{"type": "text",
                                                                                                 "text": "y"}]}


def test_mcp_atlassian_issue_key_links_read_back_as_bare_keys() -> None:
    doc = {"type": "doc", "version": 1, "content": [{"type": "paragraph", "content": [
        {"type": "text", "text": "see "},
        {"type": "text", "text": "WEB-1", "marks": [{"type": "link", "attrs": {"href": "http://t.atlassian.net/browse/WEB-1"}}]}]}]}
    assert adf_to_markdown(doc, "http://t.atlassian.net") == "see WEB-1"
    assert adf_to_markdown(doc) == "see [WEB-1](http://t.atlassian.net/browse/WEB-1)"


def test_wiki_from_jira_reads_as_markdown() -> None:
    wiki = "h2. Notes\n\n*bold* and _it_ and {{x}}\n\n* a\n*# b\n\n{noformat}\nraw\n{noformat}\n\nbq. quote\n||h||\n|c|"
    assert wiki_to_markdown(wiki) == ("## Notes\n\n**bold** and *it* and `x`\n\n- a\n  1. b\n\n```\nraw\n```\n\n"
                                      "> quote\n\n| h |\n|---|\n| c |")


def test_none_stays_none_and_adf_rejects_non_documents() -> None:
    assert markdown_to_adf(None) is None and adf_to_markdown(None) is None
    assert markdown_to_wiki(None) is None and wiki_to_markdown(None) is None
    with pytest.raises(ValueError):
        adf_to_markdown(["not", "a", "node"])


def test_unknown_adf_nodes_keep_their_text() -> None:
    doc = {"type": "doc", "version": 1, "content": [
        {"type": "panel", "attrs": {"panelType": "info"}, "content": [{"type": "paragraph", "content": [
            {"type": "text", "text": "Note"}, {"type": "emoji", "attrs": {"shortName": ":ok:", "text": "👍"}},
            {"type": "inlineCard", "attrs": {"url": "https://x.test"}}]}]},
        {"type": "mediaSingle", "content": [{"type": "media", "attrs": {"id": "1"}}]}]}
    assert adf_to_markdown(doc) == "> Note👍https://x.test"
    assert adf_to_wiki(doc) == "{quote}\nNote👍[https://x.test]\n{quote}"
    assert wiki_to_adf("")["content"] == []
