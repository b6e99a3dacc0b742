"""COMET robustness: the catalogue's COMET spec, untuned, on every world of bench/comet_worlds.py.

Each suite entry is a world written with NumPy alone (in the trajectories file format) and trained
with ``comet-particles`` as shipped: only the slots (the file's objects and features) and the bank's
size (one mechanism per ground-truth type; two more for the over-complete entry) are set from the file.
Ground-truth types are used for the metrics only.

A variant (``--tag``, with its ``--set`` overrides) is a sweep (``zoo sweep``) in
``bench/sweeps/comet_robustness-<tag>``: one point per suite entry (and ``catalogue``, the catalogue's own
particle world) and seed, whose seed is ``train.seed`` and whose world file (drawn from the same seed) is
written to the sweep's ``worlds/`` before it runs. Running a variant again only trains what it has not
recorded with today's spec. What the report needs beyond a run's final metrics (its mechanism x type table,
merged types, the world's knn coverage, the training WTA) is measured on each new run's directory and kept
in ``bench/records/comet_robustness-<tag>.json`` (``comet_robustness_record.py``).

    PYTHONPATH=. python bench/comet_robustness.py --jobs 2                  # the suite, 3 seeds, + the catalogue world
    PYTHONPATH=. python bench/comet_robustness.py --tag no-x --set train.x=0  # an ablation variant
    PYTHONPATH=. python bench/comet_robustness.py --report                  # the report from the recorded variants
    PYTHONPATH=. python bench/comet_robustness.py --quick                   # a smoke run in a temporary folder

``--report`` writes bench/results/comet_robustness.json (flat, from the ``--tag`` variant) and
bench/RESULTS-comet-robustness.md (``comet_robustness_report.py``).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import torch

torch.set_num_threads(1)

from comet_robustness_record import read_record, update_record  # noqa: E402  (bench/, beside this file)
from comet_robustness_report import summarise, variant_runs  # noqa: E402
from comet_worlds import SUITE, WORLDS, model_sizes, write  # noqa: E402
from machine import in_bench_folder, spec_path, sweep_bench_plan  # noqa: E402
from zoo.errors import ZooError  # noqa: E402
from zoo.sweep import read_table  # noqa: E402
from zoo.sweep.definition import check_definition  # noqa: E402
from zoo.sweep.options import options_document  # noqa: E402
from zoo.sweep.plan import SweepPlan, make_plan  # noqa: E402

HERE = Path(__file__).resolve().parent
SPEC = "comet-particles"
ENTRIES = (*SUITE, "catalogue")
QUICK = ["train.steps=6", "train.warm_start=3", "train.eval_every=0", "mechanisms[0].hidden=[8]", "router.hidden=[8]"]
QUICK_ENTRIES = ("predator-prey", "overcomplete", "catalogue")
QUICK_WORLD = {"trajectories": 16, "test": 8, "length": 10}  # the size of a quick run's world files
QUICK_CATALOGUE = {"data.trajectories": 16, "data.test_trajectories": 8, "data.length": 10}


def world_file(folder: Path, entry: str, seed: int) -> Path:
    """The world file of a suite entry and seed in the sweep ``folder`` (entries of one world share it)."""
    return folder / "worlds" / f"{SUITE[entry][0]}-seed{seed}.npz"


def setting(entry: str, seed: int, folder: Path, quick: bool, shared: set[str]) -> dict[str, Any]:
    """The overrides of one point: its world (a file from the suite, or the catalogue's world) and its seed; a path
    the variant's ``--set`` names (``shared``) is left to it."""
    if entry == "catalogue":
        point: dict[str, Any] = dict(QUICK_CATALOGUE) if quick else {}
    else:
        world, spare = SUITE[entry]
        point = {"data": {"kind": "trajectories", "path": spec_path(world_file(folder, entry, seed))},
                 **model_sizes(WORLDS[world], spare)}
    return {**{k: v for k, v in point.items() if k not in shared}, "train.seed": seed}


def robustness_plan(entries: list[str], seeds: list[int], sets: list[str], quick: bool,
                    folder: Path) -> tuple[SweepPlan, dict[str, str]]:
    """The sweep of ``entries`` x ``seeds`` (seed-major) with the shared overrides ``sets``, and the entry of each
    point by its setting (a row's ``setting``).

    Raises:
        SpecError: a bad ``--set`` (named as the option).
    """
    shared = {text.partition("=")[0].strip() for text in sets}
    if "train.seed" in shared:
        raise ZooError("--set train.seed: each point's seed is its train.seed; choose them with --seeds and --seed-from")
    order = [(e, s) for s in seeds for e in entries]
    document = {"spec": [SPEC], "points": [setting(e, s, folder, quick, shared) for e, s in order]}
    document, source = options_document(None, (), [*(QUICK if quick else []), *sets], document)
    plan = make_plan(check_definition(document, source), source)
    return plan, {point.label: entry for point, (entry, _) in zip(plan.points, order)}


def write_worlds(entries: list[str], seeds: list[int], folder: Path, quick: bool) -> None:
    """Draw the world file of every suite entry and seed (from that seed), as the points name them."""
    for seed in seeds:
        for entry in (e for e in entries if e != "catalogue"):
            write(SUITE[entry][0], world_file(folder, entry, seed), seed, **(QUICK_WORLD if quick else {}))


def run_variant(args: argparse.Namespace, out: Path) -> None:
    """Sweep the chosen entries and seeds of the variant ``--tag``, update its record, print its summary."""
    folder, record = out / "sweeps" / f"comet_robustness-{args.tag}", out / "records" / f"comet_robustness-{args.tag}.json"
    recorded = read_record(record)
    if recorded and recorded["sets"] != args.sets and read_table(folder):
        raise SystemExit(f"{folder} was measured with other overrides ({recorded['sets']}); use another --tag")
    entries = args.entries or list(QUICK_ENTRIES if args.quick else ENTRIES)
    seeds = list(range(args.seed_from, args.seed_from + (1 if args.quick else args.seeds)))
    plan, _ = robustness_plan(entries, seeds, args.sets, args.quick, folder)
    write_worlds(entries, seeds, folder, args.quick)

    def whole(every: list[int]) -> SweepPlan:  # every point of the variant at these seeds
        return robustness_plan(list(ENTRIES), every, args.sets, args.quick, folder)[0]

    before = {(r.run, r.fingerprint, r.status) for r in read_table(folder)}
    rows = sweep_bench_plan(plan, whole, folder, args.jobs)
    new = {r.run for r in rows if (r.run, r.fingerprint, r.status) not in before}
    entry_of = robustness_plan(list(ENTRIES), sorted({r.seed for r in rows}), args.sets, args.quick, folder)[1]
    data = update_record(record, args.tag, args.sets, rows, folder, new, entry_of)
    print(json.dumps(summarise(variant_runs(rows, data)), indent=1, sort_keys=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3, help="Seeds per entry (world draw and train.seed).")
    parser.add_argument("--seed-from", type=int, default=0,
                        help="First seed; the variant's recorded runs of other seeds (same overrides) are kept.")
    parser.add_argument("--entries", nargs="*", default=None, choices=ENTRIES, metavar="ENTRY",
                        help=f"Suite entries (default: all, and the catalogue world): {', '.join(ENTRIES)}.")
    parser.add_argument("--set", dest="sets", action="append", default=[], help="A spec override for every run.")
    parser.add_argument("--tag", default="default", help="Name of this variant in the results (with --report: the "
                        "variant whose suite table is reported).")
    parser.add_argument("--jobs", type=int, default=1, help="Runs side by side (processes).")
    parser.add_argument("--out", type=Path, default=None, help="Where sweeps/, records/, results/ and the report go "
                        "(default: bench/; with --quick a temporary folder).")
    parser.add_argument("--quick", action="store_true", help="Tiny sizes, one seed, two entries: a smoke test.")
    parser.add_argument("--report", action="store_true", help="Only write the report from the recorded variants.")
    args = parser.parse_args()

    def work(out: Path) -> None:
        if args.report:
            from comet_robustness_report import write_report

            write_report(out / "sweeps", out / "records", out / "results", out, args.tag)
        else:
            run_variant(args, out)

    in_bench_folder(parser, work, args.out, HERE, args.quick and not args.report)


if __name__ == "__main__":
    main()
