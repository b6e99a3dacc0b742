"""The mechanism x type heatmap: drawn for a labelled world, nothing (and no warning) for a file without types."""

from __future__ import annotations

import warnings

import torch

from zoo.families.comet.figures import mechanism_heatmap


def test_a_world_without_types_draws_no_heatmap_and_warns_nothing(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        mechanism_heatmap(torch.zeros(4, 0), (), tmp_path / "none.png", "no types")
        mechanism_heatmap(torch.zeros(4, 2), ("a", "b"), tmp_path / "unused.png", "types that never occur")
    assert not (tmp_path / "none.png").exists() and not (tmp_path / "unused.png").exists()
    mechanism_heatmap(torch.tensor([[3.0, 0.0], [1.0, 2.0]]), ("a", "b"), tmp_path / "drawn.png", "two types")
    assert (tmp_path / "drawn.png").stat().st_size > 0
