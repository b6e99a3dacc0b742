"""On a CUDA machine: every catalogue spec runs forward and backward on the GPU as on the CPU, and every
training procedure trains there in fp32 and bf16. Skipped without CUDA.

The comparison is :mod:`tests.support.devices`; the tests at the end run the same code with the CPU on
both sides, so it is exercised (and can fail) on machines without a GPU too.
"""

from __future__ import annotations

import math

import pytest
import torch

from tests.support.devices import SHORT_RUNS, differences, forward_backward, short_run
from zoo.schema import catalogue, load_spec
from zoo.train.rundir import read_csv

needs_cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device (torch.cuda.is_available())")


@pytest.fixture
def full_fp32_matmuls():
    """TF32 (on by default for convolutions on Ampere and later) keeps 10 mantissa bits: compare in full fp32."""
    saved = torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32
    torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = False
    yield
    torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32 = saved


def finite_run(result) -> None:
    """Every logged training loss and every final metric of a run is finite."""
    losses = [row["loss"] for row in read_csv(result.run_dir / "train.csv")]
    assert losses and all(math.isfinite(v) for v in losses), losses
    assert result.metrics and all(math.isfinite(v) for v in result.metrics.values()), result.metrics


@needs_cuda
@pytest.mark.parametrize("entry", catalogue(), ids=lambda e: e.name)
def test_catalogue_spec_on_cuda_matches_the_cpu(entry, full_fp32_matmuls):
    spec = load_spec(entry.path)
    problems = differences(forward_backward(spec, "cpu"), forward_backward(spec, "cuda"))
    assert not problems, f"{entry.name} on cuda vs cpu:\n" + "\n".join(problems)


@needs_cuda
@pytest.mark.parametrize("precision", ["fp32", "bf16"])
@pytest.mark.parametrize("name", sorted(SHORT_RUNS))
def test_each_procedure_trains_on_cuda(name, precision, tmp_path):
    result = short_run(name, "cuda", tmp_path / "run", precision)
    assert result.steps == 3
    finite_run(result)


@needs_cuda
def test_the_cli_trains_on_cuda(tmp_path):
    from click.testing import CliRunner

    from zoo.cli import main

    sets = [x for s in SHORT_RUNS["comet-particles"] + ["train.steps=2"] for x in ("--set", s)]
    r = CliRunner().invoke(main, ["train", "comet-particles", "--device", "cuda", "--run-dir", str(tmp_path / "r"), *sets])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "r" / "metrics.json").exists()


# -- the same code path on the CPU (runs everywhere) ---------------------------------------------------
@pytest.mark.parametrize("name", sorted(SHORT_RUNS))
def test_the_device_comparison_runs_cpu_against_cpu(name):
    spec = load_spec(name)
    reference = forward_backward(spec, "cpu")
    assert any(k.startswith("out.") for k in reference) and any(k.startswith("grad.") for k in reference)
    assert differences(reference, forward_backward(spec, "cpu")) == []


def test_the_device_comparison_reports_what_differs():
    reference = forward_backward(load_spec("comet-particles"), "cpu")
    other = dict(reference)
    grad = next(k for k in reference if k.startswith("grad."))
    other[grad] = reference[grad] * (1 + 1e-2)  # 1% off: beyond rtol 1e-3
    index = next(k for k, v in reference.items() if not v.is_floating_point())
    other[index] = ~reference[index] if reference[index].dtype == torch.bool else reference[index] + 1
    out = next(k for k, v in reference.items() if k.startswith("out.") and v.is_floating_point())
    other[out] = reference[out].clone().fill_(float("nan"))
    problems = differences(reference, other)
    assert [p.split(":")[0] for p in problems] == sorted([grad, index, out], key=list(reference).index)
    assert differences(reference, {k: v for k, v in reference.items() if k != grad}) == [f"{grad}: only in the reference"]
    small = {k: v + 1e-6 * v.abs().max() if v.is_floating_point() else v for k, v in reference.items()}
    assert differences(reference, small) == []  # rounding-sized differences pass
