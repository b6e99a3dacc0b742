"""Per catalogue spec: spec -> module compile time, ``torch.compile(fullgraph=True)`` and training throughput.

Each function returns ``(flat numbers, rows)``: the numbers go to the JSON, the rows to the markdown.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import torch
from perf_bank import timeit

from zoo import compile_spec
from zoo.compiler.lower import example_inputs
from zoo.schema import load_spec

SPECS = Path(__file__).resolve().parent.parent / "specs"


def catalogue() -> list[str]:
    """Names of every catalogue spec (``specs/*.yaml``)."""
    return sorted(p.stem for p in SPECS.glob("*.yaml"))


def compile_times(names: list[str], repeat: int = 3) -> tuple[dict[str, float], list[dict]]:
    """Median spec -> module compile time per spec (the spec is loaded once, outside the timing)."""
    rows = []
    for name in names:
        spec = load_spec(name)
        compile_spec(spec)  # first call: imports and registry warm-up
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            compile_spec(spec)
            times.append(time.perf_counter() - t)
        rows.append({"spec": name, "compile_ms": statistics.median(times) * 1e3})
    med = statistics.median(r["compile_ms"] for r in rows)
    return {"compile_ms_median": med, "compile_ms_max": max(r["compile_ms"] for r in rows),
            "catalogue_specs": len(names)}, rows


def _same(a: dict[str, torch.Tensor], b: dict[str, torch.Tensor]) -> bool:
    if set(a) != set(b):
        return False
    try:
        for k in a:
            torch.testing.assert_close(a[k], b[k], rtol=1e-4, atol=1e-5)
    except AssertionError:
        return False
    return True


def torch_compile(names: list[str], backend: str = "inductor", batch: int = 8, repeat: int = 5,
                  device: str = "cpu") -> tuple[dict[str, float], list[dict]]:
    """Which specs run under ``torch.compile(fullgraph=True)`` with eager's outputs; forward speed-up.

    Models run in eval mode (deterministic) on :func:`example_inputs` (unknown lengths: 5).
    """
    rows, ok = [], 0
    for name in names:
        torch._dynamo.reset()
        torch.manual_seed(0)
        model = compile_spec(load_spec(name)).to(device).eval()
        x = example_inputs(model, batch=batch, device=device)
        row: dict = {"spec": name}
        try:
            with torch.no_grad():
                want = model(**x)
                fast = torch.compile(model, fullgraph=True, backend=backend)
                t = time.perf_counter()
                got = fast(**x)
                row["first_call_s"] = time.perf_counter() - t
                row["equal"] = _same(got, want)
                row["eager_ms"] = timeit(lambda: model(**x), repeat, warmup=1) * 1e3
                row["compiled_ms"] = timeit(lambda: fast(**x), repeat, warmup=1) * 1e3
                row["speedup"] = row["eager_ms"] / row["compiled_ms"]
        except Exception as e:  # a graph break or a backend failure: recorded, not fatal
            row["equal"] = False
            row["error"] = f"{type(e).__name__}: {str(e).splitlines()[0][:160] if str(e) else ''}"
        ok += bool(row["equal"])
        rows.append(row)
    return {"torch_compile_specs_ok": ok}, rows


def throughput(names: list[str], steps: int = 3, batch: int | None = None,
               device: str = "cpu") -> tuple[dict[str, float], list[dict]]:
    """Training samples/s per spec over ``steps`` optimiser steps (after one warm-up step)."""
    from zoo.train.loop import Trainer

    rows = []
    for name in names:
        over = [f"train.steps={steps + 1}"] + ([f"train.batch={batch}"] if batch else [])
        spec = load_spec(name, over)
        with tempfile.TemporaryDirectory() as tmp:
            trainer = Trainer(spec, Path(tmp), torch.device(device), progress=False)
            trainer._step()  # warm-up: first-call allocations
            t = time.perf_counter()
            for _ in range(steps):
                trainer._step()
            sec = time.perf_counter() - t
        rows.append({"spec": name, "batch": spec.train.batch, "step_ms": sec / steps * 1e3,
                     "samples_per_s": steps * spec.train.batch / sec})
    return {f"train_samples_per_s_{r['spec'].replace('-', '_')}": r["samples_per_s"] for r in rows}, rows


# one catalogue spec per family for the thread-scaling figures
FAMILY_SPECS = {"comet": "comet-particles", "hypernetwork": "hypernet-linear-connected", "rims": "rims-digits",
                "slot_vae": "slotvae-sprites"}


def thread_scaling(steps: int = 3, threads: int = 2, families: dict[str, str] = FAMILY_SPECS,
                   device: str = "cpu", batch: int | None = None) -> dict[str, float]:
    """Training throughput at ``threads`` torch threads over one thread, per family (one trainer each, its
    steps timed in alternation between the two settings so that a load change hits both alike)."""
    from zoo.train.loop import Trainer

    before = torch.get_num_threads()
    out = {}
    for family, name in families.items():
        spec = load_spec(name, [f"train.steps={2 * steps + 2}"] + ([f"train.batch={batch}"] if batch else []))
        with tempfile.TemporaryDirectory() as tmp:
            trainer = Trainer(spec, Path(tmp), torch.device(device), progress=False)
            times: dict[int, list[float]] = {1: [], threads: []}
            for n in (1, threads):  # warm-up at each setting
                torch.set_num_threads(n)
                trainer._step()
            for _ in range(steps):
                for n in (1, threads):
                    torch.set_num_threads(n)
                    t = time.perf_counter()
                    trainer._step()
                    times[n].append(time.perf_counter() - t)
        out[f"thread_scaling_{family}"] = statistics.median(times[1]) / statistics.median(times[threads])
    torch.set_num_threads(before)
    return out
