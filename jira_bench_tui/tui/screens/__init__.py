"""The app's screens: runs list, new-run form, live monitor, replay, and small modals."""
