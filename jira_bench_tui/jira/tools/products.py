"""Tools for products this Jira site does not have, answering exactly as mcp-atlassian 0.23.1 does against a Jira
Cloud site without them: development info (no dev-status plugin), ProForma forms (no cloud id with basic auth) and
Jira Service Management (queue reads are Server/Data Center only in 0.23.1; `servicedeskapi` answers 404)."""

from __future__ import annotations

import json
from typing import Any

from jira_bench_tui.jira.tools.common import (
    ISSUE_KEY_PATTERN,
    PROJECT_KEY_PATTERN,
    JiraContext,
    ToolDef,
    ToolFailure,
    csv_arg,
    param,
)
from jira_bench_tui.jira.tools.rest_like import ISSUE_NOT_FOUND, find_issue

NO_DEV_STATUS = ("Development info is not available — the Jira dev-status plugin may not be installed on this "
                 "instance.")
NO_CLOUD_ID = ("Forms API requires a cloud_id. For OAuth, this is automatically retrieved. For other auth types, "
               "provide it via ATLASSIAN_OAUTH_CLOUD_ID environment variable or X-Atlassian-Cloud-Id header.")
QUEUES_SERVER_ONLY = "Jira Service Desk queue read endpoints are currently implemented for Server/Data Center in v1."


def _dev_info(ctx: JiraContext, key: str, application_type: str | None) -> dict[str, Any]:
    """One issue's answer: empty lists and the dev-status error; ToolFailure-free, the unknown issue included."""
    if find_issue(ctx, key) is None:
        raise LookupError(f"Error retrieving development info for {key}: {ISSUE_NOT_FOUND}")
    empty: dict[str, Any] = {"detail": [], "pullRequests": [], "branches": [], "commits": [], "repositories": []}
    if application_type:
        return {"issue_key": key, "error": NO_DEV_STATUS, **empty}
    return {"issue_key": key, **empty, "error": NO_DEV_STATUS}


def issue_dev_info(ctx: JiraContext, args: dict[str, Any]) -> Any:
    """`jira_get_issue_development_info`: {"issue_key", "detail": [], "pullRequests": [], ..., "error"} (the
    dev-status plugin answers 404), or {"success": false, "error", "issue_key"} for an unknown issue."""
    try:
        return _dev_info(ctx, args["issue_key"], args.get("application_type"))
    except LookupError as missing:
        return {"success": False, "error": str(missing), "issue_key": args["issue_key"]}


def issues_dev_info(ctx: JiraContext, args: dict[str, Any]) -> Any:
    """`jira_get_issues_development_info`: one `jira_get_issue_development_info` answer per key; an unknown issue
    gives {"issue_key", "error", "pullRequests": [], "branches": [], "commits": []}."""
    results = []
    for key in csv_arg(args["issue_keys"]):
        try:
            results.append(_dev_info(ctx, key, args.get("application_type")))
        except LookupError as missing:
            results.append({"issue_key": key, "error": str(missing), "pullRequests": [], "branches": [],
                            "commits": []})
    return results


def issue_forms(ctx: JiraContext, args: dict[str, Any]) -> Any:
    """`jira_get_issue_proforma_forms`: {"success": false, "error": <no cloud id>, "issue_key"} (0.23.1 needs a
    cloud id for the Forms API before it asks Jira anything)."""
    return {"success": False, "error": NO_CLOUD_ID, "issue_key": args["issue_key"]}


def form_details(ctx: JiraContext, args: dict[str, Any]) -> Any:
    """`jira_get_proforma_form_details`: {"success": false, "error": <no cloud id>, "issue_key", "form_id"}."""
    return {"success": False, "error": NO_CLOUD_ID, "issue_key": args["issue_key"], "form_id": args["form_id"]}


def update_form_answers(ctx: JiraContext, args: dict[str, Any]) -> Any:
    """`jira_update_proforma_form_answers`: {"success": false, "error": <no cloud id>, "issue_key", "form_id"};
    nothing changes."""
    return {"success": False, "error": NO_CLOUD_ID, "issue_key": args["issue_key"], "form_id": args["form_id"]}


def queues_server_only(ctx: JiraContext, args: dict[str, Any]) -> Any:
    """`jira_get_service_desk_for_project`, `..._queues`, `jira_get_queue_issues`: ToolFailure, as 0.23.1 refuses
    queue reads on Cloud."""
    raise ToolFailure(QUEUES_SERVER_ONLY)


def no_service_desk(path: str) -> ToolFailure:
    """Jira's 404 for a `servicedeskapi` path on a site without Jira Service Management."""
    return ToolFailure(f"null for uri: /rest/servicedeskapi/{path}")


def request_types(ctx: JiraContext, args: dict[str, Any]) -> Any:
    """`jira_get_request_types`: ToolFailure with Jira's 404 (no Service Management)."""
    raise no_service_desk(f"servicedesk/{args['service_desk_id']}/requesttype")


def request_type_fields(ctx: JiraContext, args: dict[str, Any]) -> Any:
    """`jira_get_request_type_fields`: ToolFailure with Jira's 404 (no Service Management)."""
    raise no_service_desk(f"servicedesk/{args['service_desk_id']}/requesttype/{args['request_type_id']}/field")


def _json_argument(name: str, text: Any, kind: type, shape: str) -> Any:
    """0.23.1's parsing of a JSON string argument: ToolFailure with its texts."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise ToolFailure(f"{name}: {error}") from None
    if not isinstance(value, kind):
        raise ToolFailure(shape)
    return value


def customer_request(ctx: JiraContext, args: dict[str, Any]) -> Any:
    """`jira_create_customer_request`: the arguments are checked as 0.23.1 checks them (field values a JSON object,
    participants a JSON array or a comma list, attachments a JSON array of objects, ids not blank), then Jira's 404
    for the request type's fields (no Service Management). Nothing is created."""
    values = args["request_field_values"]
    if isinstance(values, str):
        _json_argument("request_field_values is not valid JSON: additional_fields is not valid JSON", values, dict,
                       "request_field_values is not valid JSON: Parsed additional_fields is not a JSON object (dict).")
    participants = (args.get("request_participants") or "").strip()
    if participants.startswith("[") or participants.startswith("{") or participants.startswith('"'):
        try:
            if not isinstance(json.loads(participants), list):
                raise ToolFailure("request_participants JSON string must be an array.")
        except json.JSONDecodeError:
            pass
    attachments = (args.get("attachments") or "").strip()
    if attachments:
        parsed = _json_argument("attachments is not valid JSON", attachments, list,
                                "attachments must be a JSON array of attachment objects.")
        if not all(isinstance(item, dict) for item in parsed):
            raise ToolFailure("attachments must be a JSON array of attachment objects.")
    if not args["service_desk_id"].strip():
        raise ToolFailure("Service desk ID is required")
    if not args["request_type_id"].strip():
        raise ToolFailure("Request type ID is required")
    raise no_service_desk(f"servicedesk/{args['service_desk_id']}/requesttype/{args['request_type_id']}/field")


ISSUE_KEY = param("string", "The issue's key, e.g. 'PROJ-123'.", pattern=ISSUE_KEY_PATTERN)
PLAIN_KEY = param("string", "The issue's key, e.g. 'PROJ-123'.")
DESK = param("string", "The service desk's id.")
PAGE_START = param("integer", "Index of the first result (0-based).", 0, minimum=0)
APP = param("string", "Only this source-control application, e.g. 'GitHub', 'bitbucket', 'stash'.", None)
DATA = param("string", "Only this kind of data: 'pullrequest', 'branch' or 'repository'.", None)
TOOLS = [
    ToolDef("jira_get_issue_development_info",
            "Pull requests, branches and commits linked to an issue from connected source control. Example: "
            "issue_key='PROJ-7'.", {"issue_key": PLAIN_KEY, "application_type": APP, "data_type": DATA},
            issue_dev_info, read_only=True),
    ToolDef("jira_get_issues_development_info",
            "Pull requests, branches and commits linked to several issues. Example: issue_keys='PROJ-7,PROJ-8'.",
            {"issue_keys": param("string", "Comma-separated issue keys."), "application_type": APP,
             "data_type": DATA}, issues_dev_info, read_only=True),
    ToolDef("jira_get_issue_proforma_forms",
            "The ProForma (Jira Forms) forms attached to an issue. Example: issue_key='PROJ-7'.",
            {"issue_key": PLAIN_KEY}, issue_forms, read_only=True),
    ToolDef("jira_get_proforma_form_details",
            "One ProForma form of an issue with its questions and answers. Example: issue_key='PROJ-7', "
            "form_id='1a2b3c'.", {"issue_key": PLAIN_KEY, "form_id": param("string", "The form's id.")},
            form_details, read_only=True),
    ToolDef("jira_update_proforma_form_answers",
            "Answer questions of a ProForma form on an issue. Example: issue_key='PROJ-7', form_id='1a2b3c', "
            "answers=[{\"questionId\": \"q1\", \"type\": \"TEXT\", \"value\": \"Yes\"}].",
            {"issue_key": PLAIN_KEY, "form_id": param("string", "The form's id."),
             "answers": {"description": "The answers: objects with questionId, type and value.", "type": "array",
                         "items": {"additionalProperties": True, "type": "object"}}},
            update_form_answers, read_only=False, destructive=True),
    ToolDef("jira_get_service_desk_for_project",
            "The Jira Service Management desk of a project. Example: project_key='HELP'.",
            {"project_key": param("string", "The project's key, e.g. 'HELP'.", pattern=PROJECT_KEY_PATTERN)},
            queues_server_only, read_only=True),
    ToolDef("jira_get_service_desk_queues",
            "The queues of a service desk. Example: service_desk_id='4'.",
            {"service_desk_id": DESK, "start_at": PAGE_START,
             "limit": param("integer", "At most this many queues (1-50).", 50, minimum=1, maximum=50)},
            queues_server_only, read_only=True),
    ToolDef("jira_get_queue_issues",
            "The issues in a service desk queue. Example: service_desk_id='4', queue_id='12'.",
            {"service_desk_id": DESK, "queue_id": param("string", "The queue's id."), "start_at": PAGE_START,
             "limit": param("integer", "At most this many issues.", 50, minimum=1)},
            queues_server_only, read_only=True),
    ToolDef("jira_get_request_types",
            "The request types customers can raise on a service desk. Example: service_desk_id='4'.",
            {"service_desk_id": DESK, "start_at": PAGE_START,
             "limit": param("integer", "At most this many request types (1-50).", 50, minimum=1, maximum=50)},
            request_types, read_only=True),
    ToolDef("jira_get_request_type_fields",
            "The fields of a service desk request type, with which are required. Example: service_desk_id='4', "
            "request_type_id='25'.", {"service_desk_id": DESK, "request_type_id": param("string", "The type's id.")},
            request_type_fields, read_only=True),
    ToolDef("jira_create_customer_request",
            "Raise a customer request on a service desk. Example: service_desk_id='4', request_type_id='25', "
            "request_field_values='{\"summary\": \"VPN is down\", \"description\": \"Since 9am\"}'.",
            {"service_desk_id": DESK, "request_type_id": param("string", "The request type's id."),
             "request_field_values": param("string", "A JSON object string of field values by field id."),
             "raise_on_behalf_of": param("string", "Raise it for this customer (account id or email).", None),
             "request_participants": param("string", "Participants: a JSON array string or comma-separated ids.",
                                           None),
             "attachments": param("string", "A JSON array string of {filename, mime_type, base64} files.", None),
             "strict_on_behalf": param("boolean", "Fail rather than drop raise_on_behalf_of when it cannot apply.",
                                       False)},
            customer_request, read_only=False, destructive=True),
]
