"""Your own data: export round trips of every generated world of the catalogue, COMET on a world zoo has never
seen (the predator-prey simulator of examples/, NumPy only), its bank composed for a fresh draw of that world
with 1% of the data, and the memory of ``zoo predict`` on a 2 GB trajectories file.

    PYTHONPATH=. python bench/own_data.py                            # everything (CPU, about two hours loaded)
    PYTHONPATH=. python bench/own_data.py --only roundtrip predict   # some parts; the other parts' figures are kept
    PYTHONPATH=. python bench/own_data.py --quick --out DIR          # tiny sizes: a smoke run

Writes bench/results/own_data.json (flat keys -> numbers) and bench/RESULTS-own-data.md. Runs go to
runs/bench-own-data/ (the compose part uses the bank of the world part).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch

torch.set_num_threads(1)
HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent / "examples"), str(HERE.parent)]  # examples/, and the checkout (tests.support)

import own_data_predict  # noqa: E402  (bench/, beside this file)
from adaptation import adaptation_curve, methods_curves  # noqa: E402  (bench/adaptation.py)
from _predator_prey import simulate, write  # noqa: E402  (examples/_predator_prey.py)
from comet_type_errors import type_errors  # noqa: E402
from machine import environment, recorded_line  # noqa: E402
from own_data_report import report  # noqa: E402
from tests.support.roundtrip import KINDS, QUICK, TINY, roundtrip  # noqa: E402
from zoo.io import write_json, write_text  # noqa: E402
from zoo.schema import load_spec  # noqa: E402
from zoo.train import train  # noqa: E402

PARTS = ("roundtrip", "world", "compose", "predict")
SHORT = ["train.steps=20", "train.eval_every=0"]  # round trips: catalogue sizes, a short training
WORLD = ["slots.count=6", "slots.dim=7"]  # the file's animals and features; everything else as in the catalogue
TINY_COMET = ["train.steps=4", "train.warm_start=2", "train.eval_every=0", "mechanisms[0].hidden=[16]",
              "router.hidden=[16]"]
TINY_IN = ["train.steps=4", "train.eval_every=0", "model.hidden=[16]"]
SELECTOR = ["router.features=[4, 5, 6]"]  # the file's visible attributes (roles), as the catalogue reads species
NEW_WORLD = {"train": 1024, "test": 64, "seed": 1}  # the compose target: a fresh draw, 1% = 11 trajectories


def say(msg: str) -> None:
    print(msg, flush=True)


def roundtrips(root: Path, quick: bool, kinds: list[str], out: dict) -> None:
    """The generated worlds ``kinds`` trained on and from their export: the largest metric difference of each."""
    for kind in kinds:
        name = KINDS[kind]
        r = roundtrip(load_spec(name, TINY[name] + QUICK if quick else SHORT), root / "roundtrip" / kind,
                      tasks=8 if quick else 512)
        if r.one_sided:
            raise RuntimeError(f"{name}: metrics reported on one side only: {r.one_sided}")
        out[f"roundtrip_diff_{kind}"] = r.max_abs_diff
        out[f"roundtrip_metrics_{kind}"] = len(r.compared)
        say(f"[roundtrip] {kind} ({name}): {len(r.compared)} metrics, max |diff| {r.max_abs_diff:.3g}, {r.seconds:.0f}s")


def roundtrip_summary(out: dict) -> None:
    """The largest difference over every world round-tripped (by this run or an earlier one) and their count."""
    diffs = [out[f"roundtrip_diff_{k}"] for k in KINDS if f"roundtrip_diff_{k}" in out]
    if diffs:
        out.update(roundtrip_max_abs_diff=max(diffs), roundtrip_kinds=len(diffs))


def own_world(root: Path, quick: bool, out: dict) -> None:
    """COMET with the catalogue's comet-particles settings on the predator-prey file."""
    data = root / "own-world.npz"
    root.mkdir(parents=True, exist_ok=True)
    write(data, count=16 if quick else 320, length=10 if quick else 30, seed=0)
    spec = load_spec("comet-particles", [f"data={{kind: trajectories, path: {data}}}", "name=comet-own-world",
                                         *WORLD, *(TINY_COMET if quick else [])])
    result = train(spec, run_dir=root / "own-world", progress=False)
    for key in ("nmi", "purity", "context_accuracy", "one_step_mse", "rollout_mse", "selector_accuracy",
                "mechanisms_used"):
        if key in result.metrics:
            out[f"own_world_{key}"] = result.metrics[key]
    out["own_world_seconds"] = result.seconds
    out["own_world_steps"] = result.steps
    say(f"[world] {', '.join(f'{k}={v:.4g}' for k, v in result.metrics.items())} ({result.seconds:.0f}s)")


def new_world(path: Path, quick: bool) -> Path:
    """A fresh draw of the predator-prey world (another seed), with a fixed train/test split."""
    train_n, test_n = (100, 20) if quick else (NEW_WORLD["train"], NEW_WORLD["test"])
    arrays = simulate(train_n + test_n, 10 if quick else 30, seed=NEW_WORLD["seed"])
    arrays["split"] = np.array(["train"] * train_n + ["test"] * test_n)
    np.savez(path, **arrays)
    return path


def adapt_specs(root: Path, quick: bool, bank: Path, source: Path) -> dict:
    """The specs adapting to a fresh draw of the own world: ``compose`` (the bank frozen, only the selector trained),
    ``finetune`` (the interaction network pre-trained on the own world), ``scratch`` (that network untrained) and
    ``compose-all-features`` (the selector reading every feature, not only the roles and the offsets)."""
    target = f"data={{kind: trajectories, path: {new_world(root / 'own-world-new.npz', quick)}}}"
    small_in = TINY_IN if quick else []
    composed = [f"mechanisms[0].source={bank}", target, *WORLD, *(["train.steps=4"] if quick else [])]
    spec = load_spec("comet-particles-compose", [*composed, *SELECTOR])
    network = [target, *WORLD, f"train.steps={spec.train.steps}", "train.eval_every=0", *small_in]
    return {"compose": spec,
            "finetune": load_spec("interaction-network-particles", [*network, f"train.pretrained={source}"]),
            "scratch": load_spec("interaction-network-particles", network),
            "compose-all-features": load_spec("comet-particles-compose", [*composed, "router.features=null"])}


def compose(root: Path, quick: bool, out: dict) -> None:
    """The own world's bank composed for a fresh draw with 1% of its data vs fine-tuning an interaction network
    pre-trained on the own world (best of comet.py's learning rates) and vs one trained from scratch."""
    bank = root / "own-world" / "bank"
    if not bank.is_dir():
        raise SystemExit(f"{bank}: no bank; run the 'world' part first (--only world compose)")
    own = f"data={{kind: trajectories, path: {root / 'own-world.npz'}}}"
    source = train(load_spec("interaction-network-particles", [own, *WORLD, *(TINY_IN if quick else [])]),
                   run_dir=root / "own-world-in", progress=False)
    specs = adapt_specs(root, quick, bank, source.run_dir)
    curves = methods_curves(specs.pop("compose"), specs.pop("finetune"), (0.01,), root / "adapt", out,
                            "own_world_adapt")
    curves.update(adaptation_curve(specs, (0.01,), root / "adapt"))
    for method, points in curves.items():
        out[f"own_world_1pct_{method.replace('-', '_')}_error"] = points[0.01]
    for method in ("compose", "finetune"):  # where the 1% errors come from: per behaviour, and its share
        for name, err in type_errors(root / "adapt" / f"{method}-1pct").items():
            out[f"own_world_1pct_{method}_error_{name}"] = err
    out["own_world_source_in_one_step_mse"] = source.metrics["one_step_mse"]
    out["own_world_compose_ratio_1pct"] = curves["compose"][0.01] / curves["finetune"][0.01]
    out["own_world_compose_ratio_1pct_vs_scratch"] = curves["compose"][0.01] / curves["scratch"][0.01]
    say("[compose] 1%: " + ", ".join(f"{m} {p[0.01]:.4g}" for m, p in curves.items()))


def predict(root: Path, quick: bool, gigabytes: float, out: dict) -> None:
    """Peak memory of ``zoo predict`` with the own world's run on a large file (deleted afterwards)."""
    run_dir = root / "own-world"
    if not (run_dir / "model.safetensors").is_file():
        raise SystemExit(f"{run_dir}: no trained run; run the 'world' part first (--only world predict)")
    size = 0.002 if quick else gigabytes
    measured = own_data_predict.measure(run_dir, size, root / "scratch")
    out.update(measured)
    out["predict_peak_rss_mb_2gb"] = measured["predict_large_peak_rss_mb"]
    say(f"[predict] {measured['predict_large_file_mb']:.0f} MiB file: peak RSS "
        f"{measured['predict_large_peak_rss_mb']:.0f} MiB in {measured['predict_large_seconds']:.0f}s "
        f"(a 1 MiB file: {measured['predict_tiny_peak_rss_mb']:.0f} MiB)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="tiny sizes: a smoke run (writes to --out)")
    ap.add_argument("--only", nargs="+", choices=PARTS, default=list(PARTS), help="the parts to run")
    ap.add_argument("--kinds", nargs="+", choices=sorted(KINDS), default=list(KINDS),
                    help="the generated worlds to round-trip (default: every one the catalogue uses)")
    ap.add_argument("--gigabytes", type=float, default=2.0, help="size of the file zoo predict reads")
    ap.add_argument("--report-only", action="store_true",
                    help="rewrite the report from the saved figures (each part keeps its command and date)")
    ap.add_argument("--runs", type=Path, help="run directories (default: runs/bench-own-data, or DIR/runs with --quick)")
    ap.add_argument("--out", type=Path, default=HERE, help="where results/ and the report go (default: bench/)")
    args = ap.parse_args(argv)
    results = args.out / "results" / "own_data.json"
    out: dict[str, float] = {}
    if args.report_only:
        args.only = []
    root = args.runs or (args.out / "runs" if args.quick else Path("runs/bench-own-data"))
    jobs = {"roundtrip": lambda: roundtrips(root, args.quick, args.kinds, out),
            "world": lambda: own_world(root, args.quick, out), "compose": lambda: compose(root, args.quick, out),
            "predict": lambda: predict(root, args.quick, args.gigabytes, out)}
    for part in (p for p in PARTS if p in args.only):
        start = time.perf_counter()
        jobs[part]()
        out[f"seconds_{part}"] = time.perf_counter() - start  # wall clock, on a shared machine
    if results.is_file() and not args.quick:  # the other parts' figures, as they are now (parts may run side by side)
        out = {**json.loads(results.read_text()), **out}
    roundtrip_summary(out)
    write_json(results, {k: float(v) for k, v in sorted(out.items())})
    command = ("PYTHONPATH=. python bench/own_data.py " + " ".join(argv if argv is not None else sys.argv[1:])).strip()
    md, env = args.out / "RESULTS-own-data.md", environment()
    made = {part: f"- `{part}`: `{command}`, {env['date']}" if part in args.only else
            None if args.quick else recorded_line(md, f"- `{part}`: ") for part in PARTS}
    write_text(md, report(out, env, made, args.quick))
    say(f"wrote {results} and {args.out / 'RESULTS-own-data.md'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
