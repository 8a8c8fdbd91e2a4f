"""The JSON fixture format: a whole Jira (users, projects, workflows, issues...) described by names, validated by
pydantic.

Everything refers to other things by name (users by email, account id or display name; statuses, types, versions by
name), so a fixture reads like the Jira it describes. Defaults give a standard software Jira, so a fixture can be
small. This module only defines and validates the format; `db.py` builds a database from it."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class UserSpec(_Model):
    """A user: `display_name` and `email` (both ways to refer to them elsewhere), optional `account_id` (else
    made from the email, 24 hex digits like Jira Cloud's), `groups` (for `membersOf()`), and whether they are
    `active`."""

    account_id: str | None = None  # generated from the email when absent
    display_name: str
    email: str
    active: bool = True
    time_zone: str = "UTC"
    groups: list[str] = Field(default_factory=list)


class StatusSpec(_Model):
    """A status and its category: `new` (To Do), `indeterminate` (In Progress) or `done`, as Jira's status
    categories."""

    name: str
    category: Literal["new", "indeterminate", "done"]


class TransitionSpec(_Model):
    """A workflow transition, as Jira's GET /issue/{key}/transitions lists it: `id` (what jira_transition_issue
    takes), `name`, the statuses it leaves `from` (none: a global transition) and the status it goes `to`."""

    id: int
    name: str
    # Statuses this transition leaves from; empty = a global transition (from any status except its target).
    from_: list[str] = Field(default_factory=list, alias="from")
    to: str
    sets_resolution: bool = False  # the target is a done status: resolution set (to the given one or 'Done')
    clears_resolution: bool = False

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class WorkflowSpec(_Model):
    """A workflow: the `initial` status of new issues and the transitions between statuses, by name."""

    name: str
    initial: str
    transitions: list[TransitionSpec]


class IssueTypeSpec(_Model):
    """An issue type and its Jira hierarchy `level`: 1 epic, 0 standard, -1 sub-task (`subtask: true`)."""

    name: str
    subtask: bool = False
    level: Literal[-1, 0, 1] = 0  # -1 sub-task, 0 standard, 1 epic
    description: str | None = None


class LinkTypeSpec(_Model):
    """An issue link type with its two phrases: Blocks, `outward` "blocks", `inward` "is blocked by"."""

    name: str
    inward: str
    outward: str


class CustomFieldSpec(_Model):
    """A custom field: `id` as Jira writes it (`customfield_10016`), `name`, value `type`, and for `option` fields
    the allowed `options`."""

    id: str  # e.g. customfield_10016
    name: str
    type: Literal["number", "string", "option", "array", "date", "user"] = "string"
    options: list[str] = Field(default_factory=list)


class ComponentSpec(_Model):
    """A project component, with an optional `lead` (a user reference)."""

    name: str
    description: str | None = None
    lead: str | None = None  # a user reference


class VersionSpec(_Model):
    """A project version (release): dates as YYYY-MM-DD, `released` and `archived` flags."""

    name: str
    description: str | None = None
    start_date: str | None = None  # YYYY-MM-DD
    release_date: str | None = None
    released: bool = False
    archived: bool = False


class ProjectSpec(_Model):
    """A project: `key` (upper case, e.g. WEB), `name`, its `workflow` by name, the issue types it allows (None:
    all), its components and versions."""

    key: str = Field(pattern=r"^[A-Z][A-Z0-9_]+$")
    name: str
    description: str | None = None
    lead: str | None = None
    workflow: str = "Software Simplified Workflow"
    issue_types: list[str] | None = None  # None = every issue type
    components: list[ComponentSpec] = Field(default_factory=list)
    versions: list[VersionSpec] = Field(default_factory=list)
    archived: bool = False


class SprintSpec(_Model):
    """A sprint of a board: `state` future, active or closed, optional dates (ISO date-time or date) and goal; `id`
    is numbered when absent."""

    id: int | None = None
    name: str
    state: Literal["future", "active", "closed"]
    start_date: str | None = None  # ISO datetime or date
    end_date: str | None = None
    complete_date: str | None = None
    goal: str | None = None


class BoardSpec(_Model):
    """An agile board of one project, scrum or kanban, with its sprints; `id` is numbered when absent."""

    id: int | None = None
    name: str
    type: Literal["scrum", "kanban"] = "scrum"
    project: str
    sprints: list[SprintSpec] = Field(default_factory=list)


class CommentSpec(_Model):
    """A comment on an issue: its `author` (a user reference), Markdown `body`, and when it was `created`."""

    author: str
    body: str  # Markdown
    created: str | None = None  # ISO datetime; defaults to the issue's updated time


class WorklogSpec(_Model):
    """Work logged on an issue: `author`, `time_spent` as a Jira duration ("1h 30m", "2d": 1d = 8h), when it
    `started`."""

    author: str
    time_spent: str  # Jira duration: "1h 30m", "2d"
    started: str | None = None
    comment: str | None = None


class HistorySpec(_Model):
    """One past change of an issue, as Jira's changelog records it: when it happened (`at`), who made it (`by`, a user
    reference) and each field it changed as `[from, to]`: `status`, `resolution`, `priority` by name, `assignee` and
    `reporter` as user references (null: unassigned), `fix_versions` as `[[from names], [to names]]`. The changes of
    an issue are in time order and end at its current values: history never changes the issue (docs/fixtures.md)."""

    at: str  # ISO datetime, between the issue's created and updated
    by: str  # who made the change (a user reference)
    status: tuple[str, str] | None = None
    resolution: tuple[str | None, str | None] | None = None
    priority: tuple[str | None, str | None] | None = None
    assignee: tuple[str | None, str | None] | None = None
    reporter: tuple[str, str] | None = None
    fix_versions: tuple[list[str], list[str]] | None = None


class IssueSpec(_Model):
    """An issue, everything by name: `type`, `status` (None: the workflow's initial one), users by email, account id
    or display name, components and versions of its project, sprints by name or id, custom fields by id or name, its
    comments, worklogs, watchers and past changes (`history`, the changelog JQL's WAS and CHANGED search). `key` None
    takes the project's next number."""

    key: str | None = Field(default=None, pattern=r"^[A-Z][A-Z0-9_]+-\d+$")  # None = next number in its project
    project: str | None = None  # needed only when key is None
    type: str
    summary: str
    description: str | None = None
    environment: str | None = None
    status: str | None = None  # None = the workflow's initial status
    resolution: str | None = None  # defaults to 'Done' for a done-category status
    priority: str | None = "Medium"
    assignee: str | None = None
    reporter: str | None = None
    labels: list[str] = Field(default_factory=list)
    components: list[str] = Field(default_factory=list)
    fix_versions: list[str] = Field(default_factory=list)
    affects_versions: list[str] = Field(default_factory=list)
    parent: str | None = None  # issue key: the epic of a standard issue, or the parent of a sub-task
    due_date: str | None = None
    created: str | None = None  # ISO datetime; defaults to the fixture's now
    updated: str | None = None  # defaults to created
    resolved: str | None = None  # defaults to updated for resolved issues
    original_estimate: str | None = None  # "3d"
    remaining_estimate: str | None = None
    sprints: list[str | int] = Field(default_factory=list)  # sprint names or ids
    custom_fields: dict[str, object] = Field(default_factory=dict)  # by field id or name
    comments: list[CommentSpec] = Field(default_factory=list)
    worklogs: list[WorklogSpec] = Field(default_factory=list)
    watchers: list[str] = Field(default_factory=list)
    history: list[HistorySpec] = Field(default_factory=list)  # past changes, oldest first


class LinkSpec(_Model):
    """`{"type": "Blocks", "from": "WEB-3", "to": "WEB-9"}` reads "WEB-3 blocks WEB-9" (the type's outward text)."""

    type: str
    from_: str = Field(alias="from")
    to: str

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


DEFAULT_STATUSES = [
    StatusSpec(name="To Do", category="new"),
    StatusSpec(name="In Progress", category="indeterminate"),
    StatusSpec(name="In Review", category="indeterminate"),
    StatusSpec(name="Done", category="done"),
]

DEFAULT_WORKFLOWS = [
    WorkflowSpec(
        name="Software Simplified Workflow",
        initial="To Do",
        transitions=[
            TransitionSpec(id=11, name="To Do", to="To Do", clears_resolution=True),
            TransitionSpec(id=21, name="In Progress", to="In Progress", clears_resolution=True),
            TransitionSpec(id=31, name="In Review", to="In Review", clears_resolution=True),
            TransitionSpec(id=41, name="Done", to="Done", sets_resolution=True),
        ],
    )
]

DEFAULT_ISSUE_TYPES = [
    IssueTypeSpec(name="Epic", level=1, description="A big user story that needs to be broken down."),
    IssueTypeSpec(name="Story", description="Functionality or a feature expressed as a user goal."),
    IssueTypeSpec(name="Task", description="A small, distinct piece of work."),
    IssueTypeSpec(name="Bug", description="A problem or error."),
    IssueTypeSpec(name="Sub-task", subtask=True, level=-1, description="A small piece of work that's part of a larger task."),
]

DEFAULT_LINK_TYPES = [
    LinkTypeSpec(name="Blocks", inward="is blocked by", outward="blocks"),
    LinkTypeSpec(name="Cloners", inward="is cloned by", outward="clones"),
    LinkTypeSpec(name="Duplicate", inward="is duplicated by", outward="duplicates"),
    LinkTypeSpec(name="Relates", inward="relates to", outward="relates to"),
]

DEFAULT_CUSTOM_FIELDS = [
    CustomFieldSpec(id="customfield_10016", name="Story point estimate", type="number"),
    CustomFieldSpec(id="customfield_10020", name="Sprint", type="array"),
    CustomFieldSpec(id="customfield_10014", name="Epic Link", type="string"),
]


class Fixture(_Model):
    """A whole Jira. Only `now`, `current_user`, `users` and `projects` are required."""

    name: str = "fixture"
    description: str | None = None
    now: str  # the frozen clock, ISO 8601 UTC, e.g. "2026-11-24T09:00:00Z"
    current_user: str  # the user the agent works as (email, account id or display name)
    base_url: str = "https://acme.atlassian.net"
    users: list[UserSpec]
    statuses: list[StatusSpec] = Field(default_factory=lambda: list(DEFAULT_STATUSES))
    workflows: list[WorkflowSpec] = Field(default_factory=lambda: list(DEFAULT_WORKFLOWS))
    priorities: list[str] = Field(default_factory=lambda: ["Highest", "High", "Medium", "Low", "Lowest"])  # by rank
    resolutions: list[str] = Field(default_factory=lambda: ["Done", "Won't Do", "Duplicate", "Cannot Reproduce"])
    issue_types: list[IssueTypeSpec] = Field(default_factory=lambda: list(DEFAULT_ISSUE_TYPES))
    link_types: list[LinkTypeSpec] = Field(default_factory=lambda: list(DEFAULT_LINK_TYPES))
    custom_fields: list[CustomFieldSpec] = Field(default_factory=lambda: list(DEFAULT_CUSTOM_FIELDS))
    projects: list[ProjectSpec]
    boards: list[BoardSpec] = Field(default_factory=list)
    issues: list[IssueSpec] = Field(default_factory=list)
    links: list[LinkSpec] = Field(default_factory=list)


class FixtureAdditions(_Model):
    """What a scenario adds to its harness's fixture: more users, issues, links, sprints (appended, in order)."""

    users: list[UserSpec] = Field(default_factory=list)
    issues: list[IssueSpec] = Field(default_factory=list)
    links: list[LinkSpec] = Field(default_factory=list)
    boards: list[BoardSpec] = Field(default_factory=list)
    now: str | None = None  # move the frozen clock
    current_user: str | None = None


def merge_fixture(base: Fixture, additions: FixtureAdditions | None) -> Fixture:
    """The base fixture with a scenario's additions appended; the base is not changed."""
    if additions is None:
        return base
    data = base.model_dump(by_alias=True)
    extra = additions.model_dump(by_alias=True)
    for key in ("users", "issues", "links", "boards"):
        data[key] = data[key] + extra[key]
    for key in ("now", "current_user"):
        if extra[key] is not None:
            data[key] = extra[key]
    return Fixture.model_validate(data)
