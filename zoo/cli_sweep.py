"""``zoo sweep``: run a spec over seeds and settings (``zoo sweep SPEC ...``), and report a sweep
(``zoo sweep report DIR``). The logic lives in :mod:`zoo.sweep`; this module parses options.

zoo.cli registers the group with its error handling (:func:`register`), so this module does not import
zoo.cli."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Callable

import click

from zoo.errors import TrainingError
from zoo.sweep import (ClusterOptions, check_while_starting, load_plan, make_executor, resolve_points, run_sweep,
                       write_report)
from zoo.sweep.status import todo
from zoo.sweep.table import read_table

EXECUTORS = ("local", "inline", "submitit-local", "submitit-debug", "slurm")


class _SweepGroup(click.Group):
    """``zoo sweep SPEC ...`` means ``zoo sweep run SPEC ...``; ``zoo sweep report DIR`` reports."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


@click.group(cls=_SweepGroup, name="sweep")
def sweep() -> None:
    """Run specs over seeds and settings, resumably, and report means with confidence intervals.

    \b
      zoo sweep SPEC --seeds 0-4 --grid train.lr=1e-3,2e-3 --out sweeps/lr
      zoo sweep my-sweep.yaml --jobs 2            (a sweep file: see docs/sweeps.md)
      zoo sweep report sweeps/lr
    """


@sweep.command(name="run")
@click.argument("specs", nargs=-1, required=True, metavar="SPEC...")
@click.option("--seeds", metavar="SEEDS", help="Seeds of every setting: 0-4, 0,2,5 (default: the spec's own).")
@click.option("--grid", multiple=True, metavar="PATH=V1,V2",
              help="Values of one spec path; every combination of the --grid paths runs (repeatable).")
@click.option("--set", "sets", multiple=True, metavar="PATH=VALUE", help="Override for every point (repeatable).")
@click.option("--out", type=click.Path(file_okay=False), help="The sweep's folder (default sweeps/<name>).")
@click.option("--jobs", type=click.IntRange(min=1), default=1, show_default=True, help="Runs at a time.")
@click.option("--threads", type=click.IntRange(min=1), default=1, show_default=True, help="Torch threads per run.")
@click.option("--executor", type=click.Choice(EXECUTORS), default="local", show_default=True,
              help="local: worker processes; inline: this process; submitit-*/slurm: submitit (mechzoo[slurm]).")
@click.option("--device", default="cpu", show_default=True, help="Each run's device: cpu, cuda, or auto.")
@click.option("--fail-fast", is_flag=True, help="Stop at the first failed run (default: record it, go on).")
@click.option("--dry-run", is_flag=True, help="Check every point and list what would run; run nothing.")
@click.option("--slurm-partition", help="Slurm partition (--executor slurm).")
@click.option("--slurm-time", type=click.IntRange(min=1), default=24 * 60, show_default=True,
              help="A run's time limit in minutes (submitit).")
@click.option("--slurm-gpus", type=click.IntRange(min=0), default=0, show_default=True,
              help="GPUs per run (--executor slurm).")
def run(specs: tuple[str, ...], seeds: str | None, grid: tuple[str, ...], sets: tuple[str, ...], out: str | None,
        jobs: int, threads: int, executor: str, device: str, fail_fast: bool, dry_run: bool,
        slurm_partition: str | None, slurm_time: int, slurm_gpus: int) -> None:
    """Train SPEC (a spec file, a catalogue name, several of them, or one sweep file) at every seed and
    setting, one run directory per point, into --out: results.csv has one row per run.

    Runs already done with the same spec are skipped: run the same command again to continue a sweep;
    a point whose spec changed runs again. Exit code 2 for bad input (nothing runs), 1 when a run failed.
    """
    folder = Path(out) if out else Path("sweeps") / Path(specs[0]).stem
    if dry_run:
        _list_todo(resolve_points(load_plan(specs, seeds, grid, sets)), folder)
        return
    engine = make_executor(executor, jobs, folder / "submitit", threads,
                           ClusterOptions(slurm_partition, slurm_time, slurm_gpus))
    points = check_while_starting(lambda: resolve_points(load_plan(specs, seeds, grid, sets)), engine)
    try:
        result = run_sweep(points, folder, engine, threads, device, fail_fast, say=click.echo)
    except KeyboardInterrupt:
        click.echo(f"interrupted: finished runs are in {folder / 'results.csv'}; run the same command to continue",
                   err=True)
        sys.exit(130)
    click.echo(f"table: {result.table} ({len(result.rows)} runs); report: zoo sweep report {folder}")
    if result.failed:
        stopped = " (--fail-fast stopped the sweep there)" if fail_fast else ""
        raise TrainingError(f"{len(result.failed)} of {result.ran} runs failed{stopped}; their errors are in "
                            f"{result.table}, their output in {folder / 'logs'}")


def _list_todo(points: list, folder: Path) -> None:
    work = todo(points, read_table(folder), folder)
    click.echo(f"{len(points)} run(s) checked; {len(points) - len(work)} done already, {len(work)} to run:")
    for item in work:
        p = item.point
        how = f"{item.why}, resumes its checkpoint" if item.resume else item.why
        click.echo(f"  {p.key}  {p.spec_name} seed {p.seed} {p.setting} ({how})")


@sweep.command(name="report")
@click.argument("folder", metavar="DIR", type=click.Path(file_okay=False))
@click.option("--out", type=click.Path(file_okay=False), help="Where to write the report (default DIR/report).")
def report(folder: str, out: str | None) -> None:
    """Means over seeds with 95% confidence intervals for each setting of the sweep in DIR: summary.csv,
    report.md and one plot per metric."""
    click.echo(f"wrote {write_report(folder, out)}")


def register(main: click.Group, friendly: Callable[[Callable[..., Any]], Callable[..., Any]]) -> None:
    """Add ``zoo sweep`` to ``main``, every command's callback wrapped in ``friendly`` (the CLI's messages and
    exit codes)."""
    for command in sweep.commands.values():
        command.callback = friendly(command.callback)
    main.add_command(sweep)
