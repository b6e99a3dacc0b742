"""Benchmark: compositional generalisation of modular hypernetworks on the hyperteacher.

A sweep (``zoo sweep``, in ``bench/sweeps/hypernet``) of the catalogue specs of four methods, the linear and
MLP hypernetworks and the ANIL and MAML baselines, each on connected and on disconnected task support
(``data.support``; ``--connected-only`` leaves out a method's disconnected point), at each spec's own seed,
one process and CPU thread per run. The sweep skips the runs it has recorded with today's specs, so running
this again only trains what is new or changed. Then, from the sweep's table, it writes

* ``bench/results/hypernet.json``: ``<support>_<metric>_<method>``, ``params_<method>`` (counted on the
  compiled spec) and ``decoding_r2_<support>`` (the linear hypernetwork's);
* ``bench/results/hypernet-ood-accuracy.png``;
* ``bench/RESULTS-hypernet.md`` (its Command and Machine lines are kept when nothing new ran);
* each hypernetwork run's ``plots/eval.png``, redrawn with ANIL's and MAML's final OOD accuracy on the same
  support: the only output that needs the run directories (``bench/sweeps/hypernet/runs/``, not kept in
  git); without them it is left as it is.

    PYTHONPATH=. python bench/hypernet.py --connected-only mlp --jobs 2  # the recorded run (~20 min on 2 cores)
    PYTHONPATH=. python bench/hypernet.py --report-only  # the JSON, plot and report from the recorded sweep
    PYTHONPATH=. python bench/hypernet.py --quick        # a smoke run at tiny sizes in a temporary folder
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path
from typing import Sequence

import torch

torch.set_num_threads(1)

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from hypernet_report import Table, draw_baselines, plot_ood, write_markdown  # noqa: E402
from machine import (in_bench_folder, machine_line, recorded_command, recorded_line, run_dir,  # noqa: E402
                     sweep_bench_plan)
from zoo import compile_spec  # noqa: E402
from zoo.io import write_json  # noqa: E402
from zoo.schema import load_spec  # noqa: E402
from zoo.sweep import RunRow, load_plan, read_table  # noqa: E402
from zoo.sweep.plan import SweepPlan  # noqa: E402

METHODS = {
    "linear": "hypernet-linear-connected",
    "mlp": "hypernet-mlp-connected",
    "anil": "anil-connected",
    "maml": "maml-connected",
}
METHOD_OF = {spec: method for method, spec in METHODS.items()}
SUPPORTS = ("connected", "disconnected")
SUPPORT = "data.support"  # the spec path each point sets
RECORDED_CONNECTED_ONLY = ("mlp",)  # --connected-only of the recorded sweep
QUICK = ["train.steps=3", "train.eval_every=0", "train.batch=2", "train.eval_tasks=8", "train.inner.steps=2",
         "data.support_shots=8", "data.query_shots=8"]
FLAT = {"test_acc": "id_acc", "ood_acc": "ood_acc", "test_loss": "id_loss", "ood_loss": "ood_loss",
        "decoding_r2": "decoding_r2", "template_alignment": "template_alignment", "train_seconds": "train_seconds"}


def support_of(setting: str) -> str:
    """The task support a point or row trains on, from its setting (``data.support=disconnected``)."""
    return setting.partition(f"{SUPPORT}=")[2].split(" ")[0]


def hypernet_plan(methods: Sequence[str] = tuple(METHODS), connected_only: Sequence[str] = RECORDED_CONNECTED_ONLY,
                  sets: Sequence[str] = ()) -> SweepPlan:
    """The sweep of ``methods`` x task supports with the shared overrides ``sets``, without the disconnected
    points of ``connected_only`` (by default: the recorded sweep's points)."""
    plan = load_plan([METHODS[m] for m in methods], None, [f"{SUPPORT}={','.join(SUPPORTS)}"], list(sets))
    left_out = {METHODS[m] for m in connected_only}
    points = tuple(p for p in plan.points if p.spec not in left_out or support_of(p.label) == "connected")
    return dataclasses.replace(plan, points=points)


def command_of(args: argparse.Namespace) -> str:
    """The command line that measures what ``args`` asks for (as the report names it)."""
    return ("PYTHONPATH=. python bench/hypernet.py" + " --quick" * args.quick
            + (f" --methods {' '.join(args.methods)}" if args.methods != list(METHODS) else "")
            + (f" --connected-only {' '.join(args.connected_only)}" if args.connected_only else "")
            + f" --jobs {args.jobs}" * (args.jobs > 1))


def runs_of(rows: list[RunRow]) -> dict[tuple[str, str], RunRow]:
    """(method, support) -> its ok row of a method's spec, in the order of METHODS and SUPPORTS."""
    found = {(METHOD_OF[r.spec], support_of(r.setting)): r for r in rows if r.status == "ok" and r.spec in METHOD_OF}
    return {(m, s): found[(m, s)] for m in METHODS for s in SUPPORTS if (m, s) in found}


def table_of(rows: list[RunRow]) -> Table:
    """(method, support) -> the run's final metrics and ``params`` (counted on its compiled spec)."""
    return {key: {**row.metrics, "params": float(sum(p.numel() for p in compile_spec(spec_of(row)).parameters()))}
            for key, row in runs_of(rows).items()}


def spec_of(row: RunRow):
    """The spec a row's run trained (its spec with the row's overrides)."""
    return load_spec(row.spec, row.overrides)


def figures(rows: list[RunRow]) -> dict[str, float]:
    """hypernet.json's figures from the sweep's table."""
    return flat_results(table_of(rows))


def flat_results(table: Table) -> dict[str, float]:
    """The flat keys of hypernet.json: ``<support>_<metric>_<method>`` plus the issue's headline keys."""
    out: dict[str, float] = {}
    for (method, support), m in table.items():
        out.update({f"{support}_{name}_{method}": m[key] for key, name in FLAT.items() if key in m})
        out[f"params_{method}"] = m["params"]
    for support in SUPPORTS:
        if ("linear", support) in table:
            out[f"decoding_r2_{support}"] = table[("linear", support)]["decoding_r2"]
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny settings to check the script runs (not a result)")
    parser.add_argument("--connected-only", nargs="*", default=[], choices=list(METHODS), metavar="METHOD",
                        help="methods trained on connected support only (to save time)")
    parser.add_argument("--methods", nargs="+", default=list(METHODS), choices=list(METHODS))
    parser.add_argument("--jobs", type=int, default=1, help="runs at a time (one process and thread each)")
    parser.add_argument("--out", type=Path, default=None, help="folder of sweeps/, results/ and RESULTS-hypernet.md "
                        "(default: bench/; with --quick a temporary folder)")
    parser.add_argument("--report-only", action="store_true",
                        help="rewrite the JSON, plots and report from the recorded sweep (trains nothing)")
    args = parser.parse_args(argv)
    in_bench_folder(parser, lambda out: bench(args, out), args.out, HERE, args.quick)


def bench(args: argparse.Namespace, out: Path) -> None:
    """Sweep what ``args`` asks for in ``out/sweeps/hypernet`` (unless ``--report-only``), then report."""
    folder, md = out / "sweeps" / "hypernet", out / "RESULTS-hypernet.md"
    before = {(r.run, r.fingerprint, r.status) for r in read_table(folder)}
    if args.report_only:
        rows = read_table(folder)
    else:
        sets = QUICK if args.quick else []
        plan = hypernet_plan(args.methods, args.connected_only, sets)
        rows = sweep_bench_plan(plan, lambda _seeds: hypernet_plan(connected_only=(), sets=sets), folder, args.jobs)
    table = table_of(rows)
    if not table:
        raise SystemExit(f"{folder / 'results.csv'}: no finished runs to report; run the benchmark first")
    new = any((r.run, r.fingerprint, r.status) not in before for r in rows)
    command = (recorded_command(md, "Command: ") if args.report_only else None) or command_of(args)
    machine = (None if new else recorded_line(md, "Machine: ")) or machine_line("Machine: ") + " " + trained(table)
    report(table, rows, folder, out, command, machine)


def trained(table: Table) -> str:
    """The training time of the table's runs, in words."""
    minutes = sum(m["train_seconds"] for m in table.values()) / 60
    return (f"{minutes:.1f} min of training in all (the sum of the runs' training loops, wall-clock, one thread per "
            "run, on a shared, loaded machine).")


def report(table: Table, rows: list[RunRow], folder: Path, out: Path, command: str, machine: str) -> None:
    """hypernet.json, the OOD accuracy plot, the hypernetwork runs' eval plots (where their directories are) and
    RESULTS-hypernet.md, from the sweep's ``table``."""
    runs = runs_of(rows)
    spec = spec_of(runs[next(iter(table))])
    chance = 1.0 / spec.data.output  # accuracy of guessing one of the classes
    results = flat_results(table)
    path = out / "results" / "hypernet.json"
    write_json(path, results)
    plot_ood(table, out / "results" / "hypernet-ood-accuracy.png", chance)
    draw_baselines(table, {key: run_dir(folder, row.run) for key, row in runs.items()}, chance)
    env = {"command": command, "machine": machine, "setup": describe_setup(spec)}
    write_markdown(table, results, env, out / "RESULTS-hypernet.md")
    print(json.dumps(results, indent=2, sort_keys=True))
    print(f"wrote {path} and {out / 'RESULTS-hypernet.md'}")


def describe_setup(spec) -> list[str]:
    """Markdown lines describing the teacher and the task supports, read from a spec of the sweep."""
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
    main(sys.argv[1:])
