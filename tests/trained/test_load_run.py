"""Every family trains on its data kind read from an exported file, loads with ``load_run``, answers its
family methods with checked shapes, and predicts over a whole file with ``predict_file``."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from zoo.families.export import export
from zoo.errors import ZooError
from zoo.trained import load_run
from zoo.trained.predict import predict_file
from zoo.schema import load_spec, validate
from zoo.train import train

QUICK = ["train.steps=2", "train.eval_every=0"]
TINY = {
    "comet-particles": ["data.trajectories=8", "data.test_trajectories=4", "data.length=6", "mechanisms[0].hidden=[8]",
                        "router.hidden=[8]", "train.batch=4"],
    "slotvae-sprites": ["model.image.size=12", "data.size=12", "model.cnn=[8]", "model.strides=[2]", "model.d_model=8",
                        "model.heads=2", "model.query_dim=8", "model.hidden=8", "model.encoder_layers=1",
                        "model.decoder_layers=1", "model.frequencies=2", "slots.count=3", "slots.dim=4",
                        "data.max_objects=2", "data.images=8", "data.test_images=4", "train.batch=4",
                        "train.eval_images=4", "train.jacobian_images=2", "train.plot_images=0", "train.warmup=0"],
    "rims-copying": ["mechanisms[0].hidden=8", "data.train_sequences=16", "data.test_sequences=4", "data.length=2",
                     "data.delay=3", "data.test_delays=[5]", "train.batch=4"],
    "hypernet-linear-connected": ["data.support_shots=4", "data.query_shots=4", "train.batch=2", "train.eval_tasks=4",
                                  "train.inner.steps=1"],
}


def trained_on_file(name: str, tmp_path):
    """The tiny spec, its export, the spec reading the export, and the run trained on it."""
    spec = load_spec(name, TINY[name] + QUICK)
    section = export(spec, tmp_path / "data.npz", tasks=4)
    on_file = validate({**spec.model_dump(mode="json", exclude_none=True), "data": section})
    result = train(on_file, run_dir=tmp_path / "run", progress=False)
    return spec, section, on_file, result


def test_comet_on_a_trajectories_file(tmp_path):
    """(That the metrics equal the generated world's: tests/envs/files/test_export_roundtrip.py, every kind.)"""
    _, section, _, on_file = trained_on_file("comet-particles", tmp_path)
    assert "nmi" in on_file.metrics
    run = load_run(tmp_path / "run")
    assert "DynamicsRun comet-particles" in repr(run) and "nmi=" in repr(run)
    states = torch.randn(2, 5, 8)
    out = run.predict(states)
    assert out["prediction"].shape == (2, 5, 8) and out["mechanism"].shape == (2, 5)
    assert ((out["context"] >= -1) & (out["context"] < 5)).all()
    assert run.rollout(states[0], 3).shape == (3, 5, 8)
    with pytest.raises(ZooError, match=r"states: expected float shape \(B, 5, 8\) or \(5, 8\)"):
        run.predict(torch.randn(2, 4, 8))
    pred = predict_file(run, section["path"], tmp_path / "pred.npz", rollout=2, chunk_bytes=2000)
    with np.load(pred) as p:
        assert p["prediction"].shape == (12, 6, 5, 8) and p["rollout"].shape == (12, 2, 5, 8)
        first = run.predict(torch.from_numpy(np.load(section["path"])["states"][0, :-1]))["prediction"]
        assert np.allclose(p["prediction"][0], first.numpy(), atol=1e-6)


def test_slot_vae_on_an_images_file(tmp_path):
    _, section, _, result = trained_on_file("slotvae-sprites", tmp_path)
    assert "jari" in result.metrics and "rec" in result.metrics
    run = load_run(tmp_path / "run")
    images = np.load(section["path"])["images"][:3]  # (3, 12, 12, 3) uint8
    slots = run.encode(images)
    assert slots.shape == (3, 3, 4) and run.decode(slots).shape == (3, 12, 12, 3)
    seg = run.segment(images[0])
    assert seg.shape == (12, 12) and seg.max() < 3
    assert torch.equal(run.encode(images.transpose(0, 3, 1, 2)), slots)  # PyTorch's (B, C, H, W) reads the same
    with pytest.raises(ZooError, match=r"images: expected float shape \(B, 12, 12, 3\)"):
        run.encode(np.zeros((2, 4, 12, 12), np.float32))
    with pytest.raises(ZooError, match=r"images: not an array"):
        run.encode([[1, 2], [3]])  # ragged: named as the images, before any layout is read
    with np.load(predict_file(run, section["path"], tmp_path / "p.npz")) as p:
        assert p["slots"].shape == (12, 3, 4) and p["segmentation"].shape == (12, 12, 12)


def test_rims_on_a_sequences_file(tmp_path):
    _, section, _, result = trained_on_file("rims-copying", tmp_path)
    assert list(section["test_paths"]) == ["test_5"] and "test_5_acc" in result.metrics
    run = load_run(tmp_path / "run")
    out = run.predict(np.zeros((2, 9), np.int64))
    assert out["output"].shape == (2, 9, 10) and out["active"].shape == (2, 9, 6)
    with pytest.raises(ZooError, match="sequences: expected int"):
        run.predict(np.zeros((2, 9), np.float32))
    with np.load(predict_file(run, section["test_paths"]["test_5"], tmp_path / "p.npz")) as p:
        assert p["output"].shape == (4, 9, 10) and p["active"].dtype == bool


def test_hypernetwork_on_a_tasks_file(tmp_path):
    _, section, on_file, result = trained_on_file("hypernet-linear-connected", tmp_path)
    assert {"test_acc", "ood_acc", "decoding_r2"} <= set(result.metrics)
    run = load_run(tmp_path / "run")
    arrays = np.load(section["path"])
    task = run.adapt(arrays["x"][0, :4], arrays["y"][0, :4])
    assert task(arrays["x"][0, 4:]).shape == (4, 8) and task(arrays["x"][0, 4]).shape == (8,)
    with pytest.raises(ZooError, match=r"x_support: expected float shape \(B, 16,\)"):
        run.adapt(np.zeros((4, 3), np.float32), np.zeros((4, 8), np.float32))
    with np.load(predict_file(run, section["path"], tmp_path / "p.npz")) as p:
        assert p["y_query"].shape == (12, 4, 8)


def test_a_catalogue_bank_loads_but_cannot_predict_without_a_selector():
    run = load_run("comet-particles")
    assert not run.complete and "bank weights only" in repr(run)
    with pytest.raises(ZooError, match="selector is untrained"):
        run.predict(torch.zeros(5, 8))


def test_a_slot_vae_trained_on_grey_images_reads_and_predicts_them_grey(tmp_path):
    """A grey (S, H, W) file trains a one-channel model, which encodes and predicts grey arrays as they are."""
    spec = load_spec("slotvae-sprites", TINY["slotvae-sprites"] + QUICK)
    section = export(spec, tmp_path / "rgb.npz", tasks=4)
    with np.load(section["path"]) as f:
        grey = f["images"].mean(-1).astype(np.uint8)  # (S, H, W)
        np.savez(tmp_path / "grey.npz", images=grey, masks=f["masks"])
    data = spec.model_dump(mode="json", exclude_none=True)
    data["model"]["image"]["channels"] = 1
    on_file = validate({**data, "data": {**section, "path": str(tmp_path / "grey.npz")}})
    train(on_file, run_dir=tmp_path / "run", progress=False)
    run = load_run(tmp_path / "run")
    assert torch.equal(run.encode(grey[:2]), run.encode(grey[:2, :, :, None]))
    with np.load(predict_file(run, str(tmp_path / "grey.npz"), tmp_path / "p.npz")) as p:
        assert p["segmentation"].shape == (12, 12, 12) and p["recon"].shape == (12, 12, 12, 1)
