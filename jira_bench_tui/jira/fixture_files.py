"""Read a fixture file (`builtin:NAME` from jira/fixtures/, or a path) into a validated `Fixture`."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from jira_bench_tui.errors import UserError
from jira_bench_tui.jira.fixture import Fixture
from jira_bench_tui.json_input import JsonInputError, decode_json_bytes, parse_json_text, read_json_bytes

BUILTIN_PREFIX = "builtin:"
BUILTIN_DIR = Path(__file__).resolve().parent / "fixtures"


def builtin_fixture_names() -> list[str]:
    """The names of the built-in fixtures (jira/fixtures/NAME.json), sorted: what `builtin:NAME` may name."""
    return sorted(p.stem for p in BUILTIN_DIR.glob("*.json"))


def default_fixture_ref() -> str:
    """builtin:default, or builtin:example while default.json is not there."""
    return "builtin:default" if (BUILTIN_DIR / "default.json").exists() else "builtin:example"


def fixture_path(ref: str) -> Path:
    """The file a fixture reference names; raises UserError when there is none."""
    if ref.startswith(BUILTIN_PREFIX):
        name = ref[len(BUILTIN_PREFIX):]
        path = BUILTIN_DIR / f"{name}.json"
        if not name or "/" in name or not path.is_file():
            known = ", ".join(f"builtin:{n}" for n in builtin_fixture_names()) or "none"
            raise UserError(f"Unknown built-in fixture '{ref}' (known: {known}).", field="fixture")
        return path
    try:
        path = Path(ref).expanduser()
        missing = not path.exists()
    except (OSError, RuntimeError, ValueError):  # an unknown ~user, a NUL byte
        missing = True
    if missing:
        raise UserError(f"Fixture file '{ref}' does not exist.", field="fixture")
    return path


def load_fixture_file(ref: str) -> Fixture:
    """The validated fixture `ref` names (builtin:NAME or a path); UserError with one clear sentence otherwise.

    The file is read by `json_input`, the reader harness files use too: a folder, a FIFO, a file that
    is not UTF-8 JSON, duplicate keys, numbers out of range or too deep nesting are refused, naming the place."""
    path = fixture_path(ref)
    try:
        text = decode_json_bytes(read_json_bytes(path, "fixture"), path, "fixture")
        data = parse_json_text(text, f"Fixture '{ref}'")
    except JsonInputError as exc:
        message = exc.reason if exc.where is None else f"Fixture '{ref}': {exc.problem()}"
        raise UserError(f"{message[:1].upper()}{message[1:]}.", field="fixture") from None
    try:
        return Fixture.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top level)"
        more = f" (and {exc.error_count() - 1} more problems)" if exc.error_count() > 1 else ""
        raise UserError(f"Fixture '{ref}': {where}: {first['msg']}{more}.", field="fixture") from exc


def keep_only_setup(fixture: Fixture) -> Fixture:
    """The same Jira without issues, links, or sprints' content: users, projects and their metadata only."""
    return fixture.model_copy(update={"issues": [], "links": []})
