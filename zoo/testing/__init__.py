"""Fault injection for testing zoo and code built on it: malformed specs and corrupted weight files.

``zoo.testing.specfuzz`` needs ``hypothesis`` (the ``test`` extra); ``zoo.testing.faults`` needs nothing
beyond zoo's own dependencies.
"""
