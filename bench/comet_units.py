"""COMET in other units and time steps: the catalogue's `comet-particles` settings, and the same with
``mechanisms[0].normalize: null`` (the data read and written as it is), on one world of the robustness suite
stored in other units or simulated with another time step.

The world is the suite's ``constants`` (bench/comet_worlds.py), drawn from seed 0, with its positions and
velocities stored times ``UNITS`` (the same physics in a length unit 1/u times as large) or simulated with a
time step ``TIME_STEPS`` times the suite's. One training seed per world and setting: this shows where each
setting stops learning, the suite (bench/comet_robustness.py) measures the bar over three seeds.

    PYTHONPATH=. python bench/comet_units.py --jobs 2    # bench/results/comet_units.json, bench/RESULTS-comet-units.md
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path
from typing import Any

import numpy as np
import torch

torch.set_num_threads(1)  # as each run: one thread
sys.path.insert(0, str(Path(__file__).resolve().parent))

from comet_worlds import WORLDS, draw, model_sizes  # noqa: E402  (bench/, beside this file)
from machine import in_bench_folder, machine_line, spec_path, sweep_bench_plan  # noqa: E402
from zoo.io import write_json, write_text  # noqa: E402
from zoo.sweep.definition import check_definition  # noqa: E402
from zoo.sweep.options import options_document  # noqa: E402
from zoo.sweep.plan import make_plan  # noqa: E402

HERE = Path(__file__).resolve().parent
UNITS = (0.01, 0.1, 0.3, 1.0, 3.0, 100.0)
TIME_STEPS = (0.2,)
SETTINGS = {"catalogue": {}, "plain": {"mechanisms[0].normalize": None}}
SPEC = "comet-particles"
QUICK = {"train.steps": 20, "train.warm_start": 5, "train.horizon": 3, "train.batch": 4}


def variants(quick: bool = False) -> dict[str, Any]:
    """The constants world in every unit and time step (with ``quick``, in two units only), by name."""
    base = WORLDS["constants"]
    units = {f"units-{u:g}": dataclasses.replace(base, units=u) for u in ((0.01, 1.0) if quick else UNITS)}
    steps = () if quick else TIME_STEPS
    return units | {f"time-step-{t:g}": dataclasses.replace(base, dt=base.dt * t) for t in steps}


def world_files(folder: Path, quick: bool = False) -> dict[str, Path]:
    """Each variant's trajectories file under ``folder`` (written by :func:`write_worlds`), by name."""
    return {name: folder / "worlds" / f"{name}.npz" for name in variants(quick)}


def write_worlds(folder: Path, quick: bool = False) -> dict[str, Path]:
    """Draw every variant as the suite draws ``constants`` from seed 0 (tiny with ``quick``) and save it."""
    trajectories, test = (16, 8) if quick else (256, 64)
    files = world_files(folder, quick)
    for name, world in variants(quick).items():
        arrays = draw("constants", 0, trajectories, test, world=world)  # the suite's constants draw, seed 0
        files[name].parent.mkdir(parents=True, exist_ok=True)
        np.savez(files[name], **arrays)
    return files


def plan(files: dict[str, Path], quick: bool) -> tuple[Any, dict[str, tuple[str, str]]]:
    """Every world under every setting (one seed); the (world, setting) of each point by its label."""
    order = [(w, s) for w in files for s in SETTINGS]
    sizes = {k: v for k, v in model_sizes(WORLDS["constants"]).items() if k != "mechanisms[0].count"}  # M: the spec's 4
    points = [{"data": {"kind": "trajectories", "path": spec_path(files[w])}, **sizes,
               "train.seed": 0, "train.eval_every": 0, **SETTINGS[s], **(QUICK if quick else {})} for w, s in order]
    document, source = options_document(None, (), [], {"spec": [SPEC], "points": points})
    made = make_plan(check_definition(document, source), source)
    return made, {p.label: key for p, key in zip(made.points, order)}


def measure(folder: Path, jobs: int, quick: bool) -> dict[str, float]:
    """Run every point (or keep its recorded run); flat figures ``nmi_<setting>_<world>`` and ``purity_...``."""
    made, labels = plan(write_worlds(folder, quick), quick)
    rows = sweep_bench_plan(made, lambda _: made, folder, jobs)
    return figures_of(rows, labels)


def figures_of(rows: list, labels: dict[str, tuple[str, str]]) -> dict[str, float]:
    """Flat figures of the sweep's rows: ``nmi_<setting>_<world>`` and ``purity_<setting>_<world>``."""
    figures = {}
    for row in rows:
        world, setting = labels[row.setting]
        figures[f"nmi_{setting}_{world}"] = float(row.metrics["nmi"])
        figures[f"purity_{setting}_{world}"] = float(row.metrics["purity"])
    return figures


def report(figures: dict[str, float]) -> list[str]:
    """The report's lines: the command, the machine, what was run and a table of world x setting."""
    lines = ["## COMET in other units and time steps", "",
             "`PYTHONPATH=. python bench/comet_units.py --jobs 2`", "", machine_line("Measured on: "), "",
             "The suite's `constants` world (bench/comet_worlds.py, drawn from seed 0) with its positions and "
             "velocities stored times u (`units-u`: the same physics in a length unit 1/u times as large), or "
             "simulated with a time step t times the suite's (`time-step-t`). One training seed each: this shows "
             "where a setting stops learning; bench/RESULTS-comet-robustness.md measures the bar over three seeds "
             "(its `units` entry is `units-0.01`, drawn from seeds 0 to 2).", "",
             "| world | catalogue settings (`normalize: auto`) NMI / purity | `normalize: null` NMI / purity |",
             "|---|---|---|"]
    for w in (n for n in variants() if f"nmi_catalogue_{n}" in figures):
        cells = [f"{figures.get(f'nmi_{s}_{w}', float('nan')):.3f} / {figures.get(f'purity_{s}_{w}', float('nan')):.3f}"
                 for s in SETTINGS]
        lines.append(f"| {w} | {' | '.join(cells)} |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=1, help="Runs side by side (processes).")
    parser.add_argument("--out", type=Path, help="Where results/ and the report go (default: bench/).")
    parser.add_argument("--quick", action="store_true", help="Tiny sizes: a smoke test (in a temporary folder).")
    args = parser.parse_args()

    def work(out: Path) -> None:
        figures = measure(out / "sweeps" / "comet-units", args.jobs, args.quick)
        write_json(out / "results" / "comet_units.json", dict(sorted(figures.items())))
        write_text(out / "RESULTS-comet-units.md", "\n".join(report(figures)) + "\n")
        print("\n".join(report(figures)))

    in_bench_folder(parser, work, args.out, HERE, args.quick)


if __name__ == "__main__":
    main()
