"""The harness layer: the harness file format, loading a harness with its fixture, and scoring a trial by its checks."""
