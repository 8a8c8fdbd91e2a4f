"""Old name of `engine/agent_factory.py`, kept only for `engine/worker.py`'s import until the branches merge.

Import from `jira_bench_tui.engine.agent_factory`; this module goes away at integration.
"""

from jira_bench_tui.engine.agent_factory import make_agent

__all__ = ["make_agent"]
