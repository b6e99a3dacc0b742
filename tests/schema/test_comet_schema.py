"""COMET's data and training specs: defaults, bounds and cross-field checks with spec paths."""

from __future__ import annotations

import pytest

from zoo.errors import SpecError
from zoo.schema import load_spec, loads_spec

BASE = """\
zoo: 2
name: t
model: {kind: comet}
slots: {count: 5, dim: 8}
mechanisms:
  - {name: a, kind: mlp, count: 2, hidden: [8], inputs: [self, context]}
interactions: {kind: complete}
"""


def test_catalogue_comet_specs_load():
    for name in ("comet-particles", "comet-particles-overcomplete", "comet-traffic", "comet-sports",
                 "comet-particles-compose", "interaction-network-particles"):
        spec = load_spec(name)
        assert spec.train.procedure in ("compete", "compose", "finetune") and spec.data is not None


@pytest.mark.parametrize(
    ("extra", "where"),
    [
        ("data: {kind: particles, length: 4}\ntrain: {procedure: compete, horizon: 5}", "train.horizon"),
        ("data: {kind: particles}\ntrain: {procedure: compete, temperature: 0.1, final_temperature: 0.5}",
         "train.final_temperature"),
        ("data: {kind: particles}\ntrain: {procedure: finetune, pretrain_steps: 10}", "train.pretrain_steps"),
        ("data: {kind: particles}\ntrain: {procedure: finetune, steps: 10, pretrain_steps: 11, "
         "sources: [{kind: particles}]}", "train.pretrain_steps"),
        ("data: {kind: sports, roles: [mark, hold], mix: [1, 2, 3]}", "data.mix"),
        ("data: {kind: particles}\ntrain: {procedure: finetune, sources: [{kind: particles, mix: [1]}]}",
         "train.sources[0].mix"),
        ("data: {kind: traffic, spread: 0.1}", "data.spread"),
        ("data: {kind: particles}\ntrain: {procedure: compose, fraction: 0}", "train.fraction"),
    ],
)
def test_bad_values_are_reported_at_their_path(extra, where):
    with pytest.raises(SpecError) as e:
        loads_spec(BASE + extra)
    assert any(where in line for line in str(e.value).splitlines()), str(e.value)
