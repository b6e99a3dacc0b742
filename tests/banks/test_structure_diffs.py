"""A part bank's recorded structure against a spec's: real differences are named; an optional setting the
schema gained after the bank was written (None in the spec, absent from the bank) is none."""

from __future__ import annotations

from zoo.banks.part import structure_diffs


def test_an_unset_field_the_bank_never_recorded_is_no_difference():
    bank = {"mechanisms.cells": {"kind": "gru", "hidden": 32, "count": 4}}
    spec = {"mechanisms.cells": {"kind": "gru", "hidden": 32, "count": 4, "relative": None}}
    assert structure_diffs(bank, spec) == []


def test_a_set_value_or_another_size_is_a_difference():
    bank = {"mechanisms.cells": {"kind": "gru", "hidden": 32, "count": 4}}
    for changed in ({"relative": [0, 1]}, {"hidden": 64}):
        spec = {"mechanisms.cells": {"kind": "gru", "hidden": 32, "count": 4, **changed}}
        (problem,) = structure_diffs(bank, spec)
        assert problem.startswith("mechanisms.cells: the spec has")
    assert structure_diffs({"model.out": 10}, {"model.out": None}) == ["model.out: the spec has None, the bank 10"]
