"""``train.task_chunk``: a meta-batch adapted and back-propagated chunk by chunk gives the meta-gradient of the
whole batch at once, each chunk batched, and a bad value is a located spec error."""

from __future__ import annotations

import contextlib

import pytest
import torch

from zoo import compile_spec
from zoo.envs import make_env
from zoo.errors import SpecError
from zoo.schema import load_spec
from zoo.train import train
from zoo.train.procedures import make_procedure

TINY = ["data.support_shots=8", "data.query_shots=8", "train.batch=5", "train.eval_tasks=4", "train.inner.steps=2"]


def _meta_step(name: str, chunk: int | None) -> tuple[dict[str, torch.Tensor], torch.Tensor, dict, list[int]]:
    """One meta-step of the catalogue spec on a fixed task batch: gradients, loss, logs, the chunk sizes run."""
    spec = load_spec(name, TINY + ([f"train.task_chunk={chunk}"] if chunk else []))
    torch.manual_seed(0)
    model = compile_spec(spec)
    proc = make_procedure(spec, model, make_env(spec.data, 0), torch.device("cpu"))
    sizes, run_tasks = [], proc.run_tasks

    def counted(batch, steps, first_order):
        sizes.append(batch["x_support"].shape[0])
        return run_tasks(batch, steps, first_order)
    proc.run_tasks = counted
    loss, logs = proc.backward(proc.batch(0, torch.Generator().manual_seed(1)), 0, contextlib.nullcontext)
    return {n: p.grad for n, p in model.named_parameters()}, loss, logs, sizes


@pytest.mark.parametrize("name", ["maml-connected", "anil-connected", "hypernet-linear-connected"])
def test_chunked_meta_gradients_equal_the_whole_batch(name):
    whole, loss, logs, sizes = _meta_step(name, None)
    assert sizes == [5]
    for chunk, want in ((2, [2, 2, 1]), (1, [1] * 5)):
        grads, chunked_loss, chunked_logs, chunk_sizes = _meta_step(name, chunk)
        assert chunk_sizes == want  # every chunk is one batched call
        torch.testing.assert_close(chunked_loss, loss.detach(), rtol=1e-5, atol=1e-7)
        assert chunked_logs["acc"] == pytest.approx(logs["acc"])
        for n, g in whole.items():
            torch.testing.assert_close(grads[n], g, rtol=1e-4, atol=1e-6, msg=lambda m: f"{name} {n}: {m}")


def test_a_chunk_as_large_as_the_batch_runs_it_at_once():
    assert _meta_step("maml-connected", 5)[3] == [5] and _meta_step("maml-connected", 9)[3] == [5]


def test_training_with_chunks_ends_at_the_same_weights(tmp_path):
    runs = {}
    for chunk in (None, 2):
        spec = load_spec("maml-connected", TINY + ["train.steps=3"] + ([f"train.task_chunk={chunk}"] if chunk else []))
        runs[chunk] = train(spec, run_dir=tmp_path / str(chunk), progress=False)
    assert runs[2].metrics["ood_loss"] == pytest.approx(runs[None].metrics["ood_loss"], rel=1e-4)


@pytest.mark.parametrize("value", ["0", "-3", "2.5", "many"])
def test_a_bad_task_chunk_is_a_spec_error_naming_the_field(value):
    with pytest.raises(SpecError, match=r"train\.task_chunk"):
        load_spec("maml-connected", [f"train.task_chunk={value}"])
