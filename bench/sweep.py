"""Sweep benchmark: what ``zoo sweep`` costs beyond its runs, and what ``--jobs 2`` gains on two cores.

    PYTHONPATH=. python bench/sweep.py            # bench/results/sweep.json and bench/RESULTS-sweep.md
    PYTHONPATH=. python bench/sweep.py --quick    # a smoke run at tiny sizes (writes to --out)

* ``sweep_overhead_s_per_run``: a whole ``python -m zoo sweep`` command (process start, imports, checking
  every point, the worker pool, the table after every run) of N tiny runs, less the runs' own wall time
  (measured in the worker around each run), divided by N. For scale, ``zoo_train_process_s`` is one
  ``python -m zoo train`` of the same tiny spec, the cost a process per run would pay each time.
* ``sweep_jobs2_vs_jobs1``: the wall time of a sweep of 4 short runs (``STEPS`` steps, about 10 s each) with
  ``--jobs 2`` over the same sweep with ``--jobs 1`` (one torch thread per run). The two are run alternately,
  several times, in this one run, and the median of the per-pair ratios is reported, so the machine's load
  hits both sides alike. ``sweep_jobs2_vs_jobs1_600_steps`` is the same for runs of about 2 s, where the
  sweep's fixed start (Python, torch and the workers' imports, about 3 s) weighs as much as the runs.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from machine import environment  # noqa: E402  (bench/machine.py)
from zoo.io import write_json, write_text  # noqa: E402
from zoo.sweep import read_table  # noqa: E402
from zoo.sweep.seeds import parse_seeds  # noqa: E402

SPEC = "comet-particles"
TINY = ["train.eval_every=0", "data.trajectories=32", "data.test_trajectories=8", "slots.count=3", "data.objects=3",
        "mechanisms[0].hidden=[16]", "router.hidden=[16]"]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
STEPS = 3000  # of each run of the --jobs comparison: about 10 s on an idle core
SHORTEST = 600  # the same comparison with runs of about 2 s


def zoo(*args: str) -> tuple[float, float]:
    """Wall-clock and CPU seconds (its processes together) of ``python -m zoo args...``, which must succeed."""
    start, cpu = time.perf_counter(), _children_cpu()
    done = subprocess.run([sys.executable, "-m", "zoo", *args], env=ENV, capture_output=True, text=True)
    seconds, cpu = time.perf_counter() - start, _children_cpu() - cpu
    if done.returncode != 0:
        raise SystemExit(f"zoo {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return seconds, cpu


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_sweep(folder: Path, seeds: str, steps: int, jobs: int) -> tuple[float, float, float]:
    """A fresh sweep's wall time, the sum of its runs' own wall times, and its CPU seconds."""
    sets = [x for s in [*TINY, f"train.steps={steps}"] for x in ("--set", s)]
    total, cpu = zoo("sweep", SPEC, "--seeds", seeds, "--out", str(folder), "--jobs", str(jobs), "--threads", "1",
                     *sets)
    return total, sum(r.wall_s for r in read_table(folder)), cpu


def runs_cpu(work: Path, runs: int) -> float:
    """CPU seconds of ``runs`` tiny runs trained in this process, after one to import everything."""
    import torch

    from zoo.schema import load_spec
    from zoo.train import train

    torch.set_num_threads(1)
    spec = load_spec(SPEC, [*TINY, "train.steps=2"])
    train(spec, run_dir=work / "warm", progress=False)
    start = time.process_time()
    for i in range(runs):
        train(spec, run_dir=work / f"loop{i}", progress=False)
    return time.process_time() - start


def _spin(n: int = 4_000_000) -> None:
    total = 0
    for i in range(n):
        total += i * i


def two_process_speedup() -> float:
    """What two cores give right now: the work of two CPU-bound processes run together, in units of one run
    alone (2.0 on two idle cores, 1.0 when the machine is saturated)."""
    import multiprocessing

    def run(k: int) -> float:
        start = time.perf_counter()
        procs = [multiprocessing.get_context("spawn").Process(target=_spin) for _ in range(k)]
        for p in procs:
            p.start()
        for p in procs:
            p.join()
        return time.perf_counter() - start

    return 2 * run(1) / run(2)


def measure(work: Path, quick: bool) -> dict[str, float | list[float]]:
    """Every figure (the per-repeat values too), repeats interleaved."""
    runs, repeats, steps, seeds = (2, 1, 5, "0-1") if quick else (8, 3, STEPS, "0-3")
    load_before = os.getloadavg()[0]
    r: dict[str, list] = {k: [] for k in ("overhead", "cpu", "process", "ratio", "pairs", "probe", "shortest")}
    inside_cpu = runs_cpu(work, runs)
    for i in range(repeats):
        total, inside, cpu = timed_sweep(work / f"overhead{i}", f"0-{runs - 1}", 2, 1)
        r["overhead"].append((total - inside) / runs)
        r["cpu"].append((cpu - inside_cpu) / runs)
        sets = [x for s in [*TINY, "train.steps=2"] for x in ("--set", s)]
        r["process"].append(zoo("train", SPEC, "--run-dir", str(work / f"train{i}"), "--no-progress", *sets)[0])
        r["probe"].append(two_process_speedup())
        one = timed_sweep(work / f"jobs1-{i}", seeds, steps, 1)[0]
        two = timed_sweep(work / f"jobs2-{i}", seeds, steps, 2)[0]
        r["ratio"].append(two / one)
        r["pairs"].append([one, two])
        if quick:  # the short runs would repeat the runs above (a smoke run's steps are the shortest)
            r["shortest"].append(r["ratio"][-1])
        else:
            one_short = timed_sweep(work / f"short1-{i}", seeds, SHORTEST, 1)[0]
            r["shortest"].append(timed_sweep(work / f"short2-{i}", seeds, SHORTEST, 2)[0] / one_short)
        print(f"repeat {i}: overhead {r['overhead'][-1]:.2f} s/run (CPU {r['cpu'][-1]:.2f} s), zoo train process "
              f"{r['process'][-1]:.1f} s, two processes {r['probe'][-1]:.2f}x, jobs 1: {one:.1f} s, "
              f"jobs 2: {two:.1f} s, ratio {r['ratio'][-1]:.2f} ({r['shortest'][-1]:.2f} at {SHORTEST} steps)",
              flush=True)
    median = statistics.median
    return {"sweep_overhead_s_per_run": median(r["overhead"]), "sweep_jobs2_vs_jobs1": median(r["ratio"]),
            "sweep_jobs2_vs_jobs1_600_steps": median(r["shortest"]), "jobs_short_run_steps": SHORTEST,
            "sweep_overhead_cpu_s_per_run": median(r["cpu"]), "zoo_train_process_s": median(r["process"]),
            "two_process_speedup": median(r["probe"]), "overhead_runs": runs, "jobs_run_steps": steps,
            "jobs_runs": len(parse_seeds(seeds)), "overhead_s_per_run_repeats": r["overhead"],
            "jobs1_jobs2_seconds_repeats": r["pairs"], "two_process_speedup_repeats": r["probe"],
            "jobs_600_steps_ratio_repeats": r["shortest"],
            "load_average_before": load_before, "load_average_after": os.getloadavg()[0]}


def markdown(r: dict, env: dict[str, str], command: str) -> str:
    """The RESULTS-sweep.md section."""
    pairs = ", ".join(f"{a:.1f} s / {b:.1f} s" for a, b in r["jobs1_jobs2_seconds_repeats"])
    short = ", ".join(f"{v:.2f}" for v in r["jobs_600_steps_ratio_repeats"])
    overhead, ratio = r["sweep_overhead_s_per_run"], r["sweep_jobs2_vs_jobs1"]
    met = {k: "yes" if ok else "**no**" for k, ok in (("overhead", overhead <= 1), ("ratio", ratio <= 0.6))}
    return f"""## Sweeps (`zoo sweep`)

Command: `{command}`

Machine: {env['cpu']}, {env['cores']} cores, torch {env['torch']}, Python {env['python']}, {env['date']}. The
machine is shared: its 1-minute load average was {r['load_average_before']:.1f} before and
{r['load_average_after']:.1f} after this run ({env['cores']} cores).

| metric | value | goal | met |
|---|---|---|---|
| `sweep_overhead_s_per_run` | {overhead:.2f} s | <= 1 s | {met['overhead']} |
| `sweep_jobs2_vs_jobs1` | {ratio:.2f} | <= 0.6 | {met['ratio']} |
| `sweep_jobs2_vs_jobs1_600_steps` | {r['sweep_jobs2_vs_jobs1_600_steps']:.2f} | | |
| `sweep_overhead_cpu_s_per_run` | {r['sweep_overhead_cpu_s_per_run']:.2f} s | | |
| `zoo_train_process_s` | {r['zoo_train_process_s']:.2f} s | | |
| `two_process_speedup` | {r['two_process_speedup']:.2f} | | |

Overhead: a whole `python -m zoo sweep` command of {r['overhead_runs']} tiny runs (`{SPEC}`, 2 steps), less
the runs' own wall time, per run; it includes starting Python, importing torch in the command and once in
its worker (the pool's workers are reused from run to run; they start, and import the training stack, while
the command checks every point's spec) and checking every point's spec. Per repeat:
{", ".join(f"{v:.2f}" for v in r['overhead_s_per_run_repeats'])} s. A separate `python -m zoo train` of the same
run takes {r['zoo_train_process_s']:.1f} s, most of it process start and imports, which a process per run would
pay every time. `sweep_overhead_cpu_s_per_run` is the same overhead in CPU time (the sweep command and its
worker together, less the CPU time of the same runs trained in one warm process), which the load inflates less
than wall time.

Jobs: a sweep of {r['jobs_runs']} runs of `{SPEC}` ({r['jobs_run_steps']} steps each, one torch thread) with `--jobs 1`
and with `--jobs 2`, alternately; per repeat (jobs 1 / jobs 2): {pairs}. The ratio is the median of the
per-repeat ratios. With runs of {r['jobs_short_run_steps']} steps (about 2 s) instead, the ratio is
{r['sweep_jobs2_vs_jobs1_600_steps']:.2f} (per repeat: {short}): the sweep's fixed start, about 3 s (the command's
torch import and checks, overlapped with its workers' imports), is then as long as the runs, and a sweep of
T seconds of start and four runs of R seconds takes (T + 2R) / (T + 4R) as long with two jobs, at best.
`two_process_speedup` says what the two cores gave at the time: two identical CPU-bound
processes run together against one alone (2.0 on an idle machine, 1.0 when other work takes every core);
per repeat: {", ".join(f"{v:.2f}" for v in r['two_process_speedup_repeats'])}. `--jobs 2` cannot beat
`--jobs 1` by more than that, and it starts a second worker.
{reading(r)}"""


def reading(r: dict) -> str:
    """What the figures say, given what the machine offered while they were measured."""
    if r["two_process_speedup"] >= 1.6:
        return ""
    return f"""
Reading: while this ran, a second process got no second core ({r['two_process_speedup']:.2f}x), so these figures
say what a sweep costs on a saturated machine, not what `--jobs 2` gains on two free cores; the goals are
for an idle machine and are not shown met here. The overhead is mostly two Python starts with torch imports
(the command, which checks every point's spec, and its worker), paid once per sweep and spread over its runs.
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny smoke run (numbers are meaningless)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench", help="folder of results/ and RESULTS-sweep.md")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sweep-bench-") as tmp:
        results = measure(Path(tmp), args.quick)
    write_json(args.out / "results" / "sweep.json", {k: v for k, v in results.items() if not isinstance(v, list)})
    command = "PYTHONPATH=. python bench/sweep.py" + " --quick" * args.quick
    write_text(args.out / "RESULTS-sweep.md", markdown(results, environment(), command))
    print(json.dumps({k: v for k, v in results.items() if not isinstance(v, list)}, indent=2))  # the per-repeat lists: Markdown only


if __name__ == "__main__":
    main()
