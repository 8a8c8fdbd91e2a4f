"""The app's state without Textual: every run the watcher has read, the monitor's open tabs, whether the first
reading of the runs folder is done. The app owns one `AppState`; screens read it and ask for changes by message.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from jira_bench_tui.engine.run_folder import FINAL_STATUSES, Counts
from jira_bench_tui.engine.runs_text import run_score
from jira_bench_tui.tui.run_model import LogLine, RunView
from jira_bench_tui.tui.watcher import RunUpdate

MODEL_PREFIXES = ("claude-",)
"""Left off a model's name in a tab label ("claude-sonnet-4-5" shows as "sonnet-4-5")."""
TAB_NAME_WIDTH = 14
"""A note longer than this is cut (with '…') in a tab label: 16 tabs stay readable at 80 columns."""
ENDED_MARKS = {"completed": "✔", "failed": "✘", "cancelled": "■", "interrupted": "‖", "unreadable": "?"}


@dataclass
class RunChange:
    """What one watcher update did: the run's view (None once the folder is gone), its new log lines, whether the
    run has just ended (it was live before this update)."""

    run_id: str
    view: RunView | None
    lines: list[LogLine] = field(default_factory=list)
    ended: bool = False


def short_model(model: str) -> str:
    """A model's name without its vendor prefix: 'claude-haiku-4-5' -> 'haiku-4-5'."""
    for prefix in MODEL_PREFIXES:
        if model.startswith(prefix) and len(model) > len(prefix):
            return model[len(prefix):]
    return model


def short_id(run_id: str) -> str:
    """The random tail of a run id ('20261124-083000-example-null-c3d4' -> 'c3d4'), the whole id when it has none."""
    return run_id.rsplit("-", 1)[-1] if "-" in run_id else run_id


def outcome_score(view: RunView) -> str:
    """The run's score as the runs list words it: '44/44 (100%) of 255'."""
    done, total, passed, failed, errored = view.counts()
    return run_score(Counts(total=total, done=done, passed=passed, failed=failed, errored=errored))


def end_notice(view: RunView) -> tuple[str, str, str]:
    """(title, text, severity) of the toast that says a run ended; the score worded as in the runs list."""
    spec = view.info.spec
    status = view.info.status
    what = f"{spec.harness_name} · {spec.model}: " if spec else ""
    severity = "information" if status == "completed" else "warning" if status in FINAL_STATUSES else "error"
    return f"Run {status}: {view.run_id}", what + outcome_score(view), severity


class AppState:
    """Runs by id (`views`), the monitor's tabs in order (`open_tabs`), the watcher's state line, and `loaded`
    (False until the first reading of every run folder present at start is done)."""

    def __init__(self) -> None:
        self.views: dict[str, RunView] = {}
        self.open_tabs: list[str] = []
        self.watch_status = ""
        self.loaded = False

    def apply(self, updates: list[RunUpdate]) -> list[RunChange]:
        """Fold watcher updates into the views; a run that turns live gets a tab. One change per update."""
        changes: list[RunChange] = []
        for update in updates:
            if update.removed or update.info is None:
                self.views.pop(update.run_id, None)
                if update.run_id in self.open_tabs:
                    self.open_tabs.remove(update.run_id)
                changes.append(RunChange(update.run_id, None))
                continue
            view = self.views.get(update.run_id)
            was_live = view.live if view is not None else None
            if view is None:
                view = self.views[update.run_id] = RunView(update.info)
            lines = view.apply(update.info, update.events, update.counted, update.skipped_lines,
                               events_read=update.events_read, events_problem=update.events_problem)
            if view.live and update.run_id not in self.open_tabs:
                self.open_tabs.append(update.run_id)
            changes.append(RunChange(update.run_id, view, lines, ended=bool(was_live and not view.live)))
        return changes

    def open_tab(self, run_id: str) -> bool:
        """Give a known run a tab (at the end); whether it has one now. Its events may still be unread
        (`RunView.events_read`): the app then asks the watcher for them."""
        if run_id not in self.views:
            return False
        if run_id not in self.open_tabs:
            self.open_tabs.append(run_id)
        return True

    def close_tab(self, run_id: str) -> str | None:
        """Close a run's tab; the reason it stays open (its run is live), else None."""
        view = self.views.get(run_id)
        if view is not None and view.live:
            return "this run is still going: kill it first, or leave its tab open"
        if run_id in self.open_tabs:
            self.open_tabs.remove(run_id)
        return None

    def tabs(self) -> list[str]:
        """The open tabs whose run is known, in tab order."""
        return [run_id for run_id in self.open_tabs if run_id in self.views]

    def tab_labels(self) -> dict[str, str]:
        """A short label per tab, unique among the tabs: its number (the key that selects it, 1 to 9; '·' past 9),
        then the run's note (cut to TAB_NAME_WIDTH with '…') or else its model, with the harness when another tab
        runs that model on another harness; when another tab would read the same, the model after a note (a
        sweep's runs share theirs), then the run id's tail; a mark once the run has ended ('1 sonnet-4-5',
        '2 core·null c3d4 ✔', '3 prompt v2 fix…', '4 baseline·haiku-4-5')."""
        run_ids = self.tabs()
        names = {run_id: _names(self.views[run_id]) for run_id in run_ids}
        texts: dict[str, str] = {}
        for run_id in run_ids:
            model, harness, _tail, note = names[run_id]
            if note:
                texts[run_id] = _cut(note, TAB_NAME_WIDTH)
                continue
            others = [names[r] for r in run_ids if r != run_id and names[r][0] == model and not names[r][3]]
            texts[run_id] = f"{harness}·{model}" if any(o[1] != harness for o in others) else model
        alike: dict[str, list[str]] = {}
        for run_id in run_ids:
            alike.setdefault(texts[run_id], []).append(run_id)
        for same in (group for group in alike.values() if len(group) > 1):
            models = {names[r][0] for r in same}
            by_model = len(models) == len(same) and all(names[r][3] for r in same)
            for run_id in same:
                texts[run_id] += f"·{names[run_id][0]}" if by_model else f" {names[run_id][2]}"
        labels: dict[str, str] = {}
        for number, run_id in enumerate(run_ids, 1):
            view = self.views[run_id]
            mark = "" if view.live else f" {ENDED_MARKS.get(view.info.status, '■')}"
            labels[run_id] = f"{number if number <= 9 else '·'} {texts[run_id]}{mark}"
        return labels


def _cut(text: str, width: int) -> str:
    """`text` on one line, at most `width` characters (cut with '…')."""
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 1].rstrip() + "…"


def _names(view: RunView) -> tuple[str, str, str, str]:
    """(short model, harness, run id tail, note or '') of a run, for its tab label."""
    spec = view.info.spec
    if spec is None:
        return view.run_id, "", short_id(view.run_id), ""
    return short_model(spec.model), spec.harness_name, short_id(view.run_id), spec.note or ""
