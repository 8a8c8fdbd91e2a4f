"""REST issue input -> the model's field writer: `fields` and `update` operations of `POST/PUT /issue`, with Jira
Cloud's per-field errors (`{"errors": {"summary": "You must specify a summary of the issue."}}`).

Rich text is ADF on v3 and wiki markup on v2 (`rich_text_in`); both become the stored Markdown. Unknown or read-only
field ids are refused the way Jira refuses them ("Field 'x' cannot be set. It is not on the appropriate screen, or
unknown.")."""

from __future__ import annotations

from typing import Any

from jira_bench_tui.jira.rest.adf import adf_to_markdown
from jira_bench_tui.jira.rest.core import RestCall, RestError
from jira_bench_tui.jira.rest.wiki import wiki_to_markdown
from jira_bench_tui.jira.tools.common import ToolFailure
from jira_bench_tui.jira.tools.issue_fields import FieldWriter

WRITABLE = frozenset({"summary", "description", "environment", "assignee", "reporter", "priority", "labels",
                      "components", "fixVersions", "versions", "duedate", "parent", "timetracking"})
MULTI = {"labels", "components", "fixVersions", "versions"}
RICH = frozenset({"description", "environment"})


def cannot_set(field_id: str) -> str:
    """Jira's refusal of a field that is unknown or not on the screen."""
    return f"Field '{field_id}' cannot be set. It is not on the appropriate screen, or unknown."


def rich_text_in(call: RestCall, value: Any, field_id: str) -> str | None:
    """ADF (v3) or wiki markup (v2) as stored Markdown; 400 with Jira's message for the wrong kind."""
    if value is None:
        return None
    if call.v3:
        if not isinstance(value, dict) or value.get("type") != "doc":
            raise RestError(400, errors={field_id: "Operation value must be an Atlassian Document (see the "
                                                   "Atlassian Document Format)"})
        return adf_to_markdown(value, call.base_url) or None
    if not isinstance(value, str):
        raise RestError(400, errors={field_id: "Operation value must be a string"})
    return wiki_to_markdown(value) or None


def custom_ids(call: RestCall) -> set[str]:
    """The ids of the site's custom fields (`customfield_10016`, ...)."""
    return {r[0] for r in call.conn.execute("SELECT id FROM fields WHERE custom = 1")}


SPRINT_TYPE = "com.pyxis.greenhopper.jira:gh-sprint"


def _custom_value(call: RestCall, field_id: str, value: Any) -> Any:
    """An option given by id becomes its value; the Sprint field takes only a sprint id as a JSON number (or null),
    as Jira Cloud does (a name or `[{"id": 4}]` is a 400: sooperset/mcp-atlassian public report C10); other custom
    values pass as they are."""
    kind = call.conn.execute("SELECT schema_custom FROM fields WHERE id = ?", (field_id,)).fetchone()
    if kind is not None and kind[0] == SPRINT_TYPE:
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise RestError(400, errors={field_id: "Number value expected as the Sprint id."})
        return value
    if isinstance(value, dict) and "id" in value and "value" not in value:
        row = call.conn.execute("SELECT value FROM field_options WHERE field_id = ? AND option_id = ?",
                                (field_id, str(value["id"]))).fetchone()
        if row is None:
            raise RestError(400, errors={field_id: f"Option id '{value['id']}' is not valid"})
        return row[0]
    return value


def apply_fields(call: RestCall, writer: FieldWriter, fields: dict[str, Any], *, skip: frozenset[str] = frozenset()
                 ) -> None:
    """Write each field with the model's FieldWriter; every refusal is collected, then one 400 names them all."""
    errors: dict[str, str] = {}
    customs = custom_ids(call)
    for field_id, value in fields.items():
        if field_id in skip:
            continue
        if field_id not in WRITABLE and field_id not in customs:
            errors[field_id] = cannot_set(field_id)
            continue
        try:
            if field_id in RICH:
                value = rich_text_in(call, value, field_id)
            elif field_id in customs:
                value = _custom_value(call, field_id, value)
            elif field_id in ("assignee", "reporter"):
                value = _user_ref(value)
            writer.apply({field_id: value})
        except RestError as error:
            errors.update(error.errors or {field_id: "; ".join(error.messages)})
        except ToolFailure as failure:
            errors[field_id] = str(failure).removeprefix(f"{field_id}: ")
    if errors:
        raise RestError(400, errors=errors)


def _user_ref(value: Any) -> Any:
    """Jira Cloud takes users as {"accountId": ...}; `{"name"}`/`{"key"}` are Server forms it ignores."""
    if isinstance(value, dict):
        if "accountId" in value:
            return None if value["accountId"] in (None, "") else {"accountId": value["accountId"]}
        if "id" in value:
            return {"accountId": value["id"]}
        raise RestError(400, errors={"assignee": "Specify a valid value for the user: Cloud takes "
                                                 "{\"accountId\": \"...\"}."})
    return value


def apply_update(call: RestCall, writer: FieldWriter, update: dict[str, Any]) -> list[str]:
    """The `update` operations (`set`, `add`, `remove`, `edit`) folded into field values and written; returns the
    comment bodies (`update.comment[].add.body`) for the caller to add."""
    if not isinstance(update, dict):
        raise RestError(400, "update must be an object of field ids to lists of operations.")
    comments: list[str] = []
    fields: dict[str, Any] = {}
    for field_id, operations in update.items():
        if not isinstance(operations, list):
            raise RestError(400, errors={field_id: "Operations must be a list such as [{\"set\": ...}]."})
        if field_id == "comment":
            for operation in operations:
                body = (operation.get("add") or {}).get("body") if isinstance(operation, dict) else None
                text = rich_text_in(call, body, "comment")
                if text:
                    comments.append(text)
            continue
        fields[field_id] = _fold(call, writer, field_id, operations)
    apply_fields(call, writer, fields)
    return comments


def _fold(call: RestCall, writer: FieldWriter, field_id: str, operations: list[Any]) -> Any:
    current: Any = _current_multi(call, writer.issue_id, field_id) if field_id in MULTI else None
    for operation in operations:
        if not isinstance(operation, dict) or len(operation) != 1:
            raise RestError(400, errors={field_id: "Each operation is one of set, add, remove, edit."})
        verb, value = next(iter(operation.items()))
        if verb in ("set", "edit"):
            current = value
        elif verb == "add" and field_id in MULTI:
            current = [*current, value]
        elif verb == "remove" and field_id in MULTI:
            current = [v for v in current if _ref(v) != _ref(value)]
        else:
            raise RestError(400, errors={field_id: f"Operation '{verb}' is not supported for field {field_id}."})
    return current


def _ref(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("name") or value.get("id") or value.get("value") or "").lower()
    return str(value).lower()


def _current_multi(call: RestCall, issue_id: int, field_id: str) -> list[Any]:
    if field_id == "labels":
        return [r[0] for r in call.conn.execute("SELECT label FROM issue_labels WHERE issue_id = ?", (issue_id,))]
    if field_id == "components":
        sql = ("SELECT c.name FROM issue_components x JOIN components c ON c.id = x.component_id "
               "WHERE x.issue_id = ?")
        return [{"name": r[0]} for r in call.conn.execute(sql, (issue_id,))]
    kind = "fix" if field_id == "fixVersions" else "affects"
    return [{"name": r[0]} for r in call.conn.execute(
        "SELECT v.name FROM issue_versions x JOIN versions v ON v.id = x.version_id WHERE x.issue_id = ? "
        "AND x.kind = ?", (issue_id, kind))]
