"""The embedded Jira's database file, from fixture to open connection: build it from a fixture (checking every
reference, naming the first bad one), cache it as a template per fixture content, copy it per trial, open it and
read its clock; plus the timestamp form it stores and the user lookup mcp-atlassian does."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import tempfile
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from jira_bench_tui.errors import UserError
from jira_bench_tui.jira import write_tracking
from jira_bench_tui.jira.durations import parse_duration
from jira_bench_tui.jira.fixture import CustomFieldSpec, Fixture, IssueSpec, SprintSpec, WorklogSpec
from jira_bench_tui.jira.fixture_history import write_history

SCHEMA_PATH = Path(__file__).with_name("schema.sql")
BUILD_VERSION = "1"  # bump when the way a fixture becomes a database changes, so cached templates are rebuilt
FIRST_ID = 10000

STATUS_CATEGORIES = [(2, "new", "To Do", "blue-gray"), (4, "indeterminate", "In Progress", "yellow"), (3, "done", "Done", "green")]
CATEGORY_ID = {key: cid for cid, key, _name, _color in STATUS_CATEGORIES}

# System fields as Jira's /rest/api/2/field lists them: id, name, schema type, items, JQL clause names, orderable.
SYSTEM_FIELDS: list[tuple[str, str, str | None, str | None, list[str], bool]] = [
    ("summary", "Summary", "string", None, ["summary"], True),
    ("description", "Description", "string", None, ["description"], True),
    ("environment", "Environment", "string", None, ["environment"], True),
    ("project", "Project", "project", None, ["project"], False),
    ("issuetype", "Issue Type", "issuetype", None, ["issuetype", "type"], True),
    ("status", "Status", "status", None, ["status"], False),
    ("statusCategory", "Status Category", "statusCategory", None, ["statusCategory"], False),
    ("priority", "Priority", "priority", None, ["priority"], True),
    ("resolution", "Resolution", "resolution", None, ["resolution"], True),
    ("resolutiondate", "Resolved", "datetime", None, ["resolutiondate", "resolved"], False),
    ("assignee", "Assignee", "user", None, ["assignee"], True),
    ("reporter", "Reporter", "user", None, ["reporter"], True),
    ("creator", "Creator", "user", None, ["creator"], False),
    ("labels", "Labels", "array", "string", ["labels"], True),
    ("components", "Components", "array", "component", ["component"], True),
    ("fixVersions", "Fix versions", "array", "version", ["fixVersion"], True),
    ("versions", "Affects versions", "array", "version", ["affectedVersion"], True),
    ("parent", "Parent", "issuelink", None, ["parent"], True),
    ("duedate", "Due date", "date", None, ["duedate", "due"], True),
    ("created", "Created", "datetime", None, ["created", "createdDate"], False),
    ("updated", "Updated", "datetime", None, ["updated", "updatedDate"], False),
    ("timetracking", "Time tracking", "timetracking", None, [], True),
    ("timeoriginalestimate", "Original estimate", "number", None, ["originalEstimate"], False),
    ("timeestimate", "Remaining Estimate", "number", None, ["remainingEstimate"], False),
    ("timespent", "Time Spent", "number", None, ["timespent"], False),
    ("comment", "Comment", "comments-page", None, ["comment"], True),
    ("worklog", "Log Work", "array", "worklog", [], True),
    ("issuelinks", "Linked Issues", "array", "issuelinks", ["issueLink"], True),
    ("watches", "Watchers", "watches", None, ["watcher", "watchers"], False),
    ("issuekey", "Key", None, None, ["id", "issue", "issuekey", "key"], False),
]
CUSTOM_SCHEMA: dict[str, tuple[str, str | None, str]] = {
    "number": ("number", None, "com.atlassian.jira.plugin.system.customfieldtypes:float"),
    "string": ("string", None, "com.atlassian.jira.plugin.system.customfieldtypes:textfield"),
    "option": ("option", None, "com.atlassian.jira.plugin.system.customfieldtypes:select"),
    "array": ("array", "string", "com.atlassian.jira.plugin.system.customfieldtypes:labels"),
    "date": ("date", None, "com.atlassian.jira.plugin.system.customfieldtypes:datepicker"),
    "user": ("user", None, "com.atlassian.jira.plugin.system.customfieldtypes:userpicker"),
}
WELL_KNOWN_CUSTOM = {
    "Story point estimate": "com.pyxis.greenhopper.jira:jsw-story-points",
    "Sprint": "com.pyxis.greenhopper.jira:gh-sprint",
    "Epic Link": "com.pyxis.greenhopper.jira:gh-epic-link",
}


class FixtureError(UserError):
    """A fixture that cannot become a database; the message names the place, e.g.
    `issues[12] (WEB-13).assignee: unknown user 'bob@x' (known: ...)`."""

    def __init__(self, message: str, field: str | None = "fixture") -> None:
        super().__init__(message, field=field)


@dataclass(frozen=True)
class JiraMeta:
    """The facts of a database that are not rows: the frozen clock, who the agent is, where Jira lives."""

    now: datetime
    current_user: str  # account id
    base_url: str
    fixture_name: str


# ---------------------------------------------------------------- timestamps

_RELATIVE = re.compile(r"^([+-])\s*(\d+)\s*([wdhm])$")
_RELATIVE_SECONDS = {"w": 7 * 86400, "d": 86400, "h": 3600, "m": 60}


def format_timestamp(moment: datetime) -> str:
    """Jira's stored form of a moment, in UTC: `2026-11-20T09:30:00.000+0000`."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"


def parse_timestamp(text: str, now: datetime | None = None) -> datetime:
    """A moment from ISO 8601 (`2026-11-20T09:30:00Z`, `...+0000`, `2026-11-20` = midnight UTC; no zone = UTC) or,
    when `now` is given, a calendar offset from it (`-3d`, `-2h`, `+1w`). Raises ValueError when it is neither."""
    value = text.strip()
    relative = _RELATIVE.match(value)
    if relative and now is not None:
        sign = -1 if relative.group(1) == "-" else 1
        return now + timedelta(seconds=sign * int(relative.group(2)) * _RELATIVE_SECONDS[relative.group(3)])
    iso = value.replace("Z", "+00:00").replace("z", "+00:00")
    iso = re.sub(r"([+-]\d\d)(\d\d)$", r"\1:\2", iso)
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        raise ValueError(f"'{text}' is not a date-time (expected ISO 8601 such as 2026-11-20T09:30:00Z)") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def account_id_for(email: str) -> str:
    """A stable account id made from an email, shaped like Jira Cloud's 24-hex-digit ids."""
    return hashlib.sha256(email.strip().lower().encode("utf-8")).hexdigest()[:24]


# ---------------------------------------------------------------- opening and copying


def connect(path: Path) -> sqlite3.Connection:
    """Open a trial database: rows as sqlite3.Row, foreign keys on, no journal on disk (a trial DB is private).

    The connection may be used from another thread than the one that opened it; callers must not use it from two
    threads at once."""
    if not Path(path).is_file():
        raise FileNotFoundError(f"No Jira database at {path}")
    conn = sqlite3.connect(str(path), check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA journal_mode = MEMORY")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA temp_store = MEMORY")
    return conn


def copy_database(template: Path, dest: Path) -> Path:
    """A private copy of a template database for one trial (a plain file copy: milliseconds). Returns `dest`."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, dest)
    return dest


def read_meta(conn: sqlite3.Connection) -> JiraMeta:
    """The database's frozen clock, current user, base URL and fixture name."""
    values = {row[0]: row[1] for row in conn.execute("SELECT k, v FROM meta")}
    return JiraMeta(
        now=parse_timestamp(values["now"]),
        current_user=values["current_user"],
        base_url=values.get("base_url", ""),
        fixture_name=values.get("fixture_name", ""),
    )


# ---------------------------------------------------------------- lookups


def check_database(path: Path) -> None:
    """UserError unless `path` is a Jira database of ours (an SQLite file with our tables and clock)."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            read_meta(conn)
        finally:
            conn.close()
    except (sqlite3.Error, KeyError, ValueError, TypeError):
        raise UserError(f"{path} is not a jira-bench Jira database") from None


def resolve_user(conn: sqlite3.Connection, ref: str) -> sqlite3.Row | None:
    """The user an identifier names, as mcp-atlassian resolves one: account id, then email, then display name
    (case-insensitive; the first active match wins). None when nobody matches."""
    if ref is None:
        return None
    text = str(ref).strip()
    if not text:
        return None
    for sql in (
        "SELECT * FROM users WHERE account_id = ?",
        "SELECT * FROM users WHERE lower(email) = lower(?)",
        "SELECT * FROM users WHERE lower(display_name) = lower(?) ORDER BY active DESC, account_id",
    ):
        row: sqlite3.Row | None = conn.execute(sql, (text,)).fetchone()
        if row is not None:
            return row
    return None


# ---------------------------------------------------------------- building


def build_database(fixture: Fixture, path: Path) -> None:
    """Create the SQLite file `path` from schema.sql and the fixture. The file appears whole or not at all:
    it is built beside `path` and moved into place, so a FixtureError leaves `path` as it was."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".building", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        conn = sqlite3.connect(tmp_name)
        try:
            conn.execute("PRAGMA journal_mode = OFF")
            conn.execute("PRAGMA synchronous = OFF")
            conn.executescript(SCHEMA_PATH.read_text(encoding="utf-8"))
            conn.execute("BEGIN")
            _Builder(conn, fixture).build()
            conn.commit()
            write_tracking.install(conn)  # after the load: the table starts empty in the template and every copy
            conn.execute("PRAGMA journal_mode = DELETE")
        finally:
            conn.close()
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _build_digest() -> Any:
    """A SHA-256 hasher fed with what every built database depends on besides its fixture: the schema and the
    builder's code (a change to how databases are built makes new templates)."""
    digest = hashlib.sha256()
    digest.update(BUILD_VERSION.encode())
    for source in (SCHEMA_PATH, Path(__file__), Path(__file__).with_name("durations.py"),
                   Path(__file__).with_name("fixture_history.py"), Path(write_tracking.__file__)):
        digest.update(source.read_bytes())
    return digest


def fixture_digest(fixture: Fixture) -> str:
    """A hash of everything a built database depends on: the fixture's content, the schema and the builder's code."""
    digest = _build_digest()
    digest.update(fixture.model_dump_json(by_alias=True).encode("utf-8"))
    return digest.hexdigest()


def content_template_path(content_key: str, cache_dir: Path | None = None) -> Path:
    """Where the template of a fixture known by `content_key` is kept besides its own name (`name_template`):
    `known-<hash>.sqlite` in the cache, the hash over the key, the builder's code and the fixture model's code (so
    that a change to either names a new file). `content_key` is any text that names a fixture's content for good,
    e.g. the SHA-256 of a stored fixture file's bytes (engine/run_folder/stored.py): the template is found without
    reading, validating or hashing the fixture itself."""
    from jira_bench_tui.jira import fixture as fixture_module

    digest = _build_digest()
    digest.update(Path(fixture_module.__file__).read_bytes())
    digest.update(content_key.encode("utf-8"))
    directory = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    return directory / f"known-{digest.hexdigest()[:20]}.sqlite"


def find_template(content_key: str, cache_dir: Path | None = None) -> Path | None:
    """The template named for `content_key` (`name_template`), or None when there is none (never built, or the cache
    was emptied)."""
    path = content_template_path(content_key, cache_dir)
    return path if path.is_file() else None


def name_template(template: Path, content_key: str, cache_dir: Path | None = None) -> Path:
    """Make `template` (from `prepare_template`) findable by `content_key` (`find_template`): a hard link in the same
    cache (a copy where links are refused), put in place atomically. Returns its path. OSError when the cache cannot
    be written."""
    target = content_template_path(content_key, cache_dir)
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.linking")
    try:
        try:
            os.link(template, tmp)
        except OSError:
            shutil.copyfile(template, tmp)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def default_cache_dir() -> Path:
    """Where templates are cached: $XDG_CACHE_HOME/jira-bench/fixtures, else <tmp>/jira-bench-<uid>/fixtures."""
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg:
        return Path(xdg) / "jira-bench" / "fixtures"
    uid = os.getuid() if hasattr(os, "getuid") else "user"
    return Path(tempfile.gettempdir()) / f"jira-bench-{uid}" / "fixtures"


def prepare_template(fixture: Fixture, cache_dir: Path | None = None) -> Path:
    """The template database of this fixture, built once per fixture content and reused after.

    Safe when several processes ask at once: each builds into its own temp file and moves it into place."""
    directory = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    safe_name = re.sub(r"[^A-Za-z0-9_.-]+", "-", fixture.name)[:40] or "fixture"
    target = directory / f"{safe_name}-{fixture_digest(fixture)[:20]}.sqlite"
    if not target.is_file():
        build_database(fixture, target)
    return target


def _known(names: Any, limit: int = 12) -> str:
    listed = sorted({str(n) for n in names}, key=str.lower)
    more = f", ... {len(listed) - limit} more" if len(listed) > limit else ""
    return ", ".join(listed[:limit]) + more


class _Builder:
    """Turns one validated Fixture into rows, checking every reference and naming the place of the first bad one."""

    def __init__(self, conn: sqlite3.Connection, fixture: Fixture) -> None:
        self.conn = conn
        self.fx = fixture
        try:
            self.now = parse_timestamp(fixture.now)
        except ValueError as error:
            raise FixtureError(f"now: {error}") from None
        self.users: dict[str, str] = {}  # account id -> display name
        self.user_keys: dict[str, list[str]] = {}  # lower-cased ref -> account ids
        self.statuses: dict[str, int] = {}
        self.status_category: dict[int, str] = {}
        self.workflows: dict[str, int] = {}
        self.workflow_statuses: dict[int, set[int]] = {}
        self.workflow_initial: dict[int, int] = {}
        self.priorities: dict[str, int] = {}
        self.resolutions: dict[str, int] = {}
        self.issue_types: dict[str, tuple[int, int]] = {}  # lower name -> (id, level)
        self.projects: dict[str, int] = {}
        self.project_workflow: dict[str, int] = {}
        self.project_types: dict[str, set[int]] = {}
        self.components: dict[tuple[str, str], int] = {}
        self.versions: dict[tuple[str, str], int] = {}
        self.custom_fields: dict[str, CustomFieldSpec] = {}  # lower id and lower name -> spec
        self.sprints_by_id: dict[int, int] = {}
        self.sprints_by_name: dict[str, list[int]] = {}
        self.link_types: dict[str, int] = {}
        self.issue_ids: dict[str, int] = {}
        self.issue_levels: dict[str, int] = {}
        self.next_comment_id = FIRST_ID
        self.next_worklog_id = FIRST_ID
        self.next_component_id = FIRST_ID - 1
        self.next_version_id = FIRST_ID - 1
        self.known_names: dict[str, list[str]] = {
            "status": [s.name for s in fixture.statuses],
            "priority": list(fixture.priorities),
            "resolution": list(fixture.resolutions),
            "issue type": [t.name for t in fixture.issue_types],
            "workflow": [w.name for w in fixture.workflows],
            "project": [p.key for p in fixture.projects],
            "link type": [t.name for t in fixture.link_types],
        }

    def insert(self, table: str, **values: Any) -> int:
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        cursor = self.conn.execute(f"INSERT INTO {table}({columns}) VALUES ({marks})", tuple(values.values()))
        return int(cursor.lastrowid or 0)

    def build(self) -> None:
        self.build_users()
        self.build_catalogues()
        self.build_workflows()
        self.build_fields()
        self.build_projects()
        self.build_boards()
        self.build_issues()
        self.build_links()
        self.build_meta()

    # -- references

    def user(self, ref: str | None, place: str) -> str | None:
        if ref is None:
            return None
        matches = self.user_keys.get(ref.strip().lower(), [])
        if len(matches) == 1 or (matches and ref in self.users):
            return ref if ref in self.users else matches[0]
        if len(matches) > 1:
            raise FixtureError(f"{place}: '{ref}' names several users; use an email or account id")
        known = [self.users[a] for a in self.users]
        raise FixtureError(f"{place}: unknown user '{ref}' (known: {_known(known)})")

    def timestamp(self, text: str, place: str) -> str:
        try:
            return format_timestamp(parse_timestamp(text, self.now))
        except ValueError as error:
            raise FixtureError(f"{place}: {error}") from None

    def date(self, text: str | None, place: str) -> str | None:
        if text is None:
            return None
        try:
            return datetime.strptime(text.strip()[:10], "%Y-%m-%d").strftime("%Y-%m-%d")
        except ValueError:
            raise FixtureError(f"{place}: '{text}' is not a date (expected YYYY-MM-DD)") from None

    def duration(self, text: str | None, place: str) -> int | None:
        if text is None:
            return None
        try:
            return parse_duration(text)
        except ValueError as error:
            raise FixtureError(f"{place}: {error}") from None

    def named(self, table: dict[str, Any], name: str, place: str, what: str) -> Any:
        found = table.get(name.strip().lower())
        if found is None:
            raise FixtureError(f"{place}: unknown {what} '{name}' (known: {_known(self.known_names[what]) or 'none'})")
        return found

    # -- sections

    def build_users(self) -> None:
        groups: dict[str, list[str]] = {}
        for index, spec in enumerate(self.fx.users):
            place = f"users[{index}] ({spec.email})"
            account = spec.account_id or account_id_for(spec.email)
            if account in self.users:
                raise FixtureError(f"{place}.account_id: '{account}' is used by another user")
            if spec.email.strip().lower() in {k for k, v in self.user_keys.items() if "@" in k}:
                raise FixtureError(f"{place}.email: '{spec.email}' is used by another user")
            self.insert("users", account_id=account, display_name=spec.display_name, email=spec.email,
                        active=int(spec.active), time_zone=spec.time_zone)
            self.users[account] = spec.display_name
            for key in {account.lower(), spec.email.strip().lower(), spec.display_name.strip().lower()}:
                self.user_keys.setdefault(key, []).append(account)
            for group in spec.groups:
                groups.setdefault(group, []).append(account)
        for group, members in groups.items():
            self.insert("groups", name=group)
            for account in dict.fromkeys(members):
                self.insert("group_members", group_name=group, account_id=account)

    def build_catalogues(self) -> None:
        for cid, key, name, color in STATUS_CATEGORIES:
            self.insert("status_categories", id=cid, key=key, name=name, color_name=color)
        for index, status in enumerate(self.fx.statuses):
            if status.name.lower() in self.statuses:
                raise FixtureError(f"statuses[{index}]: duplicate status '{status.name}'")
            sid = self.insert("statuses", id=FIRST_ID + index, name=status.name,
                              category_id=CATEGORY_ID[status.category], sort_order=index)
            self.statuses[status.name.lower()] = sid
            self.status_category[sid] = status.category
        for index, name in enumerate(self.fx.priorities):
            if name.lower() in self.priorities:
                raise FixtureError(f"priorities[{index}]: duplicate priority '{name}'")
            self.priorities[name.lower()] = self.insert("priorities", id=index + 1, name=name, rank=index + 1)
        for index, name in enumerate(self.fx.resolutions):
            if name.lower() in self.resolutions:
                raise FixtureError(f"resolutions[{index}]: duplicate resolution '{name}'")
            self.resolutions[name.lower()] = self.insert("resolutions", id=FIRST_ID + index, name=name)
        for index, itype in enumerate(self.fx.issue_types):
            if itype.name.lower() in self.issue_types:
                raise FixtureError(f"issue_types[{index}]: duplicate issue type '{itype.name}'")
            level = -1 if itype.subtask else itype.level
            tid = self.insert("issue_types", id=FIRST_ID + index, name=itype.name, subtask=int(level == -1),
                              hierarchy_level=level, description=itype.description)
            self.issue_types[itype.name.lower()] = (tid, level)
        for index, link in enumerate(self.fx.link_types):
            if link.name.lower() in self.link_types:
                raise FixtureError(f"link_types[{index}]: duplicate link type '{link.name}'")
            self.link_types[link.name.lower()] = self.insert("link_types", id=FIRST_ID + index, name=link.name,
                                                             inward=link.inward, outward=link.outward)

    def build_workflows(self) -> None:
        for windex, flow in enumerate(self.fx.workflows):
            place = f"workflows[{windex}] ({flow.name})"
            if flow.name.lower() in self.workflows:
                raise FixtureError(f"{place}: duplicate workflow name")
            initial = self.named(self.statuses, flow.initial, f"{place}.initial", "status")
            wid = self.insert("workflows", id=windex + 1, name=flow.name, initial_status_id=initial)
            self.workflows[flow.name.lower()] = wid
            members = {initial}
            for tindex, tr in enumerate(flow.transitions):
                tplace = f"{place}.transitions[{tindex}]"
                target = self.named(self.statuses, tr.to, f"{tplace}.to", "status")
                members.add(target)
                sources = [self.named(self.statuses, s, f"{tplace}.from", "status") for s in tr.from_] or [None]
                for source in sources:
                    if source is not None:
                        members.add(source)
                    try:
                        self.insert("transitions", id=tr.id, workflow_id=wid, name=tr.name, from_status_id=source,
                                    to_status_id=target, sets_resolution=int(tr.sets_resolution),
                                    clears_resolution=int(tr.clears_resolution))
                    except sqlite3.IntegrityError:
                        raise FixtureError(f"{tplace}.id: transition id {tr.id} is used twice from one status") from None
            self.workflow_statuses[wid] = members
            self.workflow_initial[wid] = initial

    def build_fields(self) -> None:
        for fid, name, stype, items, clauses, orderable in SYSTEM_FIELDS:
            self.insert("fields", id=fid, name=name, custom=0, schema_type=stype, schema_items=items,
                        schema_system=fid if stype else None, searchable=int(bool(clauses)), orderable=int(orderable),
                        clause_names=json.dumps(clauses))
        for index, spec in enumerate(self.fx.custom_fields):
            place = f"custom_fields[{index}] ({spec.name})"
            match = re.fullmatch(r"customfield_(\d+)", spec.id)
            if not match:
                raise FixtureError(f"{place}.id: '{spec.id}' is not a custom field id (expected customfield_NNNNN)")
            if spec.id.lower() in self.custom_fields or spec.name.lower() in self.custom_fields:
                raise FixtureError(f"{place}: duplicate custom field id or name")
            stype, items, custom = CUSTOM_SCHEMA[spec.type]
            custom = WELL_KNOWN_CUSTOM.get(spec.name, custom)
            self.insert("fields", id=spec.id, name=spec.name, custom=1, schema_type=stype, schema_items=items,
                        schema_custom=custom, clause_names=json.dumps([f"cf[{match.group(1)}]", spec.name]))
            for position, option in enumerate(spec.options):
                self.insert("field_options", field_id=spec.id, option_id=str(10100 + 100 * index + position),
                            value=option, position=position)
            self.custom_fields[spec.id.lower()] = spec
            self.custom_fields[spec.name.lower()] = spec

    def build_projects(self) -> None:
        for pindex, spec in enumerate(self.fx.projects):
            place = f"projects[{pindex}] ({spec.key})"
            if spec.key.lower() in self.projects:
                raise FixtureError(f"{place}.key: duplicate project key '{spec.key}'")
            workflow = self.named(self.workflows, spec.workflow, f"{place}.workflow", "workflow")
            pid = self.insert("projects", id=FIRST_ID + pindex, key=spec.key, name=spec.name,
                              description=spec.description, lead_account_id=self.user(spec.lead, f"{place}.lead"),
                              archived=int(spec.archived), workflow_id=workflow)
            self.projects[spec.key.lower()] = pid
            self.project_workflow[spec.key.lower()] = workflow
            names = spec.issue_types if spec.issue_types is not None else [t.name for t in self.fx.issue_types]
            allowed: set[int] = set()
            for name in names:
                tid = self.named(self.issue_types, name, f"{place}.issue_types", "issue type")[0]
                if tid not in allowed:
                    self.insert("project_issue_types", project_id=pid, issue_type_id=tid)
                allowed.add(tid)
            self.project_types[spec.key.lower()] = allowed
            for cindex, comp in enumerate(spec.components):
                cplace = f"{place}.components[{cindex}]"
                if (spec.key.lower(), comp.name.lower()) in self.components:
                    raise FixtureError(f"{cplace}: duplicate component '{comp.name}'")
                self.next_component_id += 1
                self.components[(spec.key.lower(), comp.name.lower())] = self.insert(
                    "components", id=self.next_component_id, project_id=pid, name=comp.name, description=comp.description,
                    lead_account_id=self.user(comp.lead, f"{cplace}.lead"))
            for vindex, ver in enumerate(spec.versions):
                vplace = f"{place}.versions[{vindex}]"
                if (spec.key.lower(), ver.name.lower()) in self.versions:
                    raise FixtureError(f"{vplace}: duplicate version '{ver.name}'")
                self.next_version_id += 1
                self.versions[(spec.key.lower(), ver.name.lower())] = self.insert(
                    "versions", id=self.next_version_id, project_id=pid, name=ver.name, description=ver.description,
                    start_date=self.date(ver.start_date, f"{vplace}.start_date"),
                    release_date=self.date(ver.release_date, f"{vplace}.release_date"),
                    released=int(ver.released), archived=int(ver.archived))

    def build_boards(self) -> None:
        board_ids: set[int] = set()
        next_board = 1
        next_sprint = 1
        explicit_sprints = {s.id for b in self.fx.boards for s in b.sprints if s.id is not None}
        for bindex, board in enumerate(self.fx.boards):
            place = f"boards[{bindex}] ({board.name})"
            project = self.named(self.projects, board.project, f"{place}.project", "project")
            bid = board.id
            if bid is None:
                while next_board in board_ids or next_board in {b.id for b in self.fx.boards}:
                    next_board += 1
                bid = next_board
            if bid in board_ids:
                raise FixtureError(f"{place}.id: duplicate board id {bid}")
            board_ids.add(bid)
            self.insert("boards", id=bid, name=board.name, type=board.type, project_id=project,
                        filter_jql=f"project = {board.project.upper()} ORDER BY Rank ASC")
            for sindex, sprint in enumerate(board.sprints):
                splace = f"{place}.sprints[{sindex}] ({sprint.name})"
                sid = sprint.id
                if sid is None:
                    while next_sprint in explicit_sprints or next_sprint in self.sprints_by_id:
                        next_sprint += 1
                    sid = next_sprint
                if sid in self.sprints_by_id:
                    raise FixtureError(f"{splace}.id: duplicate sprint id {sid}")
                self.insert("sprints", id=sid, board_id=bid, name=sprint.name, state=sprint.state,
                            **self._sprint_dates(sprint, splace), goal=sprint.goal)
                self.sprints_by_id[sid] = sid
                self.sprints_by_name.setdefault(sprint.name.lower(), []).append(sid)

    def _sprint_dates(self, sprint: SprintSpec, place: str) -> dict[str, str | None]:
        values = {"start_date": sprint.start_date, "end_date": sprint.end_date, "complete_date": sprint.complete_date}
        return {k: (self.timestamp(v, f"{place}.{k}") if v else None) for k, v in values.items()}

    def sprint(self, ref: str | int, place: str) -> int:
        if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit() and ref.lower() not in self.sprints_by_name):
            sid = int(ref)
            if sid in self.sprints_by_id:
                return sid
        else:
            found = self.sprints_by_name.get(str(ref).strip().lower(), [])
            if len(found) == 1:
                return found[0]
            if len(found) > 1:
                raise FixtureError(f"{place}: several sprints are named '{ref}'; use the sprint id")
        names = [n for n in self.sprints_by_name] + [str(i) for i in self.sprints_by_id]
        raise FixtureError(f"{place}: unknown sprint '{ref}' (known: {_known(names) or 'none'})")

    def build_issues(self) -> None:
        keys = self._assign_keys()
        for index, spec in enumerate(self.fx.issues):
            key = keys[index]
            self.issue_ids[key] = FIRST_ID + index
            self.issue_levels[key] = self.named(self.issue_types, spec.type, f"issues[{index}] ({key}).type",
                                                "issue type")[1]
        for index, spec in enumerate(self.fx.issues):
            self._insert_issue(index, spec, keys[index])
        write_history(self, self.fx.issues, keys)
        numbers: dict[str, int] = {}
        for key in keys:
            project, num = key.rsplit("-", 1)
            numbers[project] = max(numbers.get(project, 0), int(num))
        for project, highest in numbers.items():
            self.conn.execute("UPDATE projects SET next_issue_num = ? WHERE key = ?", (highest + 1, project))

    def _assign_keys(self) -> list[str]:
        taken: dict[str, set[int]] = {}
        for index, spec in enumerate(self.fx.issues):
            if spec.key is None:
                continue
            project, number_text = spec.key.rsplit("-", 1)
            number = int(number_text)
            place = f"issues[{index}] ({spec.key})"
            if project.lower() not in self.projects:
                raise FixtureError(f"{place}.key: unknown project '{project}' (known: {_known(self._project_keys())})")
            if spec.project is not None and spec.project.upper() != project:
                raise FixtureError(f"{place}.project: '{spec.project}' does not match the key's project '{project}'")
            if number in taken.setdefault(project, set()):
                raise FixtureError(f"{place}.key: duplicate issue key '{spec.key}'")
            if number < 1:
                raise FixtureError(f"{place}.key: issue numbers start at 1")
            taken[project].add(number)
        counters: dict[str, int] = {}
        keys: list[str] = []
        for index, spec in enumerate(self.fx.issues):
            if spec.key is not None:
                keys.append(spec.key)
                continue
            place = f"issues[{index}]"
            if spec.project is None:
                raise FixtureError(f"{place}: give a key or a project")
            project = spec.project.upper()
            if project.lower() not in self.projects:
                raise FixtureError(f"{place}.project: unknown project '{spec.project}' "
                                   f"(known: {_known(self._project_keys())})")
            num = counters.get(project, 1)
            while num in taken.setdefault(project, set()):
                num += 1
            taken[project].add(num)
            counters[project] = num + 1
            keys.append(f"{project}-{num}")
        return keys

    def _project_keys(self) -> list[str]:
        return [p.key for p in self.fx.projects]

    def _insert_issue(self, index: int, spec: IssueSpec, key: str) -> None:
        """Insert one issue and its labels, components, versions, sprints, comments, worklogs and watchers."""
        place = f"issues[{index}] ({key})"
        project_key = key.rsplit("-", 1)[0]
        type_id, level = self.named(self.issue_types, spec.type, f"{place}.type", "issue type")
        if type_id not in self.project_types[project_key.lower()]:
            raise FixtureError(f"{place}.type: issue type '{spec.type}' is not used in project {project_key}")
        parent_id = self._parent(spec, level, place)
        status_id = self._issue_status(spec, project_key, place)
        created = self.timestamp(spec.created, f"{place}.created") if spec.created else format_timestamp(self.now)
        updated = self.timestamp(spec.updated, f"{place}.updated") if spec.updated else created
        if updated < created:
            raise FixtureError(f"{place}.updated: {updated} is before created {created}")
        resolution_id, resolution_date = self._issue_resolution(spec, status_id, updated, place)
        priority_id = self.named(self.priorities, spec.priority, f"{place}.priority", "priority") if spec.priority else None
        reporter = self.user(spec.reporter, f"{place}.reporter") if spec.reporter else self.user(
            self.fx.current_user, "current_user")
        original, remaining, worklogs = self._time_tracking(spec, place)
        issue_id = self.issue_ids[key]
        self.insert(
            "issues", id=issue_id, key=key, project_id=self.projects[project_key.lower()],
            num=int(key.rsplit("-", 1)[1]), issue_type_id=type_id, summary=spec.summary,
            description=spec.description, environment=spec.environment, status_id=status_id,
            priority_id=priority_id, resolution_id=resolution_id, resolution_date=resolution_date,
            assignee_id=self.user(spec.assignee, f"{place}.assignee"), reporter_id=reporter, creator_id=reporter,
            parent_id=parent_id, due_date=self.date(spec.due_date, f"{place}.due_date"), created=created,
            updated=updated, orig_estimate_s=original, remaining_estimate_s=remaining,
            time_spent_s=sum(seconds for _worklog, seconds in worklogs),
            custom_fields=json.dumps(self._custom_values(spec, place), sort_keys=True),
        )
        self._insert_labels(issue_id, spec, place)
        self._insert_project_items(issue_id, spec, project_key, place)
        self._insert_sprints(issue_id, spec, place)
        self._insert_comments(issue_id, spec, updated, place)
        self._insert_worklogs(issue_id, worklogs, updated, place)
        self._insert_watchers(issue_id, spec, place)

    def _issue_status(self, spec: IssueSpec, project_key: str, place: str) -> int:
        """The issue's status id: the one named, which must be in its project's workflow, else the initial one."""
        workflow = self.project_workflow[project_key.lower()]
        if spec.status is None:
            return self.workflow_initial[workflow]
        status_id: int = self.named(self.statuses, spec.status, f"{place}.status", "status")
        if status_id not in self.workflow_statuses[workflow]:
            raise FixtureError(f"{place}.status: status '{spec.status}' is not in the workflow of {project_key}")
        return status_id

    def _issue_resolution(self, spec: IssueSpec, status_id: int, updated: str,
                          place: str) -> tuple[int | None, str | None]:
        """(resolution id, resolution date): the one named, else 'Done' (or the first) for a done-category status;
        resolved at `resolved`, else when last updated."""
        resolution_id = None
        if spec.resolution is not None:
            resolution_id = self.named(self.resolutions, spec.resolution, f"{place}.resolution", "resolution")
        elif self.status_category[status_id] == "done":
            resolution_id = self.resolutions.get("done") or next(iter(self.resolutions.values()), None)
        if resolution_id is None:
            return None, None
        return resolution_id, self.timestamp(spec.resolved, f"{place}.resolved") if spec.resolved else updated

    def _time_tracking(self, spec: IssueSpec,
                       place: str) -> tuple[int | None, int | None, list[tuple[WorklogSpec, int]]]:
        """(original estimate, remaining estimate, worklogs with their seconds); without a remaining estimate, the
        remaining is the original less the time logged."""
        original = self.duration(spec.original_estimate, f"{place}.original_estimate")
        remaining = self.duration(spec.remaining_estimate, f"{place}.remaining_estimate")
        worklogs = [(w, self.duration(w.time_spent, f"{place}.worklogs[{i}].time_spent") or 0)
                    for i, w in enumerate(spec.worklogs)]
        if remaining is None and original is not None:
            remaining = max(0, original - sum(seconds for _worklog, seconds in worklogs))
        return original, remaining, worklogs

    def _insert_labels(self, issue_id: int, spec: IssueSpec, place: str) -> None:
        for label in dict.fromkeys(spec.labels):
            if not label or re.search(r"\s", label):
                raise FixtureError(f"{place}.labels: '{label}' is not a label (labels have no spaces)")
            self.insert("issue_labels", issue_id=issue_id, label=label)

    def _insert_project_items(self, issue_id: int, spec: IssueSpec, project_key: str, place: str) -> None:
        """The issue's components and fix/affected versions, each once (names compare case-insensitively)."""
        for name in {c.lower(): c for c in reversed(spec.components)}.values():
            cid = self._project_item(self.components, project_key, name, f"{place}.components", "component")
            self.insert("issue_components", issue_id=issue_id, component_id=cid)
        for kind, names, field in (("fix", spec.fix_versions, "fix_versions"),
                                   ("affects", spec.affects_versions, "affects_versions")):
            for name in {v.lower(): v for v in reversed(names)}.values():
                vid = self._project_item(self.versions, project_key, name, f"{place}.{field}", "version")
                self.insert("issue_versions", issue_id=issue_id, version_id=vid, kind=kind)

    def _insert_sprints(self, issue_id: int, spec: IssueSpec, place: str) -> None:
        for sindex, ref in enumerate(spec.sprints):
            sid = self.sprint(ref, f"{place}.sprints[{sindex}]")
            if self.conn.execute("SELECT 1 FROM sprint_issues WHERE sprint_id=? AND issue_id=?",
                                 (sid, issue_id)).fetchone() is None:
                self.insert("sprint_issues", sprint_id=sid, issue_id=issue_id)

    def _insert_comments(self, issue_id: int, spec: IssueSpec, updated: str, place: str) -> None:
        """The issue's comments, numbered across the site; undated ones were written when it was last updated."""
        for cindex, comment in enumerate(spec.comments):
            cplace = f"{place}.comments[{cindex}]"
            author = self.user(comment.author, f"{cplace}.author")
            when = self.timestamp(comment.created, f"{cplace}.created") if comment.created else updated
            self.insert("comments", id=self.next_comment_id, issue_id=issue_id, author_id=author, body=comment.body,
                        created=when, updated=when, update_author_id=author)
            self.next_comment_id += 1

    def _insert_worklogs(self, issue_id: int, worklogs: list[tuple[WorklogSpec, int]], updated: str,
                         place: str) -> None:
        """The issue's worklogs with their seconds, numbered across the site; undated ones started at `updated`."""
        for windex, (worklog, seconds) in enumerate(worklogs):
            wplace = f"{place}.worklogs[{windex}]"
            author = self.user(worklog.author, f"{wplace}.author")
            started = self.timestamp(worklog.started, f"{wplace}.started") if worklog.started else updated
            self.insert("worklogs", id=self.next_worklog_id, issue_id=issue_id, author_id=author,
                        comment=worklog.comment, started=started, time_spent_s=seconds, created=started,
                        updated=started)
            self.next_worklog_id += 1

    def _insert_watchers(self, issue_id: int, spec: IssueSpec, place: str) -> None:
        for windex, ref in enumerate(dict.fromkeys(spec.watchers)):
            account = self.user(ref, f"{place}.watchers[{windex}]")
            self.conn.execute("INSERT OR IGNORE INTO watchers(issue_id, account_id) VALUES (?, ?)", (issue_id, account))

    def _project_item(self, table: dict[tuple[str, str], int], project: str, name: str, place: str, what: str) -> int:
        found = table.get((project.lower(), name.lower()))
        if found is None:
            spec = next(p for p in self.fx.projects if p.key == project)
            items = spec.components if table is self.components else spec.versions
            known = [item.name for item in items]
            raise FixtureError(f"{place}: unknown {what} '{name}' in project {project} (known: {_known(known) or 'none'})")
        return found

    def _parent(self, spec: IssueSpec, level: int, place: str) -> int | None:
        if spec.parent is None:
            if level == -1:
                raise FixtureError(f"{place}.parent: a sub-task needs a parent issue")
            return None
        parent_key = spec.parent.strip().upper()
        if parent_key not in self.issue_ids:
            raise FixtureError(f"{place}.parent: unknown issue '{spec.parent}'")
        parent_level = self.issue_levels[parent_key]
        if level == 1:
            raise FixtureError(f"{place}.parent: an epic cannot have a parent")
        if level == -1 and parent_level != 0:
            raise FixtureError(f"{place}.parent: the parent of a sub-task must be a standard issue, "
                               f"not {'an epic' if parent_level == 1 else 'a sub-task'} ({parent_key})")
        if level == 0 and parent_level != 1:
            raise FixtureError(f"{place}.parent: the parent of a standard issue must be an epic ({parent_key} is not)")
        return self.issue_ids[parent_key]

    def _custom_values(self, spec: IssueSpec, place: str) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for ref, value in spec.custom_fields.items():
            fplace = f"{place}.custom_fields['{ref}']"
            field = self.custom_fields.get(ref.strip().lower())
            if field is None:
                names = [f.name for f in self.fx.custom_fields]
                raise FixtureError(f"{fplace}: unknown custom field (known: {_known(names)})")
            if field.name in ("Sprint", "Epic Link"):
                other = "sprints" if field.name == "Sprint" else "parent"
                raise FixtureError(f"{fplace}: set '{field.name}' with the issue's '{other}' instead")
            values[field.id] = self._custom_value(field, value, fplace)
        return values

    def _custom_value(self, field: CustomFieldSpec, value: Any, place: str) -> Any:
        if value is None:
            return None
        if field.type == "number":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise FixtureError(f"{place}: expected a number, got {value!r}")
            return value
        if field.type == "option":
            if field.options and str(value).lower() not in {o.lower() for o in field.options}:
                raise FixtureError(f"{place}: '{value}' is not an option (known: {_known(field.options)})")
            return next((o for o in field.options if o.lower() == str(value).lower()), str(value))
        if field.type == "array":
            if not isinstance(value, list):
                raise FixtureError(f"{place}: expected a list, got {value!r}")
            return [str(v) for v in value]
        if field.type == "date":
            return self.date(str(value), place)
        if field.type == "user":
            return self.user(str(value), place)
        return str(value)

    def build_links(self) -> None:
        created = format_timestamp(self.now)
        for index, link in enumerate(self.fx.links):
            place = f"links[{index}] ({link.from_} {link.type} {link.to})"
            type_id = self.named(self.link_types, link.type, f"{place}.type", "link type")
            ends = []
            for end, ref in (("from", link.from_), ("to", link.to)):
                issue = self.issue_ids.get(ref.strip().upper())
                if issue is None:
                    raise FixtureError(f"{place}.{end}: unknown issue '{ref}'")
                ends.append(issue)
            if ends[0] == ends[1]:
                raise FixtureError(f"{place}: an issue cannot link to itself")
            self.insert("issue_links", id=FIRST_ID + index, link_type_id=type_id, inward_issue_id=ends[0],
                        outward_issue_id=ends[1], created=created)

    def build_meta(self) -> None:
        current = self.user(self.fx.current_user, "current_user")
        meta = {"now": format_timestamp(self.now), "current_user": current, "base_url": self.fx.base_url.rstrip("/"),
                "fixture_name": self.fx.name, "flags": "{}"}
        self.conn.executemany("INSERT INTO meta(k, v) VALUES (?, ?)", list(meta.items()))
