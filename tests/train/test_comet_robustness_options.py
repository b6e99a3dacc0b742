"""COMET's options for worlds it was not designed for: mechanisms that read contexts relative to the slot
(``mechanisms[].relative``) and pairs that follow a position in the candidate list over the horizon
(``train.context_by: rank``)."""

from __future__ import annotations

import pytest
import torch

from zoo.banks import load_bank
from zoo.errors import SpecError
from zoo.schema import load_spec
from zoo.train import train
from zoo.train.build import build_model

from tests.train.test_comet_procedures import TINY, WORLD


def test_the_catalogue_settings_disentangle_a_small_world(tmp_path):
    """Winners on a path, mechanisms of two layers of 64 reading contexts relative to the slot, windows of
    24 steps cut to the 12 of this world's trajectories."""
    spec = load_spec("comet-particles", WORLD + ["mechanisms[0].count=2", "train.steps=300", "train.warm_start=50",
                                                 "train.eval_every=0"])
    assert spec.train.switch_rate and spec.mechanisms[0].relative and spec.train.horizon > 12
    result = train(spec, run_dir=tmp_path / "run", progress=False)
    assert result.metrics["nmi"] >= 0.9 and result.metrics["purity"] >= 0.95, result.metrics


def test_pairs_that_follow_the_nearest_neighbour_over_a_longer_horizon_disentangle(tmp_path):
    spec = load_spec("comet-particles", TINY + ["train.steps=300", "train.context_by=rank", "train.horizon=4",
                                                "train.switch_rate=null"])
    result = train(spec, run_dir=tmp_path / "run", progress=False)
    assert result.metrics["nmi"] >= 0.8 and result.metrics["purity"] >= 0.9, result.metrics


def test_mechanisms_that_read_contexts_relative_to_the_slot_disentangle(tmp_path):
    spec = load_spec("comet-particles", TINY + ["train.steps=300", "mechanisms[0].relative=[0, 1]",
                                                "mechanisms[0].hidden=[64, 64]"])
    result = train(spec, run_dir=tmp_path / "run", progress=False)
    assert result.metrics["nmi"] >= 0.8 and result.metrics["purity"] >= 0.9, result.metrics


def test_winners_on_a_path_disentangle_and_a_composed_selector_learns_them(tmp_path):
    path = ["train.switch_rate=0.05", "train.horizon=8"]
    spec = load_spec("comet-particles", TINY + ["train.steps=300"] + path)
    result = train(spec, run_dir=tmp_path / "run", progress=False)
    assert result.metrics["nmi"] >= 0.8 and result.metrics["purity"] >= 0.9, result.metrics
    composed = load_spec("comet-particles-compose", WORLD + path + ["data.mix=[3, 1]",
        f"mechanisms[0].source={tmp_path / 'run' / 'bank'}", "router.hidden=[32]", "train.batch=32", "train.steps=200"])
    metrics = train(composed, run_dir=tmp_path / "compose", progress=False).metrics
    assert metrics["selector_accuracy"] >= 0.8 and metrics["selected_nmi"] >= 0.8, metrics


def test_a_bank_is_composed_reading_its_inputs_as_it_was_trained(tmp_path):
    modules = {}
    for name, relative in (("relative", "[0, 1]"), ("absolute", "null")):
        spec = load_spec("comet-particles", TINY + ["train.steps=5", f"mechanisms[0].relative={relative}"])
        train(spec, run_dir=tmp_path / name, progress=False)
        composed = load_spec("comet-particles-compose", [f"mechanisms[0].source={tmp_path / name / 'bank'}"])
        modules[name] = dict(build_model(composed).named_modules())["particles"]
    assert load_bank(tmp_path / "relative" / "bank").meta["bank"]["relative"] == [0, 1]
    assert modules["relative"].relative and not modules["absolute"].relative
    catalogue = load_spec("comet-particles-compose", [])  # the catalogue's bank is trained relative
    assert dict(build_model(catalogue).named_modules())["particles"].relative


def test_rank_and_object_contexts_pick_the_same_winners_over_one_step(tmp_path):
    runs = {}
    for by in ("object", "rank"):
        spec = load_spec("comet-particles", TINY + ["train.steps=20", "train.horizon=1", f"train.context_by={by}",
                                                    "train.switch_rate=null"])
        torch.manual_seed(0)
        runs[by] = train(spec, run_dir=tmp_path / by, progress=False).metrics
    assert runs["object"]["nmi"] == runs["rank"]["nmi"] and runs["object"]["winner_mse"] == runs["rank"]["winner_mse"]


@pytest.mark.parametrize("sets, words", [
    (["train.context_by=rank", "train.context_per_step=true", "train.switch_rate=null"], "set one of them"),
    (["mechanisms[0].inputs=[context]", "mechanisms[0].relative=[0]"], "'self' and 'context'"),
    (["mechanisms[0].relative=[0, 0]"], "must not repeat"),
    (["train.switch_rate=0.05", "train.select_on=change"], "replaces select_on: change"),
    (["train.switch_rate=1"], "less than 1"),
])
def test_contradictory_settings_are_refused_where_they_are(sets, words):
    with pytest.raises(SpecError, match=words):
        load_spec("comet-particles", sets)


def test_a_relative_feature_outside_the_slot_is_refused(tmp_path):
    spec = load_spec("comet-particles", ["mechanisms[0].relative=[0, 9]"])
    with pytest.raises(SpecError, match="relative feature 9"):
        build_model(spec)
