"""Performance benchmark: compiler overhead, mechanism banks, compile time, torch.compile, knn scaling,
training throughput, side by side with public libraries (bench/perf_peers.py), thread scaling. Everything
is measured in this one run (one thread unless said, interleaved repeats, medians).

    PYTHONPATH=. python bench/performance.py            # full run: bench/results/performance.json,
                                                        # bench/RESULTS-performance.md
    PYTHONPATH=. python bench/performance.py --quick    # smoke run at tiny sizes (writes to --out or a temp dir)
    PYTHONPATH=. python bench/performance.py --only peers threads   # re-measure some sections, keep the rest
    PYTHONPATH=. python bench/performance.py --only peers --peers meta hypernetwork   # some comparisons only
    PYTHONPATH=. python bench/performance.py --device cuda          # the same tables on a GPU

The time-to-quality figures come from bench/time_to_bar.py (training runs), merged into the same files.
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
import perf_peers  # noqa: E402
from perf_report import machine_line, write_markdown  # noqa: E402
from zoo.io import write_json  # noqa: E402

HEADLINE = ["comet-particles", "hypernet-linear-connected", "rims-digits", "slotvae-sprites"]


SECTIONS = ("overhead", "bank", "catalogue", "peers", "threads")


def run(quick: bool, device: str, inductor_all: bool, sections: tuple[str, ...] = SECTIONS,
        peer_groups: tuple[str, ...] = tuple(perf_peers.GROUPS)
        ) -> tuple[dict[str, float], dict[str, list[dict]], list[str]]:
    """The measurements of ``sections``; returns the flat numbers, the per-spec tables and notes."""
    nums: dict[str, float] = {}
    tables: dict[str, list[dict]] = {}
    notes: list[str] = []
    say = lambda msg: print(msg, flush=True)  # noqa: E731

    if "overhead" in sections:
        for name in perf_overhead.CASES:
            say(f"overhead: {name}")
            nums.update(perf_overhead.overhead(name, quick=quick, device=device))
            say(f"  ratio {nums[f'overhead_ratio_{name}']:.3f}")
    if "bank" in sections:
        say("mechanism bank vs loop; bank vs matmul")
        nums.update(perf_bank.bank_vs_loop(device=device))
        nums.update({f"{k}_b256": v for k, v in perf_bank.bank_vs_loop(batch=256, device=device).items()})
        nums.update(perf_bank.bank_matmul_fraction(
            **({"width": 32, "batch": 256, "square": 256} if quick else {}), device=device))
        say("knn scaling")
        nums.update(perf_bank.knn_scaling(**({"sizes": (16, 32, 64), "memory": False} if quick else {})))
    if "catalogue" in sections:
        catalogue(quick, device, inductor_all, nums, tables, say)
    if "peers" in sections:
        more, notes = perf_peers.run(quick, device, say, peer_groups)
        nums.update(more)
    if "threads" in sections and device == "cpu":
        say("thread scaling: training throughput at 2 threads over 1")
        nums.update(cat.thread_scaling(**({"steps": 1, "batch": 2, "families": {"hypernetwork": cat.FAMILY_SPECS[
            "hypernetwork"]}} if quick else {})))
        torch.set_num_threads(1)
    return nums, tables, notes


def catalogue(quick: bool, device: str, inductor_all: bool, nums: dict, tables: dict, say) -> None:
    """Per catalogue spec: compile time, torch.compile, training throughput (into ``nums`` and ``tables``)."""
    names = cat.catalogue()
    say(f"compile time over {len(names)} specs")
    more, tables["compile"] = cat.compile_times(names, repeat=1 if quick else 5)
    nums.update(more)
    say("torch.compile(fullgraph=True), aot_eager backend: every spec")
    checked = names[:2] if quick else names
    more, tables["fullgraph"] = cat.torch_compile(checked, backend="eager" if quick else "aot_eager", repeat=2,
                                                  device=device)
    nums.update(more)
    if not quick:
        say("torch.compile, inductor backend: speed-ups")
        more, tables["inductor"] = cat.torch_compile(names if inductor_all else HEADLINE, repeat=10, device=device)
        nums["inductor_specs_ok"] = more["torch_compile_specs_ok"]
    say("training throughput")
    more, tables["throughput"] = (cat.throughput(["hypernet-linear-connected"], steps=1, batch=2, device=device)
                                  if quick else cat.throughput(names, steps=3, device=device))
    nums.update(more)


def keep_earlier(saved: dict, tables: dict, labels: list[str], part: dict) -> dict:
    """The saved record of an earlier run with this partial run's tables and a ``partial`` entry naming what it
    re-measured (``labels``); earlier partial entries keep the sections not re-measured now."""
    earlier = [{**p, "sections": [x for x in p["sections"] if x not in labels]} for p in saved.get("partial", [])]
    saved["partial"] = [p for p in earlier if p["sections"]] + [{"sections": labels, **part}]
    saved["tables"].update(tables)
    return saved


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="tiny sizes, a few repeats: a smoke run")
    ap.add_argument("--device", default="cpu", help="cpu or cuda")
    ap.add_argument("--inductor-all", action="store_true", help="inductor speed-ups for every spec (slow)")
    ap.add_argument("--only", nargs="+", choices=SECTIONS, default=None,
                    help="measure only these sections; the saved figures of the others are kept")
    ap.add_argument("--peers", nargs="+", choices=tuple(perf_peers.GROUPS), default=None,
                    help="with --only peers: re-measure only these comparisons, keep the others' saved figures")
    ap.add_argument("--out", type=Path, default=None, help="where to write (default: bench/, or a temp dir with --quick)")
    ap.add_argument("--report-only", action="store_true", help="rewrite the markdown from the saved results")
    args = ap.parse_args(argv)
    if args.peers and "peers" not in (args.only or []):
        ap.error("--peers picks comparisons of the peers section: use it with --only peers")
    torch.set_num_threads(1)
    out = args.out or (Path(tempfile.mkdtemp(prefix="perf-quick-")) if args.quick else Path(__file__).resolve().parent)
    command = "PYTHONPATH=. python bench/performance.py" + " ".join(a for a in [""] + (argv or sys.argv[1:]))
    figures, saved_path = out / "results" / "performance.json", out / "records" / "performance-tables.json"
    measured = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    if args.report_only:  # rewrite the markdown from the last run's files (no measurement)
        nums, saved = json.loads(figures.read_text()), json.loads(saved_path.read_text())
        write_markdown(out / "RESULTS-performance.md", nums, saved, args.device, args.quick)
        return 0
    groups = tuple(args.peers or perf_peers.GROUPS)
    start = time.perf_counter()
    nums, tables, notes = run(args.quick, args.device, args.inductor_all, tuple(args.only or SECTIONS), groups)
    seconds = time.perf_counter() - start
    machine = machine_line(args.device, measured, seconds)
    saved = {"command": command, "measured": measured, "machine": machine, "tables": tables}
    if args.only:  # keep the saved figures of the sections not measured now
        labels = [f"peers: {', '.join(groups)}" if x == "peers" and args.peers else x for x in args.only]
        saved = keep_earlier(json.loads(saved_path.read_text()), tables, labels,
                             {"command": command, "measured": measured, "machine": machine})
        nums = {**json.loads(figures.read_text()), **nums}
    else:
        nums["benchmark_seconds"] = seconds
    if "peers" in (args.only or SECTIONS):
        earlier = saved.get("peers", {}) if args.peers else {}
        saved["peers"] = {"notes": earlier.get("notes", []) + notes,
                          "versions": {**earlier.get("versions", {}), **perf_peers.versions(groups)}}
    write_json(figures, {k: float(v) for k, v in sorted(nums.items())})
    write_json(saved_path, saved)
    write_markdown(out / "RESULTS-performance.md", nums, saved, args.device, args.quick)
    print(f"wrote {figures} and {out / 'RESULTS-performance.md'}")
    for k in sorted(nums):
        print(f"{k:40s} {nums[k]:.4g}")
    for note in notes:
        print(f"note: {note}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
