"""What the benchmarks share: the machine they ran on (CPU model, cores, versions, date), running a
benchmark's sweep, and recording what a benchmark measures on its runs' directories after the sweep."""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable


def cpu_model() -> str:
    """The CPU's model name (from /proc/cpuinfo when present)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def environment() -> dict[str, str]:
    """CPU model, cores, torch and Python versions, and the date."""
    import torch

    return {"cpu": cpu_model(), "cores": str(os.cpu_count()), "torch": torch.__version__,
            "python": sys.version.split()[0], "date": time.strftime("%Y-%m-%d")}


def recorded_line(report: Path, prefix: str) -> str | None:
    """The line of an existing report that starts with ``prefix`` (where its figures were measured), or None:
    a report re-rendered from saved figures keeps the machine and date they were measured on."""
    lines = report.read_text().splitlines() if report.is_file() else []
    return next((line for line in lines if line.startswith(prefix)), None)


def machine_line(prefix: str) -> str:
    """``prefix`` and this machine, today: CPU model, torch threads (of the cores), torch and Python versions, date."""
    import torch

    return (f"{prefix}{cpu_model()}, {torch.get_num_threads()} torch thread (of {os.cpu_count()} cores), "
            f"torch {torch.__version__}, Python {platform.python_version()}, {time.strftime('%Y-%m-%d')}.")


def recorded_command(report: Path, prefix: str) -> str | None:
    """The command quoted (in backticks) on the line of an existing report that starts with ``prefix``, or None:
    a report re-rendered from a recorded sweep keeps the command that measured it."""
    line = recorded_line(report, prefix)
    return line.split("`")[1] if line and line.count("`") >= 2 else None


def in_bench_folder(parser: argparse.ArgumentParser, work: Callable[[Path], Any], out: Path | None, default: Path,
                    temporary: bool) -> None:
    """``work(folder)`` in ``out``, or (without ``out``) in a temporary folder deleted afterwards when
    ``temporary`` (a smoke run), else in ``default``. Bad input (a ZooError) ends the script with its message
    and exit code 2."""
    from zoo.errors import ZooError

    try:
        if out is None and temporary:
            with tempfile.TemporaryDirectory() as tmp:
                work(Path(tmp))
        else:
            work(out or default)
    except ZooError as e:
        parser.exit(2, f"error:\n{e}\n")


def sweep_bench(specs: list[str], folder: Path, seeds: str, sets: list[str], jobs: int) -> list:
    """Run (or continue) a benchmark's sweep of ``specs`` over ``seeds`` with the shared overrides ``sets``
    (:func:`sweep_bench_plan`). The rows kept."""
    from zoo.sweep import load_plan
    from zoo.sweep.seeds import parse_seeds

    def plan_at(chosen: list[int]):
        return load_plan(specs, ",".join(map(str, chosen)), (), sets)

    return sweep_bench_plan(plan_at(list(parse_seeds(seeds))), plan_at, folder, jobs)


def sweep_bench_plan(plan: Any, plan_at: Callable[[list[int]], Any], folder: Path, jobs: int) -> list:
    """Run (or continue) a benchmark's sweep ``plan`` (``zoo sweep``: one process and thread per run, ``jobs`` at
    a time) and keep in its table only the runs of today's settings: ``plan_at(seeds)`` is every point the
    benchmark has at ``seeds``, and a run recorded with another fingerprint than its point's today (other
    steps, an older spec), or of no point, is dropped, so the figures only average like runs. The rows kept."""
    from zoo.sweep import check_while_starting, make_executor, resolve_points, run_sweep
    from zoo.sweep.lock import sweep_lock
    from zoo.sweep.table import write_table

    engine = make_executor("local", jobs, folder / "submitit", 1)
    points = check_while_starting(lambda: resolve_points(plan), engine)
    result = run_sweep(points, folder, engine, threads=1)
    if result.failed:
        raise SystemExit(f"{len(result.failed)} run(s) failed; see {result.table}")
    every = sorted({p.seed for p in points} | {r.seed for r in result.rows})
    current = {p.key: p.fingerprint for p in resolve_points(plan_at(every))}
    kept = [r for r in result.rows if current.get(r.run) == r.fingerprint]
    if len(kept) < len(result.rows):
        print(f"{folder}: dropped {len(result.rows) - len(kept)} run(s) recorded with other settings", flush=True)
        with sweep_lock(folder):
            write_table(folder, kept)
    return kept


def spec_path(path: Path) -> str:
    """``path`` as a point names it: relative to the current directory (the repository root when the bench runs
    as documented) where it lies below it, so a point's run name and fingerprint do not depend on the checkout."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path.resolve())


def kept_notes(report: Path, heading: str = "### Notes") -> str:
    """The hand-written part of an existing report, from its ``heading`` to the end (kept when the report is
    re-rendered; empty when there is none)."""
    text = report.read_text() if report.is_file() else ""
    return text[text.index(heading):] if heading in text else ""


def run_dir(folder: Path, run: str) -> Path:
    """The directory of the run ``run`` (a row's ``run``) of the sweep in ``folder``.

    Raises:
        SystemExit: ``run`` is not a plain folder name (the table's rows name their folders under ``runs/``).
    """
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", run):
        raise SystemExit(f"{folder / 'results.csv'}: run {run!r} is not a folder name")
    return folder / "runs" / run


def measured_by_run(rows: list, folder: Path, recorded: dict[str, dict], new: set[str],
                    measure: Callable[[Any], dict], missing: str) -> dict[str, dict]:
    """Figures a benchmark measures on each ``ok`` run's directory after its sweep in ``folder`` (run directories
    are not kept, so they are recorded), by the row's ``run``: ``{"fingerprint": <the row's>, **measure(row)}``
    when the row is ``new`` (or ``recorded`` has no entry of its fingerprint) and its directory holds the
    model, else ``recorded``'s entry of that run and fingerprint. A row with neither is said (``missing``, then
    the run) and left out."""
    entries: dict[str, dict] = {}
    for r in (r for r in rows if r.status == "ok"):
        entry = recorded.get(r.run)
        entry = entry if entry is not None and entry.get("fingerprint") == r.fingerprint else None
        if (r.run in new or entry is None) and (run_dir(folder, r.run) / "model.safetensors").is_file():
            entry = {"fingerprint": r.fingerprint, **measure(r)}
        if entry is None:
            print(f"{missing} of run {r.run} (no run directory, no entry of its fingerprint)", flush=True)
        else:
            entries[r.run] = entry
    return entries


def run_record(rows: list, folder: Path, path: Path, new: set[str], measure: Callable[[Any], dict], missing: str,
               problem: Callable[[dict], str | None]) -> dict[str, dict]:
    """The entries of a record of figures measured by run after the sweep in ``folder`` (``{run: {"fingerprint":
    <its row's>, ...}}``, :func:`measured_by_run`) for the ``ok`` ``rows``; the record at ``path`` is rewritten to
    hold them when that changes it. ``problem`` says what is wrong with a recorded entry (None: nothing).

    Raises:
        SystemExit: the file is not such a record (the message names the file and the run).
    """
    from zoo.io import write_json

    recorded = read_json(path)
    if recorded is None:
        recorded = {}
    elif not isinstance(recorded, dict):
        raise SystemExit(f"{path}: not an object of runs")
    for run, entry in recorded.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("fingerprint"), str):
            raise SystemExit(f"{path}: run {run!r}: not an object with a fingerprint (a string)")
        if (text := problem(entry)) is not None:
            raise SystemExit(f"{path}: run {run!r}: {text}")
    entries = measured_by_run(rows, folder, recorded, new, measure, missing)
    if entries != recorded:
        write_json(path, entries)
    return entries


def read_json(path: Path) -> Any:
    """The JSON document at ``path`` (None when there is no file): a benchmark's record.

    Raises:
        SystemExit: the file is not JSON (the message names the file and line).
    """
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        raise SystemExit(f"{path}:{e.lineno}: not JSON ({e.msg})") from None


def sweep_bench_main(parser: argparse.ArgumentParser, argv: list[str] | None, outputs: str,
                     work: Callable[[Any, Path], Any], default: Path) -> None:
    """Parse a sweep benchmark's options (``parser``'s own, then ``--jobs``, ``--out``, ``--report-only`` and
    ``--quick``; ``--seeds``, default 0-2, 0 with --quick) and run ``work(args, folder)`` in the folder of its sweeps
    and ``outputs`` (:func:`in_bench_folder`). A bad ``--seeds`` is a usage error (exit 2)."""
    from zoo.sweep.seeds import parse_seeds

    parser.add_argument("--jobs", type=int, default=1, help="runs at a time (one process and thread each)")
    parser.add_argument("--out", type=Path, default=None, help=f"folder of sweeps/, {outputs} (default: bench/; "
                        "with --quick a temporary folder)")
    parser.add_argument("--report-only", action="store_true",
                        help="rewrite the figures and the report from the recorded sweeps (trains nothing)")
    parser.add_argument("--quick", action="store_true", help="tiny sizes to check the script runs (not a result)")
    args = parser.parse_args(argv)
    try:
        args.seeds = list(parse_seeds(args.seeds or ("0" if args.quick else "0-2")))
    except ValueError as e:
        parser.error(f"--seeds: {e}")
    in_bench_folder(parser, lambda out: work(args, out), args.out, default, args.quick)


def catalogue_bank_pin(name: str) -> str:
    """The sha256 the catalogue bank ``name`` records for its weights: a point that reuses the bank pins it
    (``sha256``), so a rebuilt bank is a new setting and its runs train again."""
    bank = Path(__file__).resolve().parents[1] / "banks" / name / "spec.json"
    return json.loads(bank.read_text())["files"]["model.safetensors"]


def pct(fraction: float) -> str:
    """``1pct`` for 0.01: a fraction of the data as the results' keys name it."""
    return f"{fraction * 100:g}pct"


def swept(plan: Any, plan_at: Callable[[list[int]], Any], folder: Path, jobs: int) -> set[str]:
    """Run (or continue) one sweep of a benchmark (:func:`sweep_bench_plan`); the runs it recorded anew."""
    from zoo.sweep import read_table

    before = {(r.run, r.fingerprint, r.status) for r in read_table(folder)}
    rows = sweep_bench_plan(plan, plan_at, folder, jobs)
    return {r.run for r in rows if (r.run, r.fingerprint, r.status) not in before}


def only_row(folder: Path) -> Any:
    """The one finished run of the one-point sweep in ``folder``.

    Raises:
        SystemExit: the sweep has no finished run, or several.
    """
    from zoo.sweep import read_table

    rows = [r for r in read_table(folder) if r.status == "ok"]
    if len(rows) != 1:
        raise SystemExit(f"{folder / 'results.csv'}: expected one finished run, found {len(rows)}; "
                         "run the benchmark first")
    return rows[0]


def source_weights(source: Path, into: Path) -> tuple[Path, Any]:
    """Where the points fine-tuned from the one run of the sweep in ``source`` read its weights, and that run's row:
    ``into/pretrained/<spec>-<fingerprint>.safetensors`` (named by the run's fingerprint, so a changed source
    changes their fingerprints and they run again), copied there from the run's directory when that is here (run
    directories are not kept)."""
    from zoo.io import atomic_path

    row = only_row(source)
    weights = into / "pretrained" / f"{row.spec}-{row.fingerprint}.safetensors"
    trained = run_dir(source, row.run) / "model.safetensors"
    if not weights.is_file() and trained.is_file():
        with atomic_path(weights) as tmp:
            shutil.copyfile(trained, tmp)
    return weights, row
