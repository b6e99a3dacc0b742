"""Would restarts judged by the training loss help COMET? Two training seeds per world draw, catalogue settings.

On validation draws of the robustness suite's worlds (10-12, not the suite's 0-2), each world is trained with
the catalogue's `comet-particles` settings twice, training seeds d and d + 100. The question is whether the
run with the lower training WTA error (mean of the last 10 logged) is the one with the higher NMI: if so, a
procedure could train a few competitions and keep the one that fits best, without seeing a type.

    PYTHONPATH=. python bench/comet_restarts.py --jobs 2   # bench/records/comet-restarts.json, printed summary
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import tempfile
from collections import defaultdict
from multiprocessing import Pool
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

ENTRIES = ("eight-objects", "constants", "rare-type", "radius", "close-laws", "noise-0.02")
DRAWS = (10, 11, 12)
SECOND = 100  # the second training seed of draw d is d + SECOND
DIFFERENT = 0.01  # two runs whose NMIs differ by more than this have a better one
QUICK = ["train.steps=20", "train.warm_start=5", "train.horizon=3", "train.batch=4"]


def world_overrides(entry: str, path: Path) -> list[str]:
    """The overrides that point the catalogue spec at the world file of ``entry``."""
    from comet_worlds import WORLDS, model_sizes  # bench/, beside this file

    sizes = model_sizes(WORLDS[entry])
    return [f"data={{kind: trajectories, path: {path}}}", *(f"{key}={value}" for key, value in sizes.items())]


def train_one(job: tuple[str, int, int, str, bool]) -> dict:
    """Train one (world, draw, training seed); its NMI, purity and final training WTA error."""
    import torch

    torch.set_num_threads(1)
    from zoo.schema import load_spec
    from zoo.train import train

    entry, draw, seed, folder, quick = job
    sets = world_overrides(entry, Path(folder) / f"{entry}-{draw}.npz") + [f"train.seed={seed}", "train.eval_every=0"]
    run = train(load_spec("comet-particles", sets + (QUICK if quick else [])),
                run_dir=Path(folder) / f"run-{entry}-{draw}-{seed}", progress=False)
    logged = list(csv.DictReader(open(run.run_dir / "train.csv")))[-10:]
    return {"entry": entry, "draw": draw, "seed": seed, "nmi": run.metrics["nmi"], "purity": run.metrics["purity"],
            "wta": sum(float(r["wta"]) for r in logged) / len(logged)}


def measure(folder: Path, jobs: int, quick: bool) -> list[dict]:
    """Write the world draws (one process), then train every job, ``jobs`` at a time."""
    from comet_worlds import write

    entries, draws = (ENTRIES[:2], DRAWS[:1]) if quick else (ENTRIES, DRAWS)
    size = {"trajectories": 16, "test": 8, "length": 10} if quick else {}
    for entry in entries:
        for draw in draws:
            write(entry, folder / f"{entry}-{draw}.npz", draw, **size)
    work = [(e, d, d + k, str(folder), quick) for d in draws for e in entries for k in (0, SECOND)]
    with Pool(jobs) as pool:
        return sorted(pool.imap_unordered(train_one, work), key=lambda r: (r["entry"], r["draw"], r["seed"]))


def summary(runs: list[dict]) -> dict[str, float]:
    """How often the lower-WTA run of a draw has the higher NMI (where they differ), and per world the minimum
    NMI over draws of the first seed's runs and of the runs the training WTA picks."""
    pairs = defaultdict(list)
    for r in runs:
        pairs[(r["entry"], r["draw"])].append(r)
    out, first, picked = {"differing": 0.0, "agree": 0.0}, defaultdict(list), defaultdict(list)
    for (entry, _), (a, b) in sorted(pairs.items()):
        lower = min((a, b), key=lambda r: r["wta"])
        if abs(a["nmi"] - b["nmi"]) > DIFFERENT:
            out["differing"] += 1
            out["agree"] += float(lower["nmi"] == max(a["nmi"], b["nmi"]))
        first[entry].append(a["nmi"] if a["seed"] < b["seed"] else b["nmi"])
        picked[entry].append(lower["nmi"])
    for entry in first:
        out[f"{entry}_first_seed_nmi_min"], out[f"{entry}_picked_nmi_min"] = min(first[entry]), min(picked[entry])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=1, help="Runs side by side (processes).")
    parser.add_argument("--quick", action="store_true", help="Tiny sizes, two worlds, one draw (a smoke test).")
    parser.add_argument("--out", type=Path, help="Where the record goes (default: bench/records/).")
    args = parser.parse_args()
    from zoo.io import write_json

    with tempfile.TemporaryDirectory() as runs:
        measured = measure(Path(runs), args.jobs, args.quick)
    record = {"runs": measured, "summary": summary(measured)}
    out = args.out or (Path(tempfile.mkdtemp()) if args.quick else HERE / "records")
    write_json(out / "comet-restarts.json", record)
    print(json.dumps(record["summary"], indent=1, sort_keys=True))


if __name__ == "__main__":
    main()
