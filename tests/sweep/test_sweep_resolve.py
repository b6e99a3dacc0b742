"""Every point's spec is loaded and checked before anything runs; run names and fingerprints."""

from __future__ import annotations

import pytest

from zoo.errors import SpecError
from zoo.schema import load_spec
from zoo.sweep import fingerprint, load_plan, resolve_points


def resolved(*args, **kwargs):
    return resolve_points(load_plan(*args, **kwargs))


def test_override_errors_point_at_the_sweep_file(tmp_path):
    path = tmp_path / "sweep.yaml"
    path.write_text("spec: comet-particles\nseeds: 0-2\nset: {train.stpes: 5}\ngrid:\n  train.lr: [0.001, -1]\n")
    with pytest.raises(SpecError) as e:
        resolved([str(path)])
    issues = [str(i) for i in e.value.issues]
    assert len(issues) == 2  # each problem once, though every seed has it
    assert issues[0].startswith(f"{path}:3:7: train.stpes: unknown key 'stpes'; did you mean 'steps'? (accepted: ")
    assert issues[1] == f"{path}:5:21: train.lr: Input should be greater than 0"


def test_graph_errors_are_found_before_anything_runs():
    with pytest.raises(SpecError, match=r"rims-copying.yaml:\d+:\d+: mechanisms\[0\]: .*router.k=9 exceeds"):
        resolved(["rims-copying"], grid=["router.k=1,9"])


def test_a_spec_without_training_cannot_be_swept(tmp_path, comet_yaml):
    (tmp_path / "model.yaml").write_text(comet_yaml)
    with pytest.raises(SpecError, match=r"model.yaml:1:1: train: a sweep trains every point: the spec needs data"):
        resolved([str(tmp_path / "model.yaml")])


def test_points_carry_their_resolved_spec_seed_name_and_fingerprint():
    points = resolved(["comet-particles"], "3-4", ["train.lr=1e-3,2e-3"], ["train.steps=7"])
    assert [(p.seed, p.setting) for p in points] == [(3, "train.lr=1e-3"), (4, "train.lr=1e-3"),
                                                     (3, "train.lr=2e-3"), (4, "train.lr=2e-3")]
    assert points[0].overrides == ("train.steps=7", "train.lr=1e-3", "train.seed=3")
    assert points[0].spec["train"]["steps"] == 7 and points[0].spec["train"]["seed"] == 3
    assert len({p.key for p in points}) == 4 and len({p.fingerprint for p in points}) == 4
    spec = load_spec("comet-particles", ["train.steps=7", "train.lr=1e-3", "train.seed=3"])
    assert points[0].fingerprint == fingerprint(spec)
    default_seed = resolved(["comet-particles"])[0]
    assert default_seed.seed == load_spec("comet-particles").train.seed


def test_run_names_stay_when_shared_overrides_change_and_fingerprints_do_not():
    a = resolved(["comet-particles"], "0", ["train.lr=1e-3"], ["train.steps=7"])[0]
    b = resolved(["comet-particles"], "0", ["train.lr=1e-3"], ["train.steps=8"])[0]
    assert a.key == b.key and a.fingerprint != b.fingerprint


def test_fingerprint_follows_settings_not_prose_or_written_defaults():
    base = load_spec("comet-particles")
    assert fingerprint(load_spec("comet-particles", ["description=other words"])) == fingerprint(base)
    assert fingerprint(load_spec("comet-particles", [f"train.weight_decay={base.train.weight_decay}"])) == \
        fingerprint(base)
    assert fingerprint(load_spec("comet-particles", ["train.lr=0.0031"])) != fingerprint(base)
    assert fingerprint(load_spec("comet-particles", ["router.hidden=[9]"])) != fingerprint(base)
