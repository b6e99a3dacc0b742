"""Metrics of each family: pure functions, checked against hand-computed values in tests."""
