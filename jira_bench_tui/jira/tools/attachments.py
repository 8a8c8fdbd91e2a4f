"""Attachment tools: an issue's attachments as content blocks (mcp-atlassian 0.23.1's `download_attachments`:
images as embedded resources, other files as base64 in a JSON text block) and its images alone (`get_issue_images`:
image blocks). The first block is always the JSON summary; neither tool has an output schema."""

from __future__ import annotations

import base64
import json
import mimetypes
import os
from pathlib import Path
from typing import Any

from jira_bench_tui.jira.issue_extras import attachment_rows
from jira_bench_tui.jira.render import to_json
from jira_bench_tui.jira.tools.common import ISSUE_KEY_PATTERN, JiraContext, ToolDef, ToolFailure, param
from jira_bench_tui.jira.tools.rest_like import issue_or_404
from jira_bench_tui.jira.tools.surface import Blocks

MAX_BYTES = 50 * 1024 * 1024  # mcp-atlassian's inline limit (utils/media.py ATTACHMENT_MAX_BYTES)
_IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp", "image/svg+xml", "image/bmp"})
_IMAGE_EXTENSIONS = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".bmp"})


def image_type(mime_type: str | None, filename: str | None) -> tuple[bool, str]:
    """(is an image, the MIME type to send), as mcp-atlassian's `is_image_attachment`: an image MIME type, or an
    ambiguous one (application/octet-stream, application/binary, none) with an image file extension."""
    if mime_type in _IMAGE_TYPES:
        return True, str(mime_type)
    if mime_type in ("application/octet-stream", "application/binary", None) and filename:
        extension = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
        if extension in _IMAGE_EXTENSIONS:
            return True, mimetypes.guess_type(filename)[0] or "image/png"
    return False, mime_type or "application/octet-stream"


def download_attachments(ctx: JiraContext, args: dict[str, Any]) -> Any:
    """`jira_download_attachments`: Blocks of the summary {"success", "issue_key", "total", "downloaded", "failed",
    "message"?}, then per attachment an embedded resource (images, `attachment:///KEY/name`) or a JSON text block
    {"success", "issue_key", "filename", "mime_type", "encoding": "base64", "content"}. ToolFailure with Jira's 404
    text for an unknown issue."""
    key = args["issue_key"]
    rows = attachment_rows(ctx.conn, issue_or_404(ctx, key)["id"])
    blocks, failed, downloaded = Blocks(), [], 0
    for row in rows:
        data = bytes(row["content"])
        if len(data) > MAX_BYTES:
            failed.append({"filename": row["filename"], "error": f"Attachment '{row['filename']}' is {len(data)} "
                           "bytes which exceeds the 50 MB inline limit. Retrieve it directly from Jira."})
            continue
        downloaded += 1
        is_image, mime = image_type(row["mime_type"], row["filename"])
        if is_image:
            blocks.blob(f"attachment:///{key}/{row['filename']}", mime, data)
        else:
            blocks.text(to_json({"success": True, "issue_key": key, "filename": row["filename"],
                                 "mime_type": row["mime_type"], "encoding": "base64",
                                 "content": base64.b64encode(data).decode("ascii")}))
    summary: dict[str, Any] = {"success": True, "issue_key": key, "total": len(rows), "downloaded": downloaded,
                               "failed": failed}
    if not rows:
        summary["message"] = f"No attachments found for issue {key}"
    blocks.items.insert(0, Blocks.text_block(to_json(summary)))
    return blocks


def issue_images(ctx: JiraContext, args: dict[str, Any]) -> Any:
    """`jira_get_issue_images`: Blocks of the summary {"success", "issue_key", "total_images", "downloaded",
    "failed", "message"?} and one image block per image attachment (by MIME type, or by extension when the type is
    ambiguous). ToolFailure with Jira's 404 text for an unknown issue."""
    key = args["issue_key"]
    rows = attachment_rows(ctx.conn, issue_or_404(ctx, key)["id"])
    images = [(row, mime) for row in rows for is_image, mime in [image_type(row["mime_type"], row["filename"])]
              if is_image]
    blocks = Blocks()
    if not images:
        blocks.text(to_json({"success": True, "issue_key": key, "total_images": 0, "downloaded": 0, "failed": [],
                             "message": "No image attachments found"}))
        return blocks
    failed: list[dict[str, Any]] = []
    for row, mime in images:
        if row["size"] > MAX_BYTES:
            failed.append({"filename": row["filename"] or "unknown",
                           "error": f"Image is {row['size']} bytes which exceeds the 50 MB inline limit."})
            continue
        blocks.image(mime, bytes(row["content"]))
    summary = {"success": True, "issue_key": key, "total_images": len(images),
               "downloaded": len(blocks.items), "failed": failed}
    blocks.items.insert(0, Blocks.text_block(to_json(summary)))
    return blocks


# ---- uploading (jira_update_issue's attachments) ----


def mcpa_attachment_paths(text: str | None) -> list[str]:
    """jira_update_issue's `attachments` as servers/jira.py `update_issue` reads it: a JSON array (each item as
    Python's str() of it), else a comma-separated list; ToolFailure "attachments JSON string must be an array."
    for other JSON. Empty: no paths."""
    if not text:
        return []
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError:
        return [part.strip() for part in text.split(",") if part.strip()]
    if not isinstance(parsed, list):
        raise ToolFailure("attachments JSON string must be an array.",
                          hint='(e.g. \'["report.pdf"]\' or \'report.pdf,log.txt\')')
    return [str(item) for item in parsed]


def _safe_path(ctx: JiraContext, path: str) -> Path:
    """utils/io.py `validate_safe_path`: the path resolved against the working folder; ValueError "Path traversal
    detected: ..." when it leads outside it."""
    base = Path(ctx.workdir if ctx.workdir is not None else os.getcwd()).resolve(strict=False)
    candidate = Path(path)
    resolved = (candidate if candidate.is_absolute() else base / candidate).resolve(strict=False)
    if not resolved.is_relative_to(base):
        raise ValueError(f"Path traversal detected: {path} resolves outside {base}")
    return resolved


def _upload_one(ctx: JiraContext, issue_id: int, path: str) -> dict[str, Any]:
    """jira/attachments.py `upload_attachment`: read the file and store it as Jira's POST /issue/{key}/attachments
    does (no part type is sent, so application/octet-stream); {"filename", "size", "id": None} (Jira answers a
    list, which 0.23.1 takes no id from), or {"error"}."""
    try:
        resolved = str(_safe_path(ctx, path))
        if not os.path.exists(resolved):
            return {"error": f"File not found: {resolved}"}
        with open(resolved, "rb") as handle:
            content = handle.read()
    except (OSError, ValueError) as exc:
        return {"error": str(exc)}
    next_id = ctx.conn.execute("SELECT MAX(COALESCE(MAX(id) + 1, 10000), 10000) FROM attachments").fetchone()[0]
    ctx.conn.execute("INSERT INTO attachments(id, issue_id, filename, mime_type, size, content, author_id, created) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (next_id, issue_id, os.path.basename(resolved),
                                                         "application/octet-stream", len(content), content,
                                                         ctx.current_user, ctx.now_stored))
    ctx.touch(issue_id)
    return {"filename": os.path.basename(resolved), "size": os.path.getsize(resolved), "id": None}


def mcpa_upload_attachments(ctx: JiraContext, issue_id: int, key: str, paths: Any) -> dict[str, Any] | None:
    """jira/attachments.py `upload_attachments`, as 0.23.1's `update_issue` calls it after the field update:
    each path read from the working folder and uploaded, a missing or unreadable one listed in `failed` with its
    error. {"success": True, "issue_key", "total", "uploaded", "failed"}; None where 0.23.1 swallows the error
    (a value that has no length, an item that is not a path)."""
    if isinstance(paths, dict | str):
        paths = list(paths)  # 0.23.1 walks whatever it was given: a string's characters, an object's keys
    if not isinstance(paths, list) or not all(isinstance(path, str) for path in paths):
        return None
    uploaded: list[dict[str, Any]] = []
    failed: list[dict[str, Any]] = []
    for path in paths:
        result = _upload_one(ctx, issue_id, path) if path else {"error": "No file path provided"}
        if "error" in result:
            failed.append({"filename": os.path.basename(path), "error": result["error"]})
        else:
            uploaded.append(result)
    return {"success": True, "issue_key": key, "total": len(paths), "uploaded": uploaded, "failed": failed}


ISSUE_KEY = param("string", "The issue's key, e.g. 'PROJ-123'.", pattern=ISSUE_KEY_PATTERN)
TOOLS = [
    ToolDef("jira_download_attachments",
            "Get the files attached to an issue: a summary, then each file (images as embedded resources, other "
            "files as base64 text). Example: issue_key='PROJ-7'.",
            {"issue_key": ISSUE_KEY}, download_attachments, read_only=True),
    ToolDef("jira_get_issue_images",
            "Get the images attached to an issue as image content you can look at (screenshots, mock-ups). "
            "Example: issue_key='PROJ-7'.",
            {"issue_key": ISSUE_KEY}, issue_images, read_only=True),
]
