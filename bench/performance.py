"""Performance benchmark: compiler overhead, mechanism banks, compile time, torch.compile, knn scaling,
training throughput. Everything is measured in this one run (one thread, interleaved repeats, medians).

    PYTHONPATH=. python bench/performance.py            # full run: bench/results/performance.json,
                                                        # bench/RESULTS-performance.md
    PYTHONPATH=. python bench/performance.py --quick    # smoke run at tiny sizes (writes to --out or a temp dir)
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
import tempfile
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))

import perf_bank  # noqa: E402
import perf_catalogue as cat  # noqa: E402
import perf_overhead  # noqa: E402
from perf_report import write_markdown  # noqa: E402
from zoo.io import write_json  # noqa: E402

HEADLINE = ["comet-particles", "hypernet-linear-connected", "rims-digits", "slotvae-sprites"]


def run(quick: bool, device: str, inductor_all: bool) -> tuple[dict[str, float], dict[str, list[dict]]]:
    """Every measurement; returns the flat numbers and the per-spec tables."""
    nums: dict[str, float] = {}
    tables: dict[str, list[dict]] = {}
    say = lambda msg: print(msg, flush=True)  # noqa: E731

    for name in perf_overhead.CASES:
        say(f"overhead: {name}")
        nums.update(perf_overhead.overhead(name, quick=quick, device=device))
        say(f"  ratio {nums[f'overhead_ratio_{name}']:.3f}")
    say("mechanism bank vs loop; bank vs matmul")
    nums.update(perf_bank.bank_vs_loop())
    nums.update({f"{k}_b256": v for k, v in perf_bank.bank_vs_loop(batch=256).items()})
    nums.update(perf_bank.bank_matmul_fraction(**({"width": 32, "batch": 256, "square": 256} if quick else {})))
    say("knn scaling")
    nums.update(perf_bank.knn_scaling(**({"sizes": (16, 32, 64), "memory": False} if quick else {})))
    names = cat.catalogue()
    say(f"compile time over {len(names)} specs")
    more, tables["compile"] = cat.compile_times(names, repeat=1 if quick else 5)
    nums.update(more)
    say("torch.compile(fullgraph=True), aot_eager backend: every spec")
    checked = names[:2] if quick else names
    more, tables["fullgraph"] = cat.torch_compile(checked, backend="eager" if quick else "aot_eager", repeat=2)
    nums.update(more)
    if not quick:
        say("torch.compile, inductor backend: speed-ups")
        more, tables["inductor"] = cat.torch_compile(names if inductor_all else HEADLINE, repeat=10)
        nums["inductor_specs_ok"] = more["torch_compile_specs_ok"]
    say("training throughput")
    more, tables["throughput"] = (cat.throughput(["hypernet-linear-connected"], steps=1, batch=2) if quick
                                  else cat.throughput(names, steps=3))
    nums.update(more)
    return nums, tables


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="tiny sizes, a few repeats: a smoke run")
    ap.add_argument("--device", default="cpu", help="cpu or cuda")
    ap.add_argument("--inductor-all", action="store_true", help="inductor speed-ups for every spec (slow)")
    ap.add_argument("--out", type=Path, default=None, help="where to write (default: bench/, or a temp dir with --quick)")
    ap.add_argument("--report-only", action="store_true", help="rewrite the markdown from the saved results")
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    out = args.out or (Path(tempfile.mkdtemp(prefix="perf-quick-")) if args.quick else Path(__file__).resolve().parent)
    command = "PYTHONPATH=. python bench/performance.py" + " ".join(a for a in [""] + (argv or sys.argv[1:]))
    if args.report_only:  # rewrite the markdown from the last run's files (no measurement)
        nums = json.loads((out / "results" / "performance.json").read_text())
        saved = json.loads((out / "results" / "performance-tables.json").read_text())
        write_markdown(out / "RESULTS-performance.md", nums, saved["tables"], saved["command"], args.device, args.quick,
                       saved["measured"])
        return 0
    start = time.perf_counter()
    nums, tables = run(args.quick, args.device, args.inductor_all)
    nums["benchmark_seconds"] = time.perf_counter() - start
    write_json(out / "results" / "performance.json", {k: float(v) for k, v in sorted(nums.items())})
    measured = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    write_json(out / "results" / "performance-tables.json",
               {"command": command, "measured": measured, "tables": tables})
    write_markdown(out / "RESULTS-performance.md", nums, tables, command, args.device, args.quick, measured)
    print(f"wrote {out / 'results' / 'performance.json'} and {out / 'RESULTS-performance.md'}")
    for k in sorted(nums):
        print(f"{k:40s} {nums[k]:.4g}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
