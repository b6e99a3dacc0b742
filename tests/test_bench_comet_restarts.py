"""bench/comet_restarts.py: two training seeds per world draw, and whether the lower training WTA picks the better
run."""

from __future__ import annotations

import json

from tests.support.bench import ROOT, bench_module, run_bench


def test_comet_restarts_quick(tmp_path):
    run_bench("comet_restarts.py", "--quick", "--jobs", "2", "--out", str(tmp_path))
    record = json.loads((tmp_path / "comet-restarts.json").read_text())
    assert sorted((r["entry"], r["draw"], r["seed"]) for r in record["runs"]) == sorted(
        (e, 10, s) for e in ("eight-objects", "constants") for s in (10, 110))
    summary = record["summary"]
    assert {"differing", "agree", "constants_picked_nmi_min", "eight-objects_first_seed_nmi_min"} <= set(summary)


def test_the_recorded_summary_is_what_its_runs_give(monkeypatch):
    restarts = bench_module("comet_restarts", monkeypatch)
    record = json.loads((ROOT / "bench" / "records" / "comet-restarts.json").read_text())
    assert len(record["runs"]) == 2 * len(restarts.ENTRIES) * len(restarts.DRAWS)
    assert restarts.summary(record["runs"]) == record["summary"]
    summary = record["summary"]  # what the robustness report says of it
    assert (summary["agree"], summary["differing"]) == (10, 12)
    assert summary["eight-objects_picked_nmi_min"] < summary["eight-objects_first_seed_nmi_min"]
