"""Widgets of the replay screen: run header, trial list, trial banner, transcript of step cards, status line."""

from jira_bench_tui.tui.widgets.replay.replay_status import ReplayStatus
from jira_bench_tui.tui.widgets.replay.run_header import RunHeader
from jira_bench_tui.tui.widgets.replay.step_card import StepCard
from jira_bench_tui.tui.widgets.replay.transcript_view import TranscriptView
from jira_bench_tui.tui.widgets.replay.trial_banner import TrialBanner
from jira_bench_tui.tui.widgets.replay.trial_list import TrialList

__all__ = ["ReplayStatus", "RunHeader", "StepCard", "TranscriptView", "TrialBanner", "TrialList"]
