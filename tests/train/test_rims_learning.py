"""A tiny RIMs learns the copying task well above chance in a few seconds (fixed seed)."""

from __future__ import annotations

import torch

from zoo.schema import loads_spec
from zoo.train import train

SPEC = """\
zoo: 2
name: tiny-rims-copy
model: {kind: rims, input: {vocab: 5, embed: 8}, output: sequence, out: 5, comm_heads: 2, comm_key_dim: 8, comm_value_dim: 8}
mechanisms: [{name: cells, kind: gru, count: 4, hidden: 12}]
router: {kind: top_k, k: 3, key_dim: 16, value_dim: 16}
data: {kind: copying, symbols: 3, length: 3, delay: 2, test_delays: [4], train_sequences: 512, test_sequences: 128}
train: {procedure: supervised, loss: cross_entropy, steps: 150, batch: 32, lr: 0.01, seed: 0}
"""


def test_tiny_rims_learns_to_copy(tmp_path):
    torch.manual_seed(0)
    result = train(loads_spec(SPEC), run_dir=tmp_path / "run", progress=False)
    assert result.metrics["test_2_acc"] > 0.8  # chance is 1/3
    assert result.metrics["test_4_acc"] > 0.45
    assert (tmp_path / "run" / "plots" / "active_cells.png").stat().st_size > 1000
