"""Metrics, one module per family: pure functions tested against hand-computed values."""
