"""Harness and fixture files that crashed the tool or slipped through (issue 13, item 4), one test a kind.

Each goes through the real command line, `jira-bench validate FILE` and `jira-bench run FILE --model null`: exit 2,
exactly one line on stderr (`error: ...`, naming the place), no traceback, nothing written under the results folder.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from jira_bench_tui.cli import main
from jira_bench_tui.engine.launcher import MAX_RUNS
from jira_bench_tui.engine.run_folder import CORRUPT_SUFFIX, trial_path
from jira_bench_tui.harness.loader import builtin_harness_dir
from jira_bench_tui.harness.schema import SCENARIO_ID_MAX_CHARS

EXAMPLE: dict[str, Any] = json.loads((builtin_harness_dir() / "example.json").read_text(encoding="utf-8"))


def example(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(EXAMPLE)
    data.update(changes)
    return data


def write(tmp_path: Path, content: str | bytes | dict[str, Any], name: str = "h.json") -> Path:
    path = tmp_path / name
    if isinstance(content, dict):
        content = json.dumps(content)
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def refused(tmp_path: Path, harness: Path | str, *, fixture_args: tuple[str, ...] = ()) -> str:
    """The one error line both `validate` and `run --model null` give for `harness` (asserting exit 2, one line,
    no traceback, nothing written under the results folder); the line without its `error: ` prefix. With
    `fixture_args` (`--fixture FILE`), `run` alone, twice."""
    results = tmp_path / "results"
    lines = []
    run = ["run", str(harness), "--model", "null", "--results-dir", str(results), *fixture_args]
    for args in ([run, run] if fixture_args else [["validate", str(harness)], run]):
        result = CliRunner().invoke(main, args, catch_exceptions=False)
        assert result.exit_code == 2, (args, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr + result.stdout
        [line] = result.stderr.splitlines()
        assert line.startswith("error: ")
        lines.append(line.removeprefix("error: "))
    assert not results.exists() or not any(results.rglob("*")), list(results.rglob("*"))
    assert lines[0] == lines[1]
    return lines[0]


# ---- structure ----------------------------------------------------------------------------------------------------


def test_deeply_nested_json_is_refused_without_a_recursion_error(tmp_path: Path) -> None:
    text = '{"name": "x", "scenarios": ' + "[" * 400_000 + "]" * 400_000 + "}"
    assert refused(tmp_path, write(tmp_path, text)).endswith("harness is nested more than 64 levels deep")
    shallow = '{"name": "x", "scenarios": ' + "[" * 100 + "]" * 100 + "}"  # below Python's recursion limit
    line = refused(tmp_path, write(tmp_path, shallow))
    assert ": scenarios[0][0][0]" in line and line.endswith("nested more than 64 levels deep")


def test_duplicate_keys_are_refused_naming_the_key_and_its_place(tmp_path: Path) -> None:
    text = json.dumps(EXAMPLE)
    top = '{"name": "a", ' + text[1:]
    assert "(top level): duplicate key 'name'" in refused(tmp_path, write(tmp_path, top))
    nested = text.replace('"kind": "issue"', '"kind": "issue", "kind": "comment"', 1)
    assert "scenarios[0].checks[0]: duplicate key 'kind'" in refused(tmp_path, write(tmp_path, nested))


def test_huge_strings_and_arrays_are_refused(tmp_path: Path) -> None:
    long_text = example(description="x" * 1_000_001)
    assert "description: the string is 1000001 characters long (at most 1000000)" in refused(
        tmp_path, write(tmp_path, long_text))
    many = example()
    many["scenarios"][0]["tags"] = ["t"] * 100_001
    assert "scenarios[0].tags: has 100001 items (at most 100000)" in refused(tmp_path, write(tmp_path, many))
    prompt = example()
    prompt["scenarios"][0]["prompt"] = "p" * 100_001
    assert "scenarios[0].prompt: String should have at most 100000 characters" in refused(
        tmp_path, write(tmp_path, prompt))


def test_an_unpaired_surrogate_is_not_text(tmp_path: Path) -> None:
    text = json.dumps(example(description="PLACEHOLDER")).replace("PLACEHOLDER", "\\ud800")
    assert "description: the string holds an unpaired surrogate" in refused(tmp_path, write(tmp_path, text))


# ---- numbers ------------------------------------------------------------------------------------------------------


def test_a_5000_digit_integer_is_out_of_range(tmp_path: Path) -> None:
    text = json.dumps(example(limits={"max_turns": 1})).replace('"max_turns": 1', '"max_turns": ' + "9" * 5000)
    line = refused(tmp_path, write(tmp_path, text))
    assert "limits.max_turns: the number 999999999999...9999 (5000 characters) is out of range" in line


@pytest.mark.parametrize(("limits", "expected"), [
    ({"max_turns": True}, "limits.max_turns: expected a whole number, got true"),
    ({"max_tokens": False}, "limits.max_tokens: expected a whole number, got false"),
    ({"wall_time_s": True}, "limits.wall_time_s: expected a number, got true"),
    ({"max_turns": "5"}, "limits.max_turns: expected a whole number, got a string ('5')"),
    ({"max_turns": 5.5}, "limits.max_turns: expected a whole number, got a number (5.5)"),
])
def test_booleans_and_strings_are_not_numbers(tmp_path: Path, limits: dict[str, Any], expected: str) -> None:
    assert expected in refused(tmp_path, write(tmp_path, example(limits=limits)))


def test_numbers_are_not_booleans(tmp_path: Path) -> None:
    data = example()
    data["scenarios"][0]["checks"] = [{"kind": "issue_exists", "issue": "WEB-3", "exists": 1}]
    assert "scenarios[0].checks[0].exists: expected a boolean, got a whole number (1)" in refused(
        tmp_path, write(tmp_path, data))


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_literals_are_refused(tmp_path: Path, literal: str) -> None:
    text = json.dumps(example(limits={"wall_time_s": 1.5})).replace("1.5", literal)
    assert f"limits.wall_time_s: {literal} is not a JSON number" in refused(tmp_path, write(tmp_path, text))


@pytest.mark.parametrize(("where", "value", "expected"), [
    ("limits.wall_time_s", "1e400", "limits.wall_time_s: the number 1e400 is out of range"),
    ("limits.max_tokens", "1000000000001", "limits.max_tokens: Input should be less than or equal to 1000000000"),
    ("limits.max_output_tokens", "99999999", "limits.max_output_tokens: Input should be less than or equal to"),
    ("limits.max_turns", "0", "limits.max_turns: Input should be greater than or equal to 1"),
    ("check.count", "-1", "scenarios[0].checks[0].count: Input should be greater than or equal to 0"),
    ("check.count", "10001", "scenarios[0].checks[0].count: Input should be less than or equal to 10000"),
    ("check.gte", "1e308", None),  # in range: accepted by the reader, the check itself is fine
    ("argument", "9223372036854775808", "scenarios[0].solution.steps[0].arguments.issue_key: the number "),
])
def test_numbers_out_of_range_everywhere(tmp_path: Path, where: str, value: str, expected: str | None) -> None:
    data = example(limits={"max_turns": 5})
    scenario = data["scenarios"][0]
    if where == "check.count":
        scenario["checks"] = [{"kind": "jql_count", "jql": "project = WEB", "count": 12345}]
    elif where == "check.gte":
        scenario["checks"].insert(0, {"kind": "issue", "issue": "WEB-3", "expect": {"story_points": {"gte": 12345}}})
    elif where == "argument":
        scenario["solution"]["steps"] = [{"tool": "jira_get_issue", "arguments": {"issue_key": 12345}}]
    else:
        data["limits"] = {where.split(".")[1]: 12345}
    path = write(tmp_path, json.dumps(data).replace("12345", value))
    if expected is None:
        result = CliRunner().invoke(main, ["validate", "--schema-only", str(path)], catch_exceptions=False)
        assert result.exit_code == 0, result.stderr
    else:
        assert expected in refused(tmp_path, path)


# ---- names the run folder must hold -------------------------------------------------------------------------------


def test_a_scenario_id_too_long_for_its_file_names_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    data = example()
    data["scenarios"][0]["id"] = "a" * 240  # trials/<id>__1.json fits, its .tmp (id + 25 bytes) does not
    line = refused(tmp_path, write(tmp_path, data))
    assert f"scenarios[0].id: String should have at most {SCENARIO_ID_MAX_CHARS} characters" in line


def test_the_longest_scenario_id_fits_every_file_the_run_folder_names_after_it(tmp_path: Path) -> None:
    longest = ("-".join(["abcdefg"] * 20))[:SCENARIO_ID_MAX_CHARS - 1] + "z"
    assert len(longest) == SCENARIO_ID_MAX_CHARS and not longest.endswith("-")
    artifact = trial_path(tmp_path, longest, MAX_RUNS)
    handle, temp = tempfile.mkstemp(prefix=f".{artifact.name}.", suffix=".tmp", dir=tmp_path)  # write_json_atomic's
    os.close(handle)
    names = [artifact.name, Path(temp).name, artifact.name + CORRUPT_SUFFIX, f"{longest}-{'f' * 32}.sqlite-journal"]
    assert all(len(name.encode()) <= 255 for name in names), [len(n) for n in names]
    # and a real run of a scenario with that id writes its artifact
    data = example()
    data["scenarios"] = [{**data["scenarios"][0], "id": longest}]
    results = tmp_path / "results"
    result = CliRunner().invoke(main, ["run", str(write(tmp_path, data)), "--model", "oracle", "--results-dir",
                                       str(results)], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    assert [p.name for p in results.glob("runs/*/trials/*.json")] == [f"{longest}__1.json"]


# ---- what is at the path ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "expected"), [
    ("folder", "is a folder, not a file"),
    ("device", "/dev/null is a character device, not a file"),
    ("empty", "is empty"),
    ("blank", "is empty"),
    ("binary", "is not UTF-8 text (byte 0x89 at offset 0)"),
    ("latin-1", "is not UTF-8 text (byte 0xe9 at offset"),
    ("utf-16", "is not UTF-8 text (byte 0xff at offset 0)"),
    ("not json", "harness is not valid JSON: Expecting value (line 1, column 1)"),
    ("truncated", "harness is not valid JSON: "),
    ("missing", "does not exist"),
    ("dangling link", "does not exist"),
    ("link loop", "symlink loop"),
])
def test_odd_files_are_refused(tmp_path: Path, kind: str, expected: str) -> None:
    text = json.dumps(EXAMPLE)
    makers = {
        "folder": lambda p: p.mkdir(),
        "empty": lambda p: p.write_bytes(b""),
        "blank": lambda p: p.write_bytes(b" \n\t\n"),
        "binary": lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256))),
        "latin-1": lambda p: p.write_bytes(text.replace("Three", "Tr\u00e9s").encode("latin-1")),
        "utf-16": lambda p: p.write_bytes(text.encode("utf-16")),
        "not json": lambda p: p.write_bytes(b"name: yaml?\n"),
        "truncated": lambda p: p.write_bytes(text[: len(text) // 2].encode()),
        "missing": lambda p: None,
        "dangling link": lambda p: p.symlink_to(tmp_path / "nowhere.json"),
        "link loop": lambda p: p.symlink_to(p),
    }
    path = Path("/dev/null") if kind == "device" else tmp_path / "h.json"
    if kind != "device":
        makers[kind](path)
    assert expected in refused(tmp_path, path)


def test_a_fifo_is_refused_at_once_not_read(tmp_path: Path) -> None:
    """No writer ever opens the FIFO: reading it would block forever. A real process, with a deadline."""
    fifo = tmp_path / "h.json"
    os.mkfifo(fifo)
    for args in (["validate", str(fifo)], ["run", str(fifo), "--model", "null", "--results-dir", str(tmp_path / "r")]):
        done = subprocess.run([sys.executable, "-m", "jira_bench_tui", *args], capture_output=True, text=True,
                              timeout=60)
        assert done.returncode == 2
        assert done.stderr.splitlines() == [f"error: {fifo}: harness {fifo} is a FIFO (named pipe), not a file"]
    assert not (tmp_path / "r").exists()


def test_a_byte_order_mark_is_allowed(tmp_path: Path) -> None:
    path = write(tmp_path, b"\xef\xbb\xbf" + json.dumps(EXAMPLE).encode())
    result = CliRunner().invoke(main, ["validate", "--schema-only", str(path)], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr


# ---- fixture files follow the same rules ------------------------------------------------------------------------


def _fixture_text() -> str:
    return (builtin_harness_dir().parent.parent / "jira" / "fixtures" / "example.json").read_text(encoding="utf-8")


@pytest.mark.parametrize(("damage", "expected"), [
    ("duplicate", "fixture(fx.json).projects[0]: duplicate key 'key'"),
    ("deep", "fixture(fx.json).users[0]"),
    ("huge", "fixture(fx.json).now: the number 111111111111...1111 (400 characters) is out of range"),
    ("nan", "fixture(fx.json).now: NaN is not a JSON number"),
    ("fifo", "fixture "),
])
def test_a_fixture_file_named_by_a_harness_is_read_by_the_same_rules(tmp_path: Path, damage: str,
                                                                        expected: str) -> None:
    text = _fixture_text()
    fixture = tmp_path / "fx.json"
    if damage == "fifo":
        os.mkfifo(fixture)
    else:
        data = json.loads(text)
        if damage == "duplicate":
            text = json.dumps(data).replace('"key": "WEB"', '"key": "WEB", "key": "OPS"', 1)
        elif damage == "deep":
            data["users"][0]["display_name"] = "PLACEHOLDER"
            text = json.dumps(data).replace('"PLACEHOLDER"', "[" * 70 + "]" * 70)
        else:
            data["now"] = "PLACEHOLDER"
            text = json.dumps(data).replace('"PLACEHOLDER"', "1" * 400 if damage == "huge" else "NaN")
        fixture.write_text(text, encoding="utf-8")
    harness = write(tmp_path, example(fixture="fx.json"))
    assert expected in refused(tmp_path, harness)
    # the same file as `run --fixture` and as `jira-server --fixture`
    plain = write(tmp_path, example(), "plain.json")
    assert expected in refused(tmp_path, plain, fixture_args=("--fixture", str(fixture)))
    result = CliRunner().invoke(main, ["jira-server", "--fixture", str(fixture)], catch_exceptions=False)
    assert result.exit_code == 2 and len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith("error: Fixture ") or result.stderr.startswith("error: fixture ")
