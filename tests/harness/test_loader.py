"""Harness loading: every problem named by its JSON path in one sentence; nothing on disk is touched."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jira_bench_tui.harness.loader import HarnessError, builtin_harness_names, load_harness

SCENARIO = {
    "id": "one",
    "prompt": "Move WEB-3 to In Progress.",
    "checks": [{"kind": "issue", "issue": "WEB-3", "expect": {"status": "In Progress"}}],
    "solution": {"steps": [{"tool": "jira_transition_issue", "arguments": {"issue_key": "WEB-3", "transition_id": "21"}}]},
}


def write(tmp_path: Path, data: object, name: str = "h.json") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return path


def harness(**overrides: object) -> dict[str, object]:
    return {"name": "t", "fixture": "builtin:example", "scenarios": [SCENARIO], **overrides}


def problems_of(source: str) -> list[str]:
    with pytest.raises(HarnessError) as info:
        load_harness(source)
    return info.value.problems


def test_builtin_example_loads_with_its_fixture() -> None:
    loaded = load_harness("builtin:example")
    assert "example" in builtin_harness_names()
    assert len(loaded.harness.scenarios) == 3
    assert loaded.fixture.name == "example"
    assert loaded.base_dir is None


def test_a_valid_file_with_a_relative_fixture(tmp_path: Path) -> None:
    fixture = json.loads((Path(__file__).parents[2] / "jira_bench_tui/jira/fixtures/example.json").read_text())
    (tmp_path / "fx").mkdir()
    write(tmp_path / "fx", fixture, "small.json")
    path = write(tmp_path, harness(fixture="fx/small.json"))
    loaded = load_harness(str(path))
    assert loaded.fixture.projects[0].key == "WEB"
    assert loaded.source == str(path)


def test_not_json(tmp_path: Path) -> None:
    path = write(tmp_path, "{ not json")
    before = path.read_bytes()
    [problem] = problems_of(str(path))
    assert problem.startswith("harness is not valid JSON: ") and "line 1" in problem
    assert path.read_bytes() == before


def test_not_a_harness(tmp_path: Path) -> None:
    assert problems_of(str(write(tmp_path, [1, 2]))) == ["a harness is a JSON object, not a list"]
    problems = problems_of(str(write(tmp_path, {"title": "x"})))
    assert "name: required but missing" in problems
    assert "scenarios: required but missing" in problems
    assert "title: unknown key" in problems


def test_duplicate_scenario_ids(tmp_path: Path) -> None:
    [problem] = problems_of(str(write(tmp_path, harness(scenarios=[SCENARIO, SCENARIO]))))
    assert problem == "scenarios[1].id: duplicate scenario id 'one'"


def test_unknown_check_kind_names_its_place(tmp_path: Path) -> None:
    bad = {**SCENARIO, "checks": [SCENARIO["checks"][0], {"kind": "vibes", "issue": "WEB-1"}]}  # type: ignore[index]
    [problem] = problems_of(str(write(tmp_path, harness(scenarios=[bad]))))
    assert problem.startswith("scenarios[0].checks[1]: unknown check kind 'vibes' (known: issue, issue_exists,")


def test_bad_field_inside_a_check(tmp_path: Path) -> None:
    bad = {**SCENARIO, "checks": [{"kind": "issue", "issue": "web-3", "expect": {"colour": "red"}}]}
    problems = problems_of(str(write(tmp_path, harness(scenarios=[bad]))))
    assert "scenarios[0].checks[0].issue: 'web-3' is not an issue key like 'WEB-12' or a $name bound by a created_issue check" in problems
    assert any(p.startswith("scenarios[0].checks[0].expect: unknown field 'colour'") for p in problems)


def test_unknown_status_is_named_with_the_known_ones(tmp_path: Path) -> None:
    bad = {**SCENARIO, "checks": [{"kind": "issue", "issue": "WEB-3", "expect": {"status": "Doing"}}]}
    [problem] = problems_of(str(write(tmp_path, harness(scenarios=[bad]))))
    assert problem == (
        "scenarios[0].checks[0].expect.status: unknown status 'Doing' (known: To Do, In Progress, In Review, Done)"
    )


def test_missing_fixture_file(tmp_path: Path) -> None:
    [problem] = problems_of(str(write(tmp_path, harness(fixture="nowhere/fx.json"))))
    assert problem.startswith("fixture: file 'nowhere/fx.json' does not exist (looked for ")


def test_unknown_builtin_harness_and_fixture(tmp_path: Path) -> None:
    [problem] = problems_of("builtin:nope")
    assert problem.startswith("no built-in harness 'nope' (known: ") and "builtin:example" in problem
    [problem] = problems_of(str(write(tmp_path, harness(fixture="builtin:nope"))))
    assert problem.startswith("fixture: no built-in fixture 'nope' (known: ") and "builtin:example" in problem


def test_missing_harness_file(tmp_path: Path) -> None:
    [problem] = problems_of(str(tmp_path / "absent.json"))
    assert problem == f"harness file {tmp_path / 'absent.json'} does not exist"


def test_error_text_is_one_sentence_per_problem(tmp_path: Path) -> None:
    with pytest.raises(HarnessError) as info:
        load_harness(str(write(tmp_path, {"title": "x"})))
    text = str(info.value)
    assert text.splitlines()[0].endswith("3 problems")
    assert all(line.startswith("  ") for line in text.splitlines()[1:])
    assert info.value.field == "harness"


def test_scenario_ids_cannot_hold_the_reserved_double_underscore(tmp_path: Path) -> None:
    [problem] = problems_of(str(write(tmp_path, harness(scenarios=[{**SCENARIO, "id": "close__2"}]))))
    assert problem.startswith("scenarios[0].id: 'close__2' is not a scenario id (lower-case words joined by single")


def test_a_bad_regular_expression_in_a_check_is_bad_input(tmp_path: Path) -> None:
    checks = [{"kind": "answer", "matches": "(unclosed"}, {"kind": "comment", "issue": "WEB-3", "matches": "[x"}]
    problems = problems_of(str(write(tmp_path, harness(scenarios=[{**SCENARIO, "checks": checks}]))))
    assert problems == [
        "scenarios[0].checks[0].matches: invalid regular expression '(unclosed': missing ) at position 9",
        "scenarios[0].checks[1].matches: invalid regular expression '[x': unterminated character set at position 2",
    ]


def test_a_harness_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "h.json"
    path.write_bytes(b"\xff\xfe{}")
    [problem] = problems_of(str(path))
    assert problem == f"harness {path} is not UTF-8 text (byte 0xff at offset 0)"
