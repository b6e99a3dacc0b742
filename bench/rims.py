"""RIMs benchmark: sequential digits at growing resolution, copying at a longer delay, bouncing balls
with more balls, each against the LSTM baseline of the same hidden size; and the grouped cell's
throughput against a per-cell Python loop.

    PYTHONPATH=. python bench/rims.py            # full sizes (about an hour on one CPU core)
    PYTHONPATH=. python bench/rims.py --quick    # a smoke run (seconds), used by the tests
    PYTHONPATH=. python bench/rims.py --scale 0.5 --tasks copying digits   # shorter training, some tasks
    PYTHONPATH=. python bench/rims.py --tasks digits --merge --parallel     # RIMs and LSTM on two cores
    PYTHONPATH=. python bench/rims.py --tasks digits --seeds 1 --merge      # one more seed, averaged with the
                                                                           # seeds already in rims.json
    PYTHONPATH=. python bench/rims.py --tasks digits --models rims --seeds 0 1 --merge --parallel
                                                                           # retrain the RIMs only, keep the LSTM's
    PYTHONPATH=. python bench/rims.py --tasks --merge                       # only re-measure the grouped cell

Results are written after each task, so an interrupted run keeps what it measured. Every figure of a
task is kept per seed (``<key>_seed<S>``); the plain key is the mean over the seeds recorded for that
task (``seeds_<task>`` of them), and the targets are checked on those means. ``--merge`` only keeps
figures measured at the same ``--scale`` with the same spec (``spec_<task>_<model>``: a fingerprint of
the spec's settings), so a changed spec starts its seeds afresh.

Writes bench/results/rims.json and bench/RESULTS-rims.md.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import torch
from torch import nn

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from machine import (cpu_model, per_seed, recorded_line, seed_means as mean_over_seeds,  # noqa: E402
                     side_by_side, spec_fingerprint)  # (bench/machine.py)
from zoo.nn.grouped_rnn import GroupedGRUCell  # noqa: E402
from zoo.schema import load_spec  # noqa: E402
from zoo.train import train  # noqa: E402

QUICK = {
    "digits": ["train.steps=4", "data.limit=60", "train.eval_every=0"],
    "copying": ["train.steps=4", "data.train_sequences=64", "data.test_sequences=16", "data.delay=5",
                "data.test_delays=[10]", "train.eval_every=0"],
    "balls": ["train.steps=4", "data.train_sequences=16", "data.test_sequences=8", "train.eval_every=0"],
}


MODELS = ("rims", "lstm")  # the bench's two models: catalogue specs <model>-<task>
PREFIXES = {"copying": ("copy_error_", "copying_"), "digits": ("digits_",), "balls": ("balls_",)}


def run(name: str, sets: list[str], out: Path) -> tuple[dict[str, float], float]:
    """Train a catalogue spec with overrides; returns its final metrics and wall-clock seconds."""
    spec = load_spec(name, sets)
    start = time.perf_counter()
    result = train(spec, run_dir=out / name, progress=False)
    return result.metrics, time.perf_counter() - start


def run_all(jobs: dict[str, tuple[str, list[str], Path]], parallel: bool) -> dict[str, tuple[dict[str, float], float]]:
    """Every job's (metrics, seconds): one after the other, or each in its own process (one core each)."""
    done = side_by_side(run, list(jobs.values())) if parallel else [run(*job) for job in jobs.values()]
    return dict(zip(jobs, done))


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny smoke run (numbers are meaningless)")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every spec's train.steps")
    parser.add_argument("--tasks", nargs="*", default=["copying", "digits", "balls"],
                        choices=["copying", "digits", "balls"],
                        help="tasks to train (none: only re-measure the grouped cell's speed; use with --merge)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument("--report-only", action="store_true", help="rewrite the markdown from rims.json")
    parser.add_argument("--parallel", action="store_true",
                        help="train each task's RIMs and LSTM side by side, one process (and core) each; their "
                             "wall-clock times then include sharing the machine")
    parser.add_argument("--merge", action="store_true",
                        help="keep the figures of tasks, seeds and models not run now (at the same --scale), "
                             "from the existing rims.json")
    parser.add_argument("--models", nargs="+", default=list(MODELS), choices=MODELS,
                        help="models to train (with --merge, the other model's figures are kept)")
    parser.add_argument("--seeds", nargs="+", type=int, default=None,
                        help="train every model once per seed (train.seed); default: the spec's own seed")
    args = parser.parse_args()
    torch.set_num_threads(1)
    if args.report_only:  # the figures were measured earlier: keep the machine line they were measured on
        report = ROOT / "bench" / "RESULTS-rims.md"
        write_markdown(json.loads((args.out / "rims.json").read_text()), report, recorded_line(report, "Machine: "))
        return
    results: dict[str, float] = {}
    if args.merge and (args.out / "rims.json").is_file():
        results = json.loads((args.out / "rims.json").read_text())
        legacy = results.pop("steps_scale", None)  # one scale for every task of that run
        if legacy is not None:
            for t, prefixes in PREFIXES.items():
                if any(k.startswith(prefixes) for k in results):
                    results.setdefault(f"steps_scale_{t}", legacy)
        results = {k: v for k, v in results.items() if kept(k, results, args)}
    for t in args.tasks:
        results[f"steps_scale_{t}"] = args.scale
        results.update({f"spec_{t}_{m}": fingerprint(t, m) for m in MODELS})
    results["grouped_vs_loop_speedup"] = grouped_vs_loop(repeat=5 if args.quick else 50)
    print(f"grouped cell vs per-cell loop: {results['grouped_vs_loop_speedup']:.2f}x", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        runs = Path(tmp)
        for task in args.tasks:
            jobs = {}
            for model in args.models:
                sets = QUICK[task] if args.quick else []
                if args.scale != 1.0 and not args.quick:
                    steps = max(1, round(load_spec(f"{model}-{task}").train.steps * args.scale))
                    sets = [f"train.steps={steps}", f"train.eval_every={steps}"]
                for seed in args.seeds or [load_spec(f"{model}-{task}").train.seed]:
                    jobs[model, seed] = (f"{model}-{task}", [*sets, f"train.seed={seed}"], runs / f"seed{seed}")
            for (model, seed), (metrics, seconds) in run_all(jobs, args.parallel).items():
                print(f"{model}-{task} seed {seed}: {seconds:.0f}s "
                      f"{json.dumps({k: round(v, 4) for k, v in metrics.items()})}", flush=True)
                figures = {f"{task}_seconds_{model}": seconds, **task_results(task, model, metrics)}
                results.update({f"{k}_seed{seed}": v for k, v in figures.items()})
            means = seed_means(results, task)
            results.update(means)
            print(f"{task}, mean over {means[f'seeds_{task}']:g} seed(s): "
                  + json.dumps({k: round(v, 4) for k, v in means.items()}), flush=True)
            if not args.quick:
                save(results, args.out)
    if not args.quick and not args.tasks:
        save(results, args.out)


def task_of(key: str) -> str | None:
    """The task a figure belongs to, from its prefix."""
    return next((t for t, prefixes in PREFIXES.items() if key.startswith(prefixes)), None)


@functools.cache
def fingerprint(task: str, model: str) -> float:
    """The catalogue spec ``<model>-<task>``'s fingerprint (loaded once per run)."""
    return spec_fingerprint(load_spec(f"{model}-{task}"))


def kept(key: str, old: dict[str, float], args: argparse.Namespace) -> bool:
    """Whether --merge keeps a figure of the existing rims.json: every figure of a task not run now; of a
    task run now, the per-seed figures of other seeds, or of the model not trained now, measured at the same
    --scale with the same spec (``spec_<task>_<model>``; a file without one predates the check). Means are
    recomputed."""
    task = task_of(key) or (key.removeprefix("steps_scale_") if key.startswith("steps_scale_") else None)
    if task not in args.tasks:
        return True
    seeded = per_seed(key)
    if seeded is None:
        return False
    model = seeded[0].rpartition("_")[2]
    now = fingerprint(task, model)
    other_run = seeded[1] not in (args.seeds or []) or model not in args.models
    return (other_run and old.get(f"steps_scale_{task}") == args.scale
            and old.get(f"spec_{task}_{model}", now) == now)


def seed_means(results: dict[str, float], task: str) -> dict[str, float]:
    """Each per-seed figure of a task averaged over its seeds, and ``seeds_<task>``: how many there are."""
    means, seeds = mean_over_seeds(results, lambda key: task_of(key) == task)
    return {**means, f"seeds_{task}": float(seeds)}


def task_results(task: str, model: str, metrics: dict[str, float]) -> dict[str, float]:
    """The benchmark's keys for one trained model."""
    out = {}
    if task == "digits":
        for k, v in metrics.items():
            if k.startswith("test_") and k.endswith("_acc"):
                out[f"digits_acc_{k.split('_')[1]}_{model}"] = 100 * v
    elif task == "copying":
        for k, v in metrics.items():
            if k.endswith("_error"):
                out[f"copy_error_{k.split('_')[1]}_{model}"] = v
    else:
        for k, v in metrics.items():
            if k.endswith("_rollout_mse") or (k.endswith("_loss") and k.startswith("test_")):
                out[f"balls_{k}_{model}"] = v
    return out


def save(results: dict[str, float], out: Path) -> None:
    """Write the JSON and the markdown section with what has been measured so far."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "rims.json").write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    write_markdown(results, ROOT / "bench" / "RESULTS-rims.md")


def digits_models() -> str:
    """The sizes of the catalogue's digits models, as the table below was measured with them."""
    rims, lstm = load_spec("rims-digits"), load_spec("lstm-digits")
    cells = rims.mechanisms[0]
    return (f"Digits models: RIMs of {cells.count} {cells.kind.upper()} cells x {cells.hidden} units, "
            f"{rims.router.k} active per step; LSTM of {lstm.model.hidden} units.")


def write_markdown(r: dict[str, float], path: Path, machine: str | None = None) -> None:
    """The RESULTS section for RIMs; ``machine``: the report's machine line (default: this machine, today)."""
    machine = machine or (f"Machine: {cpu_model()} ({os.cpu_count()} cores, shared and loaded while this ran), "
                          f"torch {torch.__version__}, 1 thread, {time.strftime('%Y-%m-%d')}.")
    rows = [
        ("digits accuracy 14x14 (train res.)", "digits_acc_14"), ("digits accuracy 16x16", "digits_acc_16"),
        ("digits accuracy 19x19", "digits_acc_19"), ("digits accuracy 24x24", "digits_acc_24"),
        ("copying error, delay 50 (train)", "copy_error_50"), ("copying error, delay 200", "copy_error_200"),
        ("balls next-frame MSE, 3 balls", "balls_test_3_loss"), ("balls next-frame MSE, 6 balls", "balls_test_6_loss"),
        ("balls 5-step rollout MSE, 6 balls", "balls_test_6_rollout_mse"),
    ]
    lines = [
        "## RIMs (issue: Recurrent Independent Mechanisms)", "",
        "Command: `PYTHONPATH=. python bench/rims.py"
        + " [--scale S] [--tasks ...] [--models ...] [--seeds ...] [--merge] [--parallel]`: "
        + "train.steps of each catalogue spec multiplied by S; S per task here: "
        + ", ".join(f"{k.removeprefix('steps_scale_')} {v:g}"
                    for k, v in sorted(r.items()) if k.startswith("steps_scale_"))
        + ". Each figure is the mean over the seeds trained for its task: "
        + ", ".join(f"{t} {r.get(f'seeds_{t}', 1):g}" for t in PREFIXES if f"steps_scale_{t}" in r) + ".", "",
        machine, "",
        digits_models(), "",
        "| metric | RIMs | LSTM |", "|---|---|---|",
    ]
    for label, key in rows:
        a, b = r.get(f"{key}_rims"), r.get(f"{key}_lstm")
        lines.append(f"| {label} | {a:.4g} | {b:.4g} |" if a is not None and b is not None else f"| {label} | n/a | n/a |")
    seeds = sorted({seeded[1] for k in r if (seeded := per_seed(k)) and k.startswith("digits_acc_")})
    if len(seeds) > 1:
        lines += ["", "Digits per seed (RIMs / LSTM):", ""] + [
            f"- seed {s}: " + ", ".join(f"{n}x{n} {r[f'digits_acc_{n}_rims_seed{s}']:.1f} / "
                                        f"{r[f'digits_acc_{n}_lstm_seed{s}']:.1f}" for n in (14, 16, 19, 24)
                                        if f"digits_acc_{n}_rims_seed{s}" in r and f"digits_acc_{n}_lstm_seed{s}" in r)
            for s in seeds]
    lines += ["", f"Grouped GRU cell (K=6) vs a per-cell Python loop, forward+backward: "
              f"**{r['grouped_vs_loop_speedup']:.2f}x** faster.", ""]
    checks = [
        ("digits 24x24: RIMs at least 10 points above the LSTM", "digits_acc_24",
         lambda a, b: a >= b + 10),
        ("digits 16x16: RIMs within 3 points of the LSTM or better", "digits_acc_16", lambda a, b: a >= b - 3),
        ("copying, delay 200: RIMs error below the LSTM's", "copy_error_200", lambda a, b: a < b),
    ]
    lines += ["Targets:", ""]
    for label, key, ok in checks:
        a, b = r.get(f"{key}_rims"), r.get(f"{key}_lstm")
        mark = "not measured" if a is None or b is None else ("met" if ok(a, b) else "**missed**")
        lines.append(f"- {label}: {mark}")
    lines.append(f"- grouped cell at least 2x a per-cell loop at K=6: "
                 f"{'met' if r['grouped_vs_loop_speedup'] >= 2 else '**missed**'}")
    if all(f"digits_acc_{size}_{m}" in r for size in (14, 16, 19, 24) for m in MODELS):
        drop = {m: r[f"digits_acc_14_{m}"] - r[f"digits_acc_24_{m}"] for m in MODELS}
        ahead = [s for s in (16, 19, 24) if r[f"digits_acc_{s}_rims"] > r[f"digits_acc_{s}_lstm"]]
        lines += ["", f"On digits the RIMs reach {r['digits_acc_14_rims']:.1f}% at the training size against the "
                  f"LSTM's {r['digits_acc_14_lstm']:.1f}%; from 14x14 to 24x24 they lose {drop['rims']:.1f} points, "
                  f"the LSTM {drop['lstm']:.1f}. The RIMs are ahead at "
                  + (", ".join(f"{s}x{s}" for s in ahead) or "no larger size")
                  + f"; at 24x24 the margin is {r['digits_acc_24_rims'] - r['digits_acc_24_lstm']:+.1f} points "
                  "(chance is 10%)."]
    lines.append("")
    path.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
