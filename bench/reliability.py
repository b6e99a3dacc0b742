"""Reliability benchmark: spec fuzzing, weight-file corruptions, SIGKILL + resume, NaN/inf faults,
2-process data parallelism and Hub download faults, each counted.

Run: ``PYTHONPATH=. python bench/reliability.py [--quick | --cases-only]``. Writes
``bench/results/reliability.json`` and ``bench/RESULTS-reliability.md``. ``--cases-only`` runs only the fast
sections (weights, numerics, hub and every named adversarial case, :mod:`bench.reliability_cases`) and keeps
the other sections' numbers from the previous full run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

import torch

torch.set_num_threads(1)
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.reliability_cases import case_counts  # noqa: E402
from bench.reliability_checks import (corruption_counts, ddp_counts, hub_counts,  # noqa: E402
                                      kill_counts, numeric_counts)
from tests.support.specchecks import cli_problems, problems  # noqa: E402
from tests.support.specfuzz import cases  # noqa: E402


FAST = ("weights", "numerics", "hub", "cases")  # the sections --cases-only runs


def spec_fuzz(n: int, n_cli: int, n_proc: int, seed: int, work: Path) -> dict:
    """Generated malformed spec files through the library, the in-process CLI and real subprocesses."""
    import subprocess

    from hypothesis import HealthCheck, given, settings
    from hypothesis import seed as hseed

    from tests.support.crash import child_env, zoo_command
    from tests.support.specchecks import cli_args, write

    out = {"cases": 0, "failures": 0, "cli_cases": 0, "cli_failures": 0, "proc_cases": 0, "proc_failures": 0}
    kinds: dict[str, int] = {}
    examples: list[str] = []
    opts = dict(deadline=None, database=None, suppress_health_check=list(HealthCheck))

    def record(prefix: str, case, found: list[str]) -> None:
        out[f"{prefix}cases"] += 1
        out[f"{prefix}failures"] += bool(found)
        if found and len(examples) < 5:
            examples.append(f"{prefix or 'lib_'}{case.family}: {found[0][:300]}")

    @hseed(seed)
    @settings(max_examples=n, **opts)
    @given(cases())
    def lib(case):
        kinds[case.family.split(":")[0]] = kinds.get(case.family.split(":")[0], 0) + 1
        record("", case, problems(case, work))

    @hseed(seed + 1)
    @settings(max_examples=n_cli, **opts)
    @given(cases())
    def cli(case):
        record("cli_", case, cli_problems(case, work))

    env = child_env(ROOT)

    @hseed(seed + 2)
    @settings(max_examples=n_proc, **opts)
    @given(cases())
    def proc(case):
        r = subprocess.run(zoo_command(*cli_args(write(case, work), case)), env=env, capture_output=True,
                           text=True, timeout=120)
        bad = []
        if r.returncode not in (0, 2) or "Traceback" in r.stderr or (r.returncode == 2 and not r.stderr.startswith("error:")):
            bad.append(f"exit {r.returncode}: {r.stderr[-300:]}")
        record("proc_", case, bad)

    for run in (lib, cli, proc):
        run()
    return {**out, "kinds": kinds, "examples": examples}


def machine() -> str:
    info = Path("/proc/cpuinfo")
    lines = info.read_text().splitlines() if info.exists() else []
    cpu = next((l.split(":", 1)[1].strip() for l in lines if l.startswith("model name")), platform.processor())
    return f"{cpu}, {os.cpu_count()} cores, torch {torch.__version__}, Python {platform.python_version()}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="fewer cases (a smoke run)")
    ap.add_argument("--cases-only", action="store_true",
                    help="only the named cases, weights, numerics and hub; keep the other numbers recorded")
    ap.add_argument("--seed", type=int, default=20260)
    args = ap.parse_args()
    q = args.quick
    work = Path(tempfile.mkdtemp(prefix="zoo-reliability-"))
    results, timings = {}, {}
    sections = [
        ("fuzz", lambda: spec_fuzz(300 if q else 5000, 100 if q else 1000, 3 if q else 20, args.seed, work)),
        ("weights", lambda: corruption_counts(work / "weights")),
        ("resume", lambda: kill_counts(work / "resume", kills=1 if q else 5, seed=args.seed)),
        ("numerics", lambda: numeric_counts(work / "numerics", seed=args.seed)),
        ("ddp", lambda: ddp_counts(work / "ddp", ROOT)),
        ("hub", lambda: hub_counts(work / "hub")),
        ("cases", lambda: case_counts(results, stall=not q)),
    ]
    if args.cases_only:
        sections = [s for s in sections if s[0] in FAST]
    for name, fn in sections:
        t = time.perf_counter()
        print(f"== {name}", flush=True)
        results[name] = fn()
        timings[name] = time.perf_counter() - t
        print(json.dumps(results[name], indent=1, default=str)[:3000], flush=True)
    shutil.rmtree(work, ignore_errors=True)
    write_results(results, timings, q, args.cases_only)


def write_results(r: dict, timings: dict, quick: bool, cases_only: bool = False) -> None:
    from bench.reliability_report import earlier_run, flat, markdown

    from zoo.io import write_json, write_text

    json_path, md_path = ROOT / "bench" / "results" / "reliability.json", ROOT / "bench" / "RESULTS-reliability.md"
    kept = json.loads(json_path.read_text()) if cases_only else {}
    numbers = {**kept, **flat(r, timings)}
    earlier = earlier_run(md_path.read_text()) if cases_only else None
    write_json(json_path, numbers)
    write_text(md_path, markdown(numbers, r, machine(), quick, earlier))
    print(json.dumps(numbers, indent=1))


if __name__ == "__main__":
    main()
