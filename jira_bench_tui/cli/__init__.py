"""The command line (`jira-bench`, `python -m jira_bench_tui`; DESIGN.md 3.4): argument handling and output only.

One module per command group; the work lives in the layers below (the engine returns values and raises errors, these
modules print them). Errors the user can fix are one sentence on stderr with exit code 2, never a traceback.
"""

from jira_bench_tui.cli.group import main

__all__ = ["main"]
