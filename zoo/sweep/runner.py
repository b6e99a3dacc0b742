"""Run a sweep: every point that is not done yet (see :mod:`zoo.sweep.status`), through an executor.

The results table is rewritten (atomically) after every finished run, so an interrupted sweep leaves a
complete table of what finished, and running it again continues it. A failed run is recorded with its
error and the sweep goes on (unless ``fail_fast``). Layout of a sweep folder::

    results.csv         one row per run (zoo.sweep.table)
    runs/<run>/         each run's directory, as ``zoo train`` writes it
    logs/<run>.log      each run's output
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from zoo.sweep.executors import Executor
from zoo.sweep.job import RunJob, RunOutcome
from zoo.sweep.lock import sweep_lock
from zoo.sweep.resolve import ResolvedPoint
from zoo.sweep.status import LOGS, RUNS, Todo, todo
from zoo.sweep.table import RunRow, read_table, write_table


@dataclass
class SweepResult:
    """What a sweep did: rows of the table (every recorded run), and counts of this invocation."""

    table: Path
    rows: list[RunRow]
    skipped: int = 0
    ran: int = 0
    failed: list[RunRow] = field(default_factory=list)


def run_sweep(points: list[ResolvedPoint], folder: str | Path, executor: Executor, threads: int = 1,
              device: str = "cpu", fail_fast: bool = False, say: Callable[[str], Any] = print) -> SweepResult:
    """Run the points of a sweep that are not done yet in ``folder``; the table of every recorded run.

    Args:
        points: the sweep's points, checked (:func:`zoo.sweep.resolve.resolve_points`).
        folder: the sweep's folder (created).
        executor: where runs execute (:func:`zoo.sweep.executors.make_executor`); closed at the end.
        threads: torch threads per run.
        device: every run's device.
        fail_fast: stop at the first failed run (the runs in progress are interrupted).
        say: prints one line per event.

    Raises:
        KeyboardInterrupt: Ctrl-C; the table holds every run that finished.
    """
    folder = Path(folder)
    try:
        with sweep_lock(folder):
            rows = {r.run: r for r in read_table(folder)}
            work = todo(points, list(rows.values()), folder)
            result = SweepResult(folder / "results.csv", [], skipped=len(points) - len(work))
            say(f"sweep {folder}: {len(points)} run(s); {result.skipped} done already, {len(work)} to run"
                + (f", {executor.slots} at a time" if work and executor.slots > 1 else ""))
            record = _recorder(points, rows, result, len(work), say)
            _execute(work, folder, executor, threads, device, fail_fast, record)
            if not result.table.is_file():
                write_table(folder, _ordered(points, rows))
            result.rows = _ordered(points, rows)
            return result
    finally:
        executor.close()


def check_while_starting(check: Callable[[], list[ResolvedPoint]], executor: Executor) -> list[ResolvedPoint]:
    """The sweep's points, checked by ``check`` while ``executor``'s workers start (made first for that);
    when the check fails, the workers are stopped at once and nothing runs."""
    try:
        return check()
    except BaseException:
        executor.close(now=True)
        raise


def _recorder(points: list[ResolvedPoint], rows: dict[str, RunRow], result: SweepResult, total: int,
              say: Callable[[str], Any]) -> Callable[[Todo, RunOutcome], None]:
    """What to do with each finished run: its row into the table (written at once), a line said."""

    def record(item: Todo, outcome: RunOutcome) -> None:
        p = item.point
        row = RunRow(p.key, p.spec_name, p.setting, p.overrides, p.seed, outcome.status, outcome.error,
                     outcome.wall_s or None, p.fingerprint, outcome.metrics)
        rows[p.key] = row
        write_table(result.table.parent, _ordered(points, rows))
        result.ran += 1
        result.failed += [row] if row.status != "ok" else []
        setting = f" {p.setting}" if p.setting != "-" else ""
        say(f"[{result.ran}/{total}] {row.status:6s} {p.spec_name} seed {p.seed}{setting} "
            f"({outcome.wall_s:.1f} s){': ' + row.error if row.error else ''}")

    return record


def _execute(work: list[Todo], folder: Path, executor: Executor, threads: int, device: str, fail_fast: bool,
             record: Callable[[Todo, RunOutcome], None]) -> None:
    """Submit ``work`` at most ``executor.slots`` at a time and record each outcome as it comes."""
    pending, running = list(work), {}
    try:
        while pending or running:
            while pending and len(running) < executor.slots:
                item = pending.pop(0)
                running[executor.submit(_job(item, folder, threads, device))] = item
            for handle in executor.wait(list(running)):
                outcome = executor.outcome(handle)
                if outcome.status == "interrupted":
                    running.pop(handle)
                    raise KeyboardInterrupt
                record(running.pop(handle), outcome)
                if fail_fast and outcome.status != "ok":
                    pending.clear()
                    raise _FailFast
    except (KeyboardInterrupt, _FailFast) as stop:
        executor.stop()
        _drain(running, executor, record)  # keep what finished meanwhile; interrupted runs continue next time
        if isinstance(stop, KeyboardInterrupt):
            raise


class _FailFast(Exception):
    """The first run failed and the sweep was asked to stop there."""


def _drain(running: dict[Any, Todo], executor: Executor, record: Callable[[Todo, RunOutcome], None]) -> None:
    while running:
        for handle in executor.wait(list(running)):
            outcome = executor.outcome(handle)
            item = running.pop(handle)
            if outcome.status != "interrupted":
                record(item, outcome)


def _job(item: Todo, folder: Path, threads: int, device: str) -> RunJob:
    """The job of one point; a run that starts again replaces its earlier run (training's overwrite) and log."""
    p = item.point
    log = folder / LOGS / f"{p.key}.log"
    if not item.resume:
        log.unlink(missing_ok=True)
    return RunJob(p.key, p.spec, str(folder / RUNS / p.key), str(log), item.resume, threads, device)


def _ordered(points: list[ResolvedPoint], rows: dict[str, RunRow]) -> list[RunRow]:
    """The recorded rows in the sweep's order; rows of points no longer in the sweep stay, at the end."""
    keys = [p.key for p in points if p.key in rows]
    planned = set(keys)
    return [rows[k] for k in keys] + [r for k, r in rows.items() if k not in planned]
