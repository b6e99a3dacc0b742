"""``train.precision: bf16``: the training step runs under torch.autocast (here on the CPU) and still trains."""

import math

import pytest

from tests.support.devices import SHORT_RUNS, short_run
from zoo.schema import load_spec
from zoo.train.rundir import read_csv


@pytest.mark.parametrize("name", sorted(SHORT_RUNS))
def test_bf16_trains_a_few_steps_with_a_finite_loss_close_to_fp32(name, tmp_path):
    runs = {p: short_run(name, "cpu", tmp_path / p, precision=p, steps=3) for p in ("fp32", "bf16")}
    losses = {p: [row["loss"] for row in read_csv(r.run_dir / "train.csv")] for p, r in runs.items()}
    assert len(losses["bf16"]) == 3 and all(math.isfinite(v) for v in losses["bf16"]), losses
    assert all(math.isfinite(v) for v in runs["bf16"].metrics.values()), runs["bf16"].metrics
    first = {p: v[0] for p, v in losses.items()}  # the same weights and batch: only the arithmetic differs
    assert first["bf16"] != first["fp32"], "bf16 gave fp32's loss to the last bit: autocast was not on"
    assert first["bf16"] == pytest.approx(first["fp32"], rel=0.05), first


def test_precision_defaults_to_fp32_and_refuses_others():
    from zoo.errors import SpecError

    assert load_spec("comet-particles").train.precision == "fp32"
    with pytest.raises(SpecError, match="precision"):
        load_spec("comet-particles", ["train.precision=fp16"])
