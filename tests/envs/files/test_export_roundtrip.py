"""Training on an exported world gives the same metrics as training on the generated world (same spec, same
seed), for every kind of generated world the catalogue uses, at tiny sizes."""

from __future__ import annotations

import pytest

from tests.support.roundtrip import KINDS, QUICK, TINY, roundtrip
from zoo.schema import catalogue, load_spec
from zoo.schema.datafiles import FILE_KINDS


def test_every_generated_world_of_the_catalogue_has_a_round_trip_spec():
    used = {load_spec(e.path).data.kind for e in catalogue()} - set(FILE_KINDS)
    assert used == set(KINDS)
    for kind, name in KINDS.items():
        assert load_spec(name).data.kind == kind and name in TINY


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_export_round_trips_exactly(kind, tmp_path):
    name = KINDS[kind]
    result = roundtrip(load_spec(name, TINY[name] + QUICK), tmp_path, tasks=4)
    assert len(result.compared) >= 5 and result.one_sided == []
    assert result.max_abs_diff <= 1e-6, {k: (result.generated[k], result.on_file[k]) for k in result.compared}
