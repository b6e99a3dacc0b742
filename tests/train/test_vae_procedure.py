"""The vae procedure: loss pieces by hand, schedules, and short trainings that must learn."""

import json

import pytest
import torch

from zoo.schema import load_spec
from zoo.train import train
from zoo.families.slot_vae.procedure import kl_divergence, ramp

TINY = ["model.image.size=12", "data.size=12", "model.cnn=[8, 16]", "model.strides=[1, 2]", "model.d_model=16",
        "model.heads=2", "model.query_dim=16", "model.hidden=16", "model.encoder_layers=1",
        "model.decoder_layers=1", "model.frequencies=3", "slots.count=3", "slots.dim=4", "data.max_objects=2",
        "data.min_scale=0.15", "data.max_scale=0.25", "data.images=256", "data.test_images=32",
        "train.batch=16", "train.eval_images=32", "train.jacobian_images=4", "train.plot_images=2",
        "train.warmup=0", "train.lr=0.003", "train.beta_ramp=0", "train.log_every=5"]


def test_ramp_schedule():
    assert ramp(0, 2.0, 10, 20) == 0.0
    assert ramp(9, 2.0, 10, 20) == 0.0
    assert ramp(20, 2.0, 10, 20) == pytest.approx(1.0)
    assert ramp(30, 2.0, 10, 20) == 2.0 and ramp(99, 2.0, 10, 20) == 2.0
    assert ramp(0, 2.0, 0, 0) == 2.0


def test_kl_by_hand():
    mu = torch.ones(2, 3, 4)
    logvar = torch.zeros(2, 3, 4)
    assert kl_divergence(mu, logvar).item() == pytest.approx(0.5 * 12)  # 0.5 * mu^2 per dim, summed
    assert kl_divergence(torch.zeros(1, 2, 2), torch.zeros(1, 2, 2)).item() == 0.0
    # var e: 0.5 * (e - 1 - 1) per dim
    assert kl_divergence(torch.zeros(1, 1, 1), torch.ones(1, 1, 1)).item() == pytest.approx(0.5 * (2.718281828 - 2))


def _mean_image_error(spec) -> float:
    from zoo.envs import make_env

    env = make_env(spec.data, spec.train.seed)
    train_x = env.splits["train"]["images"].float() / 255
    test_x = env.splits["test"]["images"][: spec.train.eval_images].float() / 255
    return (test_x - train_x.mean(0)).pow(2).sum((1, 2, 3)).mean().item()


@pytest.mark.slow
def test_training_beats_the_mean_image_and_writes_its_figure(tmp_path):
    torch.set_num_threads(1)
    one_object = ["data.min_objects=1", "data.max_objects=1", "slots.count=2", "slots.dim=8", "train.beta=0"]
    spec = load_spec("slotvae-sprites-noreg", TINY + one_object + ["train.steps=600"])
    result = train(spec, run_dir=tmp_path / "run")
    baseline = _mean_image_error(spec)
    assert result.metrics["rec"] < 0.75 * baseline, (result.metrics["rec"], baseline)
    saved = json.loads((tmp_path / "run" / "metrics.json").read_text())
    for key in ("jis", "jari", "attention_ari", "mse", "rec", "kl", "interaction", "train_seconds"):
        assert key in saved
    assert 0.0 <= saved["jis"] <= 1.0
    assert (tmp_path / "run" / "plots" / "slotvae.png").stat().st_size > 10_000


@pytest.mark.slow
def test_the_regulariser_lowers_attention_interaction(tmp_path):
    torch.set_num_threads(1)
    short = TINY + ["train.steps=100", "train.jacobian_images=1", "train.plot_images=0"]
    off = train(load_spec("slotvae-sprites-noreg", short), run_dir=tmp_path / "off")
    on = train(load_spec("slotvae-sprites", short + ["train.alpha=5", "train.alpha_start=0", "train.alpha_ramp=0"]), run_dir=tmp_path / "on")
    assert on.metrics["interaction"] < 0.1 * off.metrics["interaction"], (on.metrics, off.metrics)


def test_a_forced_collapse_is_flagged_in_training_output_metrics_and_report(tmp_path, capsys, monkeypatch):
    from zoo.nn.slot_vae import SlotDecoder
    from zoo.report import write_report

    decode = SlotDecoder.decode_queries  # the decoder reads slot 0 only: every pixel depends on it
    monkeypatch.setattr(SlotDecoder, "decode_queries", lambda self, z, f: decode(self, z[:, :1].expand_as(z), f))
    spec = load_spec("slotvae-sprites", TINY + ["train.steps=2", "train.eval_every=1"])
    result = train(spec, run_dir=tmp_path / "run", progress=False)
    assert result.metrics["collapsed"] == 1.0 and result.metrics["max_slot_fg_share"] == pytest.approx(1.0)
    assert result.metrics["jis"] == pytest.approx(1.0)  # what used to read as a perfect score
    err = capsys.readouterr().err
    assert "[slotvae-sprites] step 1/2: jari=" in err  # the key metric comes first
    assert err.count("WARNING: slot collapse: one slot takes 100% of the foreground pixels") == 2  # both evaluations
    saved = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert saved["collapsed"] == 1.0 and saved["max_slot_fg_share"] == pytest.approx(1.0)
    report = write_report(tmp_path / "run").read_text()
    assert report.split("## Final metrics")[0].count("WARNING: slot collapse") == 1  # above the metrics

