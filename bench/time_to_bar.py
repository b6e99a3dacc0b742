"""Time to quality: wall-clock seconds for each family's catalogue spec to reach its quality bar.

A catalogue training run (``zoo train``'s run directory) logs its evaluations in ``eval.csv`` and its
training seconds and steps in ``metrics.json``; the time to the bar is the first evaluated step that meets
the bar times the run's seconds per step (training seconds / steps: the evaluations made before the end
are inside those seconds, so the time includes the evaluations that found the bar). The bars are the
family benchmarks' (bench/RESULTS.md); where a bar compares with a baseline, the baseline's recorded
figure is read from its ``bench/results/<family>.json``.

    PYTHONPATH=. python bench/time_to_bar.py --families comet hypernetwork   # train, then score
    PYTHONPATH=. python bench/time_to_bar.py --run rims=runs/rims-copying-...  # score an existing run

Each measured family adds ``time_to_bar_s_<family>`` (NaN: the bar was not reached) to
``bench/results/performance.json`` (other keys kept); the report's table is rebuilt from there.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from pathlib import Path
from typing import Callable

RESULTS = Path(__file__).resolve().parent / "results"
LIMIT_S = 600.0  # the goal: every family reaches its bar within 10 minutes on 2 CPU threads


def _recorded(name: str, key: str) -> float:
    return float(json.loads((RESULTS / f"{name}.json").read_text())[key])


def _hypernet_level() -> float:
    """The linear hypernetwork's bar: 15 points above the better of MAML's and ANIL's recorded OOD accuracy."""
    return max(_recorded("hypernet", "connected_ood_acc_maml"), _recorded("hypernet", "connected_ood_acc_anil")) + 0.15


def _slotvae_met(r: dict[str, float]) -> bool:
    """The restated slot VAE bar: JIS at least the recorded alpha = 0 model's + 0.1, and J-ARI not below the
    recorded alpha = 0 model's by more than 0.01."""
    return r["jis"] >= _recorded("slotvae", "jis_noreg") + 0.1 and r["jari"] >= _recorded("slotvae", "jari_noreg") - 0.01


# family -> (catalogue spec, the bar in words, whether an eval.csv row meets it)
BARS: dict[str, tuple[str, str, Callable[[dict[str, float]], bool]]] = {
    "comet": ("comet-particles", "NMI >= 0.9 and purity >= 0.9",
              lambda r: r["nmi"] >= 0.9 and r["purity"] >= 0.9),
    "hypernetwork": ("hypernet-linear-connected", "OOD accuracy >= MAML's and ANIL's recorded + 15 points",
                     lambda r: r["ood_acc"] >= _hypernet_level()),
    "rims": ("rims-copying", "copying error at delay 200 below the LSTM's recorded error",
             lambda r: r["test_200_error"] < _recorded("rims", "copy_error_200_lstm")),
    "slot_vae": ("slotvae-sprites", "JIS >= the recorded alpha = 0 model's + 0.1, J-ARI >= its - 0.01",
                 _slotvae_met),
}


def first_step_meeting(eval_csv: Path, meets: Callable[[dict[str, float]], bool]) -> int | None:
    """The first evaluated step whose row meets the bar, or None."""
    with open(eval_csv, newline="") as f:
        for row in csv.DictReader(f):
            values = {k: float(v) for k, v in row.items() if v not in ("", None)}
            try:
                if meets(values):
                    return int(values["step"])
            except KeyError as e:
                raise SystemExit(f"{eval_csv}: no column {e} (columns: {', '.join(row)})") from None
    return None


def time_to_bar(run_dir: Path, family: str) -> dict[str, float]:
    """``time_to_bar_s_<family>`` (NaN when never reached), the step and the seconds per step of one run."""
    metrics = json.loads((run_dir / "metrics.json").read_text())
    per_step = metrics["train_seconds"] / metrics["steps"]
    step = first_step_meeting(run_dir / "eval.csv", BARS[family][2])
    return {f"time_to_bar_s_{family}": step * per_step if step is not None else math.nan,
            f"time_to_bar_step_{family}": float(step) if step is not None else math.nan,
            f"time_to_bar_run_s_{family}": float(metrics["train_seconds"])}


def train_run(family: str, threads: int, root: Path, evals: int) -> Path:
    """Trains the family's catalogue spec on ``threads`` CPU threads, evaluating ``evals`` times, in
    ``root/<spec>-<threads>threads`` (this benchmark's own folder: an earlier run there is replaced)."""
    import torch

    from zoo.schema import load_spec
    from zoo.train.loop import train

    torch.set_num_threads(threads)
    spec = load_spec(BARS[family][0])
    every = max(1, spec.train.steps // evals)
    spec = load_spec(BARS[family][0], [f"train.eval_every={every}"])
    run_dir = root / f"{spec.name}-{threads}threads"
    train(spec, run_dir, "cpu", progress=False, overwrite=True)
    return run_dir


def merge(path: Path, nums: dict[str, float]) -> None:
    """Adds ``nums`` to the JSON figures at ``path``, keeping every other key."""
    from zoo.io import write_json

    old = json.loads(path.read_text()) if path.is_file() else {}
    write_json(path, {k: float(v) for k, v in sorted({**old, **nums}.items())})


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--families", nargs="*", default=[], choices=sorted(BARS), help="train and score these")
    ap.add_argument("--run", action="append", default=[], metavar="FAMILY=DIR", help="score an existing run")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--evals", type=int, default=20, help="evaluations per run (the bar's resolution)")
    ap.add_argument("--root", type=Path, default=Path("runs"), help="where training runs go")
    ap.add_argument("--out", type=Path, default=RESULTS / "performance.json")
    args = ap.parse_args(argv)
    runs = {}
    for item in args.run:
        family, sep, folder = item.partition("=")
        if not sep or family not in BARS:
            ap.error(f"--run {item!r}: expected FAMILY=DIR with FAMILY one of {', '.join(sorted(BARS))}")
        runs[family] = Path(folder)
    for family in args.families:
        runs[family] = train_run(family, args.threads, args.root, args.evals)
    nums: dict[str, float] = {}
    for family, run_dir in runs.items():
        nums.update(time_to_bar(run_dir, family))
        seconds = nums[f"time_to_bar_s_{family}"]
        within = "within" if seconds <= LIMIT_S else "over"
        verdict = "not reached" if math.isnan(seconds) else f"{seconds:.0f} s ({within} 10 min)"
        print(f"{family}: {BARS[family][1]}: {verdict}")
    merge(args.out, nums)
    return 0


if __name__ == "__main__":
    sys.exit(main())
