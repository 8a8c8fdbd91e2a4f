"""The new-run form's "Real mcp-atlassian" choice: it says whether the server is installed and how to install it;
launching without it installed shows the launcher's sentence on the server field and writes nothing."""

from __future__ import annotations

from conftest import snapshot_tree
from pilot_helpers import wait_until
from textual.widgets import RadioButton, Static

from jira_bench_tui.tui.app import make_app


async def test_choosing_mcp_atlassian_when_it_is_not_installed(results, tmp_path, monkeypatch):
    monkeypatch.setenv("JIRA_BENCH_SERVERS_DIR", str(tmp_path / "no-servers"))
    monkeypatch.delenv("JIRA_BENCH_MCP_ATLASSIAN", raising=False)
    before = snapshot_tree(results)
    app = make_app(results, start="new", watch="off")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        hint = screen.query_one("#server-hint", Static)
        assert hint.has_class("-hidden")
        screen.query_one("#server-mcp-atlassian", RadioButton).value = True
        await pilot.pause()
        assert not hint.has_class("-hidden") and not screen.query_one("#fixture").has_class("-hidden")
        assert "not installed: run `jira-bench servers install mcp-atlassian`" in str(hint.render())
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not screen.launching, what="the check to finish")
        await pilot.pause()
        error = str(screen.query_one("#error-server", Static).render()).strip()
        assert error == "mcp-atlassian 0.23.1 is not installed; run: jira-bench servers install mcp-atlassian"
        assert app.current_mode == "new" and app.monitor_screen.tabs == {}
    assert snapshot_tree(results) == before
