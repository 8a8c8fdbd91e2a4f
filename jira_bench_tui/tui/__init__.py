"""The Textual app: runs list, new-run form, live multi-run monitor, replay, and the watcher that feeds them."""
