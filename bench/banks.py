"""Banks benchmark: each family's pretrained bank composed into a new task (bench/banks_<family>.py),
and the catalogue's banks counted by family.

    PYTHONPATH=. python bench/banks.py                        # every part, then the report
    PYTHONPATH=. python bench/banks.py --parts rims --seeds 0-2   # one part (its figures replace the old ones)
    PYTHONPATH=. python bench/banks.py --report-only          # the report from bench/records/banks.json

Writes bench/records/banks.json (everything every part measured so far, merged: a record per run in
``rims_runs`` and ``slot_vae_runs``, the catalogue's banks by family, each part's command and date), its
numbers as flat keys in bench/results/banks.json (``families_with_banks`` is their count there), and
bench/RESULTS-banks.md. A RIMs run replaces the recorded run of its method, fraction and seed and joins the
others recorded with the same ``--rims-steps``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from banks_report import write_markdown  # noqa: E402  (bench/banks_report.py)
from run_records import check_runs  # noqa: E402  (bench/run_records.py)
from zoo.io import write_json  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "banks.json"
RECORD = ROOT / "bench" / "records" / "banks.json"
PARTS = ("rims", "hypernetwork", "slot_vae")


def catalogue_figures() -> dict:
    """How many catalogue banks there are, and the families that have one."""
    from zoo.banks.catalogue import catalogue_banks
    from zoo.hub.pretrained import from_pretrained

    families = {}
    for entry in catalogue_banks():
        family = (from_pretrained(entry.path).meta.get("provenance") or {}).get("family")
        families.setdefault(family, []).append(entry.name)
    sizes = {e.name: sum(f.stat().st_size for f in e.path.iterdir()) for e in catalogue_banks()}
    return {"banks": sum(len(v) for v in families.values()), "families_with_banks": sorted(families),
            "banks_by_family": families, "largest_bank_bytes": max(sizes.values()),
            "banks_total_bytes": sum(sizes.values())}


def recorded() -> dict:
    """Everything bench/records/banks.json holds (empty before the first run)."""
    return json.loads(RECORD.read_text()) if RECORD.is_file() else {}


def flat(record: dict) -> dict[str, float]:
    """The record's numbers, keyed as the issue names them: the results file."""
    numbers = {k: v for k, v in record.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
    return {**numbers, "families_with_banks": len(record.get("families_with_banks") or [])}


def write(record: dict) -> None:
    write_json(RECORD, record)
    write_json(RESULTS, flat(record))


def seeds_of(text: str) -> list[int]:
    """``0-2`` or ``0,3`` as a list of seeds."""
    if "-" in text:
        lo, hi = text.split("-")
        return list(range(int(lo), int(hi) + 1))
    return [int(s) for s in text.split(",")]


def measure(part: str, args) -> dict:
    """One part's figures."""
    import torch

    torch.set_num_threads(1)
    seeds = seeds_of(args.seeds)
    if part == "rims":
        from banks_rims import RUN_KEY, run

        before = recorded()
        same = before.get("rims_steps") == args.rims_steps  # seeds recorded with other steps are run again
        runs = check_runs(before.get("rims_runs", []), RUN_KEY + ("error",), f"{RECORD.relative_to(ROOT)}: rims_runs")
        return run([0.01, 0.1], seeds, args.rims_steps, args.lstm_steps, runs if same else None)
    if part == "hypernetwork":
        from banks_hypernetwork import run

        return run(args.compose_steps)
    from banks_slot_vae import run

    return run(seeds, args.slot_vae_steps)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parts", default=",".join(PARTS))
    parser.add_argument("--seeds", default="0")
    parser.add_argument("--rims-steps", type=int, default=200)
    parser.add_argument("--lstm-steps", type=int, default=1000)
    parser.add_argument("--compose-steps", type=int, default=20)
    parser.add_argument("--slot-vae-steps", type=int, default=300)
    parser.add_argument("--report-only", action="store_true")
    args = parser.parse_args()
    if not args.report_only:
        for part in args.parts.split(","):
            started = time.time()
            got = measure(part, args)
            figures = recorded()  # read again: other parts may have written theirs meanwhile
            figures.update(got)
            figures.setdefault("commands", {})[part] = " ".join(["python bench/banks.py"] + sys.argv[1:])
            figures.setdefault("dates", {})[part] = time.strftime("%Y-%m-%d")
            print(f"[{part}] {time.time() - started:.0f}s", flush=True)
            figures.update(catalogue_figures())
            write(figures)
    figures = recorded()
    figures.update(catalogue_figures())
    write(figures)
    write_markdown(figures, ROOT / "bench" / "RESULTS-banks.md")


if __name__ == "__main__":
    main()
