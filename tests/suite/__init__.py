"""Tests of the default fixture and the built-in suite builtin:core."""
