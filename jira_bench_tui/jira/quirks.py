"""Switches between mcp-atlassian 0.23.1's observed behaviour (the default) and the corrected behaviour.

Each switch has a name and a small set of values; `Quirks.from_strings` turns `--quirk NAME=VALUE` pairs into one.
"""

from __future__ import annotations

from dataclasses import dataclass

from jira_bench_tui.errors import UserError

# name -> (accepted values, default first, what it switches)
QUIRK_CHOICES: dict[str, tuple[tuple[str, ...], str]] = {
    "search_total": (("-1", "count"), "jira_search's total: -1 as on Jira Cloud's /search/jql, or the real count"),
    "transitions_to_status": (("false", "true"), "jira_get_transitions adds each transition's target status"),
    "unknown_fields": (("ignore", "error"), "unknown keys in fields/additional_fields: silently dropped, or an error"),
    "transition_by_name": (("false", "true"), "jira_transition_issue also accepts a transition name as transition_id"),
    "custom_field_names": (("false", "true"), "every custom field of an issue carries its display name in \"name\" "
                                              "(0.23.1: only with use_display_names or expand=names)"),
    "worklog_original_estimate": (("ignored", "set"), "jira_add_worklog's original_estimate: ignored as 0.23.1's "
                                                      "malformed edit leaves it, or set on the issue"),
    "rich_text": (("mcp-atlassian", "markdown"),
                  "descriptions, comments, worklog comments: as mcp-atlassian reads them back, or as written"),
    "error_hints": (("false", "true"), "error texts as mcp-atlassian 0.23.1 words them, or with a hint appended (the "
                                       "known values, the tool that lists them, what to pass instead)"),
}


@dataclass(frozen=True)
class Quirks:
    """The behaviour switches of one embedded Jira. The defaults reproduce mcp-atlassian 0.23.1."""

    search_total: str = QUIRK_CHOICES["search_total"][0][0]
    transitions_to_status: str = QUIRK_CHOICES["transitions_to_status"][0][0]
    unknown_fields: str = QUIRK_CHOICES["unknown_fields"][0][0]
    transition_by_name: str = QUIRK_CHOICES["transition_by_name"][0][0]
    custom_field_names: str = QUIRK_CHOICES["custom_field_names"][0][0]
    worklog_original_estimate: str = QUIRK_CHOICES["worklog_original_estimate"][0][0]
    rich_text: str = QUIRK_CHOICES["rich_text"][0][0]
    error_hints: str = QUIRK_CHOICES["error_hints"][0][0]

    @property
    def search_counts_total(self) -> bool:
        """Whether jira_search reports the real total (Jira Cloud's /rest/api/3/search/jql gives none, so 0.23.1
        says -1)."""
        return self.search_total == "count"

    @property
    def transitions_show_target(self) -> bool:
        """Whether jira_get_transitions adds each transition's target status (0.23.1 drops it: a known bug)."""
        return self.transitions_to_status == "true"

    @property
    def unknown_fields_are_errors(self) -> bool:
        """Whether an unknown key in fields/additional_fields is an error (0.23.1 drops it silently)."""
        return self.unknown_fields == "error"

    @property
    def transitions_match_names(self) -> bool:
        """Whether jira_transition_issue also takes a transition's name or target status as transition_id (0.23.1:
        ids only)."""
        return self.transition_by_name == "true"

    @property
    def custom_fields_named(self) -> bool:
        """Whether an issue's custom fields always carry `"name"` (0.23.1 gives `{"value": 3}` alone unless Jira's
        'names' expansion came with the issue; the name tells an agent what customfield_10016 is)."""
        return self.custom_field_names == "true"

    @property
    def worklog_sets_original_estimate(self) -> bool:
        """Whether jira_add_worklog's original_estimate sets the issue's original estimate. 0.23.1 sends it as
        `edit_issue(fields={"timetracking": ...})`, which atlassian-python-api wraps as {"update": {...}} without
        the operation list Jira requires; Jira refuses the edit, the estimate stays and
        `original_estimate_updated` is false (jira/worklog.py `add_worklog`)."""
        return self.worklog_original_estimate == "set"

    @property
    def rich_text_as_written(self) -> bool:
        """Whether rich text (descriptions, comment bodies, worklog comments) reads back as the stored Markdown
        exactly as written; 0.23.1 shows what its own conversions of Jira Cloud's wiki markup or ADF leave of it
        (`mcpa_text.py`)."""
        return self.rich_text == "markdown"

    def hinted(self, text: str, hint: str | None) -> str:
        """`text` (mcp-atlassian 0.23.1's words) with `hint` appended when the error_hints switch is on: the one place
        our extra help for the agent (known values, the tool that lists them) is added to an error."""
        if hint and self.error_hints == "true":
            return f"{text} {hint}"
        return text

    @classmethod
    def from_strings(cls, values: dict[str, str] | None) -> Quirks:
        """Quirks from NAME -> VALUE strings; raises UserError naming an unknown switch or value."""
        chosen: dict[str, str] = {}
        for name, value in (values or {}).items():
            if name not in QUIRK_CHOICES:
                known = ", ".join(sorted(QUIRK_CHOICES))
                raise UserError(f"Unknown quirk '{name}' (known: {known}).", field="server")
            allowed, _ = QUIRK_CHOICES[name]
            normal = value.strip().lower()
            if normal not in allowed:
                raise UserError(
                    f"Quirk '{name}' cannot be '{value}' (use one of: {', '.join(allowed)}).", field="server"
                )
            chosen[name] = normal
        return cls(**chosen)
