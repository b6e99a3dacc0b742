"""COMET in a world of other units (``mechanisms[].normalize``, ``router.normalize``): the same small world with
positions and velocities a hundred times smaller disentangles when the bank and router read and write in the
data's units, and a composed bank keeps the units it was trained in."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from safetensors.torch import load_file

from zoo.banks import load_bank
from zoo.errors import SpecError
from zoo.envs import make_env
from zoo.families.comet.scales import small_units_warning
from zoo.families.export import export
from zoo.hub.info import describe, summary
from zoo.schema import load_spec
from zoo.train import train
from zoo.train.build import build_model

from tests.train.test_comet_procedures import TINY, WORLD

NORMALIZE = ["mechanisms[0].normalize=change", "router.normalize=true"]
AS_IT_IS = "mechanisms[0].normalize=null"  # the catalogue's auto off
UNITS = 0.01


@pytest.fixture(scope="module")
def worlds(tmp_path_factory) -> dict[str, str]:
    """The tests' two-type particle world as a trajectories file, as drawn and with positions and velocities times
    ``UNITS``."""
    folder = tmp_path_factory.mktemp("units")
    export(load_spec("comet-particles", WORLD), folder / "world.npz")
    with np.load(folder / "world.npz", allow_pickle=False) as f:
        arrays = dict(f)
    arrays["states"][..., :4] *= UNITS
    np.savez(folder / "small.npz", **arrays)
    return {"drawn": str(folder / "world.npz"), "small": str(folder / "small.npz")}


def world_file(path: str) -> list[str]:
    return TINY + [f"data={{kind: trajectories, path: {path}}}", "slots.dim=8", "train.steps=300"]


@pytest.mark.parametrize("out", ["state", "change"])
def test_a_world_in_small_units_learns_as_in_its_own_units_only_when_normalised(tmp_path, worlds, out):
    sets = [f"mechanisms[0].normalize={out}", "router.normalize=true"]
    runs = {units: train(load_spec("comet-particles", world_file(worlds[units]) + sets),
                         run_dir=tmp_path / units, progress=False).metrics for units in ("small", "drawn")}
    small, drawn = runs["small"], runs["drawn"]
    assert small["nmi"] == pytest.approx(drawn["nmi"], abs=1e-6), (small, drawn)
    assert small["winner_mse"] == pytest.approx(drawn["winner_mse"], rel=0.05), (small, drawn)
    assert small["nmi"] >= 0.75 and small["purity"] >= 0.9, small


def test_auto_reads_a_world_in_the_catalogues_units_exactly_as_it_is(tmp_path, worlds):
    """``auto`` (the catalogue's) in the data's own units (spread 0.5 to 2): the same run, weight for weight, as no
    normalize."""
    runs = {name: train(load_spec("comet-particles", world_file(worlds["drawn"]) + sets), run_dir=tmp_path / name,
                        progress=False) for name, sets in (("plain", [AS_IT_IS]), ("auto", []))}
    plain, auto = (load_file(runs[n].run_dir / "model.safetensors") for n in ("plain", "auto"))
    assert torch.equal(auto.pop("particles.input_scale"), torch.ones(4))
    assert torch.equal(auto.pop("particles.output_scale"), torch.ones(4))
    assert auto.keys() == plain.keys() and all(torch.equal(auto[k], plain[k]) for k in plain)
    assert runs["auto"].metrics == runs["plain"].metrics


def test_auto_learns_a_world_in_small_units_as_one_in_the_catalogues(tmp_path, worlds):
    spec = load_spec("comet-particles", world_file(worlds["small"]))  # the catalogue's normalize: auto
    run = train(spec, run_dir=tmp_path / "a", progress=False)
    scale = load_file(run.run_dir / "model.safetensors")["particles.input_scale"]
    world = make_env(spec.data, 0).state_scale()[:4]
    assert torch.allclose(world.pow(2).mean().sqrt() / scale, torch.full((4,), 0.5))  # the spread band's low edge
    assert run.metrics["nmi"] >= 0.75 and run.metrics["purity"] >= 0.9, run.metrics


def test_output_scales_only_what_the_mechanisms_write(tmp_path, worlds):
    """``output``: the change times the feature's spread, the features read as they are; in the data's own units
    (spreads near 1 here) it learns this world as the plain bank does."""
    spec = load_spec("comet-particles", world_file(worlds["drawn"]) + ["mechanisms[0].normalize=output"])
    run = train(spec, run_dir=tmp_path / "o", progress=False)
    weights = load_file(run.run_dir / "model.safetensors")
    assert torch.equal(weights["particles.input_scale"], torch.ones(4))
    assert torch.allclose(weights["particles.output_scale"], make_env(spec.data, 0).state_scale()[:4])
    assert run.metrics["nmi"] >= 0.9, run.metrics


def test_a_world_in_small_units_does_not_learn_as_it_is_and_the_run_says_what_to_set(tmp_path, worlds, capfd):
    plain = train(load_spec("comet-particles", world_file(worlds["small"]) + [AS_IT_IS]), run_dir=tmp_path / "p",
                  progress=False)
    assert plain.metrics["nmi"] < 0.3 and plain.metrics["mechanisms_used"] == 1, plain.metrics
    assert "set mechanisms[0].normalize: auto" in capfd.readouterr().err
    drawn = load_spec("comet-particles", world_file(worlds["drawn"]) + [AS_IT_IS])
    world = make_env(drawn.data, 0)
    assert small_units_warning(drawn, world, ["particles"], {"mechanisms_used": 1}) is None  # zoo's own units


def test_a_composed_bank_keeps_the_units_it_was_trained_in(tmp_path, worlds):
    spec = load_spec("comet-particles", world_file(worlds["small"]) + NORMALIZE + ["train.steps=5"])
    train(spec, run_dir=tmp_path / "run", progress=False)
    saved = load_bank(tmp_path / "run" / "bank")
    assert saved.meta["bank"]["normalize"] == "change" and saved.tensors["output_scale"].max() < 0.01
    shown = describe(saved)
    assert "normalize change" in shown and f"({summary(saved)['parameters']:,} parameters)" in shown
    assert summary(saved)["parameters"] == sum(t.numel() for k, t in saved.tensors.items() if "scale" not in k)
    composed = load_spec("comet-particles-compose", [f"data={{kind: trajectories, path: {worlds['drawn']}}}",
                                                     "slots.count=4", "router.normalize=true", "train.steps=1",
                                                     f"mechanisms[0].source={tmp_path / 'run' / 'bank'}"])
    run = train(composed, run_dir=tmp_path / "compose", progress=False)
    weights = load_file(run.run_dir / "model.safetensors")
    assert torch.equal(weights["particles.input_scale"], saved.tensors["input_scale"])
    assert weights["router.feature_scale"][:4].min() > 0.1  # the new world's own units, not the bank's


def test_normalize_is_refused_for_a_bank_that_reads_no_context():
    with pytest.raises(SpecError, match="normalize scales slot features"):
        load_spec("comet-particles", ["mechanisms[0].inputs=[self]", "mechanisms[0].relative=null",
                                      "mechanisms[0].normalize=state"])
