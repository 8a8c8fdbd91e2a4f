"""harness_summary: a harness's scenario count and tiers, read from the harness (the form lists them)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jira_bench_tui.harness.loader import HarnessError, harness_summary, load_harness


@pytest.mark.parametrize("name", ["builtin:core", "builtin:example"])
def test_the_builtins_counts_match_their_scenarios(name):
    harness = load_harness(name).harness
    summary = harness_summary(name)
    assert summary.scenarios == len(harness.scenarios)
    assert sum(summary.tiers.values()) == len(harness.scenarios)
    for tier, count in summary.tiers.items():
        assert count == sum((scenario.tier or "untiered") == tier for scenario in harness.scenarios)
    assert summary.line().startswith(f"{len(harness.scenarios)} scenarios")


def test_tiers_go_easy_medium_hard_then_others_and_untiered_last(tmp_path: Path):
    example = load_harness("builtin:example").harness.model_dump(mode="json", by_alias=True, exclude_unset=True)
    base = example["scenarios"][0]
    tags = [["tier:hard"], ["tier:expert"], [], ["tier:easy"], ["tier:hard"]]
    example["scenarios"] = [{**base, "id": f"s{i}", "tags": t} for i, t in enumerate(tags)]
    path = tmp_path / "h.json"
    path.write_text(json.dumps(example))
    summary = harness_summary(str(path))
    assert list(summary.tiers.items()) == [("easy", 1), ("hard", 2), ("expert", 1), ("untiered", 1)]
    assert summary.line() == "5 scenarios · 1 easy, 2 hard, 1 expert, 1 untiered"


def test_a_missing_harness_is_a_harness_error(tmp_path: Path):
    with pytest.raises(HarnessError):
        harness_summary(str(tmp_path / "nope.json"))
