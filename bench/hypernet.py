"""Benchmark: compositional generalisation of modular hypernetworks on the hyperteacher.

Trains the linear and MLP hypernetworks and the ANIL and MAML baselines (catalogue specs) on
connected and disconnected task support, then writes ``bench/results/hypernet.json`` (flat keys),
``bench/results/hypernet-ood-accuracy.png`` and ``bench/RESULTS-hypernet.md``.

    PYTHONPATH=. python bench/hypernet.py            # the measured configuration
    PYTHONPATH=. python bench/hypernet.py --quick    # a smoke run of the script (not a result)
    PYTHONPATH=. python bench/hypernet.py --methods linear anil maml --connected-only maml
                                                     # the run recorded in RESULTS-hypernet.md
    ... --reuse                                      # read back finished runs of identical specs
    PYTHONPATH=. python bench/hypernet.py --plot-only  # redraw the plot from the recorded hypernet.json
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import torch

torch.set_num_threads(1)

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from hypernet_report import draw_baselines, plot_ood, table_of, write_markdown  # noqa: E402
from machine import cpu_model  # noqa: E402
from zoo import compile_spec  # noqa: E402
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


def run_one(method: str, support: str, quick: bool, runs: Path, reuse: bool = False) -> dict[str, float]:
    """Train one method on one task support; returns its final metrics and cost.

    With ``reuse``, a finished run of the identical spec in ``runs`` is read back instead of retrained
    (its recorded training seconds are kept).
    """
    overrides = [f"data.support={support}", f"name={method}-{support}"] + (QUICK if quick else [])
    spec = load_spec(METHODS[method], overrides)
    print(f"== {spec.name}: {spec.train.steps} outer steps of {spec.train.batch} tasks", flush=True)
    metrics = _finished(spec, runs / spec.name) if reuse else None
    if metrics is None:
        start = time.perf_counter()
        result = train(spec, run_dir=runs / spec.name, progress=False, overwrite=True)
        metrics = dict(result.metrics)
        metrics["seconds"] = time.perf_counter() - start
    else:
        print("   (reused the finished run)", flush=True)
    metrics["params"] = float(sum(p.numel() for p in compile_spec(spec).parameters()))
    shown = ", ".join(f"{k}={v:.4g}" for k, v in metrics.items())
    print(f"   {shown}", flush=True)
    return metrics


def _finished(spec, run_dir: Path) -> dict[str, float] | None:
    """The metrics of a finished run of exactly ``spec`` in ``run_dir``, else None."""
    from zoo.schema import load_spec as load

    done = run_dir / "metrics.json"
    if not done.is_file() or not (run_dir / "spec.yaml").is_file():
        return None
    if load(run_dir / "spec.yaml").model_dump(mode="json") != spec.model_dump(mode="json"):
        return None
    metrics = json.loads(done.read_text())
    if metrics.get("steps") != spec.train.steps:
        return None
    metrics["seconds"] = metrics["train_seconds"]
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
    parser.add_argument("--reuse", action="store_true", help="read back finished runs of identical specs")
    parser.add_argument("--connected-only", nargs="*", default=[], choices=list(METHODS), metavar="METHOD",
                        help="methods trained on connected support only (to save time)")
    parser.add_argument("--methods", nargs="+", default=list(METHODS), choices=list(METHODS))
    parser.add_argument("--plot-only", action="store_true", help="redraw the plot from the recorded hypernet.json")
    args = parser.parse_args()
    runs = HERE.parent / "runs" / ("bench-hypernet-quick" if args.quick else "bench-hypernet")
    out_dir = HERE / "results"
    suffix = "-quick" if args.quick else ""
    chance = 1.0 / load_spec(METHODS["linear"]).data.output  # accuracy of guessing one of the classes
    if args.plot_only:
        plot_ood(table_of(json.loads((out_dir / f"hypernet{suffix}.json").read_text())),
                 out_dir / f"hypernet-ood-accuracy{suffix}.png", chance)
        return
    table = {}
    start = time.perf_counter()
    for method in args.methods:
        for support in SUPPORTS[:1] if method in args.connected_only else SUPPORTS:
            table[(method, support)] = run_one(method, support, args.quick, runs, args.reuse)
    total = time.perf_counter() - start
    results = flat_results(table)
    write_json(out_dir / f"hypernet{suffix}.json", results)
    plot_ood(table, out_dir / f"hypernet-ood-accuracy{suffix}.png", chance)
    draw_baselines(table, runs, chance)
    cores = f"{os.cpu_count()} cores, {torch.get_num_threads()}"
    env = {"cpu": cpu_model(), "cores": cores, "torch": torch.__version__, "date": time.strftime("%Y-%m-%d"),
           "total_seconds": total}
    env["setup"] = describe_setup(load_spec(METHODS["linear"]))
    env["command"] = "PYTHONPATH=. python bench/hypernet.py " + " ".join(a for a in sys.argv[1:] if a != "--reuse")
    env["reused"] = args.reuse
    env["total_seconds"] = sum(m["seconds"] for m in table.values())  # also right when runs were reused
    write_markdown(table, results, env, HERE / f"RESULTS-hypernet{suffix}.md")
    print(json.dumps(results, indent=2, sort_keys=True))
    print(f"total {total:.0f} s")


def describe_setup(spec) -> list[str]:
    """Markdown lines describing the teacher and the task supports, read from the catalogue spec."""
    from zoo.families.hypernetwork.task_support import split_tasks

    d, t = spec.data, spec.train
    widths = " -> ".join(str(w) for w in (d.input, *d.hidden, d.output))
    layers = len(d.generated)
    counts = {s: split_tasks(s, d.experts, d.hot, layers)[0].shape[0] for s in SUPPORTS}
    ood = split_tasks("connected", d.experts, d.hot, layers)[1].shape[0]
    return [
        f"Teacher {widths} (ReLU); layers {list(d.generated)} are generated from 1..{d.hot}-hot combinations "
        f"of {d.experts} experts per layer. Connected support: every layer's combination is a one-hot or a pair "
        f"(i, i+1) or (i, i+2) mod {d.experts} ({counts['connected']} training tasks); disconnected: all experts "
        f"of the task inside {{0..{d.experts // 2 - 1}}} or all inside {{{d.experts // 2}..{d.experts - 1}}} "
        f"({counts['disconnected']} training tasks). Both are scored on the same {ood} OOD tasks (in neither support).",
        f"Accuracy: argmax agreement with the teacher's soft labels on {d.query_shots} query shots after "
        f"{t.inner.steps} inner steps on {d.support_shots} support shots, averaged over {t.eval_tasks} evaluation "
        f"tasks per split. {t.steps} outer steps of {t.batch} tasks per method (second-order meta-gradients).",
        "Decoding R^2: ridge regression from the adapted task parameters to the true k-hot embedding, fit on "
        "in-distribution tasks and scored on the OOD tasks.",
    ]


if __name__ == "__main__":
    main()
