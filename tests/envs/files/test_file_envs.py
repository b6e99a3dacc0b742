"""The file-backed data kinds: each reads its format into its family's interface; each bad file gets its error."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import TypeAdapter

from zoo.envs import make_env
from zoo.errors import DataError, SpecError
from zoo.schema.data import DataSpec


def data(**kw):
    return TypeAdapter(DataSpec).validate_python(kw)


def trajectories(path, s=6, t=5, n=3, d=4, **extra):
    rng = np.random.default_rng(0)
    states = rng.normal(size=(s, t + 1, n, d)).astype(np.float32)
    states[..., -1] = 1.0  # a constant attribute
    arrays = {"states": states, "types": rng.integers(-1, 2, (s, t, n)), "partners": rng.integers(-1, n, (s, t, n))}
    arrays.update(extra)
    np.savez(path, **{k: v for k, v in arrays.items() if v is not None})
    return arrays


def test_trajectories_read_into_a_slot_world_with_a_seeded_split(tmp_path):
    arrays = trajectories(tmp_path / "t.npz", type_names=np.array(["a", "b"]))
    world = make_env(data(kind="trajectories", path=str(tmp_path / "t.npz"), test_fraction=0.34), seed=1)
    train, test = world.splits["train"], world.splits["test"]
    assert (len(train), len(test)) == (4, 2) and world.type_names == ("a", "b")
    assert world.static == (3,) and world.features == ("f0", "f1", "f2", "f3")
    rows = sorted(np.flatnonzero((arrays["states"][:, None] == test.states.numpy()[None]).all((2, 3, 4)).any(1)))
    assert len(rows) == 2  # the test trajectories are rows of the file
    again = make_env(data(kind="trajectories", path=str(tmp_path / "t.npz"), test_fraction=0.34), seed=1)
    assert np.array_equal(again.splits["test"].states, test.states)


def test_trajectories_without_types_still_scale_errors(tmp_path):
    trajectories(tmp_path / "t.npz", types=None, partners=None)
    world = make_env(data(kind="trajectories", path=str(tmp_path / "t.npz")), seed=0)
    assert (world.splits["train"].types == -1).all() and world.type_names == ()
    assert np.isfinite(world.delta_scale().numpy()).all()


@pytest.mark.parametrize("change, message", [
    ({"states": None}, r"missing array 'states', expected float \(S, T\+1, N, D\)"),
    ({"states": np.zeros((2, 3, 4), np.float32)}, r"array 'states': expected float \(S, T\+1, N, D\), got float32 with shape \(2, 3, 4\)"),
    ({"states": np.zeros((2, 3, 4, 2), np.int64)}, r"array 'states': expected float .* got int64"),
    ({"states": np.full((2, 3, 4, 2), np.inf, np.float32)}, r"array 'states': 48 value\(s\) are NaN or infinite"),
    ({"states": np.full((6, 6, 3, 2), 3e20)}, r"array 'states': values reach 3e\+20 .* too large to train on in float32"),
    ({"type_names": np.array(["spring", "none", "spring"])}, r"array 'type_names': names must differ; repeated: 'spring'"),
    ({"types": np.zeros((6, 4, 3), np.int64)}, r"array 'types': expected shape \(S, T, N\) = \(6, 5, 3\), got \(6, 4, 3\)"),
    ({"partners": np.full((6, 5, 3), 7)}, r"array 'partners': values must lie in \[-1, 2\]"),
    ({"mask": np.ones((6, 6, 3), bool)}, r"array 'mask': varying object counts are not supported"),
    ({"split": np.array(["train"] * 5 + ["val"])}, r"array 'split': unknown split name\(s\) \['val'\]"),
])
def test_bad_trajectory_files_get_their_error(tmp_path, change, message):
    path = tmp_path / "bad.npz"
    trajectories(path, **change)
    with pytest.raises(DataError, match=rf"bad\.npz: {message}"):
        make_env(data(kind="trajectories", path=str(path)), seed=0)


def test_images_sequences_and_tasks_read_into_their_interfaces(tmp_path):
    rng = np.random.default_rng(0)
    np.savez(tmp_path / "i.npz", images=rng.integers(0, 256, (5, 8, 8, 3), dtype=np.uint8),
             masks=rng.integers(0, 3, (5, 8, 8)))
    env = make_env(data(kind="images", path=str(tmp_path / "i.npz")), seed=0)
    assert env.splits["train"]["images"].shape[1:] == (3, 8, 8) and "masks" in env.splits["test"]
    np.savez(tmp_path / "s.npz", inputs=rng.integers(0, 4, (6, 7)), labels=rng.integers(0, 3, 6))
    np.savez(tmp_path / "s2.npz", inputs=rng.integers(0, 4, (2, 9)), labels=rng.integers(0, 3, 2))
    env = make_env(data(kind="sequences", path=str(tmp_path / "s.npz"), test_paths={"test_long": str(tmp_path / "s2.npz")}), 0)
    assert list(env.splits) == ["train", "test", "test_long"] and env.splits["test_long"]["x"].shape == (2, 9)
    np.savez(tmp_path / "k.npz", x=rng.normal(size=(4, 6, 2)).astype(np.float32), y=rng.integers(0, 3, (4, 6)),
             split=np.array(["train", "train", "test", "ood"]))
    env = make_env(data(kind="tasks", path=str(tmp_path / "k.npz"), support=4), 0)
    import torch

    batch = env.sample("ood", 3, torch.Generator().manual_seed(0))
    assert batch["x_support"].shape == (3, 4, 2) and batch["y_query"].shape == (3, 2, 3)
    assert (batch["task"] == 3).all() and env.classification and not env.has_latents


@pytest.mark.parametrize("shape, axes", [
    ((5, 8, 6, 3), (0, 3, 1, 2)),  # (S, H, W, C), the documented layout
    ((5, 3, 8, 6), (0, 1, 2, 3)),  # PyTorch's (S, C, H, W): the last axis cannot be channels
    ((5, 1, 8, 6), (0, 1, 2, 3)),
    ((5, 8, 6), None),  # grey (S, H, W)
])
def test_images_are_read_in_each_layout_to_the_same_pixels(tmp_path, shape, axes):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, shape, dtype=np.uint8)
    np.savez(tmp_path / "i.npz", images=images, masks=np.zeros((5, 8, 6), np.int64))
    env = make_env(data(kind="images", path=str(tmp_path / "i.npz"), test_fraction=0.4), seed=0)
    read = np.concatenate([env.splits[k]["images"].numpy() for k in ("train", "test")])
    want = images[:, None] if axes is None else images.transpose(*axes)  # (S, C, H, W)
    assert read.shape == (5, want.shape[1], 8, 6)
    assert sorted(map(bytes, read)) == sorted(map(bytes, want))  # the same images, whatever the split's order


@pytest.mark.parametrize("kind, arrays, message", [
    ("images", {"images": np.zeros((3, 8, 8, 8), np.uint8)},
     r"array 'images': shape \(3, 8, 8, 8\) has no channel axis of 1, 3, 4 entries"),
    ("images", {"images": np.zeros((3, 4, 4, 1, 1), np.uint8)},
     r"array 'images': expected unsigned int or float \(S, H, W, C\)"),
    ("images", {"images": np.full((3, 4, 4, 1), 2.0, np.float32)}, r"float images must lie in \[0, 1\]"),
    ("images", {"images": np.zeros((3, 4, 4, 1), np.uint8), "masks": np.zeros((3, 5, 4), np.int64)},
     r"array 'masks': expected shape \(S, H, W\) = \(3, 4, 4\)"),
    ("sequences", {"inputs": np.zeros((3, 4), np.int64)}, r"give exactly one of 'labels'"),
    ("sequences", {"inputs": np.zeros((3, 4, 2), np.float32), "targets": np.zeros((3, 5), np.float32)},
     r"array 'targets': expected shape \(S, T, \.\.\.\) = \(3, 4\)"),
    ("tasks", {"x": np.zeros((3, 4, 2), np.float32), "y": np.zeros((3, 5), np.int64)}, r"array 'y': expected shape"),
    ("tasks", {"x": np.zeros((3, 1, 2), np.float32), "y": np.zeros((3, 1), np.int64)}, r"needs at least 2 shots"),
])
def test_bad_files_of_the_other_kinds(tmp_path, kind, arrays, message):
    np.savez(tmp_path / "bad.npz", **arrays)
    with pytest.raises(DataError, match=message):
        make_env(data(kind=kind, path=str(tmp_path / "bad.npz")), seed=0)


def test_a_model_that_does_not_fit_the_file_is_a_spec_error(tmp_path):
    from zoo.schema import load_spec
    from zoo.train import train

    trajectories(tmp_path / "t.npz")
    spec = load_spec("comet-particles", [f"data={{kind: trajectories, path: {tmp_path / 't.npz'}}}", "train.steps=1"])
    with pytest.raises(SpecError, match=r"3 objects of 4 features .* set slots: \{count: 3, dim: 4\}"):
        train(spec, run_dir=tmp_path / "run", progress=False)
    assert not (tmp_path / "run").exists()
