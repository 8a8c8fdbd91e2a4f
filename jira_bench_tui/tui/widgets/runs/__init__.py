"""Widgets of the runs list."""
