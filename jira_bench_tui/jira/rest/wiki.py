"""Jira wiki markup <-> Markdown, the text form of Jira Cloud's REST API v2 for the same rich text v3 shows as ADF.

Both directions go through ADF (`adf.py`): Markdown -> ADF -> wiki for reads, wiki -> ADF -> Markdown for writes, so
one document model serves v2 and v3. Covered: `h1.`-`h6.` headings, `*bold*`, `_italic_`, `-strike-`, `+under+`,
`{{code}}`, `[text|url]`, `[url]`, `[~accountid:ID]` mentions, `*`/`#` lists (nested, mixed), `{code:lang}` and
`{noformat}` blocks, `{quote}` and `bq.` quotes, `----` rules, `||head||` / `|cell|` tables and `\\\\` line breaks
(Jira's "Text formatting notation help"). `wiki_to_markdown(markdown_to_wiki(x)) == x` for what a user writes.
"""

from __future__ import annotations

import re
from typing import Any

from jira_bench_tui.jira.rest.adf import Node, adf_to_markdown, markdown_to_adf

_WIKI_MARKS = {"strong": "*", "em": "_", "strike": "-", "underline": "+", "subsup": "^"}


def markdown_to_wiki(text: str | None) -> str | None:
    """Jira wiki markup for a Markdown text; None for None."""
    doc = markdown_to_adf(text)
    return None if doc is None else adf_to_wiki(doc)


def wiki_to_markdown(text: str | None) -> str | None:
    """Markdown for a Jira wiki markup text; None for None."""
    if text is None:
        return None
    return adf_to_markdown(wiki_to_adf(text))


# ---------------------------------------------------------------- ADF -> wiki


def adf_to_wiki(doc: Node) -> str:
    """Jira wiki markup for an ADF document."""
    return _blocks_wiki(doc.get("content") or [], "").strip("\n")


def _blocks_wiki(nodes: list[Node], bullets: str) -> str:
    return "\n\n".join(part for part in (_block_wiki(n, bullets) for n in nodes) if part is not None)


def _block_wiki(node: Node, bullets: str) -> str | None:
    kind = node.get("type")
    content = node.get("content") or []
    attrs = node.get("attrs") or {}
    if kind == "paragraph":
        return _inlines_wiki(content)
    if kind == "heading":
        return f"h{int(attrs.get('level', 1))}. {_inlines_wiki(content)}"
    if kind in ("bulletList", "orderedList"):
        return _list_wiki(node, bullets)
    if kind == "codeBlock":
        code = "".join(c.get("text", "") for c in content)
        lang = attrs.get("language")
        return f"{{code:{lang}}}\n{code}\n{{code}}" if lang else f"{{code}}\n{code}\n{{code}}"
    if kind in ("blockquote", "panel"):
        return "{quote}\n" + _blocks_wiki(content, "") + "\n{quote}"
    if kind == "rule":
        return "----"
    if kind == "table":
        return _table_wiki(content)
    if kind in ("mediaSingle", "mediaGroup", "media"):
        return None
    return _inlines_wiki(content) if content else None


def _list_wiki(node: Node, bullets: str) -> str:
    marker = bullets + ("#" if node.get("type") == "orderedList" else "*")
    lines: list[str] = []
    for item in node.get("content") or []:
        texts: list[str] = []
        nested: list[str] = []
        for block in item.get("content") or []:
            if block.get("type") in ("bulletList", "orderedList"):
                nested.append(_list_wiki(block, marker))
            else:
                texts.append(_block_wiki(block, marker) or "")
        lines.append(f"{marker} " + "\n".join(texts))
        lines.extend(nested)
    return "\n".join(lines)


def _table_wiki(rows: list[Node]) -> str:
    lines = []
    for row in rows:
        line = ""
        for cell in row.get("content") or []:
            sep = "||" if cell.get("type") == "tableHeader" else "|"
            inner = " \\\\ ".join(_inlines_wiki(b.get("content") or []) for b in cell.get("content") or [])
            line += f"{sep}{inner}"
        closing = "||" if line.startswith("||") else "|"
        lines.append(line + closing)
    return "\n".join(lines)


def _inlines_wiki(nodes: list[Node]) -> str:
    parts: list[str] = []
    for node in nodes:
        kind = node.get("type")
        attrs = node.get("attrs") or {}
        if kind == "text":
            parts.append(_text_wiki(node))
        elif kind == "hardBreak":
            parts.append("\\\\\n")
        elif kind == "mention":
            parts.append(f"[~accountid:{attrs.get('id', '')}]")
        elif kind == "emoji":
            parts.append(attrs.get("text") or attrs.get("shortName") or "")
        elif kind in ("inlineCard", "blockCard"):
            parts.append(f"[{attrs.get('url', '')}]")
        elif node.get("content"):
            parts.append(_inlines_wiki(node["content"]))
    return "".join(parts)


def _text_wiki(node: Node) -> str:
    text = str(node.get("text", ""))
    marks = node.get("marks") or []
    if any(m.get("type") == "code" for m in marks):
        text = "{{" + text + "}}"
    for mark in marks:
        wrap = _WIKI_MARKS.get(str(mark.get("type")))
        if wrap:
            text = f"{wrap}{text}{wrap}"
    link = next((m for m in marks if m.get("type") == "link"), None)
    if link is not None:
        href = str((link.get("attrs") or {}).get("href", ""))
        text = f"[{href}]" if text == href else f"[{text}|{href}]"
    return text


# ---------------------------------------------------------------- wiki -> ADF

_LIST_LINE = re.compile(r"^([*#-]+)\s+(.*)$")
_HEADING = re.compile(r"^h([1-6])\.\s*(.*)$")
_CODE_OPEN = re.compile(r"^\{(code|noformat)(?::([^}]*))?\}\s*(.*)$")
_INLINE = re.compile(
    r"\{\{(?P<code>.+?)\}\}"
    r"|\[~accountid:(?P<mention>[^\]\s]+)\]"
    r"|\[~(?P<user>[^\]\s]+)\]"
    r"|\[(?P<ltext>[^\]|]*)\|(?P<lhref>[^\]]+)\]"
    r"|\[(?P<url>(?:https?|mailto|ftp):[^\]\s]+)\]"
    r"|(?<![\w*])\*(?=\S)(?P<strong>[^*\n]*?\S)\*(?![\w*])"
    r"|(?<![\w_])_(?=\S)(?P<em>[^_\n]*?\S)_(?![\w_])"
    r"|(?<![\w-])-(?=[^\s-])(?P<strike>[^\n]*?[^\s-])-(?![\w-])"
    r"|(?<![\w+])\+(?=\S)(?P<underline>[^+\n]*?\S)\+(?![\w+])"
    r"|(?P<hardbreak>\\\\\n?)"
)


def wiki_to_adf(text: str) -> Node:
    """The ADF document of a Jira wiki markup text."""
    lines = text.replace("\r\n", "\n").split("\n")
    return {"type": "doc", "version": 1, "content": _wiki_blocks(lines)}


def _wiki_blocks(lines: list[str]) -> list[Node]:
    blocks: list[Node] = []
    index = 0
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            blocks.append({"type": "paragraph", "content": _wiki_inlines("\n".join(paragraph))})
            paragraph.clear()

    while index < len(lines):
        line = lines[index]
        stripped = line.strip()
        special = _wiki_special(lines, index)
        if special is not None:
            flush()
            node, index = special
            blocks.append(node)
            continue
        if not stripped:
            flush()
        else:
            paragraph.append(line)
        index += 1
    flush()
    return blocks


def _wiki_special(lines: list[str], index: int) -> tuple[Node, int] | None:
    """A block that starts at lines[index] (heading, code, quote, rule, list, table) and the next line's index."""
    line = lines[index].strip()
    heading = _HEADING.match(line)
    if heading:
        return {"type": "heading", "attrs": {"level": int(heading.group(1))},
                "content": _wiki_inlines(heading.group(2))}, index + 1
    code = _CODE_OPEN.match(line)
    if code:
        return _wiki_code(lines, index, code)
    if line.startswith("{quote}"):
        end = next((j for j in range(index + 1, len(lines)) if lines[j].strip().startswith("{quote}")), len(lines))
        inner = [line[len("{quote}"):]] + lines[index + 1:end]
        return {"type": "blockquote", "content": _wiki_blocks(inner)}, end + 1
    if line.startswith("bq. "):
        return {"type": "blockquote", "content": _wiki_blocks([line[4:]])}, index + 1
    if re.fullmatch(r"-{4,}", line):
        return {"type": "rule"}, index + 1
    if _LIST_LINE.match(line) and not re.match(r"^-(?=[^\s-]).*[^\s-]-$", line):
        return _wiki_list(lines, index)
    if line.startswith("|"):
        return _wiki_table(lines, index)
    return None


def _wiki_code(lines: list[str], index: int, match: re.Match[str]) -> tuple[Node, int]:
    kind, params, rest = match.group(1), match.group(2), match.group(3)
    closing = "{" + kind + "}"
    body: list[str] = []
    if rest.endswith(closing):
        body.append(rest[: -len(closing)])
        end = index
    else:
        if rest:
            body.append(rest)
        end = index + 1
        while end < len(lines) and not lines[end].rstrip().endswith(closing):
            body.append(lines[end])
            end += 1
        if end < len(lines):
            tail = lines[end].rstrip()[: -len(closing)]
            if tail:
                body.append(tail)
    language = None
    for param in (params or "").split("|"):
        if param and "=" not in param:
            language = param.strip()
    code = "\n".join(body)
    node: Node = {"type": "codeBlock", "attrs": {"language": language} if language else {}}
    node["content"] = [{"type": "text", "text": code}] if code else []
    return node, end + 1


def _wiki_list(lines: list[str], index: int) -> tuple[Node, int]:
    items: list[tuple[str, str]] = []
    while index < len(lines):
        match = _LIST_LINE.match(lines[index].strip())
        if not match:
            break
        items.append((match.group(1).replace("-", "*"), match.group(2)))
        index += 1
    node, _ = _build_list(items, 0, 1)
    return node, index


def _build_list(items: list[tuple[str, str]], pos: int, depth: int) -> tuple[Node, int]:
    """A list of the items at `depth` from `pos`; deeper items nest in the item before them."""
    kind = "orderedList" if items[pos][0][depth - 1] == "#" else "bulletList"
    node: Node = {"type": kind, "content": []}
    if kind == "orderedList":
        node["attrs"] = {"order": 1}
    while pos < len(items) and len(items[pos][0]) >= depth:
        marker, text = items[pos]
        if len(marker) == depth:
            node["content"].append({"type": "listItem", "content": [
                {"type": "paragraph", "content": _wiki_inlines(text)}]})
            pos += 1
        else:
            nested, pos = _build_list(items, pos, depth + 1)
            if not node["content"]:
                node["content"].append({"type": "listItem", "content": []})
            node["content"][-1]["content"].append(nested)
    return node, pos


def _wiki_table(lines: list[str], index: int) -> tuple[Node, int]:
    rows: list[Node] = []
    while index < len(lines) and lines[index].strip().startswith("|"):
        line = lines[index].strip()
        cells: list[Node] = []
        for match in re.finditer(r"(\|\|?)([^|]*)", line):
            sep, text = match.group(1), match.group(2)
            if not text and match.end() == len(line):
                continue
            kind = "tableHeader" if sep == "||" else "tableCell"
            cells.append({"type": kind, "attrs": {}, "content": [
                {"type": "paragraph", "content": _wiki_inlines(text.strip())}]})
        rows.append({"type": "tableRow", "content": cells})
        index += 1
    return {"type": "table", "attrs": {"isNumberColumnEnabled": False, "layout": "default"}, "content": rows}, index


def _wiki_inlines(text: str, marks: list[Node] | None = None) -> list[Node]:
    marks = marks or []
    out: list[Node] = []
    pos = 0
    for match in _INLINE.finditer(text):
        if match.start() > pos:
            out.append(_plain(text[pos:match.start()], marks))
        out.extend(_wiki_inline(match, marks))
        pos = match.end()
    if pos < len(text):
        out.append(_plain(text[pos:], marks))
    return out


def _wiki_inline(match: re.Match[str], marks: list[Node]) -> list[Node]:
    group = match.lastgroup
    if group == "code":
        return [_plain(match.group("code"), [*marks, {"type": "code"}])]
    if group in ("mention", "user"):
        return [{"type": "mention", "attrs": {"id": match.group(group)}}]
    if group == "lhref":
        link = {"type": "link", "attrs": {"href": match.group("lhref").strip()}}
        return _wiki_inlines(match.group("ltext"), [*marks, link])
    if group == "url":
        url = match.group("url")
        return [_plain(url, [*marks, {"type": "link", "attrs": {"href": url}}])]
    if group == "hardbreak":
        return [{"type": "hardBreak"}]
    name = str(group)
    mark = {"strong": "strong", "em": "em", "strike": "strike", "underline": "underline"}[name]
    return _wiki_inlines(match.group(name), [*marks, {"type": mark}])


def _plain(text: str, marks: list[Node]) -> Node:
    node: dict[str, Any] = {"type": "text", "text": text}
    if marks:
        node["marks"] = marks
    return node
