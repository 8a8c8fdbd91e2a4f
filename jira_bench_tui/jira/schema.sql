-- The embedded Jira's SQLite schema. One database per trial, copied from a prepared fixture database.
-- Contract: jql.py compiles queries against these tables; tools.py and render.py read and write them.
-- Columns may be added; none may be renamed without changing every reader.

CREATE TABLE meta(k TEXT PRIMARY KEY, v TEXT);   -- now (frozen clock, ISO UTC), current_user (account_id), base_url, fixture_name, flags (JSON)

CREATE TABLE users(
  account_id TEXT PRIMARY KEY,
  display_name TEXT NOT NULL,
  email TEXT UNIQUE,
  active INTEGER NOT NULL DEFAULT 1,
  time_zone TEXT NOT NULL DEFAULT 'UTC'
);
CREATE TABLE groups(name TEXT PRIMARY KEY);
CREATE TABLE group_members(group_name TEXT NOT NULL REFERENCES groups(name), account_id TEXT NOT NULL REFERENCES users(account_id),
  PRIMARY KEY(group_name, account_id));

CREATE TABLE status_categories(id INTEGER PRIMARY KEY, key TEXT NOT NULL CHECK(key IN ('new','indeterminate','done')),
  name TEXT NOT NULL, color_name TEXT NOT NULL);   -- 2 'To Do' blue-gray, 4 'In Progress' yellow, 3 'Done' green
CREATE TABLE statuses(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  category_id INTEGER NOT NULL REFERENCES status_categories(id), sort_order INTEGER NOT NULL DEFAULT 0);

CREATE TABLE workflows(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, initial_status_id INTEGER NOT NULL REFERENCES statuses(id));
-- from_status_id NULL = a global transition (available from every status but its target)
CREATE TABLE transitions(pk INTEGER PRIMARY KEY, id INTEGER NOT NULL, workflow_id INTEGER NOT NULL REFERENCES workflows(id),
  name TEXT NOT NULL, from_status_id INTEGER REFERENCES statuses(id), to_status_id INTEGER NOT NULL REFERENCES statuses(id),
  sets_resolution INTEGER NOT NULL DEFAULT 0,     -- 1: resolution is set (to the given one or the default 'Done')
  clears_resolution INTEGER NOT NULL DEFAULT 0,
  UNIQUE(workflow_id, id, from_status_id));

CREATE TABLE priorities(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE COLLATE NOCASE, rank INTEGER NOT NULL);  -- rank 1 = highest
CREATE TABLE resolutions(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE COLLATE NOCASE, description TEXT);

CREATE TABLE issue_types(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  subtask INTEGER NOT NULL DEFAULT 0,
  hierarchy_level INTEGER NOT NULL DEFAULT 0,     -- -1 sub-task, 0 standard, 1 epic
  description TEXT);

CREATE TABLE projects(id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, name TEXT NOT NULL, description TEXT,
  lead_account_id TEXT REFERENCES users(account_id), project_type TEXT NOT NULL DEFAULT 'software',
  archived INTEGER NOT NULL DEFAULT 0, next_issue_num INTEGER NOT NULL DEFAULT 1,
  workflow_id INTEGER NOT NULL REFERENCES workflows(id));
CREATE TABLE project_issue_types(project_id INTEGER NOT NULL REFERENCES projects(id), issue_type_id INTEGER NOT NULL REFERENCES issue_types(id),
  PRIMARY KEY(project_id, issue_type_id));

CREATE TABLE components(id INTEGER PRIMARY KEY, project_id INTEGER NOT NULL REFERENCES projects(id), name TEXT NOT NULL COLLATE NOCASE,
  description TEXT, lead_account_id TEXT REFERENCES users(account_id), UNIQUE(project_id, name));
CREATE TABLE versions(id INTEGER PRIMARY KEY, project_id INTEGER NOT NULL REFERENCES projects(id), name TEXT NOT NULL COLLATE NOCASE,
  description TEXT, start_date TEXT, release_date TEXT, released INTEGER NOT NULL DEFAULT 0, archived INTEGER NOT NULL DEFAULT 0,
  UNIQUE(project_id, name));

-- Custom fields: id 'customfield_10016', schema_type 'number' | 'string' | 'option' | 'array' | 'date' | 'user'
CREATE TABLE fields(id TEXT PRIMARY KEY, name TEXT NOT NULL, custom INTEGER NOT NULL DEFAULT 0, schema_type TEXT,
  schema_items TEXT, schema_custom TEXT, searchable INTEGER NOT NULL DEFAULT 1, orderable INTEGER NOT NULL DEFAULT 1,
  schema_system TEXT,                             -- system fields: e.g. 'priority'; NULL for custom fields
  clause_names TEXT NOT NULL DEFAULT '[]');       -- JSON list of JQL names, e.g. ["cf[10016]", "Story point estimate"]
-- Allowed values of option custom fields, in order (ids from 10100).
CREATE TABLE field_options(field_id TEXT NOT NULL REFERENCES fields(id), option_id TEXT NOT NULL, value TEXT NOT NULL,
  position INTEGER NOT NULL DEFAULT 0, PRIMARY KEY(field_id, option_id));

CREATE TABLE issues(
  id INTEGER PRIMARY KEY,                       -- from 10000
  key TEXT NOT NULL UNIQUE,
  project_id INTEGER NOT NULL REFERENCES projects(id),
  num INTEGER NOT NULL,                         -- the number in the key, for ORDER BY key
  issue_type_id INTEGER NOT NULL REFERENCES issue_types(id),
  summary TEXT NOT NULL,
  description TEXT,                             -- canonical Markdown
  environment TEXT,
  status_id INTEGER NOT NULL REFERENCES statuses(id),
  priority_id INTEGER REFERENCES priorities(id),
  resolution_id INTEGER REFERENCES resolutions(id),
  resolution_date TEXT,
  assignee_id TEXT REFERENCES users(account_id),
  reporter_id TEXT REFERENCES users(account_id),
  creator_id TEXT REFERENCES users(account_id),
  parent_id INTEGER REFERENCES issues(id),      -- sub-task -> parent, and issue -> epic
  due_date TEXT,                                -- YYYY-MM-DD
  created TEXT NOT NULL,                        -- ISO 8601 UTC: 2026-11-20T09:30:00.000+0000
  updated TEXT NOT NULL,
  orig_estimate_s INTEGER,
  remaining_estimate_s INTEGER,
  time_spent_s INTEGER NOT NULL DEFAULT 0,
  custom_fields TEXT NOT NULL DEFAULT '{}'      -- JSON {"customfield_10016": 3, ...}
);
CREATE INDEX issues_project ON issues(project_id, num);
CREATE INDEX issues_status ON issues(status_id);
CREATE INDEX issues_assignee ON issues(assignee_id);
CREATE INDEX issues_parent ON issues(parent_id);
CREATE INDEX issues_created ON issues(created);
CREATE INDEX issues_updated ON issues(updated);
CREATE INDEX issues_type ON issues(issue_type_id);
CREATE INDEX issues_priority ON issues(priority_id);
CREATE INDEX issues_reporter ON issues(reporter_id);
CREATE INDEX issues_resolution ON issues(resolution_id);

CREATE TABLE issue_labels(issue_id INTEGER NOT NULL REFERENCES issues(id) ON DELETE CASCADE, label TEXT NOT NULL,
  PRIMARY KEY(issue_id, label));
CREATE INDEX issue_labels_label ON issue_labels(label);
CREATE TABLE issue_components(issue_id INTEGER NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
  component_id INTEGER NOT NULL REFERENCES components(id), PRIMARY KEY(issue_id, component_id));
CREATE INDEX issue_components_component ON issue_components(component_id);
CREATE TABLE issue_versions(issue_id INTEGER NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
  version_id INTEGER NOT NULL REFERENCES versions(id), kind TEXT NOT NULL CHECK(kind IN ('fix','affects')),
  PRIMARY KEY(issue_id, version_id, kind));
CREATE INDEX issue_versions_version ON issue_versions(version_id, kind);

CREATE TABLE link_types(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE COLLATE NOCASE, inward TEXT NOT NULL, outward TEXT NOT NULL);
-- Jira's REST convention: a link created with (type, inward_issue=A, outward_issue=B) reads "A <outward text> B",
-- e.g. Blocks: A "blocks" B, and B "is blocked by" A. A's issuelinks show B as outward_issue; B's show A as inward_issue.
CREATE TABLE issue_links(id INTEGER PRIMARY KEY, link_type_id INTEGER NOT NULL REFERENCES link_types(id),
  inward_issue_id INTEGER NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
  outward_issue_id INTEGER NOT NULL REFERENCES issues(id) ON DELETE CASCADE, created TEXT NOT NULL);
CREATE INDEX issue_links_inward ON issue_links(inward_issue_id);
CREATE INDEX issue_links_outward ON issue_links(outward_issue_id);

CREATE TABLE comments(id INTEGER PRIMARY KEY, issue_id INTEGER NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
  author_id TEXT REFERENCES users(account_id), body TEXT NOT NULL, visibility TEXT,
  created TEXT NOT NULL, updated TEXT NOT NULL, update_author_id TEXT REFERENCES users(account_id));
CREATE INDEX comments_issue ON comments(issue_id);

CREATE TABLE worklogs(id INTEGER PRIMARY KEY, issue_id INTEGER NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
  author_id TEXT REFERENCES users(account_id), comment TEXT, started TEXT NOT NULL, time_spent_s INTEGER NOT NULL,
  created TEXT NOT NULL, updated TEXT NOT NULL);
CREATE INDEX worklogs_issue ON worklogs(issue_id);

CREATE TABLE watchers(issue_id INTEGER NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
  account_id TEXT NOT NULL REFERENCES users(account_id), PRIMARY KEY(issue_id, account_id));
CREATE INDEX watchers_account ON watchers(account_id);

CREATE TABLE boards(id INTEGER PRIMARY KEY, name TEXT NOT NULL, type TEXT NOT NULL CHECK(type IN ('scrum','kanban')),
  project_id INTEGER REFERENCES projects(id), filter_jql TEXT);
CREATE TABLE sprints(id INTEGER PRIMARY KEY, board_id INTEGER NOT NULL REFERENCES boards(id), name TEXT NOT NULL,
  state TEXT NOT NULL CHECK(state IN ('future','active','closed')), start_date TEXT, end_date TEXT, complete_date TEXT, goal TEXT);
CREATE TABLE sprint_issues(sprint_id INTEGER NOT NULL REFERENCES sprints(id), issue_id INTEGER NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
  PRIMARY KEY(sprint_id, issue_id));
CREATE INDEX sprint_issues_issue ON sprint_issues(issue_id);

CREATE TABLE changelog(id INTEGER PRIMARY KEY, issue_id INTEGER NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
  author_id TEXT REFERENCES users(account_id), created TEXT NOT NULL);
CREATE TABLE changelog_items(changelog_id INTEGER NOT NULL REFERENCES changelog(id) ON DELETE CASCADE, field TEXT NOT NULL,
  fieldtype TEXT NOT NULL DEFAULT 'jira', from_id TEXT, from_string TEXT, to_id TEXT, to_string TEXT);
-- For JQL's history operators (WAS, CHANGED: jql_history.py) and the per-issue changelog reads.
CREATE INDEX changelog_issue ON changelog(issue_id, created);
CREATE INDEX changelog_items_entry ON changelog_items(changelog_id);
CREATE INDEX changelog_items_field ON changelog_items(field, to_id);
CREATE INDEX changelog_items_from ON changelog_items(field, from_id);

-- Full-text indexes for JQL's `~` (porter stemming, like Jira's English analyser). Triggers keep them in step with
-- every write, so writers never touch them. issue_text rowid = issues.id; comment_text rowid = comments.id.
CREATE VIRTUAL TABLE issue_text USING fts5(summary, description, environment, custom_text,
  tokenize = 'porter unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE comment_text USING fts5(body, issue_id UNINDEXED, tokenize = 'porter unicode61 remove_diacritics 2');
CREATE TRIGGER issues_text_insert AFTER INSERT ON issues BEGIN
  INSERT INTO issue_text(rowid, summary, description, environment, custom_text) VALUES (new.id, new.summary,
    coalesce(new.description, ''), coalesce(new.environment, ''),
    coalesce((SELECT group_concat(value, ' ') FROM json_each(new.custom_fields) WHERE type = 'text'), ''));
END;
CREATE TRIGGER issues_text_update AFTER UPDATE OF summary, description, environment, custom_fields ON issues BEGIN
  UPDATE issue_text SET summary = new.summary, description = coalesce(new.description, ''),
    environment = coalesce(new.environment, ''),
    custom_text = coalesce((SELECT group_concat(value, ' ') FROM json_each(new.custom_fields) WHERE type = 'text'), '')
  WHERE rowid = new.id;
END;
CREATE TRIGGER issues_text_delete AFTER DELETE ON issues BEGIN
  DELETE FROM issue_text WHERE rowid = old.id;
END;
CREATE TRIGGER comments_text_insert AFTER INSERT ON comments BEGIN
  INSERT INTO comment_text(rowid, body, issue_id) VALUES (new.id, new.body, new.issue_id);
END;
CREATE TRIGGER comments_text_update AFTER UPDATE OF body ON comments BEGIN
  UPDATE comment_text SET body = new.body WHERE rowid = new.id;
END;
CREATE TRIGGER comments_text_delete AFTER DELETE ON comments BEGIN
  DELETE FROM comment_text WHERE rowid = old.id;
END;

-- Added for the REST face (jira/rest/): remote (web) links and attachments of an issue, as Jira Cloud keeps them.
CREATE TABLE remote_links(id INTEGER PRIMARY KEY, issue_id INTEGER NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
  global_id TEXT, relationship TEXT, url TEXT NOT NULL, title TEXT NOT NULL, summary TEXT, icon_url TEXT,
  icon_title TEXT, created TEXT NOT NULL);
CREATE INDEX remote_links_issue ON remote_links(issue_id);
CREATE TABLE attachments(id INTEGER PRIMARY KEY, issue_id INTEGER NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
  filename TEXT NOT NULL, mime_type TEXT NOT NULL, size INTEGER NOT NULL, content BLOB NOT NULL,
  author_id TEXT REFERENCES users(account_id), created TEXT NOT NULL);
CREATE INDEX attachments_issue ON attachments(issue_id);
-- Keys an issue had before it moved to another project (Jira keeps answering to them), and finished bulk tasks.
CREATE TABLE moved_keys(old_key TEXT PRIMARY KEY, issue_id INTEGER NOT NULL REFERENCES issues(id) ON DELETE CASCADE);
CREATE TABLE rest_tasks(id INTEGER PRIMARY KEY, kind TEXT NOT NULL, result TEXT NOT NULL, created TEXT NOT NULL);
