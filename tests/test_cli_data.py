"""``zoo data export``, ``zoo data check`` and ``zoo predict`` from the command line: exit codes and messages."""

from __future__ import annotations

import json

import numpy as np
from click.testing import CliRunner

from zoo.cli import main

SMALL = ["--set", "data.trajectories=6", "--set", "data.test_trajectories=2", "--set", "data.length=4", "--set",
         "train.horizon=2"]


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_export_then_check_a_good_file(tmp_path):
    out = tmp_path / "p.npz"
    r = run("data", "export", "comet-particles", "--out", out, *SMALL)
    assert r.exit_code == 0, r.output
    section = json.loads(r.output.splitlines()[-1].removeprefix("data: "))
    assert section == {"kind": "trajectories", "path": str(out)}
    r = run("data", "check", out, "--kind", "trajectories")
    assert r.exit_code == 0, r.output
    assert "states: float32 (8, 5, 5, 8)" in r.output and "interaction types: spring" in r.output
    assert "slots: {count: 5, dim: 8}" in r.output


def test_check_a_bad_file_exits_2_naming_the_problem(tmp_path):
    bad = tmp_path / "bad.npz"
    np.savez(bad, states=np.zeros((3, 4, 2), np.float32))
    r = run("data", "check", bad, "--kind", "trajectories")
    assert r.exit_code == 2
    assert "array 'states': expected float (S, T+1, N, D), got float32 with shape (3, 4, 2)" in r.output
    assert "Traceback" not in r.output


def test_check_escapes_control_codes_in_the_files_array_names(tmp_path):
    bad = tmp_path / "names.npz"
    np.savez(bad, **{"\x1b]0;pwned\x07states": np.zeros((3, 4, 2), np.float32)})
    r = run("data", "check", bad, "--kind", "trajectories")
    assert r.exit_code == 2 and "\\x1b]0;pwned\\x07states" in r.output
    assert not any(c in r.output for c in "\x1b\x07")


def test_train_on_a_bad_file_exits_2_and_writes_nothing(tmp_path):
    bad = tmp_path / "bad.npz"
    np.savez(bad, states=np.full((3, 4, 5, 8), np.nan, np.float32))
    r = run("train", "comet-particles", "--set", f"data={{kind: trajectories, path: {bad}}}", "--run-dir", tmp_path / "run")
    assert r.exit_code == 2 and "NaN or infinite" in r.output
    assert not (tmp_path / "run").exists()


def test_predict_writes_predictions_and_refuses_a_file_of_the_wrong_shape(tmp_path):
    data = tmp_path / "p.npz"
    run("data", "export", "comet-particles", "--out", data, *SMALL)
    small = ["--set", f"data={{kind: trajectories, path: {data}}}", "--set", "train.steps=1", "--set",
             "train.eval_every=0", "--set", "mechanisms[0].hidden=[4]"]
    r = run("train", "comet-particles", *small, "--set", "train.switch_rate=null", "--run-dir", tmp_path / "run")
    assert r.exit_code == 2 and "p.npz: its trajectories have 5 states (4 steps), fewer than train.horizon=24" in r.output
    assert "set train.horizon: 4 or less" in r.output and not (tmp_path / "run").exists()
    r = run("train", "comet-particles", *small, "--run-dir", tmp_path / "run")  # a path: windows of whole trajectories
    assert r.exit_code == 0, r.output
    r = run("predict", tmp_path / "run", "--data", data, "--out", tmp_path / "pred.npz", "--no-progress")
    assert r.exit_code == 0, r.output
    with np.load(tmp_path / "pred.npz") as p:
        assert p["prediction"].shape == (8, 4, 5, 8)
    np.savez(tmp_path / "wrong.npz", states=np.zeros((2, 3, 4, 8), np.float32))
    r = run("predict", tmp_path / "run", "--data", tmp_path / "wrong.npz", "--out", tmp_path / "w.npz")
    assert r.exit_code == 2 and "expected float shape (B, 5, 8)" in r.output
    assert not (tmp_path / "w.npz").exists() and not list(tmp_path.glob(".tmp-*"))
