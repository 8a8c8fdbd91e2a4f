"""Load a harness from a file or `builtin:NAME`, with every problem named by its JSON path, and resolve its fixture."""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from jira_bench_tui.errors import UserError
from jira_bench_tui.harness.checks import CHECK_KINDS
from jira_bench_tui.harness.schema import (
    ISSUE_REF,
    SCENARIO_ID,
    STEP_ID,
    TOOL_NAME,
    Expectation,
    FieldOp,
    Harness,
    Scenario,
)
from jira_bench_tui.jira.fixture import Fixture, merge_fixture
from jira_bench_tui.json_input import JsonInputError, read_json_file

BUILTIN = "builtin:"


class HarnessError(UserError):
    """The harness cannot be used. `problems` holds one sentence per problem, each starting with its JSON path."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        if len(problems) == 1:
            text = f"{source}: {problems[0]}"
        else:
            text = f"{source}: {len(problems)} problems\n" + "\n".join(f"  {p}" for p in problems)
        super().__init__(text, field="harness")


@dataclass(frozen=True)
class StoredFixture:
    """A fixture kept in a file named by its content (a run's `fixtures/sha256-<hex>.json`, engine/run_folder/
    stored.py): `sha256` of the file's bytes, and `read` giving its JSON data (hash checked; StoreError otherwise)."""

    sha256: str
    read: Callable[[], Any]


class LoadedHarness:
    """A validated harness with its fixture: a validated `Fixture`, or a stored fixture file (`stored`) that is
    read and validated only when needed (a fixture of 100,000 issues takes about 1 GB once validated)."""

    def __init__(self, harness: Harness, source: str, base_dir: Path | None, fixture: Fixture | None = None,
                 stored: StoredFixture | None = None) -> None:
        if fixture is None and stored is None:
            raise ValueError("a LoadedHarness needs its fixture or a stored fixture")
        self.harness = harness
        self.source = source  # builtin:NAME or an absolute path
        self.base_dir = base_dir  # folder of the harness file (None for builtins)
        self.stored = stored
        self._fixture = fixture
        self._templates: dict[str, Path] = {}  # template key ("" or a scenario id): template database
        self._broken: dict[str, Exception] = {}  # template key: why its database cannot be built

    @property
    def fixture(self) -> Fixture:
        """The validated starting Jira (a stored one is read and validated on first use, then kept). HarnessError
        when a stored fixture no longer validates; StoreError when its file cannot be used."""
        if self._fixture is None:
            self._fixture = self._read_stored()
        return self._fixture

    def _read_stored(self) -> Fixture:
        assert self.stored is not None
        return _validated_fixture(self.stored.read(), self.source, "fixture")

    def fixture_for(self, scenario: Scenario) -> Fixture:
        """The starting Jira of one scenario: the harness fixture with the scenario's `fixture_additions`."""
        return merge_fixture(self.fixture, scenario.fixture_additions)

    def template_for(self, scenario: Scenario) -> Path:
        """The template database of the scenario's starting Jira (jira.db.prepare_template: built once per fixture
        content, then cached). With a stored fixture it is found by the file's SHA-256 (`jira.db.find_template`)
        without reading the fixture; only when it is missing is the fixture read and validated, the templates of
        `scenario` built, and the validated fixture let go. FixtureError when the database cannot be built (again on
        every call); HarnessError or StoreError when a stored fixture cannot be read."""
        key = _template_key(scenario)
        if key in self._broken:
            raise self._broken[key]
        if key not in self._templates:
            self.prepare_templates([scenario])
        if key in self._broken:
            raise self._broken[key]
        return self._templates[key]

    def prepare_templates(self, scenarios: list[Scenario]) -> None:
        """Find or build the templates of `scenarios` (`template_for`), reading and validating a stored fixture at
        most once for all of them; a FixtureError is kept for `template_for` to raise. HarnessError or StoreError
        when a stored fixture is needed and cannot be read."""
        from jira_bench_tui.jira import db

        missing = []
        for scenario in scenarios:
            key = _template_key(scenario)
            if key in self._templates or key in self._broken:
                continue
            found = db.find_template(self._content_key(scenario)) if self.stored is not None else None
            if found is None:
                missing.append(scenario)
            else:
                self._templates[key] = found
        if not missing:
            return
        base = self._fixture if self._fixture is not None else self._read_stored()  # not kept when read here
        for scenario in missing:
            key = _template_key(scenario)
            try:
                self._templates[key] = db.prepare_template(merge_fixture(base, scenario.fixture_additions))
            except db.FixtureError as exc:
                self._broken[key] = exc
                continue
            if self.stored is not None:
                self.name_templates(self.stored.sha256, [scenario])

    def name_templates(self, fixture_sha256: str, scenarios: list[Scenario] | None = None) -> None:
        """Make the templates prepared so far (of `scenarios`, default all) findable by the SHA-256 of the stored
        file that holds this fixture (`jira.db.name_template`): what the launcher does once the run's fixture is
        stored, so the run's worker and trial processes never validate the fixture. A cache that cannot be written
        is left as it is (the worker then builds the template)."""
        from jira_bench_tui.jira import db

        for scenario in scenarios if scenarios is not None else self.harness.scenarios:
            template = self._templates.get(_template_key(scenario))
            if template is not None:
                with contextlib.suppress(OSError):
                    db.name_template(template, _content_key(fixture_sha256, scenario))

    def _content_key(self, scenario: Scenario) -> str:
        assert self.stored is not None
        return _content_key(self.stored.sha256, scenario)


def _template_key(scenario: Scenario) -> str:
    """Scenarios without fixture additions share the harness fixture's template ("")."""
    return scenario.id if scenario.fixture_additions else ""


def _content_key(fixture_sha256: str, scenario: Scenario) -> str:
    """What names a scenario's starting Jira for good: the stored fixture's SHA-256, and its additions' content."""
    if scenario.fixture_additions is None:
        return f"sha256:{fixture_sha256}"
    additions = scenario.fixture_additions.model_dump_json(by_alias=True).encode("utf-8")
    return f"sha256:{fixture_sha256}+{hashlib.sha256(additions).hexdigest()}"


def _package_dir(package: str) -> Path:
    return Path(str(resources.files(package)))


def builtin_harness_dir() -> Path:
    """The folder of the harnesses shipped with the package (`builtin:NAME` is NAME.json in it)."""
    return _package_dir("jira_bench_tui.harness") / "builtin"


def _builtin_fixture_dir() -> Path:
    return _package_dir("jira_bench_tui.jira") / "fixtures"


def _json_stems(folder: Path) -> list[str]:
    return sorted(p.stem for p in folder.glob("*.json"))


def builtin_harness_names() -> list[str]:
    """The NAMEs of the built-in harnesses (`builtin:NAME`), sorted."""
    return _json_stems(builtin_harness_dir())


TIER_ORDER = ("easy", "medium", "hard")


@dataclass(frozen=True)
class HarnessSummary:
    """What a harness holds, in brief: its `name`, `scenarios` (how many), `tiers` (scenarios per "tier:" tag,
    easy, medium, hard first, then others by name, then "untiered"), `description`."""

    name: str
    scenarios: int
    tiers: dict[str, int]
    description: str

    def line(self) -> str:
        """'66 scenarios · 20 easy, 30 medium, 16 hard' (the tiers left out when no scenario has one)."""
        count = f"{self.scenarios} scenario{'s' if self.scenarios != 1 else ''}"
        if not self.tiers or list(self.tiers) == ["untiered"]:
            return count
        return f"{count} · " + ", ".join(f"{n} {tier}" for tier, n in self.tiers.items())


def harness_summary(source: str) -> HarnessSummary:
    """The summary of the harness at `source` (a path or builtin:NAME), read from the harness itself (its fixture is
    not read). HarnessError when it cannot be read or is not a harness."""
    path, _base_dir = _harness_path(source)
    shown = source if source.startswith(BUILTIN) else str(path)
    harness = _parse_harness(_read_json_file(path, "harness", shown), shown)
    counts: dict[str, int] = {}
    for scenario in harness.scenarios:
        tier = scenario.tier or "untiered"
        counts[tier] = counts.get(tier, 0) + 1
    rank = {tier: index for index, tier in enumerate(TIER_ORDER)}
    ordered = sorted(counts, key=lambda t: (t == "untiered", rank.get(t, len(rank)), t))
    return HarnessSummary(harness.name, len(harness.scenarios), {t: counts[t] for t in ordered}, harness.description)


def builtin_fixture_names() -> list[str]:
    """The NAMEs of the built-in fixtures (`builtin:NAME`), sorted."""
    return _json_stems(_builtin_fixture_dir())


def _builtin_file(ref: str, folder: Path, what: str, source: str, place: str = "") -> Path:
    """The file `builtin:NAME` names in `folder`; HarnessError listing the known names (`place` prefixes it)."""
    name = ref[len(BUILTIN):]
    path = folder / f"{name}.json"
    if not name or not path.is_file():
        known = ", ".join(f"builtin:{n}" for n in _json_stems(folder))
        raise HarnessError(source, [f"{place}no built-in {what} {name!r} (known: {known})"])
    return path


# ---- validation errors as sentences ----------------------------------------------------------------------------

_PATTERN_WORDS = {
    SCENARIO_ID: "a scenario id (lower-case words joined by single '-', '_' or '.', e.g. 'close-stale-bugs')",
    ISSUE_REF: "an issue key like 'WEB-12' or a $name bound by a created_issue check",
    STEP_ID: "a step id (a lower-case identifier such as 'story')",
    TOOL_NAME: "a tool name such as 'jira_get_issue'",
    r"^[A-Z][A-Z0-9_]+$": "a project key such as 'WEB'",  # the fixture's ProjectSpec.key
    r"^[A-Z][A-Z0-9_]+-\d+$": "an issue key such as 'WEB-12'",  # the fixture's IssueSpec.key
}


_TYPE_WORDS = {"int": "a whole number", "float": "a number", "bool": "a boolean", "str": "a string",
               "constrained-str": "a string", "none": "null"}
_TYPE_ERRORS = {"int_type": "a whole number", "int_from_float": "a whole number", "float_type": "a number",
                "bool_type": "a boolean", "string_type": "a string", "list_type": "a list",
                "dict_type": "an object", "model_type": "an object", "model_attributes_type": "an object"}


def _shown(value: Any) -> str:
    """A value of the file as a sentence shows it: a string quoted as Python does, anything else as JSON; cut to 60
    characters."""
    try:
        text = repr(value) if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _json_kind(value: Any) -> str:
    """What a JSON value is, in a sentence's words ("a string", "true or false", "a list")."""
    if isinstance(value, bool):
        return "a boolean"
    kinds = [(str, "a string"), (int, "a whole number"), (float, "a number"), (list, "a list"), (dict, "an object")]
    return next((word for kind, word in kinds if isinstance(value, kind)), "null")


def _got(value: Any) -> str:
    """A value as "got ..." ends a sentence: `true`, `null`, or its kind and JSON ("a string ("x")")."""
    return _shown(value) if value is None or isinstance(value, bool) else f"{_json_kind(value)} ({_shown(value)})"


def _member_kind(tag: str) -> str:
    """What a union member accepts, from pydantic's tag for it ("str", "list[str]", "FieldOp", "function-after[...]")."""
    if tag in _TYPE_WORDS:
        return _TYPE_WORDS[tag]
    if tag.startswith(("list[", "tuple[", "set[")):
        return "a list"
    return "an object"


def _accepts(member: str, value: Any) -> bool:
    """Whether a union member is the one meant for a value of this JSON kind (an object for a model, a list...)."""
    kind, wanted = _json_kind(value), _member_kind(member)
    return kind == wanted or (kind == "a whole number" and wanted == "a number")


@dataclass
class _Place:
    """Where a pydantic error is in the file: its JSON path, the union member it failed in (None outside a union,
    with the path inside that member in `inner`), and the value of the file at the union (or the error)."""

    path: str
    member: str | None
    inner: str
    value: Any


def _is_check_tag(loc: tuple[int | str, ...], position: int, error: ErrorDetails) -> bool:
    """Whether loc[position] is the kind a discriminated check union adds after checks[i] (checks[0].issue...)."""
    return (position >= 2 and loc[position - 2] == "checks" and isinstance(loc[position - 1], int)
            and loc[position] in CHECK_KINDS and error["type"] != "union_tag_invalid")


def _locate(error: ErrorDetails, data: Any, prefix: str) -> _Place:
    """The place of a pydantic error, read against the file's data: a part of `loc` that is not in the data (and not
    the missing key itself) is pydantic's tag of a union member, not a place in the file."""
    place = _Place(prefix, None, "", data)
    node: Any = data
    loc = error["loc"]
    for position, part in enumerate(loc):
        if _is_check_tag(loc, position, error):
            continue
        if isinstance(part, int):
            node = node[part] if isinstance(node, list) and -len(node) <= part < len(node) else None
            step = f"[{part}]"
        elif isinstance(node, dict) and part in node:
            node, step = node[part], f".{part}"
        elif position == len(loc) - 1 and error["type"] == "missing":
            step = f".{part}"
        else:
            if place.member is None:
                place.member, place.value = part, node
            continue
        if place.member is None:
            place.path, place.value = place.path + step, node
        else:
            place.inner += step
    place.path = place.path.lstrip(".") if not prefix else place.path
    return place


def _error_message(error: ErrorDetails) -> str:
    """A pydantic error's message in the harness's words: unknown check kind, unknown key, what a pattern means."""
    message = error["msg"].removeprefix("Value error, ")
    kind = error["type"]
    if kind == "union_tag_invalid":
        return f"unknown check kind {_shown(error.get('input', {}).get('kind'))} (known: {', '.join(CHECK_KINDS)})"
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "required but missing"
    if kind in _TYPE_ERRORS:
        return f"expected {_TYPE_ERRORS[kind]}, got {_got(error.get('input'))}"
    if kind == "string_pattern_mismatch":
        wanted = _PATTERN_WORDS.get(str(error.get("ctx", {}).get("pattern")), "a value matching " + message.split()[-1])
        return f"{_shown(error.get('input'))} is not {wanted}"
    return message


def _sentence(path: str, message: str, prefix: str) -> str:
    if not path and message.startswith("scenarios["):  # a whole-harness rule that names its own place
        return f"{prefix}{message}"
    return f"{path or '(top level)'}: {message}"


def _union_problems(places: list[tuple[_Place, ErrorDetails]], prefix: str) -> list[str]:
    """The errors of one union place as sentences: those of the member meant for the value's JSON kind, or one
    sentence saying what the place takes when no member is ("expected a string or an object, got a list")."""
    place = places[0][0]
    members = list(dict.fromkeys(p.member for p, _e in places if p.member is not None))
    meant = next((m for m in members if _accepts(m, place.value)), None)
    if meant is None:
        kinds = " or ".join(dict.fromkeys(_member_kind(m) for m in members))
        return [_sentence(place.path, f"expected {kinds}, got {_got(place.value)}", prefix)]
    return [_sentence(p.path + p.inner, _error_message(e), prefix) for p, e in places if p.member == meant]


def _validation_problems(exc: ValidationError, data: Any, prefix: str = "") -> list[str]:
    """Pydantic errors as "scenarios[3].checks[0].expect: message" sentences, one per place: the members of a union
    that a value failed are told as one (see _union_problems)."""
    groups: dict[tuple[str, bool], list[tuple[_Place, ErrorDetails]]] = {}
    for error in exc.errors():
        place = _locate(error, data, prefix)
        groups.setdefault((place.path, place.member is not None), []).append((place, error))
    problems: list[str] = []
    for (_path, in_union), places in groups.items():
        if in_union:
            problems += _union_problems(places, prefix)
        else:
            problems += [_sentence(p.path, _error_message(e), prefix) for p, e in places]
    # one sentence a place
    seen: dict[str, str] = {}
    for problem in problems:
        seen.setdefault(problem.split(": ", 1)[0], problem)
    return list(seen.values())


# ---- reading files -----------------------------------------------------------------------------------------------


def _read_json_file(path: Path, what: str, source: str, prefix: str = "") -> Any:
    """The parsed JSON of a harness or fixture file, read by the one hardened reader (`json_input`); HarnessError
    with its one sentence (a JSON path under `prefix` when the problem has a place) when it cannot be used."""
    try:
        return read_json_file(path, what)
    except JsonInputError as exc:
        raise HarnessError(source, [exc.problem(prefix)]) from None


def _exception_text(exc: BaseException) -> str:
    """An OS or path error as the end of a sentence: its strerror, else its message, lower-cased first letter."""
    text = (exc.strerror if isinstance(exc, OSError) else None) or str(exc) or type(exc).__name__
    return text[:1].lower() + text[1:]


def _harness_path(source: str) -> tuple[Path, Path | None]:
    """(file to read, base dir for relative paths). Raises HarnessError for an unknown builtin."""
    if source.startswith(BUILTIN):
        return _builtin_file(source, builtin_harness_dir(), "harness", source), None
    try:
        path = Path(source).expanduser().resolve()
    except (OSError, RuntimeError, ValueError) as exc:  # a symlink loop, an unknown ~user, a NUL byte
        raise HarnessError(source, [f"cannot use the path: {_exception_text(exc)}"]) from None
    return path, path.parent


def _validated_fixture(data: Any, source: str, prefix: str) -> Fixture:
    """`data` as a Fixture; HarnessError with its problems under `prefix` ("fixture(small.json)") otherwise."""
    try:
        return Fixture.model_validate(data)
    except ValidationError as exc:
        raise HarnessError(source, _validation_problems(exc, data, prefix=prefix)) from None


def _load_fixture(ref: str, base_dir: Path | None, source: str = "fixture") -> Fixture:
    """A fixture from `builtin:NAME` or a path (relative to `base_dir`, else the working folder)."""
    if ref.startswith(BUILTIN):
        path = _builtin_file(ref, _builtin_fixture_dir(), "fixture", source, place="fixture: ")
    else:
        path = Path(ref).expanduser()
        if not path.is_absolute():
            path = (base_dir or Path.cwd()) / path
        if not path.exists():
            raise HarnessError(source, [f"fixture: file {ref!r} does not exist (looked for {path})"])
    prefix = f"fixture({path.name})"
    return _validated_fixture(_read_json_file(path, "fixture", source, prefix), source, prefix)


def _parse_harness(data: Any, source: str) -> Harness:
    """`data` as a Harness; HarnessError naming every problem by its JSON path otherwise."""
    if not isinstance(data, dict):
        raise HarnessError(source, [f"a harness is a JSON object, not {_json_kind(data)}"])
    try:
        return Harness.model_validate(data)
    except ValidationError as exc:
        raise HarnessError(source, _validation_problems(exc, data)) from None


# ---- names the fixture must know -----------------------------------------------------------------------------


def _fixture_names(fixture: Fixture) -> dict[str, list[str]]:
    """The names a field expectation may use, by field, as the fixture spells them."""
    return {
        "status": [s.name for s in fixture.statuses],
        "priority": list(fixture.priorities),
        "issue_type": [t.name for t in fixture.issue_types],
        "resolution": list(fixture.resolutions),
        "status_category": ["new", "indeterminate", "done"],
    }


def _named_values(value: Expectation) -> list[str]:
    """The names an expectation compares against: a literal string, or the strings of eq, ne and in."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, FieldOp):
        return [v for v in [value.eq, value.ne, *(value.in_ or [])] if isinstance(v, str)]
    return []


def _unknown_names(expect: dict[str, Expectation], names: dict[str, list[str]]) -> list[str]:
    """"<field>: unknown <field> '<name>' (known: ...)" for each name in `expect` that the fixture's `names` lack."""
    problems: list[str] = []
    for field, value in expect.items():
        if field not in names:
            continue
        known = {name.lower() for name in names[field]}
        problems += [f"{field}: unknown {field.replace('_', ' ')} {item!r} (known: {', '.join(names[field])})"
                     for item in _named_values(value) if item.strip().lower() not in known]
    return problems


def _semantic_problems(harness: Harness, fixture: Fixture) -> list[str]:
    """Names in checks that the fixture does not know (a status 'Doing' where the workflow has no such status)."""
    problems: list[str] = []
    for s_index, scenario in enumerate(harness.scenarios):
        names = _fixture_names(merge_fixture(fixture, scenario.fixture_additions))
        for c_index, check in enumerate(scenario.checks):
            for group_name, expect in check.expectations().items():
                problems += [f"scenarios[{s_index}].checks[{c_index}].{group_name}.{problem}"
                             for problem in _unknown_names(expect, names)]
    return problems


# ---- loading -------------------------------------------------------------------------------------------------


def _resolve_fixture(harness: Harness, base_dir: Path | None, override: str | None, source: str) -> Fixture:
    """The harness's starting Jira: the override (--fixture, relative to the working folder), the inline fixture, or
    the fixture file it names (relative to `base_dir`)."""
    if override:
        return _load_fixture(override, Path.cwd(), source)
    if isinstance(harness.fixture, Fixture):
        return harness.fixture
    return _load_fixture(harness.fixture, base_dir, source)


def load_harness(source: str, fixture_override: str | None = None) -> LoadedHarness:
    """Load and validate a harness from a path or `builtin:NAME`, with its fixture (`fixture_override` first).

    Raises HarnessError naming every problem with its JSON path, including names the fixture does not know.
    Reads only; writes nothing.
    """
    path, base_dir = _harness_path(source)
    shown = source if source.startswith(BUILTIN) else str(path)
    harness = _parse_harness(_read_json_file(path, "harness", shown), shown)
    fixture = _resolve_fixture(harness, base_dir, fixture_override, shown)
    problems = _semantic_problems(harness, fixture)
    if problems:
        raise HarnessError(shown, problems)
    return LoadedHarness(harness=harness, source=shown, base_dir=base_dir, fixture=fixture)


def harness_from_spec(data: dict[str, Any], source: str, base_dir: str | None, fixture_override: str | None,
                      fixture_data: dict[str, Any] | None = None,
                      stored_fixture: StoredFixture | None = None) -> LoadedHarness:
    """Rebuild a LoadedHarness from the copy held in a run's spec.json (the worker's way in).

    With `fixture_data` (the fixture as resolved at launch, kept in older spec.json files) nothing else is read from
    disk; with `stored_fixture` (the same, stored once per results folder) the fixture is read only when needed
    (`LoadedHarness.template_for`). Raises HarnessError when the copy no longer validates.
    """
    harness = _parse_harness(data, source)
    base = Path(base_dir) if base_dir else None
    if stored_fixture is not None:
        return LoadedHarness(harness=harness, source=source, base_dir=base, stored=stored_fixture)
    if fixture_data is not None:
        fixture = _validated_fixture(fixture_data, source, "fixture")
    else:
        fixture = _resolve_fixture(harness, base, fixture_override, source)
    return LoadedHarness(harness=harness, source=source, base_dir=base, fixture=fixture)
