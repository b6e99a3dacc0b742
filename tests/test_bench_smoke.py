"""The benchmarks run end to end at tiny sizes (so they cannot rot), and the performance references stay exact."""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_bench(script: str, *args: str, timeout: int = 240) -> subprocess.CompletedProcess:
    """``python bench/<script> args...`` from the repository root; fails the test if it exits non-zero."""
    out = subprocess.run([sys.executable, f"bench/{script}", *args], cwd=ROOT, capture_output=True, text=True,
                         timeout=timeout, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert out.returncode == 0, out.stderr[-2000:]
    return out


def bench_module(name: str, monkeypatch):
    """Import ``bench/<name>.py`` (with bench/ on the path, as when it runs as a script)."""
    monkeypatch.syspath_prepend(str(ROOT / "bench"))
    loader = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(loader)
    loader.loader.exec_module(module)
    return module


def test_performance_quick(tmp_path):
    run_bench("performance.py", "--quick", "--out", str(tmp_path), timeout=120)
    nums = json.loads((tmp_path / "results" / "performance.json").read_text())
    for key in ("overhead_ratio_comet", "overhead_ratio_hypernet", "overhead_ratio_rims", "overhead_ratio_slotvae",
                "bank_vs_loop_speedup", "bank_matmul_fraction", "compile_ms_median", "catalogue_specs",
                "torch_compile_specs_ok", "knn_scaling_ratio"):
        assert key in nums and nums[key] > 0, key
    assert nums["catalogue_specs"] == len(list((ROOT / "specs").glob("*.yaml")))
    assert nums["torch_compile_specs_ok"] == 2  # the two specs checked in quick mode match eager
    md = (tmp_path / "RESULTS-performance.md").read_text()
    assert "overhead_ratio_rims" in md and "torch " in md


def test_rims_quick_side_by_side(tmp_path):
    """bench/rims.py at tiny sizes, its RIMs and LSTM trained for two seeds in separate processes (--parallel)."""
    out = run_bench("rims.py", "--quick", "--parallel", "--tasks", "digits", "--seeds", "0", "1",
                    "--out", str(tmp_path))
    for job in ("rims-digits seed 0:", "rims-digits seed 1:", "lstm-digits seed 0:", "lstm-digits seed 1:"):
        assert job in out.stdout
    assert "digits, mean over 2 seed(s)" in out.stdout
    assert not list(tmp_path.iterdir())  # a smoke run writes no results


def test_rims_seed_means_and_merge(monkeypatch):
    """Per-seed figures are averaged per task; --merge keeps other seeds only at the same step scale."""
    rims = bench_module("rims", monkeypatch)
    r = {"digits_acc_24_rims_seed0": 20.0, "digits_acc_24_rims_seed1": 30.0, "digits_acc_24_rims": 20.0,
         "copy_error_200_rims_seed0": 0.5, "steps_scale_digits": 1.0}
    assert rims.seed_means(r, "digits") == {"digits_acc_24_rims": 25.0, "seeds_digits": 2.0}
    args = argparse.Namespace(tasks=["digits"], seeds=[1], scale=1.0, models=["rims", "lstm"])
    assert {k for k in r if rims.kept(k, r, args)} == {"digits_acc_24_rims_seed0", "copy_error_200_rims_seed0"}
    r["digits_acc_24_lstm_seed1"] = 15.0
    args.models = ["rims"]  # retraining the RIMs keeps the LSTM's figures of the same seed
    assert {k for k in r if rims.kept(k, r, args)} == {"digits_acc_24_rims_seed0", "digits_acc_24_lstm_seed1",
                                                      "copy_error_200_rims_seed0"}
    args.models = ["rims", "lstm"]
    args.scale = 0.5  # seeds trained for other lengths are not averaged with this run's
    assert {k for k in r if rims.kept(k, r, args)} == {"copy_error_200_rims_seed0"}


def test_rims_merge_needs_the_same_spec(monkeypatch):
    """Per-seed figures recorded with another version of a spec are not averaged with this run's."""
    rims = bench_module("rims", monkeypatch)
    now = {m: rims.fingerprint("digits", m) for m in rims.MODELS}
    r = {"digits_acc_24_rims_seed0": 20.0, "digits_acc_24_lstm_seed0": 15.0, "steps_scale_digits": 1.0,
         "spec_digits_rims": now["rims"] + 1, "spec_digits_lstm": now["lstm"]}
    args = argparse.Namespace(tasks=["digits"], seeds=[1], scale=1.0, models=["rims", "lstm"])
    assert {k for k in r if rims.kept(k, r, args) and "_seed" in k} == {"digits_acc_24_lstm_seed0"}
    # the fingerprint ignores what a bench run sets (seed, steps), not the model's settings
    run_sets = ["train.seed=3", "train.steps=7", "train.eval_every=7"]
    assert rims.spec_fingerprint(rims.load_spec("rims-digits", run_sets)) == now["rims"]
    assert rims.spec_fingerprint(rims.load_spec("rims-digits", ["router.k=3"])) != now["rims"]


def test_recorded_figures_were_measured_with_the_catalogue_specs(monkeypatch):
    """The fingerprints saved with the recorded RIMs and slot VAE figures are those of today's catalogue specs:
    a change to a spec (or to the schema's settings) that has not been re-measured shows up here."""
    rims = bench_module("rims", monkeypatch)
    recorded = json.loads((ROOT / "bench" / "results" / "rims.json").read_text())
    for task in rims.PREFIXES:
        for model in rims.MODELS:
            assert recorded[f"spec_{task}_{model}"] == rims.fingerprint(task, model), (task, model)
    slotvae = bench_module("slotvae", monkeypatch)
    recorded = json.loads((ROOT / "bench" / "results" / "slotvae.json").read_text())
    assert recorded["spec"] == slotvae.spec_fingerprint(slotvae.load_spec(slotvae.SPECS["reg"]))


def test_report_rewrites_keep_the_recorded_machine_line(tmp_path, monkeypatch):
    """--report-only re-renders saved figures: the machine line comes from the existing report, if any."""
    machine = bench_module("machine", monkeypatch)
    report = tmp_path / "RESULTS.md"
    assert machine.recorded_line(report, "Machine: ") is None
    report.write_text("## RIMs\n\nMachine: some CPU, 2026-11-22.\n\n| metric |\n")
    assert machine.recorded_line(report, "Machine: ") == "Machine: some CPU, 2026-11-22."


def test_slotvae_quick_side_by_side(tmp_path):
    """bench/slotvae.py at tiny sizes, its two models trained in two processes (--parallel)."""
    tiny = ["train.steps=3", "model.image.size=8", "data.size=8", "model.cnn=[4, 8]", "model.strides=[1, 2]",
            "model.d_model=8", "model.heads=2", "model.query_dim=8", "model.hidden=8", "model.decoder_layers=1",
            "slots.count=3", "slots.dim=4", "data.max_objects=2", "data.images=32", "data.test_images=8",
            "train.batch=4", "train.eval_images=8", "train.jacobian_images=2", "train.warmup=0",
            "train.eval_every=0", "train.alpha_start=1", "train.alpha_ramp=1", "train.beta_ramp=1"]
    run_bench("slotvae.py", "--parallel", "--out", str(tmp_path), *[a for t in tiny for a in ("--set", t)])
    nums = json.loads((tmp_path / "results" / "slotvae.json").read_text())
    for key in ("jari_reg", "jari_noreg", "jis_reg", "jis_noreg", "train_seconds"):
        assert key in nums and nums[key] == nums[key], key  # present and not NaN
    assert nums["train_seconds"] == nums["train_seconds_reg"] + nums["train_seconds_noreg"]
    assert "--parallel" in (tmp_path / "RESULTS-slotvae.md").read_text()
    assert nums["seeds"] == 1 and nums["jari_reg"] == nums["jari_reg_seed0"]
    run_bench("slotvae.py", "--seeds", "1", "--merge", "--out", str(tmp_path), *[a for t in tiny for a in ("--set", t)])
    both = json.loads((tmp_path / "results" / "slotvae.json").read_text())
    assert both["seeds"] == 2 and both["jari_reg_seed0"] == nums["jari_reg_seed0"]
    assert both["jari_reg"] == (both["jari_reg_seed0"] + both["jari_reg_seed1"]) / 2
    assert "- seed 1: J-ARI" in (tmp_path / "RESULTS-slotvae.md").read_text()


def test_slotvae_merge_keeps_other_seeds_and_reads_old_files(monkeypatch):
    """--merge: other seeds' figures are kept when the settings match; a file without per-seed figures is one run
    of the spec's seed; the plain figures are the means."""
    slotvae = bench_module("slotvae", monkeypatch)
    settings = {"alpha_reg": 5.0, "steps": 10.0, "batch": 4.0, "jacobian_images": 2.0, "spec": 7.0}
    run = {"jari_reg": 0.9, "jari_noreg": 0.7, "train_seconds_reg": 3.0, "train_seconds_noreg": 1.0}
    new = {**settings, **{f"{k}_seed1": v - 0.2 for k, v in run.items()}}
    old = {**settings, **run, "train_seconds": 4.0}  # written before per-seed figures, by seed 0
    r = slotvae.merged(old, new, spec_seed=0)
    assert r["seeds"] == 2 and r["jari_reg_seed0"] == 0.9 and abs(r["jari_reg"] - 0.8) < 1e-12
    assert abs(r["train_seconds"] - (2.9 + 0.9)) < 1e-12
    again = slotvae.merged(r, {**settings, **{f"{k}_seed1": v for k, v in run.items()}}, spec_seed=0)
    assert again["seeds"] == 2 and again["jari_reg_seed1"] == 0.9 and abs(again["jari_reg"] - 0.9) < 1e-12
    for changed in ({"steps": 20.0}, {"spec": 8.0}):  # other settings or another spec: nothing is kept
        other = slotvae.merged(r, {**new, **changed}, spec_seed=0)
        assert other["seeds"] == 1 and "jari_reg_seed0" not in other


def test_slotvae_reference_covers_slot_attention(monkeypatch):
    """The performance reference's slot-attention encoder computes what the compiled block does."""
    import torch

    from zoo.compiler import compile_spec
    from zoo.schema import load_spec

    perf_reference = bench_module("perf_reference", monkeypatch)
    model = compile_spec(load_spec("slotvae-sprites", ["model.grouping=slot_attention"])).eval()
    image = torch.rand(2, 3, 32, 32, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        got, want = model(image=image), perf_reference.slotvae(dict(model.state_dict()), image)
    assert set(got) == set(want)
    for key in got:
        torch.testing.assert_close(got[key], want[key], rtol=1e-4, atol=1e-5)


def test_reliability_spec_cases_are_distinct_and_a_sample_passes(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT))
    from bench.reliability_spec_cases import spec_cases

    checks = spec_cases()
    assert len({c.name for c in checks}) == len(checks) >= 200
    sample = [c for c in checks if not c.name.startswith(("generated", "zoo info: 200,000"))][::6]
    assert [c.name for c in sample if not c.run()] == []


def test_local_reliability_cases_are_distinct_and_the_quick_ones_pass(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT))
    from bench.reliability_local_cases import local_cases

    checks = {c.name: c for c in local_cases()}
    assert len(checks) == len(local_cases()) >= 20
    for name in ("a file whose size lies (/proc): at most cap + 1 bytes read", "--threads 0",
                 "spec.json is a FIFO (zoo validate)", "a kill while eval.csv is cut back on --resume"):
        assert checks[name].run() is True, name
