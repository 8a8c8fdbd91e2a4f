"""Evaluate a scenario's checks against the final Jira state, each with a pass/fail and a reason a person can act on.

Each check kind's function is registered here for its schema model (registry.py); the registry is sealed at the end
of this module, so a kind without its function fails at import. Checks read Jira only through
`jira.reader.JiraReader`, so they work on the embedded Jira and on a real one alike.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from jira_bench_tui.harness.changes import diff_records, diff_snapshots, issue_key_order
from jira_bench_tui.harness.expectations import describe_expect, record_mismatches, show
from jira_bench_tui.harness.patterns import PatternSearch, PatternTimeout
from jira_bench_tui.harness.registry import CheckRegistry, Verdict
from jira_bench_tui.harness.schema import (
    CHECK_MODELS,
    AnswerCheck,
    Check,
    CommentCheck,
    CreatedIssueCheck,
    Expectation,
    IssueCheck,
    IssueDeletedCheck,
    JqlCountCheck,
    JqlKeysCheck,
    LinkCheck,
    Scenario,
    UnchangedCheck,
    WorklogCheck,
)
from jira_bench_tui.jira.durations import format_duration, parse_duration
from jira_bench_tui.jira.reader import CommentRecord, IssueRecord, JiraReader, JiraReadError
from jira_bench_tui.jira.state_capture import StateChange


@dataclass
class CheckResult:
    """One check's outcome: its place in the scenario (`index`, from 0), kind, description, and why it passed or
    failed (`reason`, a sentence)."""

    index: int
    kind: str
    description: str
    passed: bool
    reason: str

    def to_dict(self) -> dict[str, Any]:
        """The result as the trial artifact's `checks` entries hold it (index, kind, description, passed, reason)."""
        return asdict(self)


@dataclass
class Evaluation:
    """A scenario's check results in the scenario's order, the Jira changes the trial made (`changes.diff_snapshots`)
    and the records after it (issue key -> record: every issue for whole snapshots, else the issues it may have
    changed; see `StateChange`).

    `error` is set when a check could not be judged (a pattern that ran out of time): the trial is then `error`,
    not failed, since the verdict says nothing about the agent; that check's result says why, too."""

    checks: list[CheckResult]
    changes: list[dict[str, Any]]
    after: dict[str, IssueRecord] = field(repr=False, default_factory=dict)
    error: str | None = None

    @property
    def passed(self) -> bool:
        """Whether every check passed."""
        return all(check.passed for check in self.checks)


class _Fail(Exception):
    """A check cannot be evaluated (an unbound $name): it fails with this reason."""


class CheckContext:
    """What a check function reads: the records before and after the trial (issue key -> record; every issue, or
    when `complete` is False only those the trial may have changed: any other issue is the same before and after),
    the agent's final answer, the reader for queries (JQL), and the `$name` bindings made by created_issue checks."""

    def __init__(self, reader: JiraReader, before: dict[str, IssueRecord], after: dict[str, IssueRecord],
                 final_answer: str | None, complete: bool = True) -> None:
        self.reader = reader
        self.before = before
        self.after = after
        self.complete = complete
        self.answer = final_answer or ""
        self.bindings: dict[str, str] = {}
        self.created = sorted((k for k in after if k not in before), key=issue_key_order)
        self.claimed_created: set[str] = set()
        self.search = PatternSearch()  # every pattern search of this scoring shares its time budget
        self.unjudged: list[str] = []  # why checks could not be judged ("check 2 (answer): ...")

    def resolve(self, ref: str) -> str:
        """The issue key an issue reference names: the key itself, or the key bound to `$name`.

        Raises _Fail (the check fails with that reason) for a name no created_issue check bound.
        """
        if ref.startswith("$"):
            if ref[1:] not in self.bindings:
                raise _Fail(f"{ref} names no created issue (the created_issue check that binds it did not match one)")
            return self.bindings[ref[1:]]
        return ref

    def ids_before(self, key: str, field: str, now: IssueRecord) -> set[str]:
        """Ids of the issue's comments or worklogs before the trial (none for an issue created during it); `now` is
        its record after the trial (the same as before for an issue the trial did not change)."""
        known = self.before.get(key)
        if known is None and not self.complete and key not in self.after:
            known = now  # not written by the trial: unchanged
        record: dict[str, Any] = dict(known or {})
        return {str(item["id"]) for item in record.get(field, [])}

    def expand(self, expect: dict[str, Expectation]) -> dict[str, Expectation]:
        """Expectations with "$name" values replaced by the key bound to that name (e.g. {"parent": "$story"})."""
        return {name: self.resolve(value) if isinstance(value, str) and value.startswith("$") else value
                for name, value in expect.items()}

    async def issue(self, key: str) -> IssueRecord | None:
        """The issue as it is after the trial: from the snapshot, else read live (None if it does not exist)."""
        if key in self.after:
            return self.after[key]
        return await self.reader.get_issue(key)


CHECKS: CheckRegistry[CheckContext] = CheckRegistry(CHECK_MODELS)


@CHECKS.register(IssueCheck)
async def _issue(ctx: CheckContext, check: IssueCheck) -> Verdict:
    key = ctx.resolve(check.issue)
    expect = ctx.expand(check.expect)
    description = check.description or f"{key}: {describe_expect(expect)}"
    record = await ctx.issue(key)
    if record is None:
        return Verdict(description, False, f"{key} does not exist")
    problems = record_mismatches(record, expect, ctx.search)
    if problems:
        return Verdict(description, False, f"{key} " + "; ".join(problems))
    return Verdict(description, True, f"{key} {describe_expect(expect)}: as expected")


@CHECKS.register(IssueDeletedCheck)
async def _issue_exists(ctx: CheckContext, check: IssueDeletedCheck) -> Verdict:
    key = ctx.resolve(check.issue)
    description = check.description or f"{key} {'exists' if check.exists else 'was deleted'}"
    exists = (await ctx.issue(key)) is not None
    if exists == check.exists:
        return Verdict(description, True, f"{key} {'exists' if exists else 'does not exist'}")
    return Verdict(description, False, f"{key} {'still exists' if exists else 'does not exist'}, expected it " + (
        "to exist" if check.exists else "to be deleted"))


@CHECKS.register(JqlCountCheck)
async def _jql_count(ctx: CheckContext, check: JqlCountCheck) -> Verdict:
    bound = (f"= {check.count}" if check.count is not None else
             " and ".join(x for x in (f">= {check.min}" if check.min is not None else "",
                                      f"<= {check.max}" if check.max is not None else "") if x))
    description = check.description or f"count of `{check.jql}` {bound}"
    try:
        keys = await ctx.reader.search_keys(check.jql, limit=10_000)
    except JiraReadError as exc:
        return Verdict(description, False, f"the query failed: {exc}")
    n = len(keys)
    ok = (check.count is None or n == check.count) and (check.min is None or n >= check.min) and (
        check.max is None or n <= check.max)
    return Verdict(description, ok, f"`{check.jql}` matches {n} issue{'s' if n != 1 else ''}" + (
        "" if ok else f", expected {bound}"))


@CHECKS.register(JqlKeysCheck)
async def _jql_keys(ctx: CheckContext, check: JqlKeysCheck) -> Verdict:
    wanted = {ctx.resolve(k) for k in check.keys}
    description = check.description or f"`{check.jql}` matches exactly {show(sorted(wanted, key=issue_key_order))}"
    try:
        got = set(await ctx.reader.search_keys(check.jql, limit=10_000))
    except JiraReadError as exc:
        return Verdict(description, False, f"the query failed: {exc}")
    if got == wanted:
        return Verdict(description, True, f"`{check.jql}` matches {show(sorted(got, key=issue_key_order))}")
    parts = []
    if wanted - got:
        parts.append(f"missing {show(sorted(wanted - got, key=issue_key_order))}")
    if got - wanted:
        parts.append(f"unexpected {show(sorted(got - wanted, key=issue_key_order))}")
    return Verdict(description, False, f"`{check.jql}`: " + ", ".join(parts))


@CHECKS.register(CommentCheck)
async def _comment(ctx: CheckContext, check: CommentCheck) -> Verdict:
    key = ctx.resolve(check.issue)
    what = " and ".join(repr(p) for p in check.contains) or (f"/{check.matches}/" if check.matches else "anything")
    description = check.description or (
        f"a new comment on {key} containing {what}" if check.present else f"no new comment on {key} containing {what}")
    record = await ctx.issue(key)
    if record is None:
        return Verdict(description, False, f"{key} does not exist")
    old_ids = ctx.ids_before(key, "comments", record)
    new = [c for c in record["comments"] if c["id"] not in old_ids]
    pattern = check.matches

    def fits(comment: CommentRecord) -> bool:
        body = comment.get("body") or ""
        if any(p.lower() not in body.lower() for p in check.contains):
            return False
        if pattern and not ctx.search(pattern, body, f"a new comment on {key}"):
            return False
        if check.author and (comment.get("author") or "").lower() != check.author.lower():
            return False
        return True

    matching = [c for c in new if fits(c)]
    if check.present:
        if len(matching) >= check.min_count:
            plural = "s" if len(matching) != 1 else ""
            return Verdict(description, True, f"{key} has {len(matching)} new matching comment{plural}")
        if not new:
            return Verdict(description, False, f"{key} got no new comment")
        bodies = "; ".join(show(c["body"]) for c in new[:3])
        return Verdict(description, False,
                       f"{key} got {len(new)} new comment(s), {len(matching)} matching {what} ({bodies})")
    if matching:
        return Verdict(description, False, f"{key} got a comment it should not have: {show(matching[0]['body'])}")
    return Verdict(description, True, f"{key} got no such comment")


@CHECKS.register(LinkCheck)
async def _link(ctx: CheckContext, check: LinkCheck) -> Verdict:
    key, other = ctx.resolve(check.issue), ctx.resolve(check.other)
    record = await ctx.issue(key)
    verb = check.type
    description = check.description or (
        f"{key} {'is' if check.present else 'is not'} linked to {other} ({verb}"
        + (")" if check.any_direction else f", {key} on the outward side)"))
    if record is None:
        return Verdict(description, False, f"{key} does not exist")
    same_type = [ln for ln in record["links"] if ln["type"].lower() == check.type.lower() and ln["other"] == other]
    found = [ln for ln in same_type if check.any_direction or ln["direction"] == "outward"]
    if check.present and found:
        return Verdict(description, True, f"{key} {found[0]['text']} {other}")
    if check.present:
        if same_type:
            return Verdict(description, False,
                           f"the {check.type} link is the wrong way round: {key} {same_type[0]['text']} {other}")
        others = ", ".join(f"{ln['text']} {ln['other']}" for ln in record["links"]) or "no links"
        return Verdict(description, False, f"no {check.type} link from {key} to {other} ({key} has: {others})")
    if found:
        return Verdict(description, False, f"{key} {found[0]['text']} {other}, which should not be")
    return Verdict(description, True, f"no {check.type} link from {key} to {other}")


@CHECKS.register(WorklogCheck)
async def _worklog(ctx: CheckContext, check: WorklogCheck) -> Verdict:
    key = ctx.resolve(check.issue)
    description = check.description or (
        f"work logged on {key}" + (f": {check.time_spent}" if check.time_spent else "")
        if check.present else f"no work logged on {key}")
    record = await ctx.issue(key)
    if record is None:
        return Verdict(description, False, f"{key} does not exist")
    old_ids = ctx.ids_before(key, "worklogs", record)
    new = [w for w in record["worklogs"] if w["id"] not in old_ids]
    if check.author:
        new = [w for w in new if (w.get("author") or "").lower() == check.author.lower()]
    if check.comment_contains:
        new = [w for w in new if check.comment_contains.lower() in (w.get("comment") or "").lower()]
    total = sum(w["time_spent_seconds"] for w in new)
    if not check.present:
        return Verdict(description, not new, f"{key} got no new work log" if not new
                else f"{key} got {format_duration(total)} of work logged")
    if not new:
        return Verdict(description, False, f"{key} got no matching work log")
    if check.time_spent is None:
        return Verdict(description, True, f"{key} got {format_duration(total)} logged")
    wanted, slack = parse_duration(check.time_spent), parse_duration(check.tolerance)
    if abs(total - wanted) <= slack:
        return Verdict(description, True, f"{key} got {format_duration(total)} logged")
    return Verdict(description, False, f"{key} got {format_duration(total)} logged, expected {check.time_spent}")


@CHECKS.register(CreatedIssueCheck, first=True)
async def _created_issue(ctx: CheckContext, check: CreatedIssueCheck) -> Verdict:
    match, expect = ctx.expand(check.match), ctx.expand(check.expect)
    what = describe_expect(match) or "any issue"
    description = check.description or f"{check.count} new issue(s) with {what}" + (
        f", each {describe_expect(expect)}" if expect else "")
    candidates = [ctx.after[k] for k in ctx.created]
    matched = [r for r in candidates if not record_mismatches(r, match, ctx.search)]
    ctx.claimed_created.update(r["key"] for r in matched)
    if check.as_ and matched:
        ctx.bindings[check.as_] = matched[0]["key"]
    if len(matched) != check.count:
        listed = ", ".join(f"{r['key']} {show(r['summary'])}" for r in candidates[:5]) or "none"
        return Verdict(description, False, (f"{len(matched)} created issue(s) match {what}, expected {check.count} "
                                    f"(created: {listed})"))
    mismatches = {r["key"]: record_mismatches(r, expect, ctx.search) for r in matched}
    problems = [f"{key} " + "; ".join(found) for key, found in mismatches.items() if found]
    if problems:
        return Verdict(description, False, "; ".join(problems))
    return Verdict(description, True, f"created {', '.join(r['key'] for r in matched) or 'nothing'} as expected")


@CHECKS.register(UnchangedCheck)
async def _unchanged(ctx: CheckContext, check: UnchangedCheck) -> Verdict:
    allowed: set[str] = set()
    allowed_fields: dict[str, set[str]] = {}
    for entry in check.except_:
        if isinstance(entry, str):
            allowed.add(ctx.resolve(entry))
        else:
            allowed_fields.setdefault(ctx.resolve(entry.issue), set()).update(entry.fields)
    besides = sorted(allowed, key=issue_key_order) + [
        f"{key} {'/'.join(sorted(fields))}" for key, fields in sorted(allowed_fields.items())]
    description = check.description or (
        "nothing else changed" + (f" (besides {', '.join(besides)})" if besides else ""))
    ignore = set(check.ignore_fields)
    problems: list[str] = []
    for key in sorted(ctx.before, key=issue_key_order):  # any issue not in `before` is unchanged or was created
        if key in allowed:
            continue
        if key not in ctx.after:
            problems.append(f"{key} was deleted")
            continue
        fields = diff_records(ctx.before[key], ctx.after[key], ignore | allowed_fields.get(key, set()))
        for name, change in list(fields.items())[:3]:
            problems.append(f"{key} {name} changed from {show(change['before'])} to {show(change['after'])}")
    if not check.allow_created:
        for key in ctx.created:
            if key not in ctx.claimed_created and key not in allowed:
                problems.append(f"{key} was created ({show(ctx.after[key]['summary'])})")
    if problems:
        more = f" (and {len(problems) - 4} more)" if len(problems) > 4 else ""
        return Verdict(description, False, "; ".join(problems[:4]) + more)
    return Verdict(description, True, "nothing else changed")


@CHECKS.register(AnswerCheck)
async def _answer(ctx: CheckContext, check: AnswerCheck) -> Verdict:
    parts = []
    if check.contains:
        parts.append("mentions " + ", ".join(repr(p) for p in check.contains))
    if check.any_of:
        parts.append("mentions one of " + ", ".join(repr(p) for p in check.any_of))
    if check.not_contains:
        parts.append("does not mention " + ", ".join(repr(p) for p in check.not_contains))
    if check.matches:
        parts.append(f"matches /{check.matches}/")
    description = check.description or "the answer " + "; ".join(parts or ["is given"])
    text = ctx.answer
    low = text.lower()
    missing = [p for p in check.contains if p.lower() not in low]
    present = [p for p in check.not_contains if p.lower() in low]
    problems = []
    if missing:
        problems.append("does not mention " + ", ".join(repr(p) for p in missing))
    if check.any_of and not any(p.lower() in low for p in check.any_of):
        problems.append("mentions none of " + ", ".join(repr(p) for p in check.any_of))
    if present:
        problems.append("mentions " + ", ".join(repr(p) for p in present) + ", which it should not")
    if check.matches and not ctx.search(check.matches, text, "the answer"):
        problems.append(f"does not match /{check.matches}/")
    if not text.strip():
        return Verdict(description, False, "the agent gave no final answer")
    if problems:
        return Verdict(description, False, f"the answer {'; '.join(problems)} (answer: {show(text)})")
    return Verdict(description, True, "the answer " + "; ".join(parts or ["is given"]))


# Every check model has its function from here on: a kind without one fails here, at import.
CHECK_KINDS = CHECKS.seal()


async def _run_check(context: CheckContext, index: int, check: Check) -> CheckResult:
    """One check's result; a check that cannot be evaluated (an unbound $name, Jira unreadable) fails with why. One
    that cannot be judged (a pattern ran out of time) fails too, and is noted in `context.unjudged`."""
    try:
        description, passed, reason = await CHECKS.kind(check.kind).function(context, check)
    except _Fail as exc:
        description, passed, reason = check.description or check.kind, False, str(exc)
    except JiraReadError as exc:
        description, passed, reason = check.description or check.kind, False, f"could not read Jira: {exc}"
    except PatternTimeout as exc:
        description, passed, reason = check.description or check.kind, False, str(exc)
        context.unjudged.append(f"check {index + 1} ({check.kind}) could not be judged: {exc}")
    return CheckResult(index, check.kind, description, passed, reason)


async def evaluate(scenario: Scenario, reader: JiraReader, state: StateChange | dict[str, IssueRecord],
                   final_answer: str | None) -> Evaluation:
    """Run every check of `scenario` against the state `reader` sees now; `state` holds the records before and
    after the agent worked (`jira.state_capture`: whole snapshots, or the issues it wrote), or is the whole snapshot
    taken before it (the after-snapshot is then read here). Kinds registered `first` (created_issue: it binds names
    and claims issues) run first, then the others in order; results come back in the scenario's order. Pattern
    searches are bounded (`patterns`): a check whose pattern ran out of time fails and sets the Evaluation's
    `error`."""
    if not isinstance(state, StateChange):
        state = StateChange(state, await reader.snapshot(), complete=True)
    context = CheckContext(reader, state.before, state.after, final_answer, complete=state.complete)
    checks = scenario.checks
    order = sorted(range(len(checks)), key=lambda i: 0 if CHECKS.kind(checks[i].kind).first else 1)
    results = {index: await _run_check(context, index, checks[index]) for index in order}
    return Evaluation([results[i] for i in range(len(checks))], diff_snapshots(state.before, state.after),
                      state.after, error=context.unjudged[0] if context.unjudged else None)
