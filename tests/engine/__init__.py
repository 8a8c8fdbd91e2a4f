"""The run engine tests."""
