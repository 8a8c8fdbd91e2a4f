"""A generated Jira of any size (seeded, so always the same): for benchmarks and load tests."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from jira_bench_tui.jira.fixture import (
    BoardSpec,
    CommentSpec,
    ComponentSpec,
    Fixture,
    HistorySpec,
    IssueSpec,
    ProjectSpec,
    SprintSpec,
    UserSpec,
    VersionSpec,
)

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
WORDS = ("login checkout cart payment search profile password email invoice export report dashboard cache "
         "timeout crash slow layout mobile api token session refund shipping coupon").split()
LABELS = ("backend frontend p0 p1 security ux tech-debt flaky customer regression").split()


PRIORITIES = ("Highest", "High", "Medium", "Low", "Lowest")


def synthetic_history(rng: random.Random, *, status: str, created: datetime, updated: datetime, assignee: str | None,
                      reporter: str, priority: str) -> list[HistorySpec]:
    """A plausible past for an issue now in `status` (oldest first, ending at its current values): To Do -> In
    Progress (-> In Review) -> Done by the assignee, the last change at `updated`; some issues assigned after they
    were created, some re-prioritised. Empty for an issue not started or changed within the hour."""
    span = updated - created
    if status == "To Do" or span < timedelta(hours=1):
        return []
    actor = assignee or reporter
    changes: list[dict[str, Any]] = []
    if assignee and rng.random() < 0.3:
        changes.append({"at": created + span * rng.uniform(0.01, 0.09), "by": reporter, "assignee": [None, assignee]})
    if rng.random() < 0.2:
        before = rng.choice([p for p in PRIORITIES if p != priority])
        changes.append({"at": created + span * rng.uniform(0.45, 0.6), "by": reporter, "priority": [before, priority]})
    changes.append({"at": created + span * rng.uniform(0.1, 0.4), "by": actor, "status": ["To Do", "In Progress"]})
    if status == "In Review":
        changes.append({"at": updated, "by": actor, "status": ["In Progress", "In Review"]})
    elif status == "Done":
        last = "In Progress"
        if rng.random() < 0.5:
            changes.append({"at": created + span * rng.uniform(0.65, 0.9), "by": actor,
                            "status": ["In Progress", "In Review"]})
            last = "In Review"
        changes.append({"at": updated, "by": actor, "status": [last, "Done"], "resolution": [None, "Done"]})
    changes.sort(key=lambda change: change["at"])
    return [HistorySpec.model_validate({**c, "at": c["at"].isoformat()}) for c in changes]


def synthetic_fixture(issue_count: int = 10_000, *, seed: int = 7, projects: int = 4, users: int = 25) -> Fixture:
    """`issue_count` issues spread over `projects` projects, with statuses, priorities, assignees, labels,
    components, versions, comments, sprints and history (`synthetic_history`) drawn from a seeded generator."""
    rng = random.Random(seed)
    people = [UserSpec(display_name=f"User {n:02d}", email=f"user{n:02d}@synthetic.test") for n in range(users)]
    project_specs = [ProjectSpec(key=f"P{n}X", name=f"Project {n}", lead=people[n % users].email,
                                 components=[ComponentSpec(name=c) for c in ("API", "Web", "Mobile", "Data")],
                                 versions=[VersionSpec(name=v, released=v == "1.0") for v in ("1.0", "1.1", "2.0")])
                     for n in range(projects)]
    boards = [BoardSpec(id=n + 1, name=f"{p.key} board", project=p.key, sprints=[
        SprintSpec(id=n * 10 + 1, name=f"{p.key} Sprint 1", state="closed"),
        SprintSpec(id=n * 10 + 2, name=f"{p.key} Sprint 2", state="active"),
        SprintSpec(id=n * 10 + 3, name=f"{p.key} Sprint 3", state="future")]) for n, p in enumerate(project_specs)]
    issues = []
    for n in range(issue_count):
        project = project_specs[n % projects]
        created = NOW - timedelta(days=rng.uniform(0, 400))
        updated = min(NOW, created + timedelta(days=rng.uniform(0, 30)))
        status = rng.choice(["To Do", "To Do", "In Progress", "In Review", "Done", "Done"])
        summary = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 7))).capitalize()
        priority = rng.choice(["Highest", "High", "Medium", "Medium", "Low", "Lowest"])
        assignee = rng.choice([None, *[u.email for u in people]])
        reporter = rng.choice(people).email
        issues.append(IssueSpec(
            project=project.key, type=rng.choice(["Story", "Task", "Bug", "Bug"]), summary=summary,
            description=f"{summary}. Seen by {rng.randint(1, 500)} customers.", status=status,
            priority=priority, assignee=assignee, reporter=reporter,
            labels=rng.sample(LABELS, rng.randint(0, 3)), components=rng.sample(["API", "Web", "Mobile", "Data"],
                                                                                rng.randint(0, 2)),
            fix_versions=rng.sample(["1.0", "1.1", "2.0"], rng.randint(0, 1)),
            created=created.isoformat(), updated=updated.isoformat(),
            sprints=[f"{project.key} Sprint 2"] if rng.random() < 0.2 else [],
            custom_fields={"customfield_10016": rng.choice([1, 2, 3, 5, 8])} if rng.random() < 0.5 else {},
            comments=[CommentSpec(author=rng.choice(people).email, body=f"Looked at the {rng.choice(WORDS)} part.",
                                  created=updated.isoformat())] if rng.random() < 0.3 else [],
            history=synthetic_history(rng, status=status, created=created, updated=updated, assignee=assignee,
                                      reporter=reporter, priority=priority),
        ))
    return Fixture(name=f"synthetic-{issue_count}", now=NOW.isoformat(), current_user=people[0].email, users=people,
                   projects=project_specs, boards=boards, issues=issues)
