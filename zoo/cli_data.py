"""The ``zoo data`` commands (export a generated world to a file, check a user's file) and ``zoo predict``;
:mod:`zoo.cli` adds them to ``zoo``."""

from __future__ import annotations

import json

import click

from zoo.cli_errors import friendly
from zoo.cli_options import DEVICE, PROGRESS, SET, SPEC, load_spec_argument
from zoo.errors import DataError, printable

FILE_KINDS = ("trajectories", "images", "sequences", "tasks")


@click.group()
def data() -> None:
    """Data files: see a generated world in its file format, check a file you bring."""


@data.command(name="export")
@SPEC
@SET
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="The .npz file to write.")
@click.option("--seed", type=int, help="Generate with this seed (default: the spec's train.seed).")
@click.option("--tasks", type=click.IntRange(1, 1_000_000), default=512, show_default=True,
              help="Tasks per split, for task worlds (which are otherwise drawn afresh at every step).")
@friendly
def export(spec: str, overrides: tuple[str, ...], out: str, seed: int | None, tasks: int) -> None:
    """Write SPEC's generated environment as a data file; prints the data section that reads it back."""
    from zoo.families.export import export as write

    section = write(load_spec_argument(spec, overrides), out, seed, tasks)
    click.echo(f"wrote {out}")
    click.echo(f"data: {json.dumps(section)}")


@data.command(name="check")
@click.argument("file", metavar="FILE.npz")
@click.option("--kind", required=True, type=click.Choice(FILE_KINDS), help="The data kind the file is for.")
@friendly
def check(file: str, kind: str) -> None:
    """Check a data file as training would read it; print a summary. Exit 0 if usable, 2 if not."""
    from zoo.envs.files.summary import check_file

    report = check_file(file, kind)
    for line in report.lines:  # array and feature names come from the file: no control codes
        click.echo(printable(line, newlines=False))
    if not report.ok:
        raise DataError("\n".join(report.problems))
    click.echo(f"ok: {file} is usable as data: {{kind: {kind}, path: {file}}}")


@click.command()
@click.argument("run_ref", metavar="RUN")
@click.option("--data", "data_ref", required=True, metavar="FILE.npz", help="A data file (local or hf://datasets/...).")
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="The .npz file of predictions to write.")
@DEVICE
@click.option("--rollout", type=click.IntRange(0, 10_000), default=0, show_default=True,
              help="Dynamics models: also roll out this many steps from each trajectory's first state.")
@PROGRESS
@friendly
def predict(run_ref: str, data_ref: str, out: str, device: str, rollout: int, progress: bool | None) -> None:
    """Predict with a trained RUN (run directory or bank) on every sample of a data file."""
    from zoo.trained import load_run
    from zoo.trained.predict import predict_file

    if not out.endswith(".npz"):
        raise DataError(f"{out}: the output must be an .npz file")
    path = predict_file(load_run(run_ref, device), data_ref, out, rollout, progress=progress)
    click.echo(f"wrote {path}")
