"""Metrics of each model family: pure functions, tested against hand-computed values."""
