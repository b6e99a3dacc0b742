"""bench/banks.py's report: every family's figures reach the section, missing ones are said to be missing; the
RIMs and slot VAE parts' figures come from their run records."""

from __future__ import annotations

import pytest
from test_bench_smoke import bench_module


def test_the_banks_section_shows_each_family_and_the_catalogue(tmp_path, monkeypatch):
    report = bench_module("banks_report", monkeypatch)
    figures = {"banks": 10, "families_with_banks": ["comet", "rims"], "banks_by_family": {"comet": ["a"] * 6,
               "rims": ["b"] * 4}, "largest_bank_bytes": 200_000, "banks_total_bytes": 1_000_000,
               "rims_seeds": 3, "rims_compose_vs_scratch_1pct": 0.5, "rims_compose_error_1pct": 0.4,
               "rims_scratch_error_1pct": 0.8, "hypernet_bank_ood_acc": 0.61, "hypernet_bank_vs_maml_ood": 1.2}
    report.write_markdown(figures, tmp_path / "section.md")
    text = (tmp_path / "section.md").read_text()
    assert "The catalogue holds 10 banks of 2 families (comet: 6, rims: 4)" in text
    assert "| 1pct | 0.400 | 0.800 | not measured | 0.500 | not measured |" in text
    assert "| bank composed (templates frozen, embedding adapted) |" in text and "| 0.610 |" in text
    assert "Slot VAE: not measured yet" in text


def _rims_runs(fraction: float, seed: int, compose: float, scratch: float, lstm: float) -> list[dict]:
    return [{"method": m, "fraction": fraction, "seed": seed, "error": e}
            for m, e in (("compose", compose), ("scratch", scratch), ("lstm_finetune", lstm))]


def test_the_rims_summary_comes_from_the_runs_joined_by_method_fraction_and_seed(monkeypatch):
    rims = bench_module("banks_rims", monkeypatch)
    records = bench_module("run_records", monkeypatch)
    recorded = _rims_runs(0.01, 0, 0.2, 0.8, 0.5) + _rims_runs(0.1, 1, 0.9, 0.9, 0.9)
    new = _rims_runs(0.01, 1, 0.4, 0.4, 0.1) + [{"method": "compose", "fraction": 0.01, "seed": 0, "error": 0.6}]
    runs = records.joined(recorded, new, rims.RUN_KEY)
    assert len(runs) == 9 and {"method": "compose", "fraction": 0.01, "seed": 0, "error": 0.2} not in runs
    out = rims.summarise(runs, [0.01], 1.0)
    assert out["rims_runs"] == runs and out["rims_seeds"] == 2
    assert out["rims_compose_error_1pct"] == pytest.approx(0.5)  # 0.6 replaced 0.2; seed 1's 0.4 joined
    assert out["rims_scratch_error_1pct"] == pytest.approx(0.6)
    assert out["rims_lstm_finetune_error_1pct"] == pytest.approx(0.3)
    assert out["rims_compose_vs_scratch_1pct"] == pytest.approx(0.5 / 0.6)
    assert out["rims_compose_vs_lstm_finetune_1pct"] == pytest.approx(0.5 / 0.3)


def test_the_slot_vae_summary_is_each_methods_mean_over_its_runs(monkeypatch):
    slot_vae = bench_module("banks_slot_vae", monkeypatch)
    by_seed = ({"bank": 0.5, "scratch": 0.1, "frozen": 0.4}, {"bank": 0.7, "scratch": 0.3, "frozen": 0.2})
    runs = [{"method": m, "seed": s, "jari": j} for s, by_method in enumerate(by_seed) for m, j in by_method.items()]
    out = slot_vae.summarise(runs)
    assert out["slotvae_bank_jari_new"] == pytest.approx(0.6) and out["slotvae_scratch_1pct_jari"] == pytest.approx(0.2)
    assert out["slotvae_frozen_bank_jari_new"] == pytest.approx(0.3) and out["slot_vae_seeds"] == 2


def test_a_run_record_without_its_fields_is_named(monkeypatch):
    records = bench_module("run_records", monkeypatch)
    with pytest.raises(ValueError, match=r"rims_runs\[1\]: lacks seed"):
        records.check_runs([{"method": "a", "seed": 0}, {"method": "a"}], ("method", "seed"), "rims_runs")
    with pytest.raises(ValueError, match="rims_runs: expected a list"):
        records.check_runs({"compose_0.01_0": 0.5}, ("method", "seed"), "rims_runs")
