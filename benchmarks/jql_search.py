"""JQL search over a 10,000-issue embedded Jira with history (about 16,000 past changes): median and p95 milliseconds
over typical agent queries, history searches (WAS, CHANGED) and Lucene text searches among them, plus the build and
per-trial copy times of the database. Prints `jql_search: ...` last."""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from jira_bench_tui.jira.db import build_database, connect, copy_database  # noqa: E402
from jira_bench_tui.jira.fixture import Fixture  # noqa: E402
from jira_bench_tui.jira.jql import search  # noqa: E402
from jira_bench_tui.jira.synthetic import synthetic_history  # noqa: E402

ISSUES = 10_000
QUERIES = [
    "project = WEB AND status != Done ORDER BY priority DESC, updated DESC",
    "assignee = currentUser() AND resolution = Unresolved ORDER BY priority DESC",
    'project = OPS AND status IN ("To Do", "In Progress")',
    "assignee is EMPTY AND priority IN (High, Highest) ORDER BY created ASC",
    "labels = urgent",
    "labels in (frontend, backend) AND statusCategory != Done",
    "updated >= -7d ORDER BY updated DESC",
    "created >= startOfMonth() AND type = Bug",
    "sprint in openSprints() AND assignee = 'bob@acme.test'",
    'text ~ "database migration"',
    "summary ~ login",
    "key in (WEB-1, WEB-2, WEB-3000, OPS-40)",
    "parent = WEB-1",
    "duedate < now() AND resolution = Unresolved",
    '"Story point estimate" >= 5 ORDER BY cf[10016] DESC',
    "component = API AND fixVersion = 2.0",
    "",
    "reporter in membersOf(devs) AND status = 'In Review'",
    # history and Lucene text searches
    "status CHANGED TO Done BY 'bob@acme.test' AFTER -30d",
    'status WAS "In Review" AND project = WEB',
    "assignee WAS 'bob@acme.test' DURING (startOfMonth(), now())",
    "priority CHANGED FROM High TO Highest",
    "status WAS NOT Done BEFORE -60d AND resolution = Done",
    'text ~ "checkout OR payment -timeout"',
    'summary ~ "(login OR email) AND NOT crash"',
]
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
WORDS = ("login checkout cart database migration backup payment search page api timeout error crash slow "
         "report export import user profile settings email invoice").split()


def make_fixture() -> Fixture:
    rng = random.Random(7)
    users = [{"display_name": f"User {n}", "email": f"user{n}@acme.test", "groups": ["devs"] if n % 2 else []}
             for n in range(40)]
    users.append({"display_name": "Bob Builder", "email": "bob@acme.test", "groups": ["devs"]})
    people = [u["email"] for u in users]
    issues: list[dict[str, Any]] = []
    for n in range(ISSUES):
        project = "WEB" if n % 3 else "OPS"
        day = rng.randint(1, 300)
        issue: dict[str, Any] = {
            "project": project, "type": rng.choice(["Task", "Bug", "Story"]),
            "summary": " ".join(rng.sample(WORDS, 4)).capitalize(),
            "description": " ".join(rng.choices(WORDS, k=25)),
            "status": rng.choice(["To Do", "In Progress", "In Review", "Done"]),
            "priority": rng.choice(["Highest", "High", "Medium", "Low", "Lowest"]),
            "assignee": rng.choice([*people, None]), "reporter": rng.choice(people),
            "labels": rng.sample(["urgent", "frontend", "backend", "docs", "p0"], rng.randint(0, 2)),
            "created": f"-{day}d", "updated": f"-{rng.randint(0, day)}d",
        }
        created, updated = NOW - timedelta(days=day), NOW - timedelta(days=int(issue["updated"][1:-1]))
        issue["history"] = [h.model_dump(exclude_none=True) for h in synthetic_history(
            rng, status=issue["status"], created=created, updated=updated, assignee=issue["assignee"],
            reporter=issue["reporter"], priority=issue["priority"])]
        if project == "WEB":
            issue["components"] = rng.sample(["API", "UI"], rng.randint(0, 1))
            issue["fix_versions"] = rng.sample(["1.0", "2.0"], rng.randint(0, 1))
            issue["sprints"] = [rng.randint(1, 3)] if rng.random() < 0.3 else []
            if rng.random() < 0.5:
                issue["custom_fields"] = {"Story point estimate": rng.choice([1, 2, 3, 5, 8])}
        if rng.random() < 0.2:
            issue["due_date"] = f"2026-{rng.randint(9, 12):02d}-{rng.randint(1, 28):02d}"
        if rng.random() < 0.3:
            issue["comments"] = [{"author": rng.choice(people), "body": " ".join(rng.choices(WORDS, k=12))}]
        issues.append(issue)
    return Fixture.model_validate({
        "name": "bench-10k", "now": "2026-11-24T09:00:00Z", "current_user": "user1@acme.test", "users": users,
        "projects": [{"key": "WEB", "name": "Storefront", "components": [{"name": "API"}, {"name": "UI"}],
                      "versions": [{"name": "1.0", "released": True}, {"name": "2.0"}]},
                     {"key": "OPS", "name": "Operations"}],
        "boards": [{"id": 1, "name": "WEB board", "project": "WEB", "sprints": [
            {"id": 1, "name": "Sprint 1", "state": "closed"}, {"id": 2, "name": "Sprint 2", "state": "active"},
            {"id": 3, "name": "Sprint 3", "state": "future"}]}],
        "issues": issues,
    })


def main() -> None:
    fixture = make_fixture()
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        build_database(fixture, Path(tmp) / "template.sqlite")
        build_s = time.perf_counter() - started
        copies = []
        for n in range(20):
            started = time.perf_counter()
            copy_database(Path(tmp) / "template.sqlite", Path(tmp) / f"trial{n}.sqlite")
            copies.append((time.perf_counter() - started) * 1000)
        conn = connect(Path(tmp) / "trial0.sqlite")
        changes = conn.execute("SELECT COUNT(*) FROM changelog").fetchone()[0]
        per_query: dict[str, list[float]] = {q: [] for q in QUERIES}
        for _round in range(15):
            for query in QUERIES:
                started = time.perf_counter()
                search(conn, query, limit=50)
                per_query[query].append((time.perf_counter() - started) * 1000)
        samples = [t for times in per_query.values() for t in times]
        medians = {q: statistics.median(t) for q, t in per_query.items()}
        for query, median in sorted(medians.items(), key=lambda kv: -kv[1]):
            print(f"{median:8.2f} ms  {query or '(empty query)'}")
        samples.sort()
        p95 = samples[int(len(samples) * 0.95) - 1]
        worst = max(medians.values())
        print(f"jql_search: median_ms={statistics.median(samples):.2f} p95_ms={p95:.2f} worst_query_median_ms="
              f"{worst:.2f} issues={ISSUES} queries={len(QUERIES)} n={len(samples)} build_s={build_s:.2f} "
              f"copy_ms={statistics.median(copies):.2f} changes={changes}")


if __name__ == "__main__":
    main()
