"""Widgets of the live monitor: a tab per run, its outcome bar, trial grid and log."""
