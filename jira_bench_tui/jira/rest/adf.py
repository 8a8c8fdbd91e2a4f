"""Markdown <-> Atlassian Document Format (ADF), the rich-text body of Jira Cloud's REST API v3.

The embedded Jira stores descriptions, comment bodies and worklog comments as Markdown. The REST face shows them as
ADF on v3 and takes ADF on v3 writes. Markdown is parsed with markdown-it-py (CommonMark plus tables and
strikethrough); ADF is written back as the same Markdown a user would type, so `adf_to_markdown(markdown_to_adf(x))`
gives `x` back for headings, paragraphs, emphasis, inline code, links, lists (nested, ordered with a start), code
blocks, quotes, rules, tables and mentions. A mention is written `[~accountid:ID]` in Markdown, as mcp-atlassian
0.23.1 writes it (`models/jira/adf.py`) and as Jira's v2 wiki markup shows it.
"""

from __future__ import annotations

import re
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode

Node = dict[str, Any]

_MD = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
MENTION = re.compile(r"\[~accountid:([^\]\s]+)\]")
_BLOCK_TYPES = {"paragraph", "heading", "bulletList", "orderedList", "codeBlock", "blockquote", "rule", "table",
                "panel", "mediaSingle", "mediaGroup", "taskList", "decisionList", "expand", "nestedExpand"}
_MARK_WRAP = {"strong": ("**", "**"), "em": ("*", "*"), "strike": ("~~", "~~"), "code": ("`", "`")}


def empty_doc() -> Node:
    """An ADF document with no content."""
    return {"type": "doc", "version": 1, "content": []}


# ---------------------------------------------------------------- Markdown -> ADF


def markdown_to_adf(text: str | None) -> Node | None:
    """The ADF document of a Markdown text; None for None (Jira shows an unset description as null)."""
    if text is None:
        return None
    tree = SyntaxTreeNode(_MD.parse(text))
    return {"type": "doc", "version": 1, "content": _blocks(tree.children)}


def _blocks(nodes: list[SyntaxTreeNode]) -> list[Node]:
    out: list[Node] = []
    for node in nodes:
        block = _block(node)
        if block is not None:
            out.append(block)
    return out


def _block(node: SyntaxTreeNode) -> Node | None:
    kind = node.type
    if kind == "paragraph":
        return {"type": "paragraph", "content": _inlines(node)}
    if kind == "heading":
        return {"type": "heading", "attrs": {"level": int(node.tag[1])}, "content": _inlines(node)}
    if kind == "bullet_list":
        return {"type": "bulletList", "content": [_list_item(item) for item in node.children]}
    if kind == "ordered_list":
        start = int(node.attrs.get("start", 1) or 1)
        return {"type": "orderedList", "attrs": {"order": start}, "content": [_list_item(i) for i in node.children]}
    if kind in ("fence", "code_block"):
        attrs = {"language": node.info.strip().split()[0]} if node.info.strip() else {}
        code = node.content[:-1] if node.content.endswith("\n") else node.content
        block: Node = {"type": "codeBlock", "attrs": attrs}
        block["content"] = [{"type": "text", "text": code}] if code else []
        return block
    if kind == "blockquote":
        return {"type": "blockquote", "content": _blocks(node.children)}
    if kind == "hr":
        return {"type": "rule"}
    if kind == "table":
        return _table(node)
    if kind == "html_block":
        return {"type": "paragraph", "content": [{"type": "text", "text": node.content.rstrip("\n")}]}
    return None


def _list_item(node: SyntaxTreeNode) -> Node:
    return {"type": "listItem", "content": _blocks(node.children) or [{"type": "paragraph", "content": []}]}


def _table(node: SyntaxTreeNode) -> Node:
    rows: list[Node] = []
    for section in node.children:  # thead, tbody
        for tr in section.children:
            cells = []
            for cell in tr.children:
                kind = "tableHeader" if cell.type == "th" else "tableCell"
                cells.append({"type": kind, "attrs": {}, "content": [{"type": "paragraph", "content": _inlines(cell)}]})
            rows.append({"type": "tableRow", "content": cells})
    return {"type": "table", "attrs": {"isNumberColumnEnabled": False, "layout": "default"}, "content": rows}


def _inlines(node: SyntaxTreeNode) -> list[Node]:
    """The inline content of a paragraph, heading or table cell."""
    inline = node.children[0] if node.children and node.children[0].type == "inline" else node
    out: list[Node] = []
    _inline_children(inline.children, [], out)
    return _merge_text(out)


def _inline_children(nodes: list[SyntaxTreeNode], marks: list[Node], out: list[Node]) -> None:
    for child in nodes:
        kind = child.type
        if kind == "text":
            out.append(_text(child.content, marks))
        elif kind == "softbreak":
            out.append(_text("\n", marks))
        elif kind == "hardbreak":
            out.append({"type": "hardBreak"})
        elif kind == "code_inline":
            out.append(_text(child.content, [*marks, {"type": "code"}]))
        elif kind in ("strong", "em", "s"):
            mark = {"strong": "strong", "em": "em", "s": "strike"}[kind]
            _inline_children(child.children, [*marks, {"type": mark}], out)
        elif kind == "link":
            href = str(child.attrs.get("href", ""))
            _inline_children(child.children, [*marks, {"type": "link", "attrs": {"href": href}}], out)
        elif kind == "image":
            out.append(_text(str(child.attrs.get("src", "")), marks))
        elif kind == "html_inline":
            out.append(_text(child.content, marks))
        else:
            _inline_children(child.children, marks, out)


def _text(text: str, marks: list[Node]) -> Node:
    node: Node = {"type": "text", "text": text}
    if marks:
        node["marks"] = [dict(m) for m in marks]
    return node


def _merge_text(nodes: list[Node]) -> list[Node]:
    """Join neighbouring text nodes with the same marks, then split mentions out of plain text."""
    merged: list[Node] = []
    for node in nodes:
        last = merged[-1] if merged else None
        if (last is not None and node["type"] == "text" and last["type"] == "text"
                and last.get("marks") == node.get("marks")):
            last["text"] += node["text"]
        else:
            merged.append(dict(node))
    out: list[Node] = []
    for node in merged:
        if node["type"] != "text" or node.get("marks") or not MENTION.search(node["text"]):
            out.append(node)
            continue
        pos = 0
        for match in MENTION.finditer(node["text"]):
            if match.start() > pos:
                out.append({"type": "text", "text": node["text"][pos:match.start()]})
            out.append({"type": "mention", "attrs": {"id": match.group(1)}})
            pos = match.end()
        if pos < len(node["text"]):
            out.append({"type": "text", "text": node["text"][pos:]})
    return out


# ---------------------------------------------------------------- ADF -> Markdown


def adf_to_markdown(doc: Any, base_url: str = "") -> str | None:
    """The Markdown of an ADF document (a dict; a plain string is taken as Markdown already); None for None.

    Raises ValueError when `doc` is neither a string nor an ADF node. `base_url` turns a link whose text is an issue
    key and whose target is `<base_url>/browse/<key>` back into the bare key, undoing mcp-atlassian's key linking."""
    if doc is None:
        return None
    if isinstance(doc, str):
        return doc
    if not isinstance(doc, dict) or not isinstance(doc.get("type"), str):
        raise ValueError("not an Atlassian Document Format node")
    content = doc.get("content") or []
    if doc["type"] != "doc":
        content = [doc]
    return _blocks_md(content, base_url).strip("\n")


def _blocks_md(nodes: list[Node], base_url: str) -> str:
    parts = [_block_md(node, base_url) for node in nodes if isinstance(node, dict)]
    return "\n\n".join(p for p in parts if p is not None)


def _block_md(node: Node, base_url: str) -> str | None:
    kind = node.get("type")
    content = node.get("content") or []
    attrs = node.get("attrs") or {}
    if kind == "paragraph":
        return _inlines_md(content, base_url)
    if kind == "heading":
        return "#" * int(attrs.get("level", 1)) + " " + _inlines_md(content, base_url)
    if kind == "bulletList":
        return _list_md(content, base_url, None)
    if kind == "orderedList":
        return _list_md(content, base_url, int(attrs.get("order", 1) or 1))
    if kind == "codeBlock":
        code = "".join(c.get("text", "") for c in content if isinstance(c, dict))
        return f"```{attrs.get('language') or ''}\n{code}\n```"
    if kind in ("blockquote", "panel"):
        inner = _blocks_md(content, base_url)
        return "\n".join(f"> {line}" if line else ">" for line in inner.split("\n"))
    if kind == "rule":
        return "---"
    if kind == "table":
        return _table_md(content, base_url)
    if kind in ("mediaSingle", "mediaGroup", "media"):
        return None
    if kind in _BLOCK_TYPES or content:
        return _blocks_md(content, base_url) if any(c.get("type") in _BLOCK_TYPES for c in content) \
            else _inlines_md(content, base_url)
    return _inlines_md([node], base_url)


def _list_md(items: list[Node], base_url: str, start: int | None) -> str:
    lines: list[str] = []
    for index, item in enumerate(items):
        marker = "- " if start is None else f"{start + index}. "
        body = _blocks_md(item.get("content") or [], base_url)
        body = body.replace("\n\n", "\n")  # a tight list
        first, *rest = body.split("\n") if body else [""]
        lines.append(marker + first)
        lines.extend((" " * len(marker) + line) if line else "" for line in rest)
    return "\n".join(lines)


def _table_md(rows: list[Node], base_url: str) -> str:
    grid = [[_inlines_md(_cell_inlines(cell), base_url) for cell in row.get("content") or []] for row in rows]
    if not grid:
        return ""
    width = max(len(r) for r in grid)
    grid = [r + [""] * (width - len(r)) for r in grid]
    lines = ["| " + " | ".join(grid[0]) + " |", "|" + "|".join(["---"] * width) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in grid[1:]]
    return "\n".join(lines)


def _cell_inlines(cell: Node) -> list[Node]:
    out: list[Node] = []
    for index, block in enumerate(cell.get("content") or []):
        if index:
            out.append({"type": "hardBreak"})
        out.extend(block.get("content") or [])
    return out


def _inlines_md(nodes: list[Node], base_url: str) -> str:
    parts: list[str] = []
    for node in nodes:
        kind = node.get("type")
        attrs = node.get("attrs") or {}
        if kind == "text":
            parts.append(_text_md(node, base_url))
        elif kind == "hardBreak":
            parts.append("\\\n")
        elif kind == "mention":
            parts.append(f"[~accountid:{attrs.get('id', '')}]")
        elif kind == "emoji":
            parts.append(attrs.get("text") or attrs.get("shortName") or "")
        elif kind in ("inlineCard", "blockCard"):
            parts.append(str(attrs.get("url", "")))
        elif kind == "date":
            parts.append(str(attrs.get("timestamp", "")))
        elif kind == "status":
            parts.append(str(attrs.get("text", "")))
        elif node.get("content"):
            parts.append(_inlines_md(node["content"], base_url))
    return "".join(parts)


def _text_md(node: Node, base_url: str) -> str:
    text = str(node.get("text", ""))
    marks = node.get("marks") or []
    link = next((m for m in marks if m.get("type") == "link"), None)
    if any(m.get("type") == "code" for m in marks):
        text = f"`{text}`"
    for mark in marks:
        wrap = _MARK_WRAP.get(str(mark.get("type")))
        if wrap and mark.get("type") != "code":
            text = f"{wrap[0]}{text}{wrap[1]}"
    if link is not None:
        href = str((link.get("attrs") or {}).get("href", ""))
        if base_url and href == f"{base_url.rstrip('/')}/browse/{node.get('text')}":
            return text
        text = f"[{text}]({href})"
    return text
