"""The benchmarks run end to end at tiny sizes (so they cannot rot), and the performance references stay exact."""

from __future__ import annotations

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


PEER_KEYS = {"torch-rim": "vs_torch_rim_speedup", "slot-attention": "vs_slot_attention_speedup",
             "learn2learn": "vs_learn2learn_maml_speedup", "higher": "vs_higher_maml_speedup",
             "hypnettorch": "vs_hypnettorch_speedup"}


def test_performance_quick(tmp_path):
    out = run_bench("performance.py", "--quick", "--out", str(tmp_path), timeout=400)
    nums = json.loads((tmp_path / "results" / "performance.json").read_text())
    for key in ("overhead_ratio_comet", "overhead_ratio_hypernet", "overhead_ratio_rims", "overhead_ratio_slotvae",
                "bank_vs_loop_speedup", "bank_matmul_fraction", "compile_ms_median", "catalogue_specs",
                "torch_compile_specs_ok", "knn_scaling_ratio", "vs_rims_authors_design_speedup",
                "bank_vs_bmm_speedup", "thread_scaling_hypernetwork"):
        assert key in nums and nums[key] > 0, key
    assert nums["catalogue_specs"] == len(list((ROOT / "specs").glob("*.yaml")))
    assert nums["torch_compile_specs_ok"] == 2  # the two specs checked in quick mode match eager
    for peer, key in PEER_KEYS.items():  # measured where installed, else skipped with a note saying so
        assert (key in nums and nums[key] > 0) or f"note: {peer}" in out.stdout or f"skipped {peer}" in out.stdout, peer
    md = (tmp_path / "RESULTS-performance.md").read_text()
    assert "overhead_ratio_rims" in md and "torch " in md and "Side by side" in md


def test_performance_only_keeps_the_other_sections(tmp_path, monkeypatch):
    """--only re-measures some sections and keeps the saved figures of the others."""
    (tmp_path / "results").mkdir()
    (tmp_path / "records").mkdir()
    (tmp_path / "results" / "performance.json").write_text(json.dumps({"overhead_ratio_comet": 1.5}))
    (tmp_path / "records" / "performance-tables.json").write_text(
        json.dumps({"command": "earlier", "measured": "2026-01-01 00:00 UTC", "tables": {"compile": []}}))
    run_bench("performance.py", "--quick", "--only", "threads", "--out", str(tmp_path))
    nums = json.loads((tmp_path / "results" / "performance.json").read_text())
    assert nums["overhead_ratio_comet"] == 1.5 and nums["thread_scaling_hypernetwork"] > 0
    md = (tmp_path / "RESULTS-performance.md").read_text()
    assert "Command: `earlier`" in md and "Re-measured later (threads)" in md
    run_bench("performance.py", "--quick", "--only", "bank", "--out", str(tmp_path))  # a later partial run
    md = (tmp_path / "RESULTS-performance.md").read_text()
    assert "Re-measured later (threads)" in md and "Re-measured later (bank)" in md


def test_time_to_bar_is_the_first_step_at_the_bar(tmp_path, monkeypatch):
    """The first evaluated step meeting the bar, times the run's seconds per step; NaN when never reached."""
    time_to_bar = bench_module("time_to_bar", monkeypatch)
    (tmp_path / "metrics.json").write_text(json.dumps({"train_seconds": 300.0, "steps": 30}))
    (tmp_path / "eval.csv").write_text("step,nmi,purity\n10,0.5,0.95\n20,0.92,0.91\n30,0.95,0.97\n")
    got = time_to_bar.time_to_bar(tmp_path, "comet")
    assert got["time_to_bar_s_comet"] == 200.0 and got["time_to_bar_step_comet"] == 20
    (tmp_path / "eval.csv").write_text("step,nmi,purity\n10,0.5,0.95\n30,0.95,0.85\n")
    assert time_to_bar.time_to_bar(tmp_path, "comet")["time_to_bar_s_comet"] != time_to_bar.time_to_bar(
        tmp_path, "comet")["time_to_bar_s_comet"]  # NaN: never reached


def test_peak_memory_counts_the_tensors_alive_at_once(monkeypatch):
    """The CPU peak is that of the live tensors during the step (a freed tensor's bytes are reused)."""
    import torch

    peers = bench_module("peers", monkeypatch)
    mib = 2**18  # float32 elements in 1 MiB

    def step() -> None:
        a = torch.ones(4 * mib)  # 4 MiB
        del a
        b, c = torch.ones(2 * mib), torch.ones(mib)  # 3 MiB alive at once
        del b, c

    assert abs(peers.peak_mb(step) - 4.0) < 0.1


def test_own_data_quick(tmp_path):
    """bench/own_data.py at tiny sizes: a round trip, the own world, composing its bank, zoo predict's memory."""
    run_bench("own_data.py", "--quick", "--kinds", "copying", "--out", str(tmp_path), timeout=600)
    nums = json.loads((tmp_path / "results" / "own_data.json").read_text())
    for key in ("roundtrip_max_abs_diff", "own_world_nmi", "own_world_compose_ratio_1pct", "predict_peak_rss_mb_2gb",
                "own_world_1pct_scratch_error", "predict_tiny_peak_rss_mb"):
        assert key in nums and nums[key] == nums[key], key  # present and not NaN
    assert nums["roundtrip_kinds"] == 1 and nums["roundtrip_max_abs_diff"] <= 1e-6
    assert nums["predict_peak_rss_mb_2gb"] > 100 and nums["predict_large_file_mb"] > 1
    assert not list((tmp_path / "runs" / "scratch").iterdir())  # the large file and its predictions are deleted
    md = (tmp_path / "RESULTS-own-data.md").read_text()
    assert "--quick" in md and "Quick mode" in md and "`own_world_nmi`" in md


def test_sweep_bench_quick(tmp_path):
    """bench/sweep.py at tiny sizes: both figures measured, the report written."""
    run_bench("sweep.py", "--quick", "--out", str(tmp_path), timeout=300)
    nums = json.loads((tmp_path / "results" / "sweep.json").read_text())
    assert nums["sweep_overhead_s_per_run"] > 0 and nums["sweep_jobs2_vs_jobs1"] > 0 and nums["zoo_train_process_s"] > 0
    assert all(type(v) in (int, float) for v in nums.values())  # flat: keys to numbers
    assert "`sweep_jobs2_vs_jobs1`" in (tmp_path / "RESULTS-sweep.md").read_text()


def test_rims_quick_runs_through_the_sweep(tmp_path):
    """bench/rims.py at tiny sizes: its RIMs and LSTM for two seeds, a sweep of two worker processes (--jobs 2)."""
    out = run_bench("rims.py", "--quick", "--jobs", "2", "--tasks", "digits", "--seeds", "0-1", "--out", str(tmp_path))
    for job in ("rims-digits seed 0 (", "rims-digits seed 1 (", "lstm-digits seed 0 (", "lstm-digits seed 1 ("):
        assert job in out.stdout
    assert "4 run(s); 0 done already, 4 to run, 2 at a time" in out.stdout
    assert "digits, mean over 2 seed(s)" in out.stdout
    assert not list(tmp_path.iterdir())  # a smoke run writes no results


def test_rims_figures_from_a_sweep_table(monkeypatch):
    """Each run's figures under <key>_seed<S>, their means over the seeds, the seed count and step scale;
    failed runs do not count."""
    from zoo.sweep import RunRow

    rims = bench_module("rims", monkeypatch)

    def row(spec, seed, acc, status="ok"):
        return RunRow(f"{spec}-{seed}", spec, "-", (), seed, status, "", 10.0 + seed, "f",
                      {"test_24_acc": acc, "test_24_loss": 1.0, "steps": 750.0} if status == "ok" else {})

    rows = [row("rims-digits", 1, 0.3), row("rims-digits", 0, 0.2), row("lstm-digits", 0, 0.15),
            row("rims-digits", 2, None, "failed")]
    r = rims.task_figures("digits", rows)
    assert r["digits_acc_24_rims_seed0"] == 100 * 0.2 and r["digits_acc_24_rims_seed1"] == 100 * 0.3
    assert r["digits_acc_24_rims"] == (100 * 0.2 + 100 * 0.3) / 2 and r["digits_acc_24_lstm"] == 100 * 0.15
    assert r["digits_seconds_rims"] == 10.5 and r["seeds_digits"] == 2.0 and r["steps_scale_digits"] == 0.5
    assert not any("seed2" in k for k in r)


def test_rims_mnist_and_balls_keys_and_the_report(monkeypatch, tmp_path):
    """MNIST runs give mnist_acc_<size>_<model>, balls runs balls_rollout_<n>_<model>; the report shows the
    MNIST table first, the 8x8 digits second, checks the targets and keeps its hand-written notes."""
    from zoo.sweep import RunRow

    rims = bench_module("rims", monkeypatch)
    report = bench_module("rims_report", monkeypatch)
    mnist = {f"test_{n}_acc": 0.9 - n / 100 for n in (14, 16, 19, 24)} | {"steps": 210.0}
    rows = [RunRow(f"{m}-{s}", f"{m}-mnist", "-", (), s, "ok", "", 1.0, "f",
                   {k: v + (0.2 if m == "rims" else 0.0) * (k != "steps") for k, v in mnist.items()})
            for m in ("rims", "lstm") for s in (0, 1, 2)]
    r = rims.task_figures("mnist", rows)
    assert r["mnist_acc_19_rims"] == 100 * (0.9 - 0.19 + 0.2) and r["mnist_acc_19_lstm"] == 100 * (0.9 - 0.19)
    assert rims.task_results("balls", "rims", {"test_6_rollout_mse": 0.02, "test_6_loss": 0.1}) == {
        "balls_test_6_rollout_mse_rims": 0.02, "balls_rollout_6_rims": 0.02, "balls_test_6_loss_rims": 0.1}
    r |= {"copy_error_50_rims": 0.04, "copy_error_50_lstm": 0.8, "grouped_vs_loop_speedup": 2.5,
          "digits_acc_14_rims": 80.0, "digits_acc_14_lstm": 81.0}
    md = tmp_path / "RESULTS-rims.md"
    report.write_markdown(r, md, {"mnist": [0, 1, 2]}, "Machine: test", "### Notes\n\nkept")
    text = md.read_text()
    assert text.index("| MNIST accuracy 19x19 | 91 | 71 |") < text.index("| 8x8 digits accuracy 14x14 (train res.) | 80 |")
    assert "- MNIST 19x19: RIMs at least 10 points above the LSTM: met" in text
    assert "- copying, delay 50: RIMs error at most 0.05: met" in text
    assert "- balls, 6 balls: RIMs 5-step rollout MSE at most the LSTM's: not measured" in text
    assert "- seed 1: 14x14 96.0 / 76.0" in text and text.endswith("### Notes\n\nkept\n\n")
    report.write_markdown(r | {"seeds_mnist": 2.0}, md, {}, "Machine: test")  # the targets are set on 3 seeds
    assert ("- MNIST 19x19: RIMs at least 10 points above the LSTM: not decided (2 of the 3 seeds it is set on; "
            "met on those)") in md.read_text()
    untrained = r | {"mnist_acc_14_lstm": 10.0}  # at chance at the training size: the targets compare nothing
    report.write_markdown(untrained, md, {}, "Machine: test")
    assert "- MNIST 19x19: RIMs at least 10 points above the LSTM: not decided" in md.read_text()


def recorded_sweeps(monkeypatch) -> dict[str, tuple]:
    """Each recorded benchmark sweep by its folder's name: the plan of its points today, the figures its table
    gives, and the results file those figures are recorded in."""
    from zoo.sweep import load_plan

    rims, slotvae = bench_module("rims", monkeypatch), bench_module("slotvae", monkeypatch)
    sweeps = {f"rims-{t}": (load_plan([f"{m}-{t}" for m in rims.MODELS], rims.SEEDS[t], (), rims.task_sets(t, rims.SCALE[t])),
                            lambda rows, t=t: rims.task_figures(t, rows), "rims.json") for t in rims.TASKS}
    specs = list(slotvae.SPECS.values())
    sweeps["slotvae"] = (load_plan(specs, slotvae.SEEDS, (), []), slotvae.figures, "slotvae.json")
    for name, part in slotvae.parts.PARTS.items():
        sweeps[f"slot_vae-{name}"] = (load_plan(specs, part.seeds, (), list(part.sets)),
                                      lambda rows, n=name: {f"{n}_{k}": v for k, v in slotvae.figures(rows).items()},
                                      "slotvae.json")
    hypernet = bench_module("hypernet", monkeypatch)
    sweeps["hypernet"] = (hypernet.hypernet_plan(), hypernet.figures, "hypernet.json")
    return sweeps


def test_recorded_figures_are_the_sweeps_of_todays_catalogue_specs(monkeypatch):
    """The recorded RIMs and slot VAE figures are their sweeps' tables: every run was measured with today's
    catalogue spec (its fingerprint), the bench's sweeps have nothing left to run, and the JSON figures are
    what the tables give. A change to a spec (or to the schema's settings) that has not been re-measured
    shows up here."""
    from zoo.schema import load_spec
    from zoo.sweep import fingerprint, read_table, resolve_points
    from zoo.sweep.status import todo

    for name, (plan, figures_of, results) in recorded_sweeps(monkeypatch).items():
        folder = ROOT / "bench" / "sweeps" / name
        rows = read_table(folder)
        for r in rows:
            assert r.status == "ok" and r.fingerprint == fingerprint(load_spec(r.spec, r.overrides)), (name, r.run)
        assert todo(resolve_points(plan), rows, folder) == [], name
        recorded, figures = json.loads((ROOT / "bench" / "results" / results).read_text()), figures_of(rows)
        assert len(figures) > 2 and figures == {k: recorded[k] for k in figures}, name


def test_report_rewrites_keep_the_recorded_machine_line(tmp_path, monkeypatch):
    """--report-only re-renders saved figures: the machine line comes from the existing report, if any."""
    machine = bench_module("machine", monkeypatch)
    report = tmp_path / "RESULTS.md"
    assert machine.recorded_line(report, "Machine: ") is None
    report.write_text("## RIMs\n\nMachine: some CPU, 2026-11-22.\n\n| metric |\n")
    assert machine.recorded_line(report, "Machine: ") == "Machine: some CPU, 2026-11-22."


def test_hypernet_quick_runs_through_the_sweep(tmp_path, monkeypatch):
    """bench/hypernet.py at tiny sizes: every method's catalogue spec on both task supports (MAML's on connected
    support only), a sweep of two worker processes; the JSON holds each run's metrics under its flat keys and
    the parameters of its compiled spec. Run again, it trains nothing and writes the same figures;
    --report-only writes them from the sweep's table, keeping the report's command and machine."""
    import pytest

    from zoo import compile_spec
    from zoo.schema import load_spec
    from zoo.sweep import read_table

    args = ("hypernet.py", "--quick", "--jobs", "2", "--connected-only", "maml", "--out", str(tmp_path))
    out = run_bench(*args)
    assert "7 run(s); 0 done already, 7 to run, 2 at a time" in out.stdout
    path, md = tmp_path / "results" / "hypernet.json", tmp_path / "RESULTS-hypernet.md"
    nums, text = json.loads(path.read_text()), md.read_text()
    rows = {(r.spec, r.setting): r for r in read_table(tmp_path / "sweeps" / "hypernet")}
    linear = rows[("hypernet-linear-connected", "data.support=disconnected")]
    assert len(rows) == 7 and ("maml-connected", "data.support=disconnected") not in rows
    assert nums["disconnected_ood_acc_linear"] == linear.metrics["ood_acc"]
    assert nums["decoding_r2_disconnected"] == nums["disconnected_decoding_r2_linear"] == linear.metrics["decoding_r2"]
    assert nums["connected_train_seconds_maml"] == rows[("maml-connected", "data.support=connected")].metrics["train_seconds"]
    assert "disconnected_id_acc_maml" not in nums and "connected_template_alignment_linear" in nums
    assert nums["params_mlp"] == sum(p.numel() for p in compile_spec(load_spec("hypernet-mlp-connected")).parameters())
    assert "Command: `PYTHONPATH=. python bench/hypernet.py --quick --connected-only maml --jobs 2`" in text
    assert "| maml | connected |" in text and "| maml | disconnected |" not in text and "only, to keep" in text
    assert (tmp_path / "results" / "hypernet-ood-accuracy.png").is_file()
    again = run_bench(*args)
    assert "7 run(s); 7 done already, 0 to run" in again.stdout
    assert json.loads(path.read_text()) == nums and md.read_text() == text
    recorded = text.replace("--jobs 2`", "--jobs 2 --recorded`").replace("Machine: ", "Machine: recorded, ")
    path.unlink(), md.write_text(recorded)
    run_bench("hypernet.py", "--report-only", "--out", str(tmp_path))
    assert json.loads(path.read_text()) == nums and md.read_text() == recorded
    hypernet = bench_module("hypernet", monkeypatch)
    with pytest.raises(SystemExit, match="no finished runs to report"):
        hypernet.main(["--report-only", "--out", str(tmp_path / "none")])


SLOT_VAE_TINY = [
    "train.steps=3", "model.image.size=8", "data.size=8", "model.cnn=[4, 8]", "model.strides=[1, 2]", "model.d_model=8",
    "model.heads=2", "model.query_dim=8", "model.hidden=8", "model.decoder_layers=1", "slots.count=3", "slots.dim=4",
    "data.max_objects=2", "data.images=32", "data.test_images=8", "train.batch=4", "train.eval_images=8",
    "train.jacobian_images=2", "train.warmup=0", "train.eval_every=0", "train.alpha_start=1", "train.alpha_ramp=1",
    "train.beta_ramp=1"]


def test_slotvae_quick_runs_through_the_sweep(tmp_path):
    """bench/slotvae.py at tiny sizes, its two models a sweep of two worker processes (--jobs 2); a second
    run with more seeds trains only the new seed; one with other settings drops the runs of the old ones."""
    sets = [a for t in SLOT_VAE_TINY for a in ("--set", t)]
    run_bench("slotvae.py", "--parts", "main", "--jobs", "2", "--seeds", "0", "--out", str(tmp_path), *sets)
    nums = json.loads((tmp_path / "results" / "slotvae.json").read_text())
    for key in ("jari_reg", "jari_noreg", "jis_reg", "jis_noreg", "train_seconds"):
        assert key in nums and nums[key] == nums[key], key  # present and not NaN
    assert nums["train_seconds"] == nums["train_seconds_reg"] + nums["train_seconds_noreg"]
    assert "--jobs 2" in (tmp_path / "RESULTS-slotvae.md").read_text()
    assert nums["seeds"] == 1 and nums["jis_reg"] == nums["jis_reg_seed0"]
    out = run_bench("slotvae.py", "--parts", "main", "--seeds", "0-1", "--out", str(tmp_path), *sets)
    assert "2 done already, 2 to run" in out.stdout
    both = json.loads((tmp_path / "results" / "slotvae.json").read_text())
    assert both["seeds"] == 2 and both["jis_reg_seed0"] == nums["jis_reg_seed0"]
    assert both["jis_reg"] == (both["jis_reg_seed0"] + both["jis_reg_seed1"]) / 2
    assert "- seed 1: J-ARI" in (tmp_path / "RESULTS-slotvae.md").read_text()
    out = run_bench("slotvae.py", "--parts", "main", "--seeds", "1", "--out", str(tmp_path), *sets[:-2],
                    "--set", "train.beta_ramp=2")
    assert "dropped 2 run(s) recorded with other settings" in out.stdout
    assert json.loads((tmp_path / "results" / "slotvae.json").read_text())["seeds"] == 1


def test_slotvae_compgen_scores_held_out_and_seen_scenes(tmp_path):
    """--parts compgen at tiny sizes: both models train without the held-out pair and are scored on scenes that
    hold it (compgen_*) and on new scenes of their training distribution (compgen_seen_*); the report checks
    the target against those figures and names the command."""
    sets = [a for t in SLOT_VAE_TINY for a in ("--set", t)]
    run_bench("slotvae.py", "--parts", "compgen", "--jobs", "2", "--seeds", "0", "--out", str(tmp_path), *sets)
    nums = json.loads((tmp_path / "results" / "slotvae.json").read_text())
    for key in ("compgen_mse_reg", "compgen_mse_noreg", "compgen_jari_reg", "compgen_jari_noreg",
                "compgen_seen_mse_reg", "compgen_seen_mse_noreg", "compgen_seen_jari_reg"):
        assert key in nums and nums[key] == nums[key], key  # present and not NaN
    assert nums["compgen_mse_reg"] == nums["compgen_mse_reg_seed0"] and "jari_reg" not in nums
    from zoo.schema import load_spec

    runs = sorted((tmp_path / "sweeps" / "slot_vae-compgen" / "runs").iterdir())
    assert len(runs) == 2 and all(load_spec(d / "spec.yaml").data.holdout.shapes == ("circle", "square") for d in runs)
    md = (tmp_path / "RESULTS-slotvae.md").read_text()
    assert "Command (compgen): `PYTHONPATH=. python bench/slotvae.py --parts compgen" in md
    met = "x" if nums["compgen_mse_reg"] < nums["compgen_mse_noreg"] else " "
    assert f"- [{met}] compositional generalisation: MSE on held-out-combination scenes" in md
    record = json.loads((tmp_path / "records" / "slotvae-compgen-seen.json").read_text())
    assert sorted(record) == sorted(d.name for d in runs)
    assert sorted(e["mse"] for e in record.values()) == sorted(
        nums[f"compgen_seen_mse_{tag}_seed0"] for tag in ("reg", "noreg"))


def test_slot_vae_compgen_seen_figures_come_from_the_record(tmp_path, monkeypatch, capsys):
    """Without run directories, compgen's seen-scene figures are the record's entries of the table's finished
    rows of the same fingerprint, averaged over those seeds; a failed row's entry and an entry recorded with
    another fingerprint are left out (and the latter dropped from the record)."""
    from zoo.io import write_json
    from zoo.sweep import RunRow, read_table
    from zoo.sweep.table import write_table

    slotvae = bench_module("slotvae", monkeypatch)
    folder, records = tmp_path / "sweeps" / "slot_vae-compgen", tmp_path / "records"
    folder.mkdir(parents=True)
    held_out = {m: 1.0 for m in slotvae.METRICS}
    rows = [RunRow(f"{tag}-seed{s}", spec, "-", (), s, "ok", "", 1.0, f"{tag}{s}", held_out)
            for tag, spec in slotvae.SPECS.items() for s in (0, 1, 2)]
    write_table(folder, [*rows, RunRow("reg-seed3", "slotvae-sprites", "-", (), 3, "failed", "x", 1.0, "reg3")])
    mse = {"reg-seed0": 0.125, "reg-seed1": 0.25, "reg-seed2": 0.75, "reg-seed3": 8.0,
           "noreg-seed0": 0.5, "noreg-seed1": 1.5, "noreg-seed2": 64.0}
    write_json(records / "slotvae-compgen-seen.json", {
        run: {"fingerprint": "stale" if run == "noreg-seed2" else run.replace("-seed", ""), "mse": v,
              "jari": v / 2, "jis": 0.5, "attention_ari": 0.25} for run, v in mse.items()})
    swept = slotvae.Swept(folder, read_table(folder), set(), "command", "Machine (compgen): here.")
    figures = slotvae.part_figures("compgen", swept, records)
    assert figures.means["reg"]["seen_mse"] == (0.125 + 0.25 + 0.75) / 3
    assert figures.means["noreg"]["seen_mse"] == 1.0 and figures.means["noreg"]["seen_jari"] == 0.5
    assert figures.runs[1]["noreg"]["seen_mse"] == 1.5 and "seen_mse" not in figures.runs[2]["noreg"]
    assert figures.means["reg"]["mse"] == 1.0
    assert "no seen-scene figures of run noreg-seed2" in capsys.readouterr().out
    kept = json.loads((records / "slotvae-compgen-seen.json").read_text())
    assert sorted(kept) == sorted(r.run for r in rows if r.run != "noreg-seed2")
    md = slotvae.parts.markdown("compgen", figures, "command", "Machine (compgen): here.")
    assert "| MSE per pixel and channel, seen scenes | 0.375 | 1 |" in md


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


def test_comet_robustness_quick(tmp_path, monkeypatch):
    """The robustness suite is a sweep of two worker processes: the catalogue's COMET spec on two suite worlds
    (drawn from the run's seed) and the catalogue world, each run's mechanism table recorded; run again, it
    trains nothing and measures nothing."""
    import numpy as np
    import torch

    from zoo.families.comet.metrics import nmi
    from zoo.sweep import read_table

    monkeypatch.syspath_prepend(str(ROOT / "bench"))
    worlds = importlib.import_module("comet_worlds")  # a dataclass module needs its name in sys.modules
    args = ("comet_robustness.py", "--quick", "--jobs", "2", "--out", str(tmp_path))
    out = run_bench(*args)
    assert "3 run(s); 0 done already, 3 to run, 2 at a time" in out.stdout and '"suite_worlds": 2' in out.stdout
    folder, path = tmp_path / "sweeps" / "comet_robustness-default", tmp_path / "records" / "comet_robustness-default.json"
    rows, record = read_table(folder), json.loads(path.read_text())
    assert {r.run: r.fingerprint for r in rows} == {run: e["fingerprint"] for run, e in record["runs"].items()}
    entries = {e["entry"]: e for e in record["runs"].values()}
    assert sorted(entries) == ["catalogue", "overcomplete", "predator-prey"]
    assert len(entries["overcomplete"]["table"]) == 6 and len(entries["overcomplete"]["types"]) == 4  # M = types + 2
    for r in rows:  # the recorded table is the run's: it gives the NMI of the run's final metrics
        assert abs(nmi(torch.tensor(record["runs"][r.run]["table"])) - r.metrics["nmi"]) < 1e-6
    drawn = worlds.write("predator-prey", tmp_path / "again.npz", 0, trajectories=16, test=8, length=10)
    with np.load(drawn) as a, np.load(folder / "worlds" / "predator-prey-seed0.npz") as b:
        assert np.array_equal(a["states"], b["states"])
    again = run_bench(*args)
    assert "3 run(s); 3 done already, 0 to run" in again.stdout and '"suite_worlds": 2' in again.stdout
    assert json.loads(path.read_text()) == record and read_table(folder) == rows
    assert not (tmp_path / "results").exists()  # a smoke run writes no results


def test_comet_worlds_ground_truth_explains_every_transition(monkeypatch, tmp_path):
    """Each labelled transition of a suite world is its type's law with its labelled partner."""
    import numpy as np

    monkeypatch.syspath_prepend(str(ROOT / "bench"))
    worlds = importlib.import_module("comet_worlds")  # a dataclass module needs its name in sys.modules

    for name in ("close-laws", "radius"):
        world = worlds.WORLDS[name]
        a = np.load(worlds.write(name, tmp_path / f"{name}.npz", seed=1, trajectories=4, test=2, length=6))
        s, types, partners = a["states"].astype(np.float64), a["types"], a["partners"]
        acc = (s[:, 1:, :, 2:4] - s[:, :-1, :, 2:4]) / worlds.DT  # (S, T, N, 2)
        pos = s[:, :-1, :, :2]
        other = np.take_along_axis(pos, np.maximum(partners, 0)[..., None].repeat(2, -1), 2)
        laws = world.accelerations((pos - other).reshape(-1, pos.shape[2], 2)).reshape(4, *pos.shape)
        law = np.array([worlds.LAWS.index(t) for t in world.type_names])[types]
        expected = np.take_along_axis(laws, law[None, ..., None].repeat(2, -1), 0)[0]
        assert np.allclose(acc, expected, atol=1e-3), name
        assert ((types == world.type_names.index("none")) == (partners < 0)).all()


def robustness_variant(root: Path, tag: str, nmi: float) -> None:
    """A variant's sweep table and record under ``root`` (sweeps/, records/): entries w1, w2 and the catalogue,
    seeds 0 and 1, NMI ``nmi`` + 0.01 x seed; a failed run, and a run the record lacks, which do not count."""
    from zoo.sweep import RunRow
    from zoo.sweep.table import write_table

    metrics = {"purity": 0.8, "one_step_mse": 0.1, "rollout_mse": 0.01}
    points = [(e, s) for e in ("w1", "w2", "catalogue") for s in (0, 1)]
    rows = [RunRow(f"{e}-{s}", "comet-particles", "-", (), s, "ok", "", 1.0, f"f{s}", {"nmi": nmi + 0.01 * s, **metrics})
            for e, s in points]
    rows += [RunRow("w1-2", "comet-particles", "-", (), 2, "failed", "boom", 1.0, "f2", {}),
             RunRow("w1-3", "comet-particles", "-", (), 3, "ok", "", 1.0, "f3", {"nmi": 0.0, **metrics})]
    runs = {f"{e}-{s}": {"fingerprint": f"f{s}", "entry": e, "merged": ["a+b"] if e == "w1" else [], "table": [[1.0]],
                         "types": ["a"], "train_wta": 0.5} for e, s in points}
    (root / "sweeps" / f"comet_robustness-{tag}").mkdir(parents=True)
    write_table(root / "sweeps" / f"comet_robustness-{tag}", rows)
    (root / "records").mkdir(exist_ok=True)
    machine = {"cpu": "test-cpu", "cores": "2", "torch": "2", "date": "2026-01-01"}
    (root / "records" / f"comet_robustness-{tag}.json").write_text(
        json.dumps({"tag": tag, "sets": [f"x={tag}"], "machine": machine, "runs": runs}))


def test_comet_robustness_report_from_recorded_variants(tmp_path, monkeypatch):
    """The report tables every entry of the reference variant (its sweep's ok rows with their recorded entries)
    and compares the variants (every sweep folder) on the same seed."""
    import pytest

    report = bench_module("comet_robustness_report", monkeypatch)
    for tag, nmi in (("ref", 0.5), ("other", 0.9)):
        robustness_variant(tmp_path, tag, nmi)
    results = tmp_path / "results"
    report.write_report(tmp_path / "sweeps", tmp_path / "records", results, tmp_path, "ref")
    flat = json.loads((results / "comet_robustness.json").read_text())
    assert flat["suite_worlds"] == 2 and flat["suite_nmi_min"] == 0.5 and flat["w1_nmi_mean"] == 0.505
    assert flat["seeds"] == 2 and flat["catalogue_nmi"] == 0.5
    assert all(type(v) in (int, float) for v in flat.values())  # flat: keys to numbers
    md = (tmp_path / "RESULTS-comet-robustness.md").read_text()
    assert "| w1 | 0.500 (0.505) |" in md and "a+b" in md and "Measured on test-cpu" in md
    assert "| `other` | `x=other` | 0.900 |" in md  # seed 0 of each variant
    with pytest.raises(SystemExit, match="no recorded runs of the variant 'none'"):
        report.write_report(tmp_path / "sweeps", tmp_path / "records", results, tmp_path, "none")


def test_recorded_robustness_variants_are_sweeps_of_todays_spec(monkeypatch):
    """Every recorded robustness variant's table holds runs of its points as resolved today (spec, overrides, world
    file), each with its record's entry of the same fingerprint, and bench/results/comet_robustness.json is what
    the report gives for one of them."""
    from zoo.sweep import read_table, resolve_points

    monkeypatch.chdir(ROOT)  # the points name their world files relative to the repository root
    bench = bench_module("comet_robustness", monkeypatch)
    report = bench_module("comet_robustness_report", monkeypatch)
    found = report.variants(ROOT / "bench" / "sweeps", ROOT / "bench" / "records")
    assert "base-1k" in found
    for tag, data in found.items():
        rows = read_table(data["folder"])
        plan, _ = bench.robustness_plan(list(bench.ENTRIES), sorted({r.seed for r in rows}), data["sets"], False,
                                        bench.HERE / "sweeps" / f"comet_robustness-{tag}")
        today = {p.key: p.fingerprint for p in resolve_points(plan)}
        assert all(r.status == "ok" and today.get(r.run) == r.fingerprint for r in rows), tag
        assert len(data["runs"]) == len(rows), tag  # every row has its record entry
    recorded = json.loads((ROOT / "bench" / "results" / "comet_robustness.json").read_text())
    assert any(report.flat_figures(data) == recorded for data in found.values())


def test_reliability_cases_are_distinct_at_least_400_and_a_sample_passes(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT))
    from bench.reliability_cases import class_of, named_cases, run_case, section_verdicts

    cases = {c.name: c for c in named_cases()}
    assert len(cases) == len(named_cases()) >= 400
    assert sum(class_of(n) == "other" for n in cases) < 20
    sample = ["bad revision (dotdot inside) via zoo pull", "bad repo id (ESC) via zoo validate",
              "OSC in the metric key (shown escaped)", "special file: symlink loop as the README.md of a bank (zoo info)"]
    assert [(n, run_case(cases[n])) for n in sample] == [(n, (True, "")) for n in sample]
    verdicts = section_verdicts({"weights": {"outcomes": {"bank:empty": "refused", "bank:x": "accepted"}}})
    assert verdicts == {"weight file bank:empty": True, "weight file bank:x": False}
