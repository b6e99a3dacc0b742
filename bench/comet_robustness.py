"""COMET robustness: the catalogue's COMET spec, untuned, on every world of bench/comet_worlds.py.

Each suite entry is a world written with NumPy alone (in the trajectories file format) and trained
with ``comet-particles`` as shipped: only the slots (the file's objects and features) and the bank's
size (one mechanism per ground-truth type; two more for the over-complete entry) are set from the file.
Ground-truth types are used for the metrics only.

    PYTHONPATH=. python bench/comet_robustness.py --jobs 2                  # the suite, 3 seeds, + the catalogue world
    PYTHONPATH=. python bench/comet_robustness.py --tag no-x --set train.x=0  # an ablation variant
    PYTHONPATH=. python bench/comet_robustness.py --report                  # the report from the recorded variants
    PYTHONPATH=. python bench/comet_robustness.py --quick --out /tmp/q      # a seconds-long smoke run

Writes bench/records/comet_robustness-<tag>.json per variant (every run); ``--report`` writes
bench/results/comet_robustness.json (flat, from the ``default`` variant) and bench/RESULTS-comet-robustness.md.
"""

from __future__ import annotations

import argparse
import json
import statistics
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import torch

torch.set_num_threads(1)

from comet_worlds import SUITE, WORLDS, write  # noqa: E402  (bench/comet_worlds.py, beside this file)
from zoo.io import write_json  # noqa: E402
from zoo.schema import load_spec  # noqa: E402

HERE = Path(__file__).resolve().parent
SPEC = "comet-particles"
QUICK = ["train.steps=6", "train.warm_start=3", "train.eval_every=0", "mechanisms[0].hidden=[8]", "router.hidden=[8]"]
METRICS = ("nmi", "purity", "one_step_mse", "rollout_mse", "context_accuracy", "mechanisms_used", "selector_accuracy")


def coverage(path: Path, k: int) -> float:
    """Share of the test transitions with a partner whose partner is among the k nearest objects."""
    with np.load(path, allow_pickle=False) as f:
        test = f["split"] == "test"
        pos, partners = f["states"][test][:, :-1, :, :2], f["partners"][test]  # (S, T, N, 2), (S, T, N)
    d = np.linalg.norm(pos[..., :, None, :] - pos[..., None, :, :], axis=-1)  # (S, T, N, N)
    n = d.shape[-1]
    d[..., np.arange(n), np.arange(n)] = np.inf
    near = np.argsort(d, axis=-1)[..., :k]  # (S, T, N, k)
    has = partners >= 0
    hit = (near == partners[..., None]).any(-1)
    return float(hit[has].mean()) if has.any() else 1.0


def merges(table: torch.Tensor, names: tuple[str, ...]) -> list[str]:
    """Types whose most frequent winning mechanism is the same (e.g. "spring+attraction")."""
    by: dict[int, list[str]] = {}
    for k, name in enumerate(names):
        if table[:, k].sum() > 0:
            by.setdefault(int(table[:, k].argmax()), []).append(name)
    return ["+".join(v) for v in by.values() if len(v) > 1]


def run_one(entry: str, seed: int, root: Path, sets: list[str], quick: bool) -> dict:
    """Train on one suite entry (or ``catalogue``: the catalogue's particle world) for one seed."""
    from zoo.train.loop import Trainer

    tag = f"{entry}-seed{seed}"
    overrides = [f"train.seed={seed}"]
    if entry != "catalogue":
        world, spare = SUITE[entry]
        size = dict(trajectories=16, test=8, length=10) if quick else {}
        path = write(world, root / "worlds" / f"{world}-seed{seed}.npz", seed, **size)
        model = WORLDS[world]
        n = len(getattr(model, "roles", ())) or model.objects
        dim = 4 + (3 if hasattr(model, "roles") else len(model.species))
        overrides += [f"data={{kind: trajectories, path: {path}}}", f"slots.count={n}", f"slots.dim={dim}",
                      f"mechanisms[0].count={len(model.type_names) + spare}"]
    elif quick:
        overrides += ["data.trajectories=16", "data.test_trajectories=8", "data.length=10"]
    spec = load_spec(SPEC, overrides + (QUICK if quick else []) + list(sets))
    trainer = Trainer(spec, root / tag, torch.device("cpu"), False)
    result = trainer.run()
    proc = trainer.proc
    row = {"entry": entry, "seed": seed, "seconds": result.seconds,
           **{m: float(result.metrics[m]) for m in METRICS if m in result.metrics},
           "table": proc.table.tolist(), "types": list(proc.world.type_names), "merged": merges(proc.table, proc.world.type_names),
           "plot": f"{root.name}/{tag}/plots/mechanisms.png"}  # under --runs
    if entry != "catalogue":
        row["coverage"] = coverage(path, spec.interactions.k)
    train_log = (root / tag / "train.csv").read_text().splitlines()
    head = train_log[0].split(",")
    last = [dict(zip(head, line.split(","))) for line in train_log[1:][-10:]]
    row["train_wta"] = statistics.fmean(float(r["wta"]) for r in last)  # a training-split signal
    print(f"[{tag}] {result.seconds:.0f}s nmi={row.get('nmi', 0):.3f} purity={row.get('purity', 0):.3f} "
          f"one_step={row.get('one_step_mse', 0):.4f} merged={row['merged']} coverage={row.get('coverage', 1):.3f}",
          flush=True)
    return row


def summarise(rows: list[dict]) -> dict:
    """Per entry the minimum and mean over seeds of every metric; the suite's minimum and mean NMI."""
    out: dict = {}
    entries = sorted({r["entry"] for r in rows if r["entry"] != "catalogue"})
    for e in entries:
        mine = [r for r in rows if r["entry"] == e]
        for m in (*METRICS, "coverage", "train_wta"):
            vals = [r[m] for r in mine if m in r]
            if vals:
                out[f"{e}_{m}_min"], out[f"{e}_{m}_mean"], out[f"{e}_{m}_max"] = min(vals), statistics.fmean(vals), max(vals)
    out["suite_worlds"] = len(entries)
    if entries:
        out["suite_nmi_min"] = min(out[f"{e}_nmi_min"] for e in entries)
        out["suite_nmi_mean"] = statistics.fmean(out[f"{e}_nmi_mean"] for e in entries)
        out["suite_purity_min"] = min(out[f"{e}_purity_min"] for e in entries)
    cat = [r["nmi"] for r in rows if r["entry"] == "catalogue"]
    if cat:
        out["catalogue_nmi"], out["catalogue_nmi_mean"] = min(cat), statistics.fmean(cat)
    return out


def kept_runs(path: Path, sets: list[str], rerun: set[tuple[str, int]]) -> list[dict]:
    """The runs recorded in ``path`` with the same overrides, except those run again now."""
    if not path.exists():
        return []
    old = json.loads(path.read_text())
    if old["sets"] != sets:
        raise SystemExit(f"{path} was measured with other overrides ({old['sets']}); use another --tag")
    return [r for r in old["runs"] if (r["entry"], r["seed"]) not in rerun]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--seed-from", type=int, default=0,
                        help="First seed; the variant's recorded runs of other seeds (same overrides) are kept.")
    parser.add_argument("--entries", nargs="*", default=None, help="Suite entries (default: all, and the catalogue world).")
    parser.add_argument("--set", dest="sets", action="append", default=[], help="A spec override for every run.")
    parser.add_argument("--tag", default="default", help="Name of this variant in the results (with --report: the "
                        "variant whose suite table is reported).")
    parser.add_argument("--jobs", type=int, default=1, help="Runs side by side (processes).")
    parser.add_argument("--runs", type=Path, default=Path("runs/bench-comet-robustness"))
    parser.add_argument("--out", type=Path, default=HERE, help="Where results/, records/ and the report go.")
    parser.add_argument("--quick", action="store_true", help="Tiny sizes, one seed, two entries: a smoke test.")
    parser.add_argument("--report", action="store_true", help="Only write the report from the recorded variants.")
    args = parser.parse_args()
    results, records = args.out / "results", args.out / "records"
    if args.report:
        from comet_robustness_report import write_report

        write_report(records, results, args.out, args.tag, args.runs)
        return
    entries = args.entries or ([*SUITE, "catalogue"] if not args.quick else ["predator-prey", "overcomplete", "catalogue"])
    seeds = 1 if args.quick else args.seeds
    root = args.runs / args.tag
    jobs = [(e, s, root, args.sets, args.quick) for s in range(args.seed_from, args.seed_from + seeds) for e in entries]
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        rows = list(pool.map(run_one, *zip(*jobs)))
    rows += kept_runs(records / f"comet_robustness-{args.tag}.json", args.sets, {(e, s) for e, s, *_ in jobs})
    out = {"tag": args.tag, "sets": args.sets, "seeds": len({r["seed"] for r in rows}), "summary": summarise(rows),
           "runs": rows}
    print(json.dumps(out["summary"], indent=1, sort_keys=True))
    if not args.quick:
        write_json(records / f"comet_robustness-{args.tag}.json", out)


if __name__ == "__main__":
    main()
