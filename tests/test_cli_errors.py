"""CLI error paths: what was wrong, where and what is accepted; exit code 2 and no traceback."""

from __future__ import annotations

import pytest
import torch
from click.testing import CliRunner

from zoo.cli import main
from zoo.schema import load_spec
from zoo.train import train

TINY = ["--set", "train.steps=2", "--set", "train.eval_every=0", "--set", "data.trajectories=8",
        "--set", "data.test_trajectories=4", "--set", "slots.count=3", "--set", "data.objects=3"]


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def bad_input(r, *phrases):
    assert r.exit_code == 2, r.output
    assert "Traceback" not in r.output and isinstance(r.exception, SystemExit)  # a message, not a crash
    for phrase in phrases:
        assert phrase in r.output, r.output


def test_unknown_device_lists_the_accepted_ones():
    bad_input(run("train", "comet-particles", "--device", "gpu", *TINY),
              "--device 'gpu': unknown device; expected cpu, cuda, cuda:N or auto")


def test_cuda_without_a_gpu_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    bad_input(run("train", "comet-particles", "--device", "cuda", "--run-dir", tmp_path / "r", *TINY),
              "--device cuda was asked for, but torch sees no CUDA device here; use --device cpu")
    assert not (tmp_path / "r").exists()


def test_missing_spec_file_says_what_spec_may_be():
    bad_input(run("validate", "missing.yaml"),
              "no such file: missing.yaml (SPEC is a YAML/JSON spec file or a catalogue name; see `zoo list`)")


def test_malformed_override_names_the_accepted_form():
    bad_input(run("validate", "comet-particles", "--set", "steps"),
              "--set: expected PATH=VALUE (e.g. train.steps=200 or mechanisms[0].count=6), got 'steps'")


def test_output_path_under_a_file_is_bad_input(tmp_path):
    (tmp_path / "file").write_text("")
    bad_input(run("schema", "--out", tmp_path / "file" / "schema.json"), "exists and is not a directory")
    bad_input(run("graph", "comet-particles", "--out", tmp_path / "file" / "g.txt"), str(tmp_path / "file"))


def test_progress_bar_shows_loss_and_key_metric(tmp_path, capsys):
    spec = load_spec("comet-particles", [s for s in TINY if s != "--set"] + ["train.log_every=1"])
    train(spec, run_dir=tmp_path / "on", progress=True)
    err = capsys.readouterr().err
    assert "comet-particles" in err and "loss=" in err and "nmi=" in err  # nmi: COMET's key metric, not wta
    assert "wta=" not in err


@pytest.mark.parametrize("progress", [None, False])
def test_no_bar_when_not_a_terminal(tmp_path, capsys, progress):
    spec = load_spec("comet-particles", [s for s in TINY if s != "--set"] + ["train.eval_every=1"])
    train(spec, run_dir=tmp_path / "off", progress=progress)  # pytest's capture is not a TTY
    out = capsys.readouterr()
    assert "it/s" not in out.err and "loss=" not in out.err and out.out == ""
    assert "[comet-particles] step 1/2: nmi=" in out.err  # one line per evaluation instead


def test_training_a_spec_without_data_or_train_says_what_to_add(tmp_path, comet_yaml):
    path = tmp_path / "model-only.yaml"
    path.write_text(comet_yaml)
    bad_input(run("train", path), "training needs data and train sections", "`zoo init FAMILY`")


def test_compose_refuses_another_procedure_before_building_anything(tmp_path, comet_yaml):
    r = run("compose", "comet-particles", "--bank", "comet-particles", "--run-dir", tmp_path / "r")
    bad_input(r, "train.procedure must be 'compose' (got 'compete')")
    assert "frozen parameters" not in r.output and not (tmp_path / "r").exists()
    path = tmp_path / "model-only.yaml"
    path.write_text(comet_yaml)
    bad_input(run("compose", path, "--bank", "comet-particles"), "needs a train section with procedure: compose")
