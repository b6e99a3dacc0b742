"""bench/banks.py's report: every family's figures reach the section, missing ones are said to be missing."""

from __future__ import annotations

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
