"""The app's screens: runs list, new-run form, live monitor, and small modals."""
