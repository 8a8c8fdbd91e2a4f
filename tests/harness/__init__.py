"""The harness tests: loading a harness file and evaluating its checks."""
