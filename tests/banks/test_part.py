"""Part banks' generic pieces: spec paths, structure differences, the fit of tensors, malformed records."""

from __future__ import annotations

import pytest
import torch

from zoo.banks.part import check_fit, get_path, set_path, structure_diffs, structure_of, under
from zoo.banks.part_bank import part_problems
from zoo.errors import BankError

DATA = {"model": {"kind": "rims", "comm_heads": 2}, "mechanisms": [{"name": "cells", "hidden": 32}]}


def test_paths_read_and_write_named_entries():
    data = {**DATA, "mechanisms": [dict(DATA["mechanisms"][0])]}
    assert get_path(data, "mechanisms.cells.hidden") == 32
    assert get_path(data, "mechanisms.other.hidden") is None
    set_path(data, "mechanisms.cells", {"name": "cells", "hidden": 64})
    set_path(data, "model.comm_heads", 4)
    assert structure_of(data, ["mechanisms.cells.hidden", "model.comm_heads"]) == {
        "mechanisms.cells.hidden": 64, "model.comm_heads": 4}
    assert len(data["mechanisms"]) == 1


def test_structure_differences_name_the_path_and_both_values():
    diffs = structure_diffs({"mechanisms.cells.hidden": 32, "model.comm_heads": 2},
                            {"mechanisms.cells.hidden": 64, "model.comm_heads": 2})
    assert diffs == ["mechanisms.cells.hidden: the spec has 64, the bank 32"]


def test_fit_names_missing_extra_and_reshaped_tensors():
    bank = {"rims.a": torch.zeros(2), "rims.b": torch.zeros(3)}
    model = {"rims.a": torch.zeros(4), "rims.c": torch.zeros(1)}
    with pytest.raises(BankError) as e:
        check_fit("bank 'x'", bank, model)
    text = str(e.value)
    assert "'rims.a': the bank's is (2,), the model's (4,)" in text
    assert "the model has no tensor 'rims.b'" in text and "the bank has no tensor 'rims.c'" in text
    check_fit("bank 'x'", {"rims.a": torch.zeros(4)}, {"rims.a": torch.zeros(4)})


def test_under_matches_whole_names_only():
    assert under("rims.cell.query.weight", ["rims.cell.query"]) and under("embedding", ["embedding"])
    assert not under("embedding2.value", ["embedding"])


def test_a_malformed_part_record_is_listed():
    problems = part_problems({"part": {"family": 3, "name": "cells", "nodes": [], "structure": [1]}})
    assert "part.family must be a string" in problems
    assert "part.nodes must name at least one graph node" in problems
    assert "part.structure must map spec paths to values" in problems
    assert part_problems({"part": {"family": "rims", "name": "cells", "nodes": ["rims"]}}) == []


def test_a_structure_may_not_write_data_training_or_sources():
    problems = part_problems({"part": {"family": "rims", "name": "cells", "nodes": ["rims"], "structure": {
        "train.pretrained": "x", "mechanisms.cells": {"name": "cells", "source": "elsewhere"}, "router.k": 2}}})
    assert problems == ["part.structure path 'train.pretrained' is outside the model's sections "
                        "(model, slots, mechanisms, hypernetworks, interactions, router)",
                        "part.structure 'mechanisms.cells' names a source"]


def test_a_rims_bank_records_how_its_cells_were_ranked():
    """A bank trained with one ranking does not load into a spec with the other (a composed spec takes it)."""
    from zoo.families.rims.bank import PART
    from zoo.schema import load_spec

    ranked = structure_of(load_spec("rims-mnist").model_dump(mode="json"), PART.structure)
    plain = structure_of(load_spec("rims-mnist", ["router.rank_by=null"]).model_dump(mode="json"), PART.structure)
    assert ranked["router.rank_by"] == "input_score"
    assert structure_diffs(ranked, plain) == ["router.rank_by: the spec has None, the bank 'input_score'"]
