"""`python -m jira_bench_tui`: the same as the `jira-bench` command."""

from jira_bench_tui.cli import main

main()
