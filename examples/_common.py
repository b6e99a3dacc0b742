"""What every example shares: the command line (--tiny, --steps, --out) and printing a run's results."""

from __future__ import annotations

import argparse
import os
from typing import Sequence


def arguments(description: str, out: str, argv: Sequence[str] | None = None) -> argparse.Namespace:
    """``--tiny`` (or ``ZOO_EXAMPLE_TINY=1``) shrinks everything to a seconds-long smoke run."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--tiny", action="store_true", default=os.environ.get("ZOO_EXAMPLE_TINY") == "1",
                   help="a seconds-long run at toy sizes (also ZOO_EXAMPLE_TINY=1)")
    p.add_argument("--steps", type=int, help="override the number of training steps")
    p.add_argument("--out", default=out, help=f"run directory (default {out}; an earlier run there is replaced)")
    p.add_argument("--threads", type=int, default=max(1, min(4, os.cpu_count() or 1)), help="CPU threads")
    return p.parse_args(argv)


def overrides(args: argparse.Namespace, full: list[str], tiny: list[str]) -> list[str]:
    """The ``--set`` style overrides for this run."""
    chosen = list(tiny if args.tiny else full)
    return chosen + ([f"train.steps={args.steps}"] if args.steps else [])


def show(result, keys: Sequence[str]) -> None:
    """Print the chosen final metrics, the run directory and the report written for it."""
    from zoo.report import write_report

    print(f"trained {result.steps} steps in {result.seconds:.1f} s")
    for k in keys:
        if k in result.metrics:
            print(f"  {k:28s} {result.metrics[k]:.4g}")
    print(f"run:    {result.run_dir}")
    print(f"report: {write_report(result.run_dir)}")
