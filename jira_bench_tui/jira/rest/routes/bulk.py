"""Jira Cloud's bulk issue move (`POST /rest/api/3/bulk/issues/move`, then `GET /bulk/queue/{taskId}`), done at once
through the model's `issue_move.move_issue`: the task is COMPLETE when first read, as a fast Jira would report it."""

from __future__ import annotations

import json
from typing import Any

from jira_bench_tui.jira.issue_move import move_issue
from jira_bench_tui.jira.rest.core import Reply, RestCall, RestError, bad_request, issue_row, route
from jira_bench_tui.jira.tools.common import ToolFailure


def _target(call: RestCall, mapping_key: str) -> tuple[Any, int]:
    project_ref, _, type_ref = mapping_key.partition(",")
    project = call.conn.execute("SELECT * FROM projects WHERE key = ? COLLATE NOCASE OR CAST(id AS TEXT) = ?",
                                (project_ref.strip(), project_ref.strip())).fetchone()
    if project is None or not type_ref.strip().isdigit():
        raise bad_request(f"The target '{mapping_key}' must be 'PROJECT_KEY_OR_ID,ISSUE_TYPE_ID' of an existing "
                          "project.")
    return project, int(type_ref)


@route("POST", "bulk/issues/move")
def bulk_move(call: RestCall) -> Reply:
    """POST /bulk/issues/move `{"targetToSourcesMapping": {"KEY,typeId": {"issueIdsOrKeys": [...]}}}`: 201
    `{"taskId"}`; 400 (nothing moved) when a target or an issue cannot take the move."""
    mapping = call.json_object().get("targetToSourcesMapping")
    if not isinstance(mapping, dict) or not mapping:
        raise bad_request("targetToSourcesMapping must map 'PROJECT,ISSUE_TYPE_ID' to the issues to move.")
    processed: list[int] = []
    for mapping_key, spec in mapping.items():
        project, type_id = _target(call, str(mapping_key))
        refs = spec.get("issueIdsOrKeys") if isinstance(spec, dict) else None
        if not isinstance(refs, list) or not refs:
            raise bad_request(f"issueIdsOrKeys of '{mapping_key}' must list the issues to move.")
        for ref in refs:
            row = issue_row(call, str(ref))
            try:
                processed += move_issue(call.ctx, row["id"], project, type_id)[:1]
            except ToolFailure as failure:
                raise RestError(400, str(failure)) from None
    result = {"processedAccessibleIssues": processed, "totalIssueCount": len(processed)}
    task = call.conn.execute("INSERT INTO rest_tasks(kind, result, created) VALUES ('bulk-move', ?, ?)",
                             (json.dumps(result), call.ctx.now_stored)).lastrowid
    return Reply({"taskId": str(10000 + int(task or 0))}, 201)


@route("GET", "bulk/queue/{taskId}")
def bulk_task(call: RestCall) -> Reply:
    """GET /bulk/queue/{taskId}: `{"taskId", "status": "COMPLETE", "progressPercent": 100,
    "processedAccessibleIssues": [ids], "invalidOrInaccessibleIssueCount": 0, ...}`; 404 when unknown."""
    text = call.params["taskId"]
    row = call.conn.execute("SELECT * FROM rest_tasks WHERE id = ?", (int(text) - 10000,)).fetchone() \
        if text.isdigit() else None
    if row is None:
        raise RestError(404, f"Task {text} does not exist.")
    result = json.loads(row["result"])
    return Reply({"taskId": text, "status": "COMPLETE", "progressPercent": 100, "submittedBy": call.ctx.current_user,
                  "created": row["created"], "started": row["created"], "updated": row["created"],
                  "totalIssueCount": result["totalIssueCount"],
                  "processedAccessibleIssues": result["processedAccessibleIssues"],
                  "invalidOrInaccessibleIssueCount": 0, "failedAccessibleIssues": {}})
