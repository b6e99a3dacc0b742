"""bench/banks.py: four sweeps and a report from their tables. Its smoke run goes through every sweep at tiny sizes;
its figures come from rows grouped by fields; the recorded figures are its recorded sweeps' of today's specs; the
report shows each family and the catalogue, and says what is missing."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest
from tests.support.bench import ROOT, bench_module, run_bench

ISSUE_KEYS = ("rims_compose_vs_scratch_1pct", "rims_compose_vs_lstm_finetune_1pct", "hypernet_bank_ood_acc",
              "hypernet_bank_vs_maml_ood", "slotvae_bank_jari_new", "slotvae_scratch_1pct_jari", "banks")


def test_banks_quick_runs_through_the_sweeps(tmp_path, monkeypatch):
    """--quick: the four sweeps at tiny sizes; banks.json holds every recorded key, each figure its runs' mean;
    --report-only writes the same figures from the tables and keeps the Measured line and hand-written notes."""
    from zoo.sweep import read_table

    run_bench("banks.py", "--quick", "--out", str(tmp_path))
    path, md = tmp_path / "results" / "banks.json", tmp_path / "RESULTS-banks.md"
    nums = json.loads(path.read_text())
    recorded = json.loads((ROOT / "bench" / "results" / "banks.json").read_text())
    assert all(type(v) in (int, float) for v in nums.values()) and set(nums) == set(recorded)
    rims = {(r.spec, r.setting): r.metrics["test_10_error"] for r in read_table(tmp_path / "sweeps" / "banks-rims")}
    compose = next(e for (s, setting), e in rims.items() if "pretrained" in setting and "fraction=0.01" in setting)
    scratch = next(e for (s, setting), e in rims.items()
                   if s == "rims-digits-bank" and "pretrained" not in setting and "fraction=0.01" in setting)
    assert len(rims) == 6 and nums["rims_compose_error_1pct"] == compose and nums["rims_seeds"] == 1
    assert nums["rims_compose_vs_scratch_1pct"] == compose / max(scratch, 1e-9)
    slot_vae = {r.setting: r.metrics["jari"] for r in read_table(tmp_path / "sweeps" / "banks-slot_vae")}
    assert nums["slotvae_scratch_1pct_jari"] == next(j for s, j in slot_vae.items() if "pretrained" not in s)
    assert nums["hypernet_bank_ood_acc"] == read_table(tmp_path / "sweeps" / "banks-hypernetwork")[0].metrics["ood_acc"]
    text = md.read_text().replace("Measured on ", "Measured on recorded, ") + "\n### Notes\n\nkept\n"
    path.unlink(), md.write_text(text)
    monkeypatch.chdir(ROOT)  # the fine-tuning points name the source's weights relative to the current directory
    bench_module("banks", monkeypatch).main(["--quick", "--report-only", "--out", str(tmp_path)])
    assert json.loads(path.read_text()) == nums and md.read_text() == text


def _modules(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "bench"))
    return importlib.import_module("banks_plans"), importlib.import_module("banks_figures")


def test_banks_figures_are_the_means_of_each_fields_runs(monkeypatch):
    """Rows of every point of today's RIMs and slot VAE sweeps: each figure is the mean over its fields' seeds."""
    from zoo.sweep import RunRow

    plans, figures = _modules(monkeypatch)
    design = plans.Design()
    plan, fields_of = plans.rims_plan("source.safetensors", design, [0, 1])
    cost = {"compose": 0.2, "scratch": 0.4, "lstm_finetune": 0.1}

    def row(p, metrics) -> RunRow:
        return RunRow(f"{p.spec}-{p.label}-{p.seed}", p.spec, p.label, (), p.seed, "ok", "", 2.0, "f", metrics)

    rows = [row(p, {"test_10_error": cost[fields_of[p.label].method] + fields_of[p.label].fraction + 0.1 * p.seed})
            for p in plan.points]
    source = RunRow("s", "lstm-digits", "-", (), 0, "ok", "", 5.0, "f", {"test_8_acc": 0.9})
    out = figures.rims_figures(rows, fields_of, source, design, Path("t"))
    assert out["rims_compose_error_1pct"] == pytest.approx(0.26)
    assert out["rims_scratch_error_10pct"] == pytest.approx(0.55)
    assert out["rims_compose_vs_lstm_finetune_1pct"] == pytest.approx(0.26 / 0.16)
    assert out["rims_seeds"] == 2 and out["rims_seconds"] == 12 * 2.0 + 5.0 and out["rims_source_acc_lstm"] == 0.9
    plan, fields_of = plans.slot_vae_plan(design, [0, 1, 2])
    jari = {"bank": 0.5, "scratch": 0.1, "frozen": 0.4}
    rows = [row(p, {"jari": jari[fields_of[p.label].method] + 0.1 * p.seed}) for p in plan.points]
    out = figures.slot_vae_figures(rows, fields_of, design, Path("t"))
    assert out["slotvae_bank_jari_new"] == pytest.approx(0.6) and out["slotvae_scratch_1pct_jari"] == pytest.approx(0.2)
    assert out["slotvae_frozen_bank_jari_new"] == pytest.approx(0.5) and out["slot_vae_seeds"] == 3
    with pytest.raises(SystemExit, match="t: no finished bank run at fraction 0.01"):
        unfinished = [r for r in rows if fields_of[r.setting].method != "bank"]
        figures.slot_vae_figures(unfinished, fields_of, design, Path("t"))


def test_recorded_banks_figures_are_its_sweeps_of_todays_specs(monkeypatch):
    """Every recorded run was measured with today's catalogue spec (its fingerprint), the sweeps have nothing left
    to run at the recorded seeds, and bench/results/banks.json is what the recorded tables give."""
    from zoo.schema import load_spec
    from zoo.sweep import fingerprint, read_table, resolve_points
    from zoo.sweep.status import todo

    monkeypatch.chdir(ROOT)  # the fine-tuning points name the source's weights relative to the repository root
    banks = bench_module("banks", monkeypatch)
    bench, found, design = ROOT / "bench", banks.folders(ROOT / "bench"), banks.Design()
    seeds = sorted({r.seed for r in read_table(found["rims"])})
    weights = banks.source_weights(found["rims-source"], found["rims"])[0]
    plans = {"rims-source": banks.rims_source_plan(design)[0], "hypernetwork": banks.hypernetwork_plan(design)[0],
             "rims": banks.rims_plan(banks.spec_path(weights), design, seeds)[0],
             "slot_vae": banks.slot_vae_plan(design, seeds)[0]}
    for name, plan in plans.items():
        rows = read_table(found[name])
        for r in rows:
            assert r.status == "ok" and r.fingerprint == fingerprint(load_spec(r.spec, r.overrides)), (name, r.run)
        assert todo(resolve_points(plan), rows, found[name]) == [], name
    figures = banks.figures(bench, design, {n: [] for n in banks.QUICK_SETS}, banks.catalogue_banks_by_family())
    assert figures == json.loads((bench / "results" / "banks.json").read_text())


def test_the_banks_section_shows_each_family_and_the_catalogue(tmp_path, monkeypatch):
    report = bench_module("banks_report", monkeypatch)
    figures = {"banks": 10, "largest_bank_bytes": 200_000, "banks_total_bytes": 1_000_000,
               "rims_seeds": 3, "rims_compose_vs_scratch_1pct": 0.5, "rims_compose_error_1pct": 0.4,
               "rims_scratch_error_1pct": 0.8, "hypernet_bank_ood_acc": 0.61, "hypernet_bank_vs_maml_ood": 1.2}
    report.write_markdown(figures, {"comet": ["a"] * 6, "rims": ["b"] * 4}, tmp_path / "section.md",
                          "Measured on here.", "python bench/banks.py", "### Notes\n\nkept\n")
    text = (tmp_path / "section.md").read_text()
    assert "The catalogue holds 10 banks of 2 families (comet: 6, rims: 4)" in text
    assert "| 1pct | 0.400 | 0.800 | not measured | 0.500 | not measured |" in text
    assert "| bank composed (templates frozen, embedding adapted) |" in text and "| 0.610 |" in text
    assert "Slot VAE: not measured yet" in text and "\nMeasured on here.\n" in text
    assert text.endswith("\n### Notes\n\nkept\n")
