"""JQL against the small Jira (tests/jql/fixture_data.py; now = Tue 2026-11-24 09:00 UTC, current user Alice):
every operator, function and field, with the expected keys; ORDER BY with the expected order; paging."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from jira_bench_tui.jira.db import connect, copy_database
from jira_bench_tui.jira.jql import count, search

ALL = "WEB-1 WEB-2 WEB-3 WEB-4 WEB-5 WEB-6 WEB-7 OPS-1 OPS-2"
UNRESOLVED = "WEB-1 WEB-2 WEB-3 WEB-6 WEB-7 OPS-1 OPS-2"

# (query, expected keys as a space-separated set)
MATCHES: list[tuple[str, str]] = [
    # structure, keywords, precedence
    ("project = WEB", "WEB-1 WEB-2 WEB-3 WEB-4 WEB-5 WEB-6 WEB-7"),
    ("project = ops", "OPS-1 OPS-2"),
    ('project = "Operations"', "OPS-1 OPS-2"),
    ("project = 10001", "OPS-1 OPS-2"),
    ("project in (WEB, OPS) AND type = Bug", "WEB-3 WEB-5"),
    ("project != WEB", "OPS-1 OPS-2"),
    ("project not in (WEB)", "OPS-1 OPS-2"),
    ("NOT project = WEB", "OPS-1 OPS-2"),
    ("project = WEB AND (assignee = 'bob@acme.test' OR reporter = 'bob@acme.test')", "WEB-2 WEB-4 WEB-5 WEB-7"),
    ("project = OPS OR priority = Highest AND type = Bug", "OPS-1 OPS-2 WEB-3"),
    ("NOT (project = WEB OR priority = High)", "OPS-2"),
    ("!(labels = urgent) && project = OPS", ""),  # OPS-2 has no labels: a negated clause leaves it out
    ("labels = docs || labels = ux", "WEB-2 WEB-4"),
    ("project = web and STATUS = 'to do' Or KEY = WEB-1", "WEB-1 WEB-3 WEB-6"),
    # status, status category, priority, type, resolution
    ("status = 'In Progress'", "WEB-1 WEB-2 OPS-2"),
    ('status in ("To Do", "In Review")', "WEB-3 WEB-6 WEB-7 OPS-1"),
    ("status not in (Done)", UNRESOLVED),
    ("status = done", "WEB-4 WEB-5"),
    ("status != Done", UNRESOLVED),
    ("status = 10003", "WEB-4 WEB-5"),
    ("statusCategory != Done", UNRESOLVED),
    ('statusCategory = "To Do"', "WEB-3 WEB-6 OPS-1"),
    ("statusCategory = indeterminate", "WEB-1 WEB-2 WEB-7 OPS-2"),
    ("priority = High", "WEB-1 WEB-2 OPS-1"),
    ("priority in (Highest, High)", "WEB-1 WEB-2 WEB-3 OPS-1"),
    ("priority >= High", "WEB-1 WEB-2 WEB-3 OPS-1"),
    ("priority > High", "WEB-3"),
    ("priority < Medium", "WEB-4 WEB-6"),
    ("priority <= low", "WEB-4 WEB-6"),
    ("priority not in (Low, Lowest)", "WEB-1 WEB-2 WEB-3 WEB-5 WEB-7 OPS-1 OPS-2"),
    ("type = Story", "WEB-2 WEB-7"),
    ("issuetype in (Epic, 'Sub-task')", "WEB-1 WEB-6"),
    ("type in standardIssueTypes() AND project = WEB", "WEB-1 WEB-2 WEB-3 WEB-4 WEB-5 WEB-7"),
    ("type in subTaskIssueTypes()", "WEB-6"),
    ("resolution = Unresolved", UNRESOLVED),
    ("resolution is EMPTY", UNRESOLVED),
    ("resolution != Unresolved", "WEB-4 WEB-5"),
    ("resolution = Done", "WEB-4"),
    ('resolution = "Won\'t Do"', "WEB-5"),
    ("resolution in (Done, \"Won't Do\")", "WEB-4 WEB-5"),
    # users, groups, watchers
    ("assignee = currentUser()", "WEB-1 WEB-6 OPS-2"),
    ("assignee = 'Bob Builder'", "WEB-2 WEB-5 OPS-1"),
    ("assignee = 'BOB@acme.test'", "WEB-2 WEB-5 OPS-1"),
    ("assignee = 712020:carol-0001", "WEB-4"),
    ("assignee is EMPTY", "WEB-3"),
    ("assignee = EMPTY", "WEB-3"),
    ("assignee is null", "WEB-3"),
    ("assignee is not empty AND reporter = currentUser()", "WEB-1 WEB-2 WEB-5 WEB-6 OPS-1"),
    ("assignee != currentUser()", "WEB-2 WEB-4 WEB-5 WEB-7 OPS-1"),
    ("NOT assignee = currentUser()", "WEB-2 WEB-4 WEB-5 WEB-7 OPS-1"),  # as !=: not the unassigned WEB-3
    ("assignee in membersOf(devs)", "WEB-1 WEB-2 WEB-5 WEB-6 OPS-1 OPS-2"),
    ("assignee not in membersOf('devs')", "WEB-4 WEB-7"),
    ("assignee in (EMPTY, 'carol@acme.test')", "WEB-3 WEB-4"),
    ("assignee in (currentUser(), 'Carol Chen')", "WEB-1 WEB-4 WEB-6 OPS-2"),
    ("sprint in (openSprints())", "WEB-2 WEB-3 WEB-6"),
    ("sprint = openSprints()", "WEB-2 WEB-3 WEB-6"),
    ('reporter = "carol chen"', "WEB-3 OPS-2"),
    ("creator = 'bob@acme.test'", "WEB-4 WEB-7"),
    ("watcher = 'bob@acme.test'", "WEB-3"),
    ("watcher = currentUser()", ""),
    ("watcher is empty", "WEB-1 WEB-2 WEB-4 WEB-5 WEB-6 WEB-7 OPS-1 OPS-2"),
    # labels, components, versions, sprints
    ("labels = urgent", "WEB-3 OPS-1"),
    ("labels = URGENT", "WEB-3 OPS-1"),
    ("labels in (frontend, docs)", "WEB-2 WEB-4"),
    ("labels != urgent", "WEB-2 WEB-4"),
    ("labels not in (urgent, docs)", "WEB-2"),
    ("labels is EMPTY", "WEB-1 WEB-5 WEB-6 WEB-7 OPS-2"),
    ("labels = nosuchlabel", ""),
    ("component = UI", "WEB-2 WEB-5"),
    ("component in (ui, API)", "WEB-2 WEB-3 WEB-5"),
    ("component is empty AND project = WEB", "WEB-1 WEB-4 WEB-6 WEB-7"),
    ("fixVersion = 2.0", "WEB-2"),
    ("fixVersion = '1.0'", "WEB-4"),
    ("fixVersion in releasedVersions()", "WEB-4"),
    ("fixVersion in unreleasedVersions(WEB)", "WEB-2"),
    ("affectedVersion = 1.0", "WEB-3 WEB-5"),
    ("fixVersion is EMPTY AND project = WEB", "WEB-1 WEB-3 WEB-5 WEB-6 WEB-7"),
    ("sprint in openSprints()", "WEB-2 WEB-3 WEB-6"),
    ("sprint in closedSprints()", "WEB-3 WEB-4"),
    ("sprint in futureSprints()", "WEB-6"),
    ('sprint = "Sprint 2"', "WEB-2 WEB-3"),
    ("sprint = 1", "WEB-3 WEB-4"),
    ("cf[10020] = 1", "WEB-3 WEB-4"),
    ("sprint is EMPTY", "WEB-1 WEB-5 WEB-7 OPS-1 OPS-2"),
    ("sprint in openSprints() AND sprint not in closedSprints()", "WEB-2 WEB-6"),
    # parent, epic, keys, links
    ("parent = WEB-1", "WEB-2 WEB-7"),
    ("parent in (WEB-2)", "WEB-6"),
    ("parent is empty AND project = WEB", "WEB-1 WEB-3 WEB-4 WEB-5"),
    ('"Epic Link" = WEB-1', "WEB-2 WEB-7"),
    ("key = WEB-3", "WEB-3"),
    ("issuekey in (WEB-1, ops-2)", "WEB-1 OPS-2"),
    ("id = 10002", "WEB-3"),
    ("key >= WEB-6", "WEB-6 WEB-7"),
    ("key < OPS-2", "OPS-1"),
    ("key != WEB-1 AND project = WEB AND key <= WEB-3", "WEB-2 WEB-3"),
    ("issue in linkedIssues(WEB-3)", "WEB-2 OPS-1"),
    ('issue in linkedIssues(WEB-3, "blocks")', "WEB-2"),
    ("issueLinkType = blocks", "WEB-3"),
    ('issueLinkType = "is blocked by"', "WEB-2"),
    ("issueLinkType = 'relates to'", "WEB-3 OPS-1"),
    # text search
    ("summary ~ login", "WEB-3"),
    ('summary ~ "checkout page"', "WEB-2"),
    ('summary ~ "page checkout"', "WEB-2"),
    ('summary ~ "\\"the checkout page\\""', "WEB-2"),
    ('summary ~ "\\"page checkout\\""', ""),
    ("summary ~ 'fail'", "WEB-3 WEB-5 OPS-1"),
    ("summary ~ 'check*'", "WEB-1 WEB-2 WEB-6"),
    ("summary ~ LOGIN", "WEB-3"),
    ("summary !~ checkout", "WEB-3 WEB-4 WEB-5 WEB-7 OPS-1 OPS-2"),
    ("summary ~ chec", ""),
    ("description ~ unicode", "WEB-3"),
    ("description ~ 'the database'", "OPS-1"),
    ("description is empty", "WEB-1 WEB-2 WEB-4 WEB-6 WEB-7 OPS-2"),
    ("description is not empty", "WEB-3 WEB-5 OPS-1"),
    ("comment ~ staging", "WEB-3"),
    ("comment is not empty", "WEB-3"),
    ('text ~ "database"', "WEB-3 OPS-1"),
    ("text ~ prod", "OPS-1"),
    ("text ~ persist", "WEB-7"),
    ("environment ~ prod", "OPS-1"),
    ("(summary ~ backup OR description ~ unicode)", "WEB-3 OPS-1"),
    ("summary ~ 'the'", ""),
    ("summary !~ 'the'", ALL),
    ("summary ~ 'LOGIN fails'", "WEB-3"),
    ("description ~ 'networks time'", "WEB-5"),
    ("summary ~ 'certificate'", "OPS-2"),
    ("comment ~ reproduce", "WEB-3"),
    # dates: relative, absolute, functions (minute resolution, UTC)
    ("created >= -7d", "WEB-3 WEB-5 WEB-6 WEB-7 OPS-1"),
    ('created >= "-24h"', "WEB-7 OPS-1"),
    ("created > -3w AND created < -1w", "WEB-2"),
    ("created >= -2w", "WEB-2 WEB-3 WEB-5 WEB-6 WEB-7 OPS-1"),
    ('created >= "-1w 2d"', "WEB-3 WEB-5 WEB-6 WEB-7 OPS-1"),
    ('created >= "2026-11-20" AND created < "2026/11/21 00:00"', "WEB-3"),
    ('created = "2026-11-10 09:00"', "WEB-2"),
    ('created != "2026-11-10 09:00" AND project = WEB AND created > 2026-11-01', "WEB-3 WEB-5 WEB-6 WEB-7"),
    ("createdDate < 2026-10-01", "WEB-4"),
    ("created <= 2026-10-01", "WEB-4"),
    ("updated >= startOfDay()", "WEB-3 WEB-7"),
    ("updated >= startOfDay(-1)", "WEB-2 WEB-3 WEB-5 WEB-7 OPS-1"),
    ("updatedDate > now()", ""),
    ("created >= startOfWeek()", "WEB-7 OPS-1"),
    ("created >= startOfMonth() AND created <= endOfMonth()", "WEB-2 WEB-3 WEB-5 WEB-6 WEB-7 OPS-1 OPS-2"),
    ("created < startOfMonth(-1)", "WEB-4"),
    ("created < startOfYear()", ""),
    ("created > endOfYear(-1)", ALL),
    ("resolved >= -7d", "WEB-5"),
    ("resolutiondate < startOfMonth()", "WEB-4"),
    ("resolved is empty", UNRESOLVED),
    ("duedate < now()", "OPS-2"),
    ("due <= endOfDay('+1d')", "WEB-3 OPS-2"),
    ("due <= endOfDay()", "OPS-2"),
    ("duedate = 2026-11-25", "WEB-3"),
    ("due >= startOfWeek('+1w')", "WEB-7"),
    ("duedate is empty", "WEB-1 WEB-2 WEB-4 WEB-5 WEB-6 OPS-1"),
    ("duedate in (2026-11-25, 2026-12-01)", "WEB-3 WEB-7"),
    # worklogs and time tracking (durations with Jira's 8h day)
    ("worklogAuthor = 'carol@acme.test'", "WEB-4"),
    ("worklogAuthor = currentUser()", ""),
    ("worklogAuthor is not empty", "WEB-4"),
    ("worklogDate >= 2026-09-01", "WEB-4"),
    ("worklogDate = '2026-09-05 16:00'", "WEB-4"),
    ("worklogDate > -7d", ""),
    ("timespent > 1h", "WEB-4"),
    ("timespent is empty", "WEB-1 WEB-2 WEB-3 WEB-5 WEB-6 WEB-7 OPS-1 OPS-2"),
    ("originalEstimate = 2h", "WEB-4"),
    ("remainingEstimate <= 30m", "WEB-4"),
    ("originalEstimate < 1d", "WEB-4"),
    # custom fields by name, cf[N] and customfield_N
    ('"Story point estimate" >= 3', "WEB-2 WEB-7"),
    ("cf[10016] = 2", "WEB-6"),
    ("customfield_10016 is empty", "WEB-1 WEB-3 WEB-4 WEB-5 OPS-1 OPS-2"),
    ('"story point estimate" in (2, 5)', "WEB-2 WEB-6"),
    ("cf[10016] < 3", "WEB-6"),
    ("cf[10016] != 5", "WEB-6 WEB-7"),
    ("Team = Blue", "WEB-7"),
    ("Team != red", "WEB-7"),
    ("Team is empty", "WEB-1 WEB-3 WEB-4 WEB-5 WEB-6 OPS-1 OPS-2"),
    ('"Release notes" ~ persist', "WEB-7"),
    ('"Release notes" is not empty', "WEB-7"),
]

# History (the fixture's `history`, tests/jql/fixture_data.py): WAS holds for any period of a value, from the change
# that set it (or creation) until the next change (or now); CHANGED for the changes themselves.
HISTORY: list[tuple[str, str]] = [
    # WAS, WAS IN, WAS NOT, WAS NOT IN: current values, values since creation and values set by changes
    ('status WAS "In Review"', "WEB-2 WEB-7"),
    ('status was "in review"', "WEB-2 WEB-7"),
    ("status was 10002", "WEB-2 WEB-7"),
    ('status WAS "To Do"', "WEB-1 WEB-2 WEB-3 WEB-4 WEB-5 WEB-6 OPS-1 OPS-2"),
    ('status WAS NOT "To Do"', "WEB-7"),
    ('status WAS IN ("In Review", Done)', "WEB-2 WEB-4 WEB-5 WEB-7"),
    ('status WAS ("In Review", Done)', "WEB-2 WEB-4 WEB-5 WEB-7"),
    ('status WAS NOT IN ("To Do", "In Progress")', "WEB-7"),
    ("NOT status WAS Done", "WEB-1 WEB-2 WEB-3 WEB-6 WEB-7 OPS-1 OPS-2"),
    ("assignee WAS 'bob@acme.test'", "WEB-2 WEB-3 WEB-5 OPS-1 OPS-2"),
    ("assignee WAS EMPTY", "WEB-3 WEB-4"),
    ("assignee WAS currentUser()", "WEB-1 WEB-6 OPS-2"),
    ("assignee WAS IN membersOf(qa)", "WEB-4 WEB-5"),
    ("assignee WAS NOT 'bob@acme.test'", "WEB-1 WEB-4 WEB-6 WEB-7"),
    ("reporter WAS 'Bob Builder'", "WEB-1 WEB-4 WEB-7"),
    ("priority WAS High", "WEB-1 WEB-2 WEB-5 OPS-1 OPS-2"),
    ("resolution WAS Done", "WEB-4"),
    ("resolution WAS \"Won't Do\"", "WEB-5"),
    ("resolution WAS Unresolved", "WEB-1 WEB-2 WEB-3 WEB-4 WEB-5 WEB-6 WEB-7 OPS-1 OPS-2"),
    ("fixVersion WAS 1.0", "WEB-2 WEB-4"),
    ("fixVersion WAS IN releasedVersions()", "WEB-2 WEB-4"),
    ("fixVersion WAS EMPTY", "WEB-1 WEB-3 WEB-5 WEB-6 WEB-7 OPS-1 OPS-2"),
    # WAS with predicates: BY the author of the change that set the value (the creator for the first value),
    # BEFORE / AFTER / ON / DURING on the period, all on the same period
    ("assignee WAS 'bob@acme.test' BY 'bob@acme.test'", "WEB-3"),
    ("assignee WAS 'carol@acme.test' BEFORE '2026-11-18'", "WEB-4 WEB-5"),
    ("assignee WAS 'bob@acme.test' DURING ('2026-11-22 10:00', '2026-11-23 12:00')", "WEB-2 WEB-3 WEB-5"),
    ('status WAS "In Progress" BY "bob@acme.test" AFTER startOfWeek()', "WEB-5"),
    ('status WAS "In Progress" ON "2026-11-21"', "WEB-1 WEB-5 OPS-2"),
    ('status WAS "In Progress" ON ("2026-11-21", "2026-11-17")', "WEB-1 WEB-2 WEB-5 OPS-2"),
    ('status WAS "To Do" BY currentUser()', "WEB-1 WEB-2 WEB-5 WEB-6 OPS-1"),
    ("priority WAS Medium ON 2026-11-20", "WEB-3 WEB-5"),
    ('priority WAS High DURING ("2026-11-20", "2026-11-21")', "WEB-1 WEB-2 OPS-2"),
    ("priority WAS Highest BEFORE -2d", "WEB-3"),
    ("priority WAS Highest BEFORE -3d", ""),
    ('resolution WAS Unresolved AFTER "2026-11-22"', "WEB-1 WEB-2 WEB-3 WEB-5 WEB-6 WEB-7 OPS-1 OPS-2"),
    ('fixVersion WAS "1.0" AFTER "2026-11-13"', "WEB-4"),
    ('fixVersion WAS "2.0" BEFORE "2026-11-12"', ""),
    ('fixVersion WAS "2.0" BEFORE "2026-11-13"', "WEB-2"),
    ('fixVersion WAS EMPTY BEFORE "2026-10-01"', ""),
    ('status WAS NOT "In Progress" BEFORE "2026-11-01"', "WEB-2 WEB-3 WEB-5 WEB-6 WEB-7 OPS-1 OPS-2"),
    # CHANGED and its predicates: FROM and TO the old and new value, BY the author, dates on the change
    ("status CHANGED", "WEB-1 WEB-2 WEB-4 WEB-5 OPS-2"),
    ("NOT status CHANGED", "WEB-3 WEB-6 WEB-7 OPS-1"),
    ('status CHANGED FROM "In Review"', "WEB-2"),
    ("status CHANGED TO Done", "WEB-4 WEB-5"),
    ('status CHANGED FROM "To Do" TO "In Progress"', "WEB-1 WEB-2 WEB-4 WEB-5 OPS-2"),
    ("status CHANGED BY 'bob@acme.test'", "WEB-2 WEB-5"),
    ("status CHANGED BY currentUser()", "WEB-1"),
    ("status CHANGED BY membersOf(qa)", "WEB-2 WEB-4 OPS-2"),
    ("status CHANGED BY ('alice@acme.test', 'carol@acme.test')", "WEB-1 WEB-2 WEB-4 OPS-2"),
    ("status CHANGED TO Done AFTER -7d", "WEB-5"),
    ("status CHANGED AFTER startOfWeek()", "WEB-2 WEB-5"),
    ('status CHANGED BEFORE "2026-10-01"', "WEB-4"),
    ('status CHANGED ON "2026-11-23"', "WEB-2 WEB-5"),
    ('status CHANGED DURING ("2026-11-16", "2026-11-19")', "WEB-2 WEB-5"),
    ("status CHANGED BY 'bob@acme.test' BEFORE '2026-11-17'", "WEB-2"),
    ('status CHANGED TO "In Review" AFTER -7d AND status WAS "In Progress"', "WEB-2"),
    ("assignee CHANGED FROM 'bob@acme.test' TO EMPTY", "WEB-3"),
    ("assignee CHANGED FROM EMPTY", "WEB-3 WEB-4"),
    ("reporter CHANGED", "WEB-1"),
    ("priority CHANGED FROM High TO Medium", "WEB-5 OPS-2"),
    ("priority CHANGED TO Highest BY 'carol@acme.test'", "WEB-3"),
    ("priority CHANGED BEFORE now()", "WEB-3 WEB-5 OPS-2"),
    ("resolution CHANGED TO \"Won't Do\" BY 'bob@acme.test'", "WEB-5"),
    ("fixVersion CHANGED", "WEB-2"),
    ('fixVersion CHANGED FROM "1.0"', "WEB-2"),
    ("fixVersion CHANGED TO 2.0 BY 'alice@acme.test'", "WEB-2"),
    ('fixVersion CHANGED FROM "1.0" TO "2.0"', ""),  # a version removed and one added are two changes, as in Jira
    # every operator with predicates together, and negated
    ('status WAS IN ("In Review", Done) BEFORE "2026-11-21"', "WEB-2 WEB-4"),
    ('status WAS NOT IN ("To Do") BY currentUser()', "WEB-3 WEB-4 WEB-7 OPS-2"),
    ("assignee WAS NOT IN (currentUser(), 'bob@acme.test')", "WEB-4 WEB-7"),
    ("assignee WAS EMPTY BY 'bob@acme.test'", "WEB-3 WEB-4"),  # WEB-4 was created by Bob without an assignee
    ('status WAS "In Progress" DURING (startOfWeek(-1), endOfWeek(-1))', "WEB-1 WEB-2 WEB-5 OPS-2"),
    ("assignee CHANGED TO currentUser()", "OPS-2"),
    ('status CHANGED FROM "In Progress" TO "In Review" BY \'bob@acme.test\' DURING ("2026-11-16", "2026-11-21")',
     "WEB-2"),
    ("priority CHANGED AFTER 2026-11-21 BEFORE 2026-11-23", "OPS-2"),
    ("NOT status CHANGED TO Done", "WEB-1 WEB-2 WEB-3 WEB-6 WEB-7 OPS-1 OPS-2"),
    ("NOT status CHANGED BY 'bob@acme.test'", "WEB-1 WEB-3 WEB-4 WEB-6 WEB-7 OPS-1 OPS-2"),
]

# NOT as Jira applies it (its DeMorgansVisitor; Atlassian's "JQL operators": `field != value` is `NOT field = value`,
# and != never matches an issue without a value): NOT is pushed down to the clauses, each taking the opposite
# operator, so a negated clause leaves out the issues where the field is EMPTY, for every kind of field.
NEGATION: list[tuple[str, str]] = [
    # single value: users, resolution, priority, dates, durations, keys, parent, custom fields
    ("NOT assignee = 'bob@acme.test'", "WEB-1 WEB-4 WEB-6 WEB-7 OPS-2"),  # not the unassigned WEB-3
    ("assignee != 'bob@acme.test'", "WEB-1 WEB-4 WEB-6 WEB-7 OPS-2"),
    ("NOT assignee in ('bob@acme.test', currentUser())", "WEB-4 WEB-7"),
    ("NOT assignee not in ('bob@acme.test')", "WEB-2 WEB-5 OPS-1"),
    ("NOT assignee is EMPTY", "WEB-1 WEB-2 WEB-4 WEB-5 WEB-6 WEB-7 OPS-1 OPS-2"),
    ("NOT assignee = EMPTY", "WEB-1 WEB-2 WEB-4 WEB-5 WEB-6 WEB-7 OPS-1 OPS-2"),
    ("NOT assignee in (EMPTY, 'carol@acme.test')", "WEB-1 WEB-2 WEB-5 WEB-6 WEB-7 OPS-1 OPS-2"),
    ("NOT resolution = Done", "WEB-5"),  # the unresolved issues have no resolution
    ("resolution != Done", "WEB-5"),
    ("NOT resolution = Unresolved", "WEB-4 WEB-5"),
    ("NOT priority > Medium", "WEB-4 WEB-5 WEB-6 WEB-7 OPS-2"),  # priority <= Medium
    ("NOT duedate < now()", "WEB-3 WEB-7"),  # duedate >= now(): only issues with a due date
    ("NOT duedate > 2026-11-21", "OPS-2"),
    ("NOT resolved > -7d", "WEB-4"),
    ("NOT timespent > 2h", "WEB-4"),
    ("NOT originalEstimate = 2h", ""),
    ("NOT key > WEB-5", "WEB-1 WEB-2 WEB-3 WEB-4 WEB-5"),  # key <= WEB-5: a key range stays in its project
    ("NOT parent = WEB-1", "WEB-6"),
    ('NOT "Story point estimate" = 5', "WEB-6 WEB-7"),
    ('NOT "Story point estimate" >= 3', "WEB-6"),
    ("NOT Team = Red", "WEB-7"),
    # multi-valued: labels, components, versions, sprints, watchers, worklogs
    ("NOT labels = urgent", "WEB-2 WEB-4"),
    ("NOT labels in (urgent, docs)", "WEB-2"),
    ("NOT component = UI", "WEB-3"),
    ("component != UI", "WEB-3"),
    ("NOT fixVersion = 2.0", "WEB-4"),
    ("fixVersion != 2.0", "WEB-4"),
    ("NOT fixVersion in unreleasedVersions()", "WEB-4"),
    ("NOT affectedVersion = 1.0", ""),
    ("NOT sprint = 'Sprint 2'", "WEB-4 WEB-6"),
    ("NOT sprint in openSprints()", "WEB-4"),
    ("NOT watcher = currentUser()", "WEB-3"),
    ("NOT worklogAuthor = currentUser()", "WEB-4"),
    # text: NOT f ~ x is f !~ x (issues whose field has a value); NOT text ~ x is text !~ x, which matches nothing
    ("NOT summary ~ checkout", "WEB-3 WEB-4 WEB-5 WEB-7 OPS-1 OPS-2"),
    ("NOT description ~ backup", "WEB-3 WEB-5"),
    ("NOT description !~ backup", "OPS-1"),
    ("NOT environment ~ staging", "OPS-1"),
    ("NOT comment ~ unicode", "WEB-3"),
    ('NOT "Release notes" ~ invoices', "WEB-7"),
    ("NOT text ~ checkout", ""),
    ("NOT text ~ checkout OR project = OPS", "OPS-1 OPS-2"),
    # combinations: De Morgan, double negation, history under NOT
    ("NOT (assignee = 'bob@acme.test' OR labels = urgent)", "WEB-4"),
    ("NOT (fixVersion = 2.0 AND project = WEB)", "WEB-4 OPS-1 OPS-2"),
    ("NOT (component = UI OR component is EMPTY)", "WEB-3"),
    ("NOT NOT assignee = 'bob@acme.test'", "WEB-2 WEB-5 OPS-1"),
    ("NOT (NOT labels = urgent AND project = WEB)", "WEB-3 OPS-1 OPS-2"),
    ("NOT status = Done AND NOT assignee = currentUser()", "WEB-2 WEB-7 OPS-1"),
    ("NOT assignee WAS EMPTY", "WEB-1 WEB-2 WEB-5 WEB-6 WEB-7 OPS-1 OPS-2"),
    ("NOT (status CHANGED OR priority CHANGED)", "WEB-6 WEB-7 OPS-1"),
    ("NOT (status WAS Done OR assignee = EMPTY)", "WEB-1 WEB-2 WEB-6 WEB-7 OPS-1 OPS-2"),
]

# Text search with Jira's Lucene syntax (inside ~)
TEXT: list[tuple[str, str]] = [
    ('summary ~ "checkout OR login"', "WEB-1 WEB-2 WEB-3 WEB-6"),
    ('summary ~ "checkout || login"', "WEB-1 WEB-2 WEB-3 WEB-6"),
    ('summary ~ "checkout AND page"', "WEB-2"),
    ('summary ~ "checkout && page"', "WEB-2"),
    ('summary ~ "checkout NOT page"', "WEB-1 WEB-6"),
    ('summary ~ "checkout -page"', "WEB-1 WEB-6"),
    ('summary ~ "checkout !page"', "WEB-1 WEB-6"),
    ('summary ~ "+checkout -page -tests"', "WEB-1"),
    ('summary ~ "(login OR backup) AND fails"', "WEB-3 OPS-1"),
    ('summary ~ "redesign checkout OR page"', "WEB-1 WEB-2"),  # Lucene: +redesign checkout page
    ('summary ~ "checkout or page"', "WEB-2"),  # lower-case or is a stop word, not an operator
    ('summary ~ "NOT checkout"', ""),  # prohibited terms alone match nothing
    ('summary ~ "-checkout"', ""),
    ('summary ~ "f?il"', "WEB-3 WEB-5 OPS-1"),
    ('summary ~ "chec*"', "WEB-1 WEB-2 WEB-6"),
    ('summary ~ "\\"checkout page\\""', "WEB-2"),
    ('summary ~ "\\"redesign checkout\\" OR backup"', "OPS-1"),
    ('summary ~ "checkout^2 page~"', "WEB-2"),  # boosts and fuzziness are ignored
    ('summary ~ "the AND a"', ""),
    ('description ~ "unicode OR networks"', "WEB-3 WEB-5"),
    ('description !~ "backup"', "WEB-3 WEB-5"),  # only issues with a description
    ('environment !~ "staging"', "OPS-1"),
    ('comment ~ "staging -reproduced"', ""),
    ('comment !~ "unicode"', "WEB-3"),
    ('text ~ "staging database"', "WEB-3"),  # both words in the comment
    ('text ~ "staging AND unicode"', ""),  # each field searched alone: no field has both
    ('text ~ "staging OR backup"', "WEB-3 OPS-1"),
    ('text ~ "login -unicode"', "WEB-3"),  # the summary matches alone
    ('"Release notes" ~ "carts OR nothing"', "WEB-7"),
    ('"Release notes" ~ "persist -carts"', ""),
    ('"Release notes" !~ "invoices"', "WEB-7"),
    ('"Release notes" ~ "\\"carts now\\""', "WEB-7"),
    # more forms: words made of parts are phrases, phrases in text and comment, required terms, nested groups
    ('summary ~ "checkout-page"', "WEB-2"),
    ('summary ~ "login-fails"', "WEB-3"),
    ('summary ~ "\\"checkout page\\"~2"', "WEB-2"),  # proximity is ignored
    ('text ~ "\\"staging database\\""', "WEB-3"),
    ('comment ~ "\\"staging database\\""', "WEB-3"),
    ('text ~ "+backup +database"', "OPS-1"),
    ('summary ~ "fail*"', "WEB-3 WEB-5 OPS-1"),
    ('summary ~ "Fails"', "WEB-3 WEB-5 OPS-1"),
    ("summary ~ '(checkout OR backup) -redesign'", "WEB-6 OPS-1"),
    ('summary ~ "checkout AND NOT (page OR tests)"', "WEB-1"),
]


def _keys(conn: sqlite3.Connection, ids: list[int]) -> list[str]:
    by_id = dict(conn.execute("SELECT id, key FROM issues").fetchall())
    return [by_id[i] for i in ids]


@pytest.mark.parametrize(("jql", "expected"), MATCHES + HISTORY + NEGATION + TEXT,
                         ids=[m[0] for m in MATCHES + HISTORY + NEGATION + TEXT])
def test_query_matches(conn: sqlite3.Connection, jql: str, expected: str) -> None:
    ids, total = search(conn, jql)
    assert sorted(_keys(conn, ids)) == sorted(expected.split())
    assert total == len(expected.split()) == count(conn, jql)


ORDERED: list[tuple[str, str]] = [
    ("", "WEB-7 OPS-1 WEB-6 WEB-3 WEB-5 WEB-2 OPS-2 WEB-1 WEB-4"),  # default: created DESC
    ("project = WEB ORDER BY key ASC", "WEB-1 WEB-2 WEB-3 WEB-4 WEB-5 WEB-6 WEB-7"),
    ("ORDER BY key DESC", "WEB-7 WEB-6 WEB-5 WEB-4 WEB-3 WEB-2 WEB-1 OPS-2 OPS-1"),
    ("priority in (High, Highest) ORDER BY priority DESC, created ASC", "WEB-3 WEB-1 WEB-2 OPS-1"),
    ("project = WEB ORDER BY priority", "WEB-3 WEB-1 WEB-2 WEB-5 WEB-7 WEB-4 WEB-6"),
    ("project = WEB ORDER BY priority ASC", "WEB-6 WEB-4 WEB-5 WEB-7 WEB-1 WEB-2 WEB-3"),
    ("ORDER BY duedate ASC", "OPS-2 WEB-3 WEB-7 WEB-1 WEB-2 WEB-4 WEB-5 WEB-6 OPS-1"),
    ("ORDER BY duedate DESC", "WEB-1 WEB-2 WEB-4 WEB-5 WEB-6 OPS-1 WEB-7 WEB-3 OPS-2"),
    ("project = OPS ORDER BY created", "OPS-1 OPS-2"),
    ("status != Done ORDER BY status ASC, key ASC", "OPS-1 WEB-3 WEB-6 OPS-2 WEB-1 WEB-2 WEB-7"),
    ("assignee is not EMPTY order by assignee asc, key desc", "WEB-6 WEB-1 OPS-2 WEB-5 WEB-2 OPS-1 WEB-4 WEB-7"),
    ('"Story point estimate" is not empty ORDER BY cf[10016] DESC', "WEB-2 WEB-7 WEB-6"),
    ("ORDER BY rank", "WEB-1 WEB-2 WEB-3 WEB-4 WEB-5 WEB-6 WEB-7 OPS-1 OPS-2"),
    ("project = WEB order by summary", "WEB-1 WEB-5 WEB-3 WEB-2 WEB-7 WEB-4 WEB-6"),
    ("resolution is not empty ORDER BY resolved DESC", "WEB-5 WEB-4"),
    ("project = WEB ORDER BY updated DESC, key ASC", "WEB-3 WEB-7 WEB-2 WEB-5 WEB-6 WEB-1 WEB-4"),
]


@pytest.mark.parametrize(("jql", "expected"), ORDERED, ids=[o[0] or "(empty)" for o in ORDERED])
def test_query_order(conn: sqlite3.Connection, jql: str, expected: str) -> None:
    ids, total = search(conn, jql)
    assert _keys(conn, ids) == expected.split()
    assert total == len(expected.split())


def test_paging_returns_a_window_and_the_full_total(conn: sqlite3.Connection) -> None:
    ids, total = search(conn, "", start_at=2, limit=3)
    assert (_keys(conn, ids), total) == (["WEB-6", "WEB-3", "WEB-5"], 9)
    assert search(conn, "project = OPS", start_at=5) == ([], 2)
    assert search(conn, "project = OPS", limit=0) == ([], 2)
    with pytest.raises(ValueError, match="start_at"):
        search(conn, "", start_at=-1)
    with pytest.raises(ValueError, match="limit"):
        search(conn, "", limit=-1)


def test_search_sees_writes_made_on_the_connection(small_jira_db: Path, tmp_path: Path) -> None:
    conn = connect(copy_database(small_jira_db, tmp_path / "trial.sqlite"))
    conn.execute("INSERT INTO issue_labels(issue_id, label) SELECT id, 'later' FROM issues WHERE key = 'OPS-2'")
    assert _keys(conn, search(conn, "labels = later")[0]) == ["OPS-2"]


def test_text_search_follows_every_write(small_jira_db: Path, tmp_path: Path) -> None:
    conn = connect(copy_database(small_jira_db, tmp_path / "trial.sqlite"))
    conn.execute("UPDATE issues SET summary = 'Migrate the database' WHERE key = 'OPS-2'")
    conn.execute("INSERT INTO comments(issue_id, author_id, body, created, updated) SELECT id, reporter_id, "
                 "'Needs a migration plan', created, created FROM issues WHERE key = 'WEB-1'")
    conn.execute("DELETE FROM issues WHERE key = 'OPS-1'")
    conn.execute("UPDATE comments SET body = 'Cannot reproduce' WHERE issue_id = "
                 "(SELECT id FROM issues WHERE key = 'WEB-3')")
    conn.execute("UPDATE issues SET custom_fields = json_set(custom_fields, '$.customfield_10051', 'Migrated') "
                 "WHERE key = 'WEB-5'")
    conn.commit()
    assert sorted(_keys(conn, search(conn, "text ~ migrate")[0])) == ["OPS-2", "WEB-1", "WEB-5"]
    assert _keys(conn, search(conn, "summary ~ migration")[0]) == ["OPS-2"]
    assert _keys(conn, search(conn, "text ~ backup")[0]) == []
    assert _keys(conn, search(conn, "comment ~ staging")[0]) == []
    assert _keys(conn, search(conn, "comment ~ reproduce")[0]) == ["WEB-3"]
