"""A small, readable Jira for the db and JQL tests: two projects, four users, nine issues, three sprints, and the
past changes of six issues (their `history`, for WAS and CHANGED)."""

from __future__ import annotations

from typing import Any

SMALL_JIRA: dict[str, Any] = {
    "name": "jql-tests",
    "now": "2026-11-24T09:00:00Z",  # a Tuesday
    "current_user": "alice@acme.test",
    "users": [
        {"display_name": "Alice Admin", "email": "alice@acme.test", "groups": ["devs", "leads"]},
        {"display_name": "Bob Builder", "email": "bob@acme.test", "groups": ["devs"]},
        {"display_name": "Carol Chen", "email": "carol@acme.test", "groups": ["qa"],
         "account_id": "712020:carol-0001"},
        {"display_name": "Dan Dormant", "email": "dan@acme.test", "active": False},
    ],
    "custom_fields": [
        {"id": "customfield_10016", "name": "Story point estimate", "type": "number"},
        {"id": "customfield_10020", "name": "Sprint", "type": "array"},
        {"id": "customfield_10014", "name": "Epic Link", "type": "string"},
        {"id": "customfield_10050", "name": "Team", "type": "option", "options": ["Red", "Blue"]},
        {"id": "customfield_10051", "name": "Release notes", "type": "string"},
    ],
    "projects": [
        {"key": "WEB", "name": "Storefront", "lead": "alice@acme.test",
         "components": [{"name": "UI"}, {"name": "API"}],
         "versions": [{"name": "1.0", "released": True, "release_date": "2026-10-01"}, {"name": "2.0"}]},
        {"key": "OPS", "name": "Operations", "lead": "Bob Builder"},
    ],
    "boards": [
        {"id": 1, "name": "WEB board", "project": "WEB", "sprints": [
            {"id": 1, "name": "Sprint 1", "state": "closed", "start_date": "2026-11-02", "end_date": "2026-11-13"},
            {"id": 2, "name": "Sprint 2", "state": "active", "start_date": "2026-11-16", "end_date": "2026-11-27"},
            {"id": 3, "name": "Sprint 3", "state": "future"},
        ]},
    ],
    "issues": [
        {"key": "WEB-1", "type": "Epic", "summary": "Checkout redesign", "status": "In Progress", "priority": "High",
         "assignee": "alice@acme.test", "reporter": "alice@acme.test",
         "created": "2026-10-01T10:00:00Z", "updated": "2026-11-20T10:00:00Z",
         "history": [
             {"at": "2026-10-02T09:00:00Z", "by": "alice@acme.test", "reporter": ["bob@acme.test", "alice@acme.test"]},
             {"at": "2026-10-05T10:00:00Z", "by": "alice@acme.test", "status": ["To Do", "In Progress"]},
         ]},
        {"key": "WEB-2", "type": "Story", "summary": "Redesign the checkout page", "status": "In Progress",
         "priority": "High", "assignee": "bob@acme.test", "reporter": "alice@acme.test", "parent": "WEB-1",
         "labels": ["frontend", "ux"], "components": ["UI"], "fix_versions": ["2.0"], "sprints": ["Sprint 2"],
         "custom_fields": {"Story point estimate": 5, "Team": "Red"},
         "created": "2026-11-10T09:00:00Z", "updated": "2026-11-23T15:00:00Z",
         "history": [
             {"at": "2026-11-12T10:00:00Z", "by": "alice@acme.test", "fix_versions": [["1.0"], ["2.0"]]},
             {"at": "2026-11-16T09:30:00Z", "by": "bob@acme.test", "status": ["To Do", "In Progress"]},
             {"at": "2026-11-20T11:00:00Z", "by": "bob@acme.test", "status": ["In Progress", "In Review"]},
             {"at": "2026-11-23T15:00:00Z", "by": "carol@acme.test", "status": ["In Review", "In Progress"]},
         ]},
        {"key": "WEB-3", "type": "Bug", "summary": "Login fails with a 500 error", "status": "To Do",
         "priority": "Highest", "reporter": "carol@acme.test", "labels": ["backend", "urgent"],
         "components": ["API"], "affects_versions": ["1.0"], "sprints": ["Sprint 1", 2], "due_date": "2026-11-25",
         "description": "The login API returns a 500 when the password contains unicode characters.",
         "comments": [{"author": "bob@acme.test", "body": "Reproduced on the staging database."}],
         "watchers": ["bob@acme.test", "Carol Chen"],
         "created": "2026-11-20T08:00:00Z", "updated": "2026-11-24T08:30:00Z",
         "history": [
             {"at": "2026-11-21T09:00:00Z", "by": "carol@acme.test", "priority": ["Medium", "Highest"]},
             {"at": "2026-11-22T09:00:00Z", "by": "bob@acme.test", "assignee": [None, "bob@acme.test"]},
             {"at": "2026-11-24T08:30:00Z", "by": "bob@acme.test", "assignee": ["bob@acme.test", None]},
         ]},
        {"key": "WEB-4", "type": "Task", "summary": "Update the privacy policy link", "status": "Done",
         "priority": "Low", "assignee": "carol@acme.test", "reporter": "bob@acme.test", "labels": ["docs"],
         "fix_versions": ["1.0"], "sprints": ["Sprint 1"], "original_estimate": "2h",
         "worklogs": [{"author": "carol@acme.test", "time_spent": "1h 30m"}],
         "created": "2026-09-01T09:00:00Z", "updated": "2026-09-05T16:00:00Z", "resolved": "2026-09-05T16:00:00Z",
         "history": [
             {"at": "2026-09-02T10:00:00Z", "by": "carol@acme.test", "status": ["To Do", "In Progress"],
              "assignee": [None, "carol@acme.test"]},
             {"at": "2026-09-05T16:00:00Z", "by": "carol@acme.test", "status": ["In Progress", "Done"],
              "resolution": [None, "Done"]},
         ]},
        {"key": "WEB-5", "type": "Bug", "summary": "Images fail to load on slow connections", "status": "Done",
         "resolution": "Won't Do", "priority": "Medium", "assignee": "bob@acme.test", "reporter": "alice@acme.test",
         "components": ["UI"], "affects_versions": ["1.0"],
         "description": "Large product images time out on 3G networks.",
         "created": "2026-11-17T12:00:00Z", "updated": "2026-11-23T10:00:00Z",
         "history": [
             {"at": "2026-11-18T09:00:00Z", "by": "alice@acme.test", "priority": ["High", "Medium"],
              "assignee": ["carol@acme.test", "bob@acme.test"]},
             {"at": "2026-11-19T14:00:00Z", "by": "bob@acme.test", "status": ["To Do", "In Progress"]},
             {"at": "2026-11-23T10:00:00Z", "by": "bob@acme.test", "status": ["In Progress", "Done"],
              "resolution": [None, "Won't Do"]},
         ]},
        {"key": "WEB-6", "type": "Sub-task", "summary": "Write checkout tests", "parent": "WEB-2",
         "priority": "Lowest", "assignee": "alice@acme.test", "reporter": "alice@acme.test", "sprints": ["Sprint 3"],
         "custom_fields": {"customfield_10016": 2}, "created": "2026-11-21T11:00:00Z"},
        {"key": "WEB-7", "type": "Story", "summary": "Save the cart between sessions", "status": "In Review",
         "priority": "Medium", "assignee": "dan@acme.test", "reporter": "bob@acme.test", "parent": "WEB-1",
         "custom_fields": {"Story point estimate": 3, "Team": "Blue", "Release notes": "Carts now persist"},
         "due_date": "2026-12-01", "created": "2026-11-24T07:00:00Z"},
        {"key": "OPS-1", "type": "Task", "summary": "Nightly database backup fails", "priority": "High",
         "assignee": "bob@acme.test", "reporter": "alice@acme.test", "labels": ["urgent"], "environment": "prod",
         "description": "The backup job for the reporting database exits with code 2.",
         "created": "2026-11-23T22:00:00Z"},
        {"key": "OPS-2", "type": "Task", "summary": "Rotate the TLS certificates", "status": "In Progress",
         "priority": "Medium", "assignee": "alice@acme.test", "reporter": "carol@acme.test",
         "due_date": "2026-11-20", "created": "2026-11-01T09:00:00Z", "updated": "2026-11-22T09:00:00Z",
         "history": [
             {"at": "2026-11-03T09:00:00Z", "by": "carol@acme.test", "status": ["To Do", "In Progress"],
              "assignee": ["bob@acme.test", "alice@acme.test"]},
             {"at": "2026-11-22T09:00:00Z", "by": "alice@acme.test", "priority": ["High", "Medium"]},
         ]},
    ],
    "links": [
        {"type": "Blocks", "from": "WEB-3", "to": "WEB-2"},
        {"type": "Relates", "from": "OPS-1", "to": "WEB-3"},
    ],
}
