"""Benchmark: compositional generalisation of modular hypernetworks on the hyperteacher.

Trains the linear and MLP hypernetworks and the ANIL and MAML baselines (catalogue specs) on
connected and disconnected task support, then writes ``bench/results/hypernet.json`` (flat keys),
``bench/results/hypernet-ood-accuracy.png`` and ``bench/RESULTS-hypernet.md``.

    PYTHONPATH=. python bench/hypernet.py            # the measured configuration
    PYTHONPATH=. python bench/hypernet.py --quick    # a smoke run of the script (not a result)
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

import torch

torch.set_num_threads(1)

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from hypernet_report import plot_ood, write_markdown  # noqa: E402
from zoo.compiler import compile_spec  # noqa: E402
from zoo.io import write_json  # noqa: E402
from zoo.schema import load_spec  # noqa: E402
from zoo.train import train  # noqa: E402

METHODS = {
    "linear": "hypernet-linear-connected",
    "mlp": "hypernet-mlp-connected",
    "anil": "anil-connected",
    "maml": "maml-connected",
}
SUPPORTS = ("connected", "disconnected")
QUICK = ["train.steps=20", "train.eval_every=0", "train.eval_tasks=32", "train.batch=8"]


def run_one(method: str, support: str, quick: bool, runs: Path) -> dict[str, float]:
    """Train one method on one task support; returns its final metrics and cost."""
    overrides = [f"data.support={support}", f"name={method}-{support}"] + (QUICK if quick else [])
    spec = load_spec(METHODS[method], overrides)
    print(f"== {spec.name}: {spec.train.steps} outer steps of {spec.train.batch} tasks", flush=True)
    start = time.perf_counter()
    result = train(spec, run_dir=runs / spec.name, progress=False)
    metrics = dict(result.metrics)
    metrics["seconds"] = time.perf_counter() - start
    metrics["params"] = float(sum(p.numel() for p in compile_spec(spec).parameters()))
    shown = ", ".join(f"{k}={v:.4g}" for k, v in metrics.items())
    print(f"   {shown}", flush=True)
    return metrics


def flat_results(table: dict[tuple[str, str], dict[str, float]]) -> dict[str, float]:
    """The flat keys of hypernet.json: ``<support>_<metric>_<method>`` plus the issue's headline keys."""
    out: dict[str, float] = {}
    names = {"test_acc": "id_acc", "ood_acc": "ood_acc", "test_loss": "id_loss", "ood_loss": "ood_loss",
             "decoding_r2": "decoding_r2", "template_alignment": "template_alignment", "seconds": "train_seconds"}
    for (method, support), m in table.items():
        for key, name in names.items():
            if key in m:
                out[f"{support}_{name}_{method}"] = m[key]
        out[f"params_{method}"] = m["params"]
    if ("linear", "connected") in table:
        out["decoding_r2_connected"] = table[("linear", "connected")]["decoding_r2"]
    if ("linear", "disconnected") in table:
        out["decoding_r2_disconnected"] = table[("linear", "disconnected")]["decoding_r2"]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny settings to check the script runs")
    parser.add_argument("--methods", nargs="+", default=list(METHODS), choices=list(METHODS))
    args = parser.parse_args()
    runs = HERE.parent / "runs" / ("bench-hypernet-quick" if args.quick else "bench-hypernet")
    out_dir = HERE / "results"
    table = {}
    start = time.perf_counter()
    for method in args.methods:
        for support in SUPPORTS:
            table[(method, support)] = run_one(method, support, args.quick, runs)
    total = time.perf_counter() - start
    results = flat_results(table)
    suffix = "-quick" if args.quick else ""
    write_json(out_dir / f"hypernet{suffix}.json", results)
    plot_ood(table, out_dir / f"hypernet-ood-accuracy{suffix}.png")
    env = {"cpu": platform.processor() or platform.machine(), "cores": torch.get_num_threads(),
           "torch": torch.__version__, "date": time.strftime("%Y-%m-%d"), "total_seconds": total}
    env["cpu"] = _cpu_model() or env["cpu"]
    write_markdown(table, results, env, HERE / f"RESULTS-hypernet{suffix}.md", quick=args.quick)
    print(json.dumps(results, indent=2, sort_keys=True))
    print(f"total {total:.0f} s")


def _cpu_model() -> str | None:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


if __name__ == "__main__":
    main()
