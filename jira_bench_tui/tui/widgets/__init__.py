"""Reusable widgets of the app, grouped by the part of the screen they serve."""
