"""The listing surface of the 63 tools and of the server itself, as mcp-atlassian 0.23.1 (FastMCP 3.4.11) lists
them: each tool's title, annotations (one hint, as its `@jira_mcp.tool(annotations=...)` gives), `_meta` tags,
output schema, and the server's `initialize` answer (name, version, capabilities)."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from mcp.server.lowlevel import NotificationOptions
from mcp_types import (
    BlobResourceContents,
    EmbeddedResource,
    EmptyResult,
    ImageContent,
    SetLevelRequestParams,
    TextContent,
    ToolAnnotations,
)

# mcp-atlassian 0.23.1's server answers `initialize` with FastMCP's identity, not its own name
SERVER_INFO_NAME = "Atlassian MCP"
SERVER_INFO_VERSION = "3.4.11"
UI_EXTENSION = "io.modelcontextprotocol/ui"
TEXT_RESULT_SCHEMA: dict[str, Any] = {"properties": {"result": {"type": "string"}}, "required": ["result"],
                                      "type": "object", "x-fastmcp-wrap-result": True}


@dataclass(frozen=True)
class Listing:
    """How one tool is listed: title, its one hint ("R1" readOnlyHint true, "R0" false, "D1"/"D0" destructiveHint),
    its toolset, extra tags, and whether it answers JSON text (wrapped-result output schema) or content blocks."""

    title: str
    hint: str
    toolset: str
    extra: tuple[str, ...] = ()
    text_result: bool = True

    @property
    def tags(self) -> list[str]:
        """FastMCP's tags, sorted as its `_meta.fastmcp.tags` lists them."""
        kind = "read" if self.hint == "R1" else "write"
        return sorted({"jira", kind, f"toolset:jira_{self.toolset}", *self.extra})


LISTINGS: dict[str, Listing] = {
    "jira_add_comment": Listing("Add Comment", "D0", "comments"),
    "jira_add_issues_to_sprint": Listing("Add Issues to Sprint", "D1", "agile"),
    "jira_add_watcher": Listing("Add Issue Watcher", "D0", "watchers"),
    "jira_add_worklog": Listing("Add Worklog", "D1", "worklog"),
    "jira_assign_issue": Listing("Assign Issue", "R0", "issues"),
    "jira_batch_create_issues": Listing("Batch Create Issues", "D0", "issues"),
    "jira_batch_create_versions": Listing("Batch Create Versions", "D0", "projects"),
    "jira_batch_get_changelogs": Listing("Batch Get Changelogs", "R1", "issues"),
    "jira_create_customer_request": Listing("Create Customer Request", "D1", "service_desk"),
    "jira_create_issue": Listing("Create Issue", "D0", "issues"),
    "jira_create_issue_link": Listing("Create Issue Link", "D0", "links"),
    "jira_create_remote_issue_link": Listing("Create Remote Issue Link", "D0", "links"),
    "jira_create_sprint": Listing("Create Sprint", "D0", "agile"),
    "jira_create_version": Listing("Create Version", "D0", "projects"),
    "jira_delete_issue": Listing("Delete Issue", "D1", "issues"),
    "jira_download_attachments": Listing("Download Attachments", "R1", "attachments", text_result=False),
    "jira_edit_comment": Listing("Edit Comment", "D1", "comments"),
    "jira_get_agile_boards": Listing("Get Agile Boards", "R1", "agile"),
    "jira_get_all_projects": Listing("Get All Projects", "R1", "projects"),
    "jira_get_board_issues": Listing("Get Board Issues", "R1", "agile"),
    "jira_get_create_fields": Listing("Get Create Fields", "R1", "projects"),
    "jira_get_cross_project_dependencies": Listing("Get Cross-Project Dependencies", "R1", "project_analysis"),
    "jira_get_field_options": Listing("Get Field Options", "R1", "fields"),
    "jira_get_issue": Listing("Get Issue", "R1", "issues"),
    "jira_get_issue_dates": Listing("Get Issue Dates", "R1", "metrics", extra=("metrics",)),
    "jira_get_issue_development_info": Listing("Get Issue Development Info", "R1", "development",
                                               extra=("development",)),
    "jira_get_issue_images": Listing("Get Issue Images", "R1", "attachments", extra=("attachments",),
                                     text_result=False),
    "jira_get_issue_proforma_forms": Listing("Get Issue Forms", "R1", "forms"),
    "jira_get_issue_sla": Listing("Get Issue SLA", "R1", "metrics", extra=("metrics", "sla")),
    "jira_get_issue_watchers": Listing("Get Issue Watchers", "R1", "watchers"),
    "jira_get_issues_development_info": Listing("Get Issues Development Info", "R1", "development",
                                                extra=("development",)),
    "jira_get_link_types": Listing("Get Link Types", "R1", "links"),
    "jira_get_proforma_form_details": Listing("Get Form Details", "R1", "forms"),
    "jira_get_project_components": Listing("Get Project Components", "R1", "projects"),
    "jira_get_project_epic_hierarchy": Listing("Get Project Epic Hierarchy", "R1", "project_analysis"),
    "jira_get_project_fields": Listing("Get Project Fields", "R1", "projects"),
    "jira_get_project_issue_types": Listing("Get Project Issue Types", "R1", "projects"),
    "jira_get_project_issues": Listing("Get Project Issues", "R1", "issues"),
    "jira_get_project_versions": Listing("Get Project Versions", "R1", "projects"),
    "jira_get_queue_issues": Listing("Get Queue Issues", "R1", "service_desk"),
    "jira_get_request_type_fields": Listing("Get Request Type Fields", "R1", "service_desk"),
    "jira_get_request_types": Listing("Get Request Types", "R1", "service_desk"),
    "jira_get_service_desk_for_project": Listing("Get Service Desk For Project", "R1", "service_desk"),
    "jira_get_service_desk_queues": Listing("Get Service Desk Queues", "R1", "service_desk"),
    "jira_get_sprint_issues": Listing("Get Sprint Issues", "R1", "agile"),
    "jira_get_sprints_from_board": Listing("Get Sprints from Board", "R1", "agile"),
    "jira_get_transitions": Listing("Get Transitions", "R1", "transitions"),
    "jira_get_user_profile": Listing("Get User Profile", "R1", "users"),
    "jira_get_worklog": Listing("Get Worklog", "R1", "worklog"),
    "jira_link_to_epic": Listing("Link to Epic", "D1", "links"),
    "jira_move_issue": Listing("Move Issue to Project", "D1", "issues"),
    "jira_move_issues_to_backlog": Listing("Move Issues to Backlog", "R0", "agile"),
    "jira_remove_issue_link": Listing("Remove Issue Link", "D1", "links"),
    "jira_remove_watcher": Listing("Remove Issue Watcher", "D1", "watchers"),
    "jira_search": Listing("Search Issues", "R1", "issues"),
    "jira_search_assignable_users": Listing("Search Assignable Users", "R1", "users"),
    "jira_search_fields": Listing("Search Fields", "R1", "fields"),
    "jira_search_projects": Listing("Search Projects", "R1", "projects"),
    "jira_transition_issue": Listing("Transition Issue", "D1", "transitions"),
    "jira_update_issue": Listing("Update Issue", "D1", "issues"),
    "jira_update_proforma_form_answers": Listing("Update Form Answers", "D1", "forms"),
    "jira_update_sprint": Listing("Update Sprint", "D1", "agile"),
    "jira_update_version": Listing("Update Version", "D1", "projects"),
}


def listing_fields(name: str) -> dict[str, Any]:
    """The Tool fields that list `name` as mcp-atlassian 0.23.1 does: `title`, `annotations` (title and the one
    hint) and `meta` ({"fastmcp": {"tags": [...]}}). KeyError for a name outside the 63."""
    listing = LISTINGS[name]
    hint = {"R": "read_only_hint", "D": "destructive_hint"}[listing.hint[0]]
    annotations = ToolAnnotations(title=listing.title, **{hint: listing.hint[1] == "1"})
    return {"title": listing.title, "annotations": annotations, "meta": {"fastmcp": {"tags": listing.tags}}}


def output_schema(name: str) -> dict[str, Any] | None:
    """The wrapped-result schema of a JSON-text tool; None for the two that answer content blocks (attachments)."""
    return TEXT_RESULT_SCHEMA if LISTINGS[name].text_result else None


# ---- results made of several content blocks (jira_download_attachments, jira_get_issue_images) ----


@dataclass
class Blocks:
    """A tool result of several MCP content blocks (no structured content), as FastMCP sends a tool's list result.
    `json` items become text blocks of indented JSON; `blob`/`image` items carry base64 content."""

    items: list[TextContent | EmbeddedResource | ImageContent] = field(default_factory=list)

    @staticmethod
    def text_block(text: str) -> TextContent:
        """A text block."""
        return TextContent(type="text", text=text)

    def text(self, text: str) -> None:
        """Append a text block."""
        self.items.append(self.text_block(text))

    def blob(self, uri: str, mime_type: str, data: bytes) -> None:
        """Append an embedded resource with the bytes base64-encoded."""
        self.items.append(EmbeddedResource(type="resource", resource=BlobResourceContents(
            uri=uri, mime_type=mime_type, blob=base64.b64encode(data).decode("ascii"))))

    def image(self, mime_type: str, data: bytes) -> None:
        """Append an image block with the bytes base64-encoded."""
        self.items.append(ImageContent(type="image", data=base64.b64encode(data).decode("ascii"),
                                       mime_type=mime_type))


# ---- the server's initialize answer ----


async def _set_logging_level(ctx: Any, params: SetLevelRequestParams) -> EmptyResult:
    """`logging/setLevel`: accepted and answered `{}` (mcp-atlassian's FastMCP advertises logging)."""
    return EmptyResult()


def advertise_like_mcp_atlassian(lowlevel: Any) -> None:
    """Make a low-level MCP server answer `initialize` with mcp-atlassian 0.23.1's capabilities: `logging`,
    `tools.listChanged: true`, `experimental: {}` and the `io.modelcontextprotocol/ui` extension (seen from a real
    client: FastMCP 3.4.11's defaults)."""
    lowlevel.add_request_handler("logging/setLevel", SetLevelRequestParams, _set_logging_level)
    lowlevel.extensions[UI_EXTENSION] = {}
    lowlevel.create_initialization_options = partial(type(lowlevel).create_initialization_options, lowlevel,
                                                     NotificationOptions(tools_changed=True), {})
