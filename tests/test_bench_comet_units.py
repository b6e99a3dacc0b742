"""bench/comet_units.py: the catalogue's COMET settings and the same without normalize, on one suite world in
other units; in the suite's own units the two are the same run."""

from __future__ import annotations

import json

import numpy as np

from tests.support.bench import ROOT, bench_module, run_bench


def test_comet_units_quick(tmp_path):
    out = run_bench("comet_units.py", "--quick", "--jobs", "2", "--out", str(tmp_path))
    assert "4 run(s); 0 done already, 4 to run, 2 at a time" in out.stdout
    figures = json.loads((tmp_path / "results" / "comet_units.json").read_text())
    assert sorted(figures) == sorted(f"{m}_{s}_units-{u}" for m in ("nmi", "purity") for s in ("catalogue", "plain")
                                     for u in ("0.01", "1"))
    assert figures["nmi_catalogue_units-1"] == figures["nmi_plain_units-1"]  # auto leaves these units as they are
    assert figures["purity_catalogue_units-1"] == figures["purity_plain_units-1"]
    worlds = tmp_path / "sweeps" / "comet-units" / "worlds"
    with np.load(worlds / "units-1.npz") as one, np.load(worlds / "units-0.01.npz") as small:
        assert np.allclose(small["states"][..., :4], one["states"][..., :4] * 0.01, rtol=1e-5)
        assert np.array_equal(small["types"], one["types"])
    assert "| units-0.01 |" in (tmp_path / "RESULTS-comet-units.md").read_text()


def test_recorded_comet_units_figures_are_its_sweep_of_todays_spec(monkeypatch):
    """Every recorded run was measured with today's catalogue spec (its fingerprint), nothing is left to run, and
    bench/results/comet_units.json is what the recorded rows give."""
    from zoo.sweep import read_table, resolve_points
    from zoo.sweep.status import todo

    monkeypatch.chdir(ROOT)  # the points name their world files relative to the repository root
    units = bench_module("comet_units", monkeypatch)
    folder = ROOT / "bench" / "sweeps" / "comet-units"
    plan, labels = units.plan(units.world_files(folder), False)
    rows = read_table(folder)
    assert todo(resolve_points(plan), rows, folder) == []
    today = {p.key: p.fingerprint for p in resolve_points(plan)}
    assert all(r.status == "ok" and today.get(r.run) == r.fingerprint for r in rows)
    recorded = json.loads((ROOT / "bench" / "results" / "comet_units.json").read_text())
    assert units.figures_of(rows, labels) == recorded
    assert recorded["nmi_catalogue_units-0.01"] > 0.9 > recorded["nmi_plain_units-0.01"]  # what the section says
