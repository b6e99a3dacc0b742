"""Feature selection, placement and concatenation blocks."""

from __future__ import annotations

import pytest
import torch

from zoo.nn.features import Concat, Features


def test_select_and_place_are_inverse_on_the_selected_features():
    x = torch.arange(12.0).view(1, 2, 6)
    sel = Features([4, 1])
    assert sel(x).tolist() == [[[4.0, 1.0], [10.0, 7.0]]]
    placed = Features([4, 1], place=6)(sel(x))
    assert placed.tolist() == [[[0, 1, 0, 0, 4, 0], [0, 7, 0, 0, 10, 0]]]


def test_concat_joins_named_inputs_in_order():
    cat = Concat(2, axis=1)
    a, b = torch.zeros(2, 1, 3), torch.ones(2, 2, 3)
    out = cat(x0=a, x1=b)
    assert out.shape == (2, 3, 3) and out[:, 0].sum() == 0 and out[:, 1:].eq(1).all()
    with pytest.raises(TypeError, match="x0"):
        cat(x0=a, y=b)
