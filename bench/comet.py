"""COMET benchmark: mechanism disentanglement (particles with M=4 and M=6, traffic, team sports) and
adaptation to a new particle world with 1%, 10% and 100% of its data (compose vs fine-tuning).

Three sweeps (``zoo sweep``, one process and one torch thread per run; their points are in
bench/comet_plans.py): ``bench/sweeps/comet-disentanglement`` (the four catalogue specs; traffic and sports over
seeds), ``bench/sweeps/comet-adaptation-source`` (the interaction network that fine-tuning starts from) and
``bench/sweeps/comet-adaptation`` (the committed bank ``banks/comet-particles`` composed, and the interaction
network fine-tuned at three learning rates, at each fraction of the new world's data; the selector reading every
feature at 1%; 1% on two more draws of the new world). A sweep skips the runs it has recorded with today's specs,
so running this again only trains what is new or changed:

    PYTHONPATH=. python bench/comet.py                     # every sweep, then the report
    PYTHONPATH=. python bench/comet.py --jobs 2            # two runs at a time
    PYTHONPATH=. python bench/comet.py --seeds 0-4         # more seeds for traffic and sports
    PYTHONPATH=. python bench/comet.py --parts adaptation  # sweep only the adaptation, then the report
    PYTHONPATH=. python bench/comet.py --report-only       # comet.json and the report from the recorded sweeps
    PYTHONPATH=. python bench/comet.py --quick             # a smoke run at tiny sizes in a temporary folder

Writes bench/results/comet.json (flat keys -> numbers, from the sweeps' tables: bench/comet_figures.py),
bench/RESULTS-comet.md (its Measured line kept when nothing new ran, a hand-written ``### Notes`` at its end kept),
bench/results/comet-<world>-mechanisms.png (seed 0's, when its run directory is here) and
comet-adaptation-one-bank.png, and bench/records/comet-type-errors.json (the 1% adaptation runs' errors per
ground-truth type, measured on their run directories, which are not kept). Composing two banks trained on different
worlds is bench/hub.py.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import shutil
import sys
from pathlib import Path

import torch

torch.set_num_threads(1)

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from adaptation import plot_adaptation_curve  # noqa: E402  (bench/adaptation.py)
from comet_figures import AdaptationRuns, adaptation_figures, disentanglement_figures, finished  # noqa: E402
from comet_plans import (QUICK, QUICK_SETS, Design, adaptation_plan, disentanglement_plan,  # noqa: E402
                         source_plan)
from comet_report import measured_line, report  # noqa: E402
from comet_type_errors import RECORD, errors_by_run  # noqa: E402
from machine import (catalogue_bank_pin, environment, kept_notes, recorded_line, run_dir, source_weights,  # noqa: E402
                     spec_path, swept, sweep_bench_main)
from zoo.io import write_json, write_text  # noqa: E402
from zoo.sweep import RunRow, read_table, resolve_points  # noqa: E402
from zoo.sweep.plan import SweepPlan  # noqa: E402
from zoo.sweep.status import todo  # noqa: E402

COMMAND = "PYTHONPATH=. python bench/comet.py"
BANK = "comet-particles"  # the catalogue bank the compose points reuse
PARTS = ("disentanglement", "adaptation")
FIGURES = {"comet-particles": "particles", "comet-particles-overcomplete": "particles-overcomplete",
           "comet-traffic": "traffic", "comet-sports": "sports"}  # spec -> name of its mechanisms figure


def folders(out: Path) -> dict[str, Path]:
    """The three sweeps' folders under ``out``."""
    return {name: out / "sweeps" / f"comet-{name}" for name in ("disentanglement", "adaptation-source", "adaptation")}


def sweep_adaptation(out: Path, design: Design, sets: dict[str, list[str]], jobs: int) -> set[str]:
    """The source sweep, then the adaptation sweep from the source's weights (copied from its run directory);
    the runs recorded anew.

    Raises:
        SystemExit: a fine-tuning run has to run and the source's weights are not here (run directories are
            not kept: a fresh checkout has only the tables).
    """
    found = folders(out)
    new = swept(source_plan(sets["source"]), lambda _: source_plan(sets["source"]), found["adaptation-source"], jobs)
    weights, source = source_weights(found["adaptation-source"], found["adaptation"])
    trained = run_dir(found["adaptation-source"], source.run) / "model.safetensors"
    bank = catalogue_bank_pin(BANK)
    plan, fields_of = adaptation_plan(spec_path(weights), bank, design, sets["adaptation"])
    if not weights.is_file():
        pending = [t for t in todo(resolve_points(plan), read_table(found["adaptation"]), found["adaptation"])
                   if fields_of[t.point.setting].method == "finetune"]
        if pending:
            raise SystemExit(f"{trained}: the source run's weights are not here (run directories are not kept) and "
                             f"{len(pending)} fine-tuning run(s) need them; remove "
                             f"{found['adaptation-source'] / 'results.csv'} to train the source again")

    def plan_at(draws: list[int]) -> SweepPlan:
        return adaptation_plan(spec_path(weights), bank, dataclasses.replace(design, draws=tuple(draws)),
                               sets["adaptation"])[0]

    return new | swept(plan, plan_at, found["adaptation"], jobs)


def figures(out: Path, design: Design, sets: dict[str, list[str]], new: set[str]) -> tuple[dict, AdaptationRuns, list[RunRow]]:
    """comet.json's figures from the recorded sweeps (the 1% runs' per-type errors measured on the ``new`` ones),
    the adaptation runs by fields and the disentanglement rows."""
    found = folders(out)
    rows = read_table(found["disentanglement"])
    weights, source = source_weights(found["adaptation-source"], found["adaptation"])
    fields_of = adaptation_plan(spec_path(weights), catalogue_bank_pin(BANK), design, sets["adaptation"])[1]
    runs = AdaptationRuns(read_table(found["adaptation"]), fields_of, found["adaptation"] / "results.csv")
    errors = errors_by_run(runs.breakdown_rows(), found["adaptation"], out / "records" / RECORD, new)
    results = {**disentanglement_figures(rows, found["disentanglement"] / "results.csv"),
               **adaptation_figures(runs, errors)}
    ok = [r for r in rows if r.status == "ok"] + [source] + list(runs.runs.values())
    results["bench_seconds"] = sum(r.wall_s or 0.0 for r in ok)  # the runs' wall-clock seconds, one after another
    return results, runs, rows


def write_outputs(args: argparse.Namespace, out: Path, design: Design, sets: dict[str, list[str]],
                  new: set[str]) -> None:
    """comet.json, the figures and RESULTS-comet.md from the recorded sweeps; the report's Measured line is kept
    when nothing new ran."""
    results, runs, rows = figures(out, design, sets, new)
    path, md, pngs = out / "results" / "comet.json", out / "RESULTS-comet.md", out / "results"
    write_json(path, results)
    folder = folders(out)["disentanglement"]
    for (spec, seed), row in finished(rows, folder / "results.csv").items():
        png = run_dir(folder, row.run) / "plots" / "mechanisms.png"
        if seed == 0 and spec in FIGURES and png.is_file():
            shutil.copyfile(png, pngs / f"comet-{FIGURES[spec]}-mechanisms.png")
    curves = runs.curves()
    plot_adaptation_curve({"compose (one bank)": curves["compose"], "fine-tuning": curves["finetune"]},
                          pngs / "comet-adaptation-one-bank.png", "Adaptation to a new particle world (one bank)")
    measured = (None if new else recorded_line(md, "Measured on ")) or measured_line(environment())
    seeds = sorted(r.seed for r in rows if r.status == "ok" and r.spec == "comet-traffic")
    lrs = sorted({lr for (m, _, lr, _) in runs.runs if m == "finetune"})
    text = report(results, measured, COMMAND + " --quick" * args.quick, lrs=lrs, seeds=seeds, draws=runs.draws(),
                  kept=kept_notes(md))
    write_text(md, text)
    print(json.dumps(results, indent=2, sort_keys=True))
    print(f"wrote {path} and {md}")


def bench(args: argparse.Namespace, out: Path) -> None:
    """Sweep the parts ``args`` asks for in ``out/sweeps`` (unless ``--report-only``), then write the outputs."""
    design = QUICK if args.quick else Design()
    sets = QUICK_SETS if args.quick else {name: [] for name in QUICK_SETS}
    new: set[str] = set()
    if not args.report_only:
        if "disentanglement" in args.parts:
            new |= swept(disentanglement_plan(args.seeds, sets["disentanglement"]),
                         lambda every: disentanglement_plan(every, sets["disentanglement"]),
                         folders(out)["disentanglement"], args.jobs)
        if "adaptation" in args.parts:
            new |= sweep_adaptation(out, design, sets, args.jobs)
    write_outputs(args, out, design, sets, new)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", help="seeds of the traffic and sports runs swept now, e.g. 0-4 (default 0-2; "
                        "seed 0 always; the report counts every seed recorded)")
    parser.add_argument("--parts", nargs="+", default=list(PARTS), choices=PARTS, help="the sweeps to run")
    sweep_bench_main(parser, argv, "records/, results/ and RESULTS-comet.md", bench, HERE)


if __name__ == "__main__":
    main(sys.argv[1:])
