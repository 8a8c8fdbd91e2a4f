"""Rich text as mcp-atlassian 0.23.1 shows it over Jira Cloud: what an agent reads back of a description, a comment
body or a worklog comment, given the Markdown the embedded Jira stores.

The embedded Jira stores Markdown; its REST face (`rest/adf.py`, `rest/wiki.py`) shows it as ADF on v3 and wiki
markup on v2, as Jira Cloud does. mcp-atlassian then turns what it read into text its own way, and loses things on
the way (ordered items all `1.`, blank lines inside code blocks, emphasis and list markers gone from ADF). The
in-process tools must show the same, so this module runs the stored Markdown through the REST face's own renderers
(so the two faces cannot drift) and then through a port of mcp-atlassian's conversions:

- `clean_jira_text` <- `mcp_atlassian/preprocessing/jira.py` `JiraPreprocessor.clean_jira_text` (with
  `_process_mentions`, `_process_smart_links`, `jira_to_markdown`, `_convert_jira_list_to_markdown`,
  `_convert_panel`) and `preprocessing/base.py` `_extract_blocks`, `_restore_blocks`,
  `BasePreprocessor._convert_html_to_markdown` (BeautifulSoup + markdownify, as there);
- `adf_to_text` <- `mcp_atlassian/models/jira/adf.py` `adf_to_text`.

mcp-atlassian is MIT licensed (Copyright (c) 2024 sooperset); the ported code keeps its behaviour, regexes and order
of steps, split into smaller functions.

Read paths (`TextPath`), each named after what mcp-atlassian reads:
- "v2": REST v2 wiki markup, cleaned to Markdown (`JiraFetcher.get_issue`'s description and comments,
  `WorklogMixin.get_worklogs`);
- "v2_raw": REST v2 wiki markup as Jira sends it (the issue that create_issue, update_issue, move_issue answer with,
  built by `JiraIssue.from_api_response` from a raw `jira.get_issue`);
- "v3": REST v3 ADF flattened by `adf_to_text` (search, board, sprint and project issues);
- "v3_clean": ADF flattened, then cleaned (the answers of add_comment, edit_comment and add_worklog);
- "markdown": the stored Markdown as written (the `rich_text=markdown` quirk).
"""

from __future__ import annotations

import dataclasses
import functools
import re
import warnings
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Literal

from jira_bench_tui.jira.issue_load import JiraIssue
from jira_bench_tui.jira.rest.adf import markdown_to_adf
from jira_bench_tui.jira.rest.wiki import markdown_to_wiki

TextPath = Literal["v2", "v2_raw", "v3", "v3_clean", "markdown"]

_ISSUE_KEY_PATTERN = r"[A-Z][A-Z0-9_]+-\d+(?:-\d+)*"


SHOWN_TEXT_CACHE_SIZE = 4096  # texts remembered per process (fixture texts repeat across the trials of a run)


def shown_text(stored: str | None, path: TextPath, base_url: str = "") -> str | None:
    """What mcp-atlassian 0.23.1 shows of a stored Markdown text read along `path` (see the module docstring).

    "v2" and "v3_clean" give "" for None or an empty text (as `_clean_text` does); "v2_raw" and "v3" give None for
    None (and "v3" also for a text with nothing in it: `adf_to_text` of an empty document); "markdown" gives the text
    back. `base_url` is the site's (mcp-atlassian's JIRA_URL), used for smart links.

    A pure function of its three arguments, remembered for the last SHOWN_TEXT_CACHE_SIZE distinct ones (parsing
    the Markdown is most of the cost of showing an issue, and a fixture's texts come back in every trial)."""
    if path == "markdown":
        return stored
    return _shown_text(stored, path, base_url)


@functools.lru_cache(maxsize=SHOWN_TEXT_CACHE_SIZE)
def _shown_text(stored: str | None, path: TextPath, base_url: str) -> str | None:
    if path == "v2_raw":
        return markdown_to_wiki(stored)
    if path == "v2":
        return clean_jira_text(markdown_to_wiki(stored) or "", base_url)
    flat = adf_to_text(markdown_to_adf(stored))
    if path == "v3":
        return flat
    return clean_jira_text(flat or "", base_url)


def raw_text(stored: str | None, path: TextPath) -> Any:
    """A rich text as the REST version of `path` sends it and mcp-atlassian passes it on untouched (the raw
    `worklog` field of an issue read with fields='*all'): an ADF document on v3, wiki markup on v2, the stored
    Markdown for "markdown"; None for None."""
    if path == "markdown" or stored is None:
        return stored
    return markdown_to_adf(stored) if path in ("v3", "v3_clean") else markdown_to_wiki(stored)


def shown_issue(issue: JiraIssue, path: TextPath, base_url: str = "") -> JiraIssue:
    """The issue with its description and comment bodies as mcp-atlassian shows them along `path` (a comment with
    nothing left shows "", as `JiraComment` does); worklogs are left as stored (`worklog_dict` reads them)."""
    if path == "markdown":
        return issue
    comments = tuple(dataclasses.replace(c, body=shown_text(c.body, path, base_url) or "") for c in issue.comments)
    return dataclasses.replace(issue, description=shown_text(issue.description, path, base_url), comments=comments)


# ---------------------------------------------------------------- ADF -> text (models/jira/adf.py)


def adf_to_text(adf_content: dict[str, Any] | list[Any] | str | None) -> str | None:
    """mcp-atlassian's `adf_to_text`: the text nodes of an ADF document (or content list) joined with "\\n", a code
    block fenced with ```, a mention as its text or "@id", a status as "[text]", a date as YYYY-MM-DD; None when
    nothing is in it."""
    if adf_content is None:
        return None
    if isinstance(adf_content, str):
        return adf_content
    if isinstance(adf_content, list):
        texts = [text for text in (adf_to_text(item) for item in adf_content) if text]
        return "\n".join(texts) if texts else None
    if isinstance(adf_content, dict):
        return _adf_node_text(adf_content)
    return None


def _adf_node_text(node: dict[str, Any]) -> str | None:
    kind = node.get("type")
    attrs = node.get("attrs", {})
    if kind == "text":
        return str(node.get("text", ""))
    if kind == "hardBreak":
        return "\n"
    if kind == "mention":
        return str(attrs.get("text") or f"@{attrs.get('id', 'unknown')}")
    if kind == "emoji":
        return str(attrs.get("text") or attrs.get("shortName", ""))
    if kind == "date":
        return _adf_date(attrs.get("timestamp"))
    if kind == "status":
        return f"[{attrs.get('text', '')}]"
    if kind == "inlineCard":
        url = attrs.get("url")
        if url:
            return str(url)
        data = attrs.get("data", {})
        return str(data.get("url") or data.get("name", ""))
    if kind == "codeBlock":
        code_text = adf_to_text(node.get("content", [])) or ""
        return f"```\n{code_text}\n```"
    content = node.get("content")
    if content:
        return adf_to_text(content)
    return None


def _adf_date(timestamp: Any) -> str:
    if not timestamp:
        return ""
    try:
        return datetime.fromtimestamp(int(timestamp) / 1000, tz=UTC).strftime("%Y-%m-%d")
    except (ValueError, OSError, TypeError, OverflowError):
        return str(timestamp)


# ---------------------------------------------------------------- wiki -> Markdown (preprocessing/jira.py)


def clean_jira_text(text: str, base_url: str = "") -> str:
    """`JiraPreprocessor.clean_jira_text` (translation on, as 0.23.1 runs by default): mentions `[~accountid:X]`
    become `User:X`, smart links become Markdown links, wiki markup becomes Markdown (`jira_to_markdown`), any HTML
    left becomes Markdown (`_convert_html_to_markdown`), and the result is stripped. "" for an empty text."""
    if not text:
        return ""
    for account_id in re.findall(r"\[~accountid:(.*?)\]", text):
        text = text.replace(f"[~accountid:{account_id}]", f"User:{account_id}")
    text = _process_smart_links(text, base_url.rstrip("/"))
    text = jira_to_markdown(text)
    text = _convert_html_to_markdown(text)
    return text.strip()


def _process_smart_links(text: str, base_url: str) -> str:
    """`JiraPreprocessor._process_smart_links`: `[text|url|smart-link]` to a Markdown link."""
    for match in re.finditer(r"\[(.*?)\|(.*?)\|smart-link\]", text):
        full_match, link_text, link_url = match.group(0), match.group(1), match.group(2)
        issue_key_match = re.search(rf"browse/({_ISSUE_KEY_PATTERN})(?=$|[/?#])", link_url)
        confluence_match = re.search(r"wiki/spaces/.+?/pages/\d+/(.+?)(?:\?|$)", link_url)
        if issue_key_match:
            issue_key = issue_key_match.group(1)
            text = text.replace(full_match, f"[{issue_key}]({base_url}/browse/{issue_key})")
        elif confluence_match:
            readable_title = confluence_match.group(1).replace("+", " ")
            readable_title = re.sub(rf"^{_ISSUE_KEY_PATTERN}\s+", "", readable_title)
            text = text.replace(full_match, f"[{readable_title}]({link_url})")
        else:
            text = text.replace(full_match, f"[{link_text}]({link_url.split('?')[0]})")
    return text


def _extract_blocks(text: str, pattern: str, transform_fn: Callable[[re.Match[str]], str], storage: list[str],
                    prefix: str, flags: int = 0) -> str:
    """`preprocessing/base.py` `_extract_blocks`: each match transformed, stored and replaced by a placeholder."""

    def _replacer(match: re.Match[str]) -> str:
        placeholder = f"\x00{prefix}{len(storage)}\x00"
        storage.append(transform_fn(match))
        return placeholder

    return re.sub(pattern, _replacer, text, flags=flags)


def _restore_blocks(text: str, storage: list[str], prefix: str) -> str:
    """`preprocessing/base.py` `_restore_blocks`: placeholders back, highest index first."""
    for i in range(len(storage) - 1, -1, -1):
        text = text.replace(f"\x00{prefix}{i}\x00", storage[i])
    return text


def jira_to_markdown(input_text: str) -> str:
    """`JiraPreprocessor.jira_to_markdown`: Jira wiki markup to mcp-atlassian's Markdown, regex by regex (code
    blocks protected first; `*bold*` -> `**bold**`, `# item` -> `1. item`, `h2.` -> `##`, `[t|u]` -> `[t](u)`,
    `||head||` rows get a `|---|` line; `+x+`, `^x^`, `~x~`, `??x??` become HTML tags)."""
    if not input_text:
        return ""
    code_blocks: list[str] = []
    inline_codes: list[str] = []
    output = _extract_blocks(input_text, r"\{code(?::([a-z]+))?\}([\s\S]*?)\{code\}",
                             lambda m: f"```{m.group(1) or ''}\n{m.group(2)}\n```", code_blocks, "CODEBLOCK",
                             flags=re.MULTILINE)
    output = _extract_blocks(output, r"\{noformat\}([\s\S]*?)\{noformat\}", lambda m: f"```\n{m.group(1)}\n```",
                             code_blocks, "CODEBLOCK")
    output = _extract_blocks(output, r"\{\{([^}]+)\}\}", lambda m: f"`{m.group(1)}`", inline_codes, "INLINECODE")
    output = _inline_and_lists(output)
    output = _blocks_and_links(output)
    output = _tables(output)
    output = _restore_blocks(output, code_blocks, "CODEBLOCK")
    return _restore_blocks(output, inline_codes, "INLINECODE")


def _inline_and_lists(output: str) -> str:
    """Quotes, bold/italic, lists, headings, citations, inserted/super/subscript and strikethrough, in that order."""
    output = re.sub(r"^bq\.(.*?)$", r"> \1\n", output, flags=re.MULTILINE)
    output = re.sub(
        r"([*_])(.*?)\1",
        lambda match: (("**" if match.group(1) == "*" else "*") + match.group(2)
                       + ("**" if match.group(1) == "*" else "*")),
        output,
    )
    output = re.sub(r"^((?:#|-|\+|\*)+) (.*)$", _convert_jira_list_to_markdown, output, flags=re.MULTILINE)
    output = re.sub(r"^h([0-6])\.(.*)$", lambda match: "#" * int(match.group(1)) + match.group(2), output,
                    flags=re.MULTILINE)
    output = re.sub(r"\?\?([^?]+(?:\?[^?]+)*)\?\?", r"<cite>\1</cite>", output)
    output = re.sub(r"\+([^+]*)\+", r"<ins>\1</ins>", output)
    output = re.sub(r"\^([^^]*)\^", r"<sup>\1</sup>", output)
    output = re.sub(r"~([^~]*)~", r"<sub>\1</sub>", output)
    return re.sub(r"-([^-]*)-", r"-\1-", output)


def _blocks_and_links(output: str) -> str:
    """{quote}, {panel}, images, links and {color}, in that order."""
    output = re.sub(r"\{quote\}([\s\S]*)\{quote\}",
                    lambda match: "\n".join([f"> {line}" for line in match.group(1).split("\n")]), output,
                    flags=re.MULTILINE)
    output = re.sub(r"\{panel(?::([^}]*))?\}([\s\S]*?)\{panel\}",
                    lambda match: _convert_panel(match.group(1), match.group(2)), output, flags=re.MULTILINE)
    output = re.sub(r"!([^|\n\s]+)\|([^\n!]*)alt=([^\n!\,]+?)(,([^\n!]*))?!", r"![\3](\1)", output)
    output = re.sub(r"!([^|\n\s]+)\|([^\n!]*)!", r"![](\1)", output)
    output = re.sub(r"!([^\n\s!]+)!", r"![](\1)", output)
    output = re.sub(r"\[([^|]+)\|(.+?)\]", r"[\1](\2)", output)
    output = re.sub(r"\[(.+?)\]([^\(])", r"\1\2", output)
    return re.sub(r"\{color:([^}]+)\}([\s\S]*?)\{color\}", r"<span style=\"color:\1\">\2</span>", output,
                  flags=re.MULTILINE)


def _tables(output: str) -> str:
    """Every line with `||` gets `|` for `||` and, when it has cells, a `|---|...` line after it."""
    lines = output.split("\n")
    i = 0
    while i < len(lines):
        if "||" in lines[i]:
            lines[i] = lines[i].replace("||", "|")
            header_cells = lines[i].count("|") - 1
            if header_cells > 0:
                lines.insert(i + 1, "|" + "---|" * header_cells)
                i += 1
        i += 1
    return "\n".join(lines)


def _convert_panel(params: str | None, content: str) -> str:
    """`preprocessing/jira.py` `_convert_panel`: a {panel} as its content, its title (if any) in bold first."""
    title = ""
    if params:
        title_match = re.search(r"title=([^|}]+)", params)
        if title_match:
            title = title_match.group(1).strip()
    content = content.strip()
    if title:
        return f"\n**{title}**\n{content}\n"
    return f"\n{content}\n"


def _convert_jira_list_to_markdown(match: re.Match[str]) -> str:
    """`JiraPreprocessor._convert_jira_list_to_markdown`: `##` -> `  1.`, `*`/`-`/`+` -> `-`, two spaces a level."""
    jira_bullets = match.group(1)
    indent = " " * ((len(jira_bullets) - 1) * 2)
    prefix = "1." if jira_bullets[-1] == "#" else "-"
    return f"{indent}{prefix} {match.group(2)}"


def _convert_html_to_markdown(text: str) -> str:
    """`BasePreprocessor._convert_html_to_markdown`: when the text has an HTML tag (code spans aside), the whole text
    goes through BeautifulSoup and markdownify (which, among other things, escapes `*` and `_`)."""
    code_blocks: list[str] = []
    inline_codes: list[str] = []
    text = _extract_blocks(text, r"```[^\n]*\n[\s\S]*?\n```", lambda m: m.group(0), code_blocks, "HTMLCVTBLOCK")
    text = _extract_blocks(text, r"`[^`]+`", lambda m: m.group(0), inline_codes, "HTMLCVTINLINE")
    if re.search(r"<[^>]+>", text):
        from bs4 import BeautifulSoup
        from markdownify import markdownify

        try:
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", category=UserWarning)
                soup = BeautifulSoup(f"<div>{text}</div>", "html.parser")
                html = str(soup.div.decode_contents()) if soup.div else text
                text = markdownify(html)
        except Exception:  # noqa: BLE001 - mcp-atlassian logs and keeps the text
            pass
    text = _restore_blocks(text, inline_codes, "HTMLCVTINLINE")
    return _restore_blocks(text, code_blocks, "HTMLCVTBLOCK")
