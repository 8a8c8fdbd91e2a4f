"""The engine: run folders, the worker and its trials, run control, scores and the plain-text views of runs.

It imports neither textual nor click: the app (`tui/`) and the command line call it. `run_folder/` is the run
folder contract; docs/engine.md describes the rest.
"""
