"""The harness file format: pydantic models for a harness, its scenarios, checks and reference solutions.

`jira-bench schema` prints `Harness.model_json_schema()`; class docstrings appear in it as descriptions. Semantics of
every check kind are documented on its model and implemented by the function `checks.py` registers for it.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from jira_bench_tui.harness.patterns import check_pattern
from jira_bench_tui.jira.fixture import Fixture, FixtureAdditions

# lower-case words joined by single "-", "_" or "." ("__" is reserved: trial artifacts are named <scenario>__<rep>)
SCENARIO_ID = r"^[a-z0-9]+(?:[._-][a-z0-9]+)*$"
# A scenario id names files: trials/<id>__<rep>.json, its temp file .<id>__<rep>.json.XXXXXXXX.tmp, its set-aside
# copy <id>__<rep>.json.corrupt, the trial's database <id>-<32 hex>.sqlite-journal. File names are at most 255 bytes
# (ids are ASCII); 128 leaves room for every suffix with a 4-digit repetition (tests/harness/test_hardening.py).
SCENARIO_ID_MAX_CHARS = 128
MAX_PROMPT_CHARS = 100_000
MAX_COUNT = 10_000  # the most issues a JQL check reads


class _Model(BaseModel):
    # strict: JSON types as they are (`true` is not the number 1, "5" is not 5); nested fixtures keep their own rules
    model_config = ConfigDict(extra="forbid", strict=True)


def _valid_regex(pattern: str | None) -> str | None:
    """The pattern, once `patterns.check_pattern` accepts it (it compiles with the engine that searches it, and is
    not too big); ValueError naming it otherwise."""
    if pattern is not None:
        check_pattern(pattern)
    return pattern


# ---- field matchers ------------------------------------------------------------------------------------------
# A field expectation is either a literal (equality; strings compare case-insensitively after trimming; lists
# compare as sets; null means "empty") or an operator object with exactly one of the keys below.
class FieldOp(_Model):
    """One operator on an issue field, e.g. `{"in": ["High", "Highest"]}` or `{"gte": 3}`; exactly one key is given.

    Text compares case-insensitively; `matches` is a Python regex, searched; `gte`/`lte` compare numbers.
    """

    eq: Any = None
    ne: Any = None
    in_: list[Any] | None = Field(default=None, alias="in")
    contains: str | None = None  # substring (case-insensitive) of a text field
    not_contains: str | None = None
    matches: str | None = None  # Python regex, searched, case-insensitive
    includes: list[str] | None = None  # list field holds all of these
    excludes: list[str] | None = None  # list field holds none of these
    empty: bool | None = None  # True: null/empty; False: set
    gte: float | None = Field(default=None, allow_inf_nan=False)
    lte: float | None = Field(default=None, allow_inf_nan=False)

    model_config = ConfigDict(extra="forbid", populate_by_name=True, strict=True)

    @model_validator(mode="after")
    def _one_operator(self) -> FieldOp:
        given = len(self.model_fields_set)
        if given != 1:
            raise ValueError(f"a field operator needs exactly one of {', '.join(sorted(OPERATORS))}; got {given}")
        _valid_regex(self.matches)
        return self


# The operator keys as a harness spells them ("in", not the attribute name in_).
OPERATORS = {field.alias or name for name, field in FieldOp.model_fields.items()}
Expectation = FieldOp | str | int | float | bool | list[str] | None

# Fields an expectation may name (the keys of jira.reader.IssueRecord that make sense to assert on), plus
# "custom:<field name>" for any custom field.
ISSUE_FIELDS = {
    "summary", "description", "issue_type", "status", "status_category", "priority", "resolution", "assignee",
    "assignee_email", "reporter", "labels", "components", "fix_versions", "affects_versions", "parent", "due_date",
    "sprints", "story_points", "time_spent_seconds", "project",
}


def _check_fields(expect: dict[str, Any]) -> dict[str, Any]:
    for name in expect:
        if name not in ISSUE_FIELDS and not name.startswith("custom:"):
            raise ValueError(f"unknown field {name!r} (known: {', '.join(sorted(ISSUE_FIELDS))}, or custom:<name>)")
    return expect


# ---- checks --------------------------------------------------------------------------------------------------
# An issue reference is an issue key ("WEB-12") or "$name", a name bound by an earlier created_issue check.
ISSUE_REF = r"^([A-Z][A-Z0-9_]+-\d+|\$[a-z_][a-z0-9_]*)$"
STEP_ID = r"^[a-z_][a-z0-9_]*$"
TOOL_NAME = r"^[A-Za-z0-9_]+$"  # an MCP tool name, e.g. jira_get_issue
IssueRef = Annotated[str, Field(pattern=ISSUE_REF)]


class BaseCheck(_Model):
    """What every check kind has: an optional `description` shown in reports instead of the generated one."""

    description: str | None = None  # shown in reports instead of the generated one

    def expectations(self) -> dict[str, dict[str, Expectation]]:
        """The check's field expectations by group name ("expect", "match"); the loader checks the names they use."""
        return {}


class IssueCheck(BaseCheck):
    """The issue's fields match every expectation: `{"kind": "issue", "issue": "WEB-12", "expect": {"status": "Done"}}`."""

    kind: Literal["issue"]
    issue: IssueRef
    expect: dict[str, Expectation]

    _v = field_validator("expect")(lambda cls, v: _check_fields(v))

    def expectations(self) -> dict[str, dict[str, Expectation]]:
        """The `expect` group."""
        return {"expect": self.expect}


class IssueDeletedCheck(BaseCheck):
    """The issue exists (`exists: true`) or was deleted (`exists: false`)."""

    kind: Literal["issue_exists"]
    issue: IssueRef
    exists: bool


class JqlCountCheck(BaseCheck):
    """The number of issues a JQL query matches is `count`, or within `min`/`max`."""

    kind: Literal["jql_count"]
    jql: str
    count: int | None = Field(default=None, ge=0, le=MAX_COUNT)
    min: int | None = Field(default=None, ge=0, le=MAX_COUNT)
    max: int | None = Field(default=None, ge=0, le=MAX_COUNT)

    @model_validator(mode="after")
    def _bound(self) -> JqlCountCheck:
        if self.count is None and self.min is None and self.max is None:
            raise ValueError("give count, min or max")
        return self


class JqlKeysCheck(BaseCheck):
    """A JQL query matches exactly these issues (order ignored)."""

    kind: Literal["jql_keys"]
    jql: str
    keys: list[IssueRef]


class CommentCheck(BaseCheck):
    """Comments added during the trial on the issue: at least `min_count` (default 1) match all the given filters.

    With `present: false`, no comment added during the trial matches (e.g. "did not comment on WEB-3").
    """

    kind: Literal["comment"]
    issue: IssueRef
    contains: list[str] = Field(default_factory=list)  # every phrase present (case-insensitive)
    matches: str | None = None

    _regex = field_validator("matches")(lambda cls, v: _valid_regex(v))
    author: str | None = None  # display name or email; default: any
    min_count: int = Field(default=1, ge=0, le=MAX_COUNT)
    present: bool = True


class LinkCheck(BaseCheck):
    """A link of `type` from `issue` to `other` exists (or not, with `present: false`).

    Direction is Jira's reading: `{"type": "Blocks", "issue": "WEB-3", "other": "WEB-9"}` means "WEB-3 blocks WEB-9".
    Set `any_direction: true` for symmetric types such as Relates.
    """

    kind: Literal["link"]
    issue: IssueRef
    type: str
    other: IssueRef
    present: bool = True
    any_direction: bool = False


class WorklogCheck(BaseCheck):
    """Work logged on the issue during the trial totals `time_spent` (a Jira duration, "2h 30m"), optionally by an
    author and with a comment containing text. `tolerance` is a duration too (default exact)."""

    kind: Literal["worklog"]
    issue: IssueRef
    time_spent: str | None = None
    tolerance: str = "0m"
    author: str | None = None
    comment_contains: str | None = None
    present: bool = True


class CreatedIssueCheck(BaseCheck):
    """Issues created during the trial that match `match` number `count` (default 1); each must satisfy `expect`.

    `as` binds the (single) created issue to a name for later checks: `"issue": "$story"`.
    """

    kind: Literal["created_issue"]
    match: dict[str, Expectation] = Field(default_factory=dict)
    expect: dict[str, Expectation] = Field(default_factory=dict)
    count: int = Field(default=1, ge=0, le=MAX_COUNT)
    as_: str | None = Field(default=None, alias="as", pattern=r"^[a-z_][a-z0-9_]*$")

    model_config = ConfigDict(extra="forbid", populate_by_name=True, strict=True)

    _vm = field_validator("match", "expect")(lambda cls, v: _check_fields(v))

    def expectations(self) -> dict[str, dict[str, Expectation]]:
        """The `expect` and `match` groups."""
        return {"expect": self.expect, "match": self.match}


class AllowedChange(_Model):
    """An issue that may change, but only in these fields: `{"issue": "WEB-18", "fields": ["comments"]}`."""

    issue: IssueRef
    fields: list[str] = Field(min_length=1)


class UnchangedCheck(BaseCheck):
    """Nothing changed but what the scenario allows: every issue not listed in `except` is as it was, no issue was
    deleted, and no issue was created unless `allow_created` (created issues are pinned by created_issue checks).

    `ignore_fields` lists fields whose changes are tolerated everywhere (e.g. "updated" is always ignored)."""

    kind: Literal["unchanged"]
    # an issue key (any change allowed) or {"issue": key, "fields": [...]} (only those fields may change)
    except_: list[IssueRef | AllowedChange] = Field(default_factory=list, alias="except")
    allow_created: bool = False
    ignore_fields: list[str] = Field(default_factory=list)

    model_config = ConfigDict(extra="forbid", populate_by_name=True, strict=True)


class AnswerCheck(BaseCheck):
    """The agent's final answer contains every phrase in `contains` (case-insensitive), none in `not_contains`, and
    matches the regex `matches` when given."""

    kind: Literal["answer"]
    contains: list[str] = Field(default_factory=list)
    any_of: list[str] = Field(default_factory=list)  # at least one of these phrases
    not_contains: list[str] = Field(default_factory=list)
    matches: str | None = None

    _regex = field_validator("matches")(lambda cls, v: _valid_regex(v))


Check = Annotated[
    IssueCheck
    | IssueDeletedCheck
    | JqlCountCheck
    | JqlKeysCheck
    | CommentCheck
    | LinkCheck
    | WorklogCheck
    | CreatedIssueCheck
    | UnchangedCheck
    | AnswerCheck,
    Field(discriminator="kind"),
]
# The check models, in the order of the union above; checks.py pairs each with its function (registry.py).
CHECK_MODELS: tuple[type[BaseCheck], ...] = get_args(get_args(Check)[0])

# ---- reference solutions -------------------------------------------------------------------------------------


class SolutionStep(_Model):
    """One tool call of the reference solution.

    String values in `arguments` may hold `{{name.path}}` placeholders, filled from the parsed JSON result of an
    earlier step with that `id`: `{{story.issue.key}}`, `{{links.0.id}}`.
    """

    id: str | None = Field(default=None, pattern=STEP_ID)
    tool: str = Field(pattern=TOOL_NAME)
    arguments: dict[str, Any] = Field(default_factory=dict)


class Solution(_Model):
    """The reference solution: the tool calls the oracle agent makes, in order, then its final answer."""

    steps: list[SolutionStep] = Field(default_factory=list)
    answer: str = "Done."  # the final answer the oracle gives


# ---- scenario and harness ------------------------------------------------------------------------------------


class Limits(_Model):
    """Bounds on one trial: model turns, tokens (input + output, whole trial), wall time in seconds, and output
    tokens per model call."""

    max_turns: int = Field(default=25, ge=1, le=500)
    max_tokens: int = Field(default=200_000, ge=1000, le=1_000_000_000)  # input + output tokens over the whole trial
    wall_time_s: float = Field(default=300.0, gt=0, le=86400, allow_inf_nan=False)
    max_output_tokens: int = Field(default=4096, ge=64, le=1_000_000)  # per model call


class Scenario(_Model):
    """One task for the agent: a prompt, the checks on the final Jira state, and a reference solution that passes
    them. `id` names its trial artifacts (`<id>__<rep>.json`)."""

    id: str = Field(pattern=SCENARIO_ID, max_length=SCENARIO_ID_MAX_CHARS)
    title: str | None = None
    prompt: str = Field(min_length=1, max_length=MAX_PROMPT_CHARS)
    tags: list[str] = Field(default_factory=list)  # e.g. "tier:easy", "skill:transition"
    fixture_additions: FixtureAdditions | None = None
    checks: list[Check] = Field(min_length=1)
    solution: Solution
    limits: Limits | None = None  # overrides the harness limits

    @property
    def tier(self) -> str | None:
        """The value of the scenario's "tier:" tag ("easy", "medium", "hard"), or None without one."""
        for tag in self.tags:
            if tag.startswith("tier:"):
                return tag.split(":", 1)[1]
        return None


class ServerSpec(_Model):
    """Which MCP server the agent works: the embedded Jira (default) or a stdio command (needs --trust)."""

    kind: Literal["embedded", "command"] = "embedded"
    command: list[str] | None = None
    env: dict[str, str] = Field(default_factory=dict)


class Harness(_Model):
    """A benchmark: the starting Jira (a fixture) and the scenarios run on it, with default limits and the MCP
    server the agent works."""

    name: str = Field(min_length=1)
    version: str = "1"
    description: str = ""
    # The starting Jira: a fixture file (path relative to the harness file, or builtin:NAME) or an inline fixture.
    fixture: str | Fixture = "builtin:default"
    limits: Limits = Field(default_factory=Limits)
    server: ServerSpec = Field(default_factory=ServerSpec)
    scenarios: list[Scenario] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> Harness:
        seen: set[str] = set()
        for index, scenario in enumerate(self.scenarios):
            if scenario.id in seen:
                raise ValueError(f"scenarios[{index}].id: duplicate scenario id {scenario.id!r}")
            seen.add(scenario.id)
        return self

    def scenario(self, scenario_id: str) -> Scenario:
        """The scenario with this id; KeyError when there is none."""
        for scenario in self.scenarios:
            if scenario.id == scenario_id:
                return scenario
        raise KeyError(scenario_id)

    def limits_for(self, scenario: Scenario) -> Limits:
        """The scenario's own limits if it has them (they replace the harness's whole), else the harness's."""
        return scenario.limits or self.limits
