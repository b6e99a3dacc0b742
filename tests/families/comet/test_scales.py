"""``normalize: auto``'s scales: exactly 1 for data in units like the catalogue's, else the factors that bring the
features' overall spread, then their one-step change, into the bands."""

from __future__ import annotations

import pytest
import torch

from zoo.families.comet.scales import CHANGE, SPREAD, auto_scales, into_band


def test_a_value_within_its_band_is_left_exactly_as_it_is():
    assert into_band(0.7, SPREAD) == 1.0 and into_band(SPREAD[0], SPREAD) == 1.0 and into_band(SPREAD[1], SPREAD) == 1.0
    assert into_band(0.005, SPREAD) == pytest.approx(SPREAD[0] / 0.005)
    assert into_band(40.0, SPREAD) == pytest.approx(SPREAD[1] / 40.0)


def test_data_in_the_catalogues_units_is_read_and_written_as_it_is():
    state, change = torch.tensor([0.72, 0.73, 0.59, 0.60]), torch.tensor([0.03, 0.03, 0.029, 0.03])
    assert auto_scales(state, change) == (1.0, 1.0)


@pytest.mark.parametrize("units", [1e-4, 0.01, 0.1, 10.0, 1e3])
def test_a_world_in_other_units_is_read_in_one_unit_whose_spread_is_a_band_edge(units):
    state, change = torch.tensor([0.72, 0.73, 0.59, 0.60]), torch.tensor([0.03, 0.03, 0.029, 0.03])
    unit, out = auto_scales(state * units, change * units)
    spread = float((state * units / unit).pow(2).mean().sqrt())
    assert spread == pytest.approx(SPREAD[0] if units < 1 else SPREAD[1], rel=1e-5)
    assert out == pytest.approx(unit, rel=1e-6)  # the change, read in that unit, is within its band: no more


def test_changes_small_for_their_spread_are_written_in_a_unit_that_brings_them_into_their_band():
    state, change = torch.tensor([0.7, 0.7]), torch.tensor([0.001, 0.001])  # a ten times finer time step
    unit, out = auto_scales(state, change)
    assert unit == 1.0 and float(change[0]) / out == pytest.approx(CHANGE[0], rel=1e-5)
    unit, out = auto_scales(state * 0.01, change * 0.01)  # and in a unit a hundred times larger
    assert float(change[0] * 0.01 / out) == pytest.approx(CHANGE[0], rel=1e-5)
    assert float(state[0] * 0.01 / unit) == pytest.approx(SPREAD[0], rel=1e-5)
