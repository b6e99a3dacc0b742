"""The side-by-side comparisons of bench/performance.py: peak memory under vmap, the MAML/ANIL setting trade-off,
re-measuring some comparisons only."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import torch
from torch.func import vmap

from tests.support.bench import ROOT, bench_module, run_bench


def test_peak_memory_of_a_vmapped_step_is_that_of_the_same_step_unbatched(monkeypatch):
    """Intermediates made under ``torch.func.vmap`` count as freed when they are (the profiler's tensor timeline
    never saw them freed): second-order inner steps of one task read the same peak with and without vmap."""
    peers = bench_module("peers", monkeypatch)
    torch.manual_seed(0)
    x, w0 = torch.randn(1, 4096, 64), torch.randn(64, 64, requires_grad=True)

    def loss(w: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        return torch.relu(x @ w).square().mean()

    def steps(batched: bool) -> None:
        w = w0.unsqueeze(0) if batched else w0
        for _ in range(3):
            value = vmap(loss)(w, x).sum() if batched else loss(w, x[0])
            w = w - 0.1 * torch.autograd.grad(value, w, create_graph=True)[0]
        (vmap(loss)(w, x).sum() if batched else loss(w, x[0])).backward()

    plain, batched = peers.peak_mb(lambda: steps(False)), peers.peak_mb(lambda: steps(True))
    assert plain > 3 and abs(batched - plain) < 0.05 * plain


def test_performance_peers_subset_keeps_the_other_comparisons(tmp_path):
    """--only peers --peers bank re-measures the bank comparison alone; the other peers' figures, notes and
    versions stay, and the partial run is labelled with the comparisons it re-measured."""
    (tmp_path / "results").mkdir()
    (tmp_path / "records").mkdir()
    (tmp_path / "results" / "performance.json").write_text(json.dumps({"vs_hypnettorch_speedup": 3.5}))
    (tmp_path / "records" / "performance-tables.json").write_text(json.dumps(
        {"command": "earlier", "measured": "2026-01-01 00:00 UTC", "tables": {},
         "peers": {"notes": [], "versions": {"hypnettorch": "0.0.4"}}}))
    run_bench("performance.py", "--quick", "--only", "peers", "--peers", "bank", "--out", str(tmp_path))
    nums = json.loads((tmp_path / "results" / "performance.json").read_text())
    assert nums["vs_hypnettorch_speedup"] == 3.5 and nums["bank_vs_bmm_speedup"] > 0
    assert "learn2learn_maml_zoo_ms" not in nums  # the MAML comparison was not run
    saved = json.loads((tmp_path / "records" / "performance-tables.json").read_text())
    assert saved["peers"]["versions"]["hypnettorch"] == "0.0.4"
    assert "Re-measured later (peers: bank)" in (tmp_path / "RESULTS-performance.md").read_text()
    refused = subprocess.run([sys.executable, str(ROOT / "bench" / "performance.py"), "--quick", "--peers", "bank"],
                             capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert refused.returncode == 2 and "--only peers" in refused.stderr


def test_trade_off_headline_is_the_fastest_setting_within_the_peers_memory(monkeypatch):
    """The headline keys all come from the first setting (most memory first) whose peak fits the peer's; every
    setting keeps its own time and memory keys."""
    peers = bench_module("peers", monkeypatch)
    mib = 2**18

    def using(n: int):
        return lambda: torch.ones(n * mib).sum()

    ours = {"all": using(8), "chunk4": using(4), "chunk2": using(2), "chunk1": using(1)}
    nums, pick = peers.trade_off("x", ours, using(3), repeat=1, warmup=0)
    assert pick == "chunk2" and nums["x_zoo_mb"] == nums["x_zoo_chunk2_mb"] and nums["x_zoo_ms"] == nums["x_zoo_chunk2_ms"]
    assert abs(nums["x_zoo_all_mb"] - 8) < 0.1 and abs(nums["vs_x_memory_ratio"] - 2 / 3) < 0.05
    assert peers.trade_off("x", {"a": using(8), "b": using(6)}, using(3), repeat=1, warmup=0)[1] == "b"
