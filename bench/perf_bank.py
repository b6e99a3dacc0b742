"""Mechanism-bank and interaction-graph micro-benchmarks (side by side in one run).

* bank vs a per-mechanism Python loop (same weights) at M=16, small widths: forward+backward;
* bank large-batch FLOP/s as a fraction of torch.matmul's FLOP/s on a square product;
* knn context gathering + bank: time at N=256 and N=1024 (fixed k) vs the complete graph, peak memory.

Used by bench/performance.py; each function returns flat numbers.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

import torch
from torch import nn

from zoo.nn.bank import MechanismBank
from zoo.nn.context import ContextGather, KnnContextGather, complete_edges, static_table


def timeit(fn: Callable[[], object], repeat: int = 30, warmup: int = 5) -> float:
    """Median seconds of ``fn()`` over ``repeat`` runs after ``warmup`` runs."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    times.sort()
    return times[len(times) // 2]


def interleaved(fns: dict[str, Callable[[], object]], repeat: int, warmup: int = 2) -> dict[str, float]:
    """Median seconds of each function, timed in alternation (a load change hits every side alike)."""
    for _ in range(warmup):
        for fn in fns.values():
            fn()
    times: dict[str, list[float]] = {k: [] for k in fns}
    for _ in range(repeat):
        for k, fn in fns.items():
            t = time.perf_counter()
            fn()
            times[k].append(time.perf_counter() - t)
    return {k: sorted(v)[len(v) // 2] for k, v in times.items()}


class LoopBank(nn.Module):
    """The reference: M separate ``nn.Sequential`` MLPs called one after another."""

    def __init__(self, bank: MechanismBank):
        super().__init__()
        mlps = []
        for m in range(bank.count):
            layers: list[nn.Module] = []
            for i, (w, b) in enumerate(zip(bank.weights, bank.biases)):
                lin = nn.Linear(w.shape[1], w.shape[2])
                with torch.no_grad():
                    lin.weight.copy_(w[m].T)
                    lin.bias.copy_(b[m])
                layers.append(lin)
                if i < len(bank.weights) - 1:
                    layers.append(nn.ReLU())
            mlps.append(nn.Sequential(*layers))
        self.mlps = nn.ModuleList(mlps)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.stack([mlp(x) for mlp in self.mlps], dim=-2)  # the loop the bank avoids


def bank_vs_loop(count: int = 16, width: int = 16, batch: int = 32, device: str = "cpu") -> dict[str, float]:
    """Forward+backward time of the grouped bank vs the Python loop, outputs checked equal.

    The default batch is small, the regime where the loop's per-call overhead dominates; at larger
    batches the elementwise work on the (batch, M, out) outputs, the same for both, takes over."""
    torch.manual_seed(0)
    bank = MechanismBank(count, width, (width,), width, "relu").to(device)
    loop = LoopBank(bank).to(device)
    x = torch.randn(batch, width, device=device)
    torch.testing.assert_close(bank(x), loop(x), rtol=1e-4, atol=1e-5)

    def step(m: nn.Module) -> Callable[[], None]:
        def run() -> None:
            m.zero_grad(set_to_none=True)
            m(x).square().mean().backward()
        return run

    t = interleaved({"bank": step(bank), "loop": step(loop)}, repeat=100, warmup=5)
    t_bank, t_loop = t["bank"], t["loop"]
    return {"bank_ms": t_bank * 1e3, "loop_ms": t_loop * 1e3, "bank_vs_loop_speedup": t_loop / t_bank}


def bank_matmul_fraction(count: int = 16, width: int = 256, batch: int = 4096, square: int = 2048,
                         device: str = "cpu") -> dict[str, float]:
    """Bank forward FLOP/s on a large batch vs torch.matmul FLOP/s on a square product (same run)."""
    from peers import synchronized

    torch.manual_seed(0)
    bank = MechanismBank(count, width, (width,), width, "relu").to(device)
    x = torch.randn(batch, width, device=device)
    a, b = torch.randn(square, square, device=device), torch.randn(square, square, device=device)
    with torch.no_grad():
        t = interleaved({"bank": synchronized(lambda: bank(x), device), "mm": synchronized(lambda: a @ b, device)},
                        repeat=10)
    t_bank, t_mm = t["bank"], t["mm"]
    bank_flops = 2 * batch * count * (width * width + width * width) / t_bank
    mm_flops = 2 * square**3 / t_mm
    return {"bank_gflops": bank_flops / 1e9, "matmul_gflops": mm_flops / 1e9, "bank_matmul_fraction": bank_flops / mm_flops}


def _graph_step(gather: nn.Module, bank: MechanismBank, x: torch.Tensor) -> Callable[[], None]:
    def run() -> None:
        bank.zero_grad(set_to_none=True)
        ctx, _, mask = gather(x)
        inp = torch.cat([x.unsqueeze(2).expand(-1, -1, ctx.shape[2], -1), ctx], -1)
        (bank(inp) * mask[..., None, None]).square().mean().backward()
    return run


def knn_scaling(k: int = 8, dim: int = 4, batch: int = 4, sizes: tuple[int, ...] = (256, 512, 1024),
                memory: bool = True) -> dict[str, float]:
    """Sparse (knn) vs dense (complete) context + bank: time and (with ``memory``) peak memory at
    growing slot counts."""
    torch.manual_seed(0)
    bank = MechanismBank(4, 2 * dim + 1, (32,), dim, "relu")
    knn = KnnContextGather(k, (0, 1), self_loops=False, no_context=True)
    xs = {n: torch.randn(batch, n, dim) for n in sizes}
    # the knn sizes are timed in alternation, so a load change on the machine hits every size alike
    t = interleaved({n: _graph_step(knn, bank, xs[n]) for n in sizes}, repeat=9)
    out: dict[str, float] = {f"knn_ms_{n}": t[n] * 1e3 for n in sizes}
    for n in sizes:
        if memory:
            out[f"knn_peak_mb_{n}"] = peak_mb("knn", n, k, dim, batch)
        if n <= max(sizes) // 2:  # the dense graph at N=1024 needs ~N^2 pairs: measured at the smaller sizes only
            dense = ContextGather(*static_table(n, complete_edges(n), False, True))
            out[f"dense_ms_{n}"] = timeit(_graph_step(dense, bank, xs[n]), repeat=3, warmup=1) * 1e3
            if memory:
                out[f"dense_peak_mb_{n}"] = peak_mb("dense", n, k, dim, batch)
    lo, hi = sizes[0], sizes[-1]
    out["knn_scaling_ratio"] = out[f"knn_ms_{hi}"] / out[f"knn_ms_{lo}"]
    dense = [n for n in sizes if f"dense_ms_{n}" in out]
    if len(dense) >= 2:  # the complete graph over the same growth of N (a smaller range)
        out["dense_scaling_ratio"] = out[f"dense_ms_{dense[-1]}"] / out[f"dense_ms_{dense[0]}"]
    return out


def peak_mb(graph: str, n: int, k: int = 8, dim: int = 4, batch: int = 4) -> float:
    """Peak resident memory (MiB) of one forward+backward above the resident size just before it, in a
    fresh process (Linux: the high-water mark ``VmHWM``, reset just before, against ``VmRSS``; not
    ``ru_maxrss``, which a child inherits from its parent across fork and exec)."""
    code = (
        "import sys, torch; sys.path.insert(0, 'bench'); torch.set_num_threads(1);"
        "from perf_bank import _setup; run = _setup(%r, %d, %d, %d, %d);"
        "from perf_bank import _status_kb; open('/proc/self/clear_refs', 'w').write('5');"
        "base = _status_kb('VmRSS'); run(); print((_status_kb('VmHWM') - base) / 1024)" % (graph, n, k, dim, batch)
    )
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")])}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root, env=env)
    return float(out.stdout.strip())


def _status_kb(field: str) -> int:
    """A ``/proc/self/status`` memory field in KiB (Linux)."""
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def _setup(graph: str, n: int, k: int, dim: int, batch: int) -> Callable[[], None]:
    torch.manual_seed(0)
    bank = MechanismBank(4, 2 * dim + 1, (32,), dim, "relu")
    x = torch.randn(batch, n, dim)
    if graph == "knn":
        gather: nn.Module = KnnContextGather(k, (0, 1), self_loops=False, no_context=True)
    else:
        gather = ContextGather(*static_table(n, complete_edges(n), False, True))
    return _graph_step(gather, bank, x)
