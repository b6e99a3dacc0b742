"""The benchmarks run end to end at tiny sizes (so they cannot rot), and the performance references stay exact."""

from __future__ import annotations

import json

from tests.support.bench import ROOT, bench_module, run_bench


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
