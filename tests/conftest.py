"""Shared test fixtures: one CPU thread, a quiet matplotlib, and small spec helpers."""

from __future__ import annotations

import os

os.environ.setdefault("MPLBACKEND", "Agg")

import pytest  # noqa: E402
import torch  # noqa: E402

torch.set_num_threads(1)


@pytest.fixture
def comet_yaml() -> str:
    """A small, valid COMET spec as YAML text."""
    return """\
zoo: 2
name: tiny-comet
model: {kind: comet}
slots: {count: 4, dim: 4}
mechanisms:
  - {name: bank, kind: mlp, count: 3, hidden: [8], inputs: [self, context]}
interactions: {kind: complete}
router: {kind: classifier, hidden: [8]}
"""
