"""The slot VAE benchmark: its sweep at tiny sizes, compositional generalisation, and the slot-attention reference."""

from __future__ import annotations

import json

from tests.support.bench import bench_module, run_bench


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


def test_slotvae_reference_agrees_with_the_compiled_model(monkeypatch):
    """The performance reference computes what the compiled model does, with either encoder."""
    import torch

    from zoo.compiler import compile_spec
    from zoo.schema import load_spec

    perf_reference = bench_module("perf_reference", monkeypatch)
    for grouping in ("slot_attention", "transformer"):
        model = compile_spec(load_spec("slotvae-sprites", [f"model.grouping={grouping}"])).eval()
        _assert_reference_agrees(perf_reference, model)


def _assert_reference_agrees(perf_reference, model) -> None:
    """Weights drawn large enough that every image decodes differently (at initialisation the decoder
    barely reads the slots, so a reference that mixed up images would still agree)."""
    import torch

    gen = torch.Generator().manual_seed(3)
    with torch.no_grad():
        for p in model.parameters():
            if p.dim() > 1:
                p.copy_(torch.randn(p.shape, generator=gen) * 1.5 / p[0].numel() ** 0.5)
    image = torch.rand(3, 3, 32, 32, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        got, want = model(image=image), perf_reference.slotvae(dict(model.state_dict()), image)
    assert set(got) == set(want)
    for key in got:
        torch.testing.assert_close(got[key], want[key], rtol=1e-4, atol=1e-5)
