"""Banks benchmark: each family's catalogue part bank composed into a new task, and the banks counted by family.

Four sweeps (``zoo sweep``, one process and one torch thread per run; their points are in bench/banks_plans.py):
``bench/sweeps/banks-rims-source`` (the LSTM the RIMs comparison fine-tunes), ``bench/sweeps/banks-rims`` (the RIMs
bank composed, RIMs from scratch and the LSTM fine-tuned, at 1% and 10% of the new task's data, over seeds),
``bench/sweeps/banks-hypernetwork`` (the hypernetwork bank composed, scored against the ANIL and MAML of
bench/results/hypernet.json) and ``bench/sweeps/banks-slot_vae`` (the slot VAE bank with its encoder head trained,
frozen whole, and from scratch, over seeds). A sweep skips the runs it has recorded with today's specs, so running
this again only trains what is new or changed:

    PYTHONPATH=. python bench/banks.py                     # every sweep, then the report
    PYTHONPATH=. python bench/banks.py --seeds 0-4         # more seeds of the RIMs and slot VAE runs
    PYTHONPATH=. python bench/banks.py --parts rims        # sweep only the RIMs part, then the report
    PYTHONPATH=. python bench/banks.py --report-only       # banks.json and the report from the recorded sweeps
    PYTHONPATH=. python bench/banks.py --quick             # a smoke run at tiny sizes in a temporary folder

Writes bench/results/banks.json (flat keys -> numbers, from the sweeps' tables: bench/banks_figures.py) and
bench/RESULTS-banks.md (its Measured line kept when nothing new ran, a hand-written ``### Notes`` at its end kept).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import torch

torch.set_num_threads(1)

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from banks_figures import (catalogue_banks_by_family, catalogue_figures, hypernetwork_figures,  # noqa: E402
                           rims_figures, slot_vae_figures)
from banks_plans import (HYPERNETWORK_BANK, LSTM, QUICK, QUICK_SETS, Design, hypernetwork_plan,  # noqa: E402
                         rims_plan, rims_source_plan, slot_vae_plan)
from banks_report import write_markdown  # noqa: E402
from machine import (kept_notes, machine_line, only_row, recorded_line, source_weights, spec_path,  # noqa: E402
                     swept, sweep_bench_main)
from zoo.io import write_json  # noqa: E402
from zoo.schema import load_spec  # noqa: E402
from zoo.sweep import read_table, resolve_points  # noqa: E402
from zoo.sweep.plan import SweepPlan  # noqa: E402
from zoo.sweep.status import todo  # noqa: E402

COMMAND = "PYTHONPATH=. python bench/banks.py"
PARTS = ("rims", "hypernetwork", "slot_vae")
RECORDED_BASELINES = HERE / "results" / "hypernet.json"  # ANIL's and MAML's OOD accuracy (bench/hypernet.py)


def folders(out: Path) -> dict[str, Path]:
    """The four sweeps' folders under ``out``."""
    return {name: out / "sweeps" / f"banks-{name}" for name in ("rims-source", "rims", "hypernetwork", "slot_vae")}


def sweep_parts(args: argparse.Namespace, out: Path, design: Design, sets: dict[str, list[str]]) -> bool:
    """Run the sweeps of the parts ``args`` asks for; whether any recorded a run anew.

    Raises:
        SystemExit: the LSTM source's weights are not here (run directories are not kept) and fine-tuning must run.
    """
    found, new = folders(out), set()
    if "rims" in args.parts:
        source = rims_source_plan(design, sets["rims-source"])[0]
        new |= swept(source, lambda _: source, found["rims-source"], args.jobs)
        weights = source_weights(found["rims-source"], found["rims"])[0]

        def rims_at(seeds: list[int]) -> SweepPlan:
            return rims_plan(spec_path(weights), design, seeds, sets["rims"])[0]

        pending = todo(resolve_points(rims_at(args.seeds)), read_table(found["rims"]), found["rims"])
        if not weights.is_file() and any(t.point.spec_name == LSTM for t in pending):
            raise SystemExit(f"{weights}: the LSTM source's weights are not here (run directories are not kept) and "
                             f"fine-tuning runs need them; remove {found['rims-source'] / 'results.csv'} to train "
                             "the source again")
        new |= swept(rims_at(args.seeds), rims_at, found["rims"], args.jobs)
    if "hypernetwork" in args.parts:
        plan = hypernetwork_plan(design, sets["hypernetwork"])[0]
        new |= swept(plan, lambda _: plan, found["hypernetwork"], args.jobs)
    if "slot_vae" in args.parts:
        new |= swept(slot_vae_plan(design, args.seeds, sets["slot_vae"])[0],
                     lambda seeds: slot_vae_plan(design, seeds, sets["slot_vae"])[0], found["slot_vae"], args.jobs)
    return bool(new)


def figures(out: Path, design: Design, sets: dict[str, list[str]], families: dict[str, list[str]]) -> dict:
    """banks.json's figures from the recorded sweeps and the catalogue's ``families`` of banks."""
    found = folders(out)
    rims_fields = rims_plan(spec_path(source_weights(found["rims-source"], found["rims"])[0]), design, [0],
                            sets["rims"])[1]
    slot_vae_fields = slot_vae_plan(design, [0], sets["slot_vae"])[1]
    baselines = json.loads(RECORDED_BASELINES.read_text())
    return {**catalogue_figures(families),
            **rims_figures(read_table(found["rims"]), rims_fields, only_row(found["rims-source"]), design,
                           found["rims"] / "results.csv"),
            **hypernetwork_figures(only_row(found["hypernetwork"]), baselines, design,
                                   load_spec(HYPERNETWORK_BANK).train.steps),
            **slot_vae_figures(read_table(found["slot_vae"]), slot_vae_fields, design,
                               found["slot_vae"] / "results.csv")}


def bench(args: argparse.Namespace, out: Path) -> None:
    """Sweep the parts ``args`` asks for in ``out/sweeps`` (unless ``--report-only``), then write banks.json and
    RESULTS-banks.md; the report's Measured line is kept when nothing new ran."""
    design = QUICK if args.quick else Design()
    sets = QUICK_SETS if args.quick else {name: [] for name in QUICK_SETS}
    new = False if args.report_only else sweep_parts(args, out, design, sets)
    families = catalogue_banks_by_family()
    results = figures(out, design, sets, families)
    path, md = out / "results" / "banks.json", out / "RESULTS-banks.md"
    write_json(path, results)
    measured = (None if new else recorded_line(md, "Measured on ")) or machine_line("Measured on ")
    write_markdown(results, families, md, measured, COMMAND + " --quick" * args.quick, kept_notes(md))
    print(json.dumps(results, indent=2, sort_keys=True))
    print(f"wrote {path} and {md}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", help="seeds of the RIMs and slot VAE runs swept now, e.g. 0-4 (default 0-2; "
                        "the figures average every seed recorded)")
    parser.add_argument("--parts", nargs="+", default=list(PARTS), choices=PARTS, help="the parts to sweep")
    sweep_bench_main(parser, argv, "results/ and RESULTS-banks.md", bench, HERE)


if __name__ == "__main__":
    main(sys.argv[1:])
