"""The app for `textual run --dev jira_bench_tui.tui.dev_app:app` (results from $JIRA_BENCH_RESULTS or ./results)."""

from jira_bench_tui.config import results_root
from jira_bench_tui.tui.app import make_app

app = make_app(results_root())
