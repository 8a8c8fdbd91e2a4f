"""The REST handlers, one module per area; importing this package registers every route in `core.ROUTES`."""

from jira_bench_tui.jira.rest.routes import agile, bulk, catalog, issues, links, search, social, workflow

__all__ = ["agile", "bulk", "catalog", "issues", "links", "search", "social", "workflow"]
