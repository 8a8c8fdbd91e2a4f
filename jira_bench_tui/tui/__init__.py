"""The Textual app: runs list, new-run form, live multi-run monitor and the watcher that feeds them."""
