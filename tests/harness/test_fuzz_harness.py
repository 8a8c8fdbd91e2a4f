"""Fuzz: generated malformed harness files through the real command line (issue 13, "what it must show").

Every case is malformed by construction (one damage to a valid harness, or an odd file), and must give, from both
`jira-bench validate FILE` and `jira-bench run FILE --model null --results-dir R`: exit 2, exactly one line on
stderr (`error: ...`), no traceback, nothing written under R nor next to the file. The bulk runs in this process
(click's runner); a sample of each family runs as real processes, in parallel, with a deadline (a FIFO must not
hang). Seeded: JIRA_BENCH_FUZZ_SEED=N reproduces a run; every failure names its case.
"""

from __future__ import annotations

import copy
import json
import os
import random
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from jira_bench_tui.cli import main
from jira_bench_tui.harness.loader import builtin_harness_dir

SEED = int(os.environ.get("JIRA_BENCH_FUZZ_SEED", "1313"))
BULK_CASES = 150
RAW = "@@RAW@@"  # a placeholder replaced by raw JSON text once the data is serialised
DUP = "@@DUP@@"  # a placeholder key replaced by a copy of a key of the same object

EXAMPLE: dict[str, Any] = json.loads((builtin_harness_dir() / "example.json").read_text(encoding="utf-8"))
FIXTURE_TEXT = (builtin_harness_dir().parent.parent / "jira" / "fixtures" / "example.json").read_text(encoding="utf-8")
# more check kinds than the example has, so wrong types land in every kind's fields
EXTRA_SCENARIO: dict[str, Any] = {
    "id": "many-kinds", "title": "Every kind", "prompt": "Look around.", "tags": ["tier:easy", "skill:fuzz"],
    "limits": {"max_turns": 5, "max_tokens": 5000, "wall_time_s": 30, "max_output_tokens": 256},
    "checks": [
        {"kind": "jql_count", "jql": "project = WEB", "min": 1, "max": 50},
        {"kind": "jql_keys", "jql": "key = WEB-3", "keys": ["WEB-3"]},
        {"kind": "comment", "issue": "WEB-3", "contains": ["hello"], "matches": "h.llo", "min_count": 1,
         "present": False},
        {"kind": "link", "type": "Blocks", "issue": "WEB-3", "other": "WEB-4", "present": False, "any_direction": True},
        {"kind": "worklog", "issue": "WEB-3", "time_spent": "1h", "present": False},
        {"kind": "created_issue", "match": {"summary": {"contains": "x"}}, "count": 0},
        {"kind": "issue_exists", "issue": "WEB-3", "exists": True},
        {"kind": "answer", "contains": ["web"], "any_of": ["a", "b"], "not_contains": ["zzz"], "matches": "w.b"},
        {"kind": "unchanged", "except": ["WEB-3", {"issue": "WEB-4", "fields": ["labels"]}], "ignore_fields": ["x"],
         "allow_created": False},
    ],
    "solution": {"steps": [{"id": "got", "tool": "jira_get_issue", "arguments": {"issue_key": "WEB-3"}}],
                 "answer": "web a"},
}

STRINGS = {"name", "version", "description", "id", "title", "prompt", "issue", "matches", "tool", "answer", "jql",
           "type", "other", "time_spent", "tolerance"}
WHOLE_NUMBERS = {"max_turns", "max_tokens", "max_output_tokens", "count", "min", "max", "min_count"}
BOOLEANS = {"exists", "present", "any_direction", "allow_created"}
LISTS = {"scenarios", "tags", "checks", "steps", "contains", "any_of", "not_contains", "keys", "except",
         "ignore_fields", "fields"}
OBJECTS = {"limits", "solution", "arguments", "expect", "match"}
STRING_ITEMS = {"tags", "contains", "any_of", "not_contains", "ignore_fields", "keys", "fields"}
OBJECT_ITEMS = {"scenarios", "checks", "steps"}
WRONG = {
    "string": [0, 1.5, True, False, [], ["x"], {"a": 1}],
    "whole number": [True, False, "5", 2.5, [], {"n": 1}],
    "number": [True, False, "5", [], {"n": 1}],
    "boolean": [0, 1, "true", [], {"b": True}],
    "list": ["x", 0, True, {"a": 1}],
    "object": ["x", 0, True, [], [1]],
    "string or object": [0, True, [], 2.5],
}
REQUIRED = {(): ["name", "scenarios"], ("scenarios", "*"): ["id", "prompt", "checks", "solution"],
            ("scenarios", "*", "checks", "*"): ["kind"], ("scenarios", "*", "solution", "steps", "*"): ["tool"]}
MODELS = [(), ("limits",), ("scenarios", "*"), ("scenarios", "*", "checks", "*"), ("scenarios", "*", "solution"),
          ("scenarios", "*", "solution", "steps", "*"), ("scenarios", "*", "limits")]

Path_ = tuple[str | int, ...]


def base_harness() -> dict[str, Any]:
    data = copy.deepcopy(EXAMPLE)
    data["scenarios"].append(copy.deepcopy(EXTRA_SCENARIO))
    return data


def walk(node: Any, path: Path_ = ()) -> Iterator[tuple[Path_, Any]]:
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from walk(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk(value, (*path, index))


def expected_kind(path: Path_) -> str | None:
    """What the schema wants at `path` (strictly: no other JSON kind is accepted there), or None when it is not sure
    (inside arguments, expectations, fixtures)."""
    if any(part in ("arguments", "expect", "match", "fixture_additions") for part in path[:-1]):
        return None
    last, parent = path[-1] if path else None, path[-2] if len(path) >= 2 else None
    if isinstance(last, int):
        return ("string" if parent in STRING_ITEMS else "object" if parent in OBJECT_ITEMS else
                "string or object" if parent == "except" else None)
    if path == ("fixture",):
        return "string or object"
    if path[-2:] == ("limits", "wall_time_s") or last == "wall_time_s":
        return "number"
    for names, kind in ((STRINGS, "string"), (WHOLE_NUMBERS, "whole number"), (BOOLEANS, "boolean"),
                        (LISTS, "list"), (OBJECTS, "object")):
        if last in names:
            return kind
    return None


def node_at(data: Any, path: Path_) -> Any:
    for part in path:
        data = data[part]
    return data


def replace(data: Any, path: Path_, value: Any) -> Any:
    if not path:
        return value
    node_at(data, path[:-1])[path[-1]] = value
    return data


def matches_pattern(path: Path_, pattern: Path_) -> bool:
    return len(path) == len(pattern) and all(p == "*" or p == q for p, q in zip(pattern, path, strict=True))


@dataclass
class Case:
    """One malformed input: its family, what was done, and how to put it at a path (returns the path to give)."""

    family: str
    what: str
    make: Callable[[Path], Path]


def text_case(family: str, what: str, text: str | bytes, fixture: str | bytes | None = None) -> Case:
    def make(folder: Path) -> Path:
        path = folder / "h.json"
        path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
        if fixture is not None:
            (folder / "fx.json").write_bytes(fixture.encode("utf-8") if isinstance(fixture, str) else fixture)
        return path

    return Case(family, what, make)


def with_raw(data: Any, path: Path_, raw: str) -> str:
    """`data` as JSON with the value at `path` replaced by the raw JSON text `raw`."""
    return json.dumps(replace(data, path, RAW)).replace(json.dumps(RAW), raw, 1)


# ---- the families -----------------------------------------------------------------------------------------------


def truncated(rng: random.Random) -> Case:
    text = json.dumps(base_harness(), indent=rng.choice([None, 1, 2]))
    cut = rng.randrange(0, len(text.rstrip()) - 1)
    return text_case("truncation", f"cut at {cut} of {len(text)}", text[:cut])


def wrong_type(rng: random.Random) -> Case:
    data = base_harness()
    places = [(path, kind) for path, _node in walk(data) if path and (kind := expected_kind(path))]
    path, kind = rng.choice(places)
    value = rng.choice(WRONG[kind])
    return text_case("wrong type", f"{path} ({kind}) = {value!r}", json.dumps(replace(data, path, value)))


def not_an_object(rng: random.Random) -> Case:
    value = rng.choice([[], [base_harness()], "harness", 3, True, None])
    return text_case("wrong type", f"the whole file is {value!r:.40}", json.dumps(value))


def deep(rng: random.Random) -> Case:
    data = base_harness()
    path = rng.choice([p for p, _n in walk(data) if p])
    depth = rng.choice([65, 80, 500, 990, 5000, 200_000])
    opener, closer = rng.choice([("[", "]"), ('{"a":', "}")])
    raw = opener * depth + "0" + closer * depth
    return text_case("deep nesting", f"{depth} levels at {path}", with_raw(data, path, raw))


def huge_number(rng: random.Random) -> Case:
    data = base_harness()
    paths = [p for p, n in walk(data) if p and not isinstance(n, dict | list)]
    path = rng.choice(paths)
    raw = rng.choice([
        str(rng.randrange(1, 10)) + "".join(rng.choice("0123456789") for _ in range(rng.randrange(19, 6000))),
        "-" + "9" * rng.randrange(20, 5000), "1e400", "-1e999", "NaN", "Infinity", "-Infinity",
    ])
    return text_case("huge value", f"{raw[:20]}... ({len(raw)} chars) at {path}", with_raw(data, path, raw))


def out_of_range(rng: random.Random) -> Case:
    data = base_harness()
    field, value = rng.choice([("max_turns", 0), ("max_turns", 501), ("max_turns", -5), ("max_tokens", 999),
                               ("max_tokens", 10**12), ("wall_time_s", 0), ("wall_time_s", -1.5),
                               ("wall_time_s", 86401), ("max_output_tokens", 63), ("max_output_tokens", 10**8)])
    data["limits"][field] = value
    return text_case("out of range", f"limits.{field} = {value}", json.dumps(data))


def huge_size(rng: random.Random) -> Case:
    data = base_harness()
    if rng.random() < 0.5:
        path = rng.choice([p for p, n in walk(data) if p and isinstance(n, str)])
        return text_case("huge value", f"1,000,001-char string at {path}", json.dumps(replace(data, path, "x" * 1_000_001)))
    path = rng.choice([p for p, n in walk(data) if p and isinstance(n, list)])
    return text_case("huge value", f"100,001 items at {path}", json.dumps(replace(data, path, [0] * 100_001)))


def duplicate_key(rng: random.Random) -> Case:
    data = base_harness()
    path, node = rng.choice([(p, n) for p, n in walk(data) if isinstance(n, dict) and n])
    key = rng.choice(list(node))
    node[DUP] = copy.deepcopy(node[key]) if rng.random() < 0.5 else "other"
    text = json.dumps(data).replace(json.dumps(DUP), json.dumps(key), 1)
    return text_case("duplicate key", f"{key!r} twice at {path}", text)


def missing_or_unknown_key(rng: random.Random) -> Case:
    data = base_harness()
    if rng.random() < 0.5:
        pattern, keys = rng.choice(list(REQUIRED.items()))
        path = rng.choice([p for p, n in walk(data) if matches_pattern(p, pattern) and isinstance(n, dict)])
        key = rng.choice(keys)
        del node_at(data, path)[key]
        return text_case("missing key", f"no {key!r} at {path}", json.dumps(data))
    pattern = rng.choice(MODELS)
    path = rng.choice([p for p, n in walk(data) if matches_pattern(p, pattern) and isinstance(n, dict)])
    node_at(data, path)["colour"] = "red"
    return text_case("unknown key", f"'colour' at {path}", json.dumps(data))


def bad_names(rng: random.Random) -> Case:
    data = base_harness()
    scenario = rng.choice(data["scenarios"])
    choice = rng.randrange(4)
    if choice == 0:
        scenario["id"] = "-".join("abcdefgh" for _ in range(rng.randrange(15, 40)))  # 134..359 characters
        return text_case("long id", f"an id of {len(scenario['id'])} characters", json.dumps(data))
    if choice == 1:
        scenario["id"] = rng.choice(["Upper", "a__1", "../x", "a/b", "", ".", "x y", "é"])
        return text_case("bad id", f"id {scenario['id']!r}", json.dumps(data))
    bomb = rng.choice(["(((a{100}){100}){100}){100}", "(?:x{1000}){1000}", "a" * 5001, "(", "[z-a]", "a{2,1}",
                       "(?P<n>a)(?P=m)", "*", "\\"])
    scenario["checks"].append({"kind": "answer", "matches": bomb} if choice == 2 else
                              {"kind": "issue", "issue": "WEB-3", "expect": {"summary": {"matches": bomb}}})
    return text_case("bad pattern", f"pattern {bomb[:30]!r}", json.dumps(data))


def bad_encoding(rng: random.Random) -> Case:
    text = json.dumps(base_harness(), ensure_ascii=False).replace("Three", "Trés")
    encoded = rng.choice([text.encode("latin-1"), text.encode("utf-16"), text.encode("utf-32"),
                          b"\xff" + rng.randbytes(rng.randrange(1, 300)), b"\x00" * 10, b"", b"   \n",
                          json.dumps(base_harness()).replace("Three", "\\ud83d").encode()])
    return text_case("encoding", f"{encoded[:12]!r}...", encoded)


def odd_file(rng: random.Random) -> Case:
    kind = rng.choice(["folder", "fifo", "missing", "dangling link", "link loop", "device"])

    def make(folder: Path) -> Path:
        path = folder / "h.json"
        if kind == "folder":
            path.mkdir()
        elif kind == "fifo":
            os.mkfifo(path)
        elif kind == "dangling link":
            path.symlink_to(folder / "nowhere.json")
        elif kind == "link loop":
            path.symlink_to(path)
        elif kind == "device":
            return Path("/dev/null")
        return path

    return Case("odd file", kind, make)


def broken_fixture(rng: random.Random) -> Case:
    harness = json.dumps({**base_harness(), "fixture": "fx.json"})
    fixture = json.loads(FIXTURE_TEXT)
    damage = rng.choice(["truncated", "duplicate", "deep", "huge", "nan", "list", "latin-1", "wrong type"])
    if damage == "truncated":
        text: str | bytes = FIXTURE_TEXT[: rng.randrange(0, len(FIXTURE_TEXT.rstrip()) - 1)]
    elif damage == "duplicate":
        text = json.dumps(fixture).replace('"name": ', '"name": "a", "name": ', 1)
    elif damage in ("deep", "huge", "nan"):
        raw = {"deep": "[" * 300 + "]" * 300, "huge": "7" * 400, "nan": "NaN"}[damage]
        text = with_raw(fixture, ("users", 0, "display_name"), raw)
    elif damage == "list":
        text = json.dumps([fixture])
    elif damage == "latin-1":
        text = json.dumps(fixture, ensure_ascii=False).replace("Lee", "Léa").encode("latin-1")
    else:
        fixture["projects"] = "WEB"
        text = json.dumps(fixture)
    return text_case("fixture file", damage, harness, fixture=text)


FAMILIES = [truncated, wrong_type, wrong_type, wrong_type, not_an_object, deep, huge_number, out_of_range, huge_size,
            duplicate_key, missing_or_unknown_key, missing_or_unknown_key, bad_names, bad_encoding, odd_file,
            broken_fixture]


def cases(seed: int, count: int) -> list[Case]:
    rng = random.Random(seed)
    made = [family(rng) for family in FAMILIES]  # every family at least once
    made += [rng.choice(FAMILIES)(rng) for _ in range(count - len(made))]
    return made


# ---- the checks --------------------------------------------------------------------------------------------------


def arguments(path: Path, results: Path) -> list[list[str]]:
    return [["validate", str(path)], ["run", str(path), "--model", "null", "--results-dir", str(results)]]


def check_outcome(label: str, code: int, stdout: str, stderr: str) -> None:
    lines = stderr.splitlines()
    assert code == 2, f"{label}: exit {code}\n{stdout}\n{stderr}"
    assert "Traceback" not in stdout + stderr, f"{label}: a traceback\n{stderr}"
    assert len(lines) == 1 and lines[0].startswith("error: "), f"{label}: stderr is not one line\n{stderr}"


def check_nothing_written(label: str, folder: Path, before: set[str], results: Path) -> None:
    assert {p.name for p in folder.iterdir()} == before, f"{label}: files appeared next to the harness"
    assert not results.exists() or not any(results.rglob("*")), f"{label}: written under the results folder"


def test_generated_malformed_harness_files_are_refused_cleanly(tmp_path: Path) -> None:
    made = cases(SEED, BULK_CASES)
    assert len(made) >= 100 and {c.family for c in made} >= {
        "truncation", "wrong type", "deep nesting", "huge value", "duplicate key", "odd file", "fixture file"}
    runner = CliRunner()
    for number, case in enumerate(made):
        folder = tmp_path / f"case{number}"
        folder.mkdir()
        path = case.make(folder)
        before = {p.name for p in folder.iterdir()}
        results = tmp_path / f"results{number}"
        for args in arguments(path, results):
            label = f"seed {SEED} case {number} [{case.family}: {case.what}] {args[0]}"
            result = runner.invoke(main, args, catch_exceptions=False)
            check_outcome(label, result.exit_code, result.stdout, result.stderr)
        check_nothing_written(f"seed {SEED} case {number}", folder, before, results)


def test_a_sample_through_real_processes(tmp_path: Path) -> None:
    """A few families (and a FIFO) as real `jira-bench` processes, all at once, each with a deadline."""
    rng = random.Random(SEED + 1)
    made = [family(rng) for family in (truncated, deep, duplicate_key, huge_number)]
    made.append(odd_file_of("fifo"))
    started = []
    for number, case in enumerate(made):
        folder = tmp_path / f"case{number}"
        folder.mkdir()
        path = case.make(folder)
        before = {p.name for p in folder.iterdir()}
        results = tmp_path / f"results{number}"
        for args in arguments(path, results):
            process = subprocess.Popen([sys.executable, "-m", "jira_bench_tui", *args], stdout=subprocess.PIPE,
                                       stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
            started.append((f"seed {SEED} sample {number} [{case.family}: {case.what}] {args[0]}", process, folder,
                            before, results))
    try:
        for label, process, folder, before, results in started:
            stdout, stderr = process.communicate(timeout=120)
            check_outcome(label, process.returncode, stdout, stderr)
            check_nothing_written(label, folder, before, results)
    finally:
        for _label, process, *_rest in started:
            if process.poll() is None:
                process.kill()
                process.wait()


def odd_file_of(kind: str) -> Case:
    rng = random.Random(0)
    while True:
        case = odd_file(rng)
        if case.what == kind:
            return case


@pytest.mark.parametrize("seed", [SEED])
def test_the_cases_are_reproducible(seed: int) -> None:
    first = [(c.family, c.what) for c in cases(seed, 40)]
    assert first == [(c.family, c.what) for c in cases(seed, 40)]
