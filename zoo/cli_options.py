"""Command-line arguments and options shared by several commands: the SPEC argument with its ``--set``
overrides, a Hub ``--revision``, and the options of the commands that train (``zoo train``, ``zoo compose``)."""

from __future__ import annotations

from typing import Any, Callable

import click

from zoo.limits import DEFAULT_MAX_MEMORY_GIB
from zoo.schema import load_spec

SPEC = click.argument("spec", metavar="SPEC")
SET = click.option("--set", "overrides", multiple=True, metavar="PATH=VALUE",
                   help="Override a spec value, e.g. --set train.steps=200 (repeatable).")
REVISION = click.option("--revision", help="Hub branch, tag or commit sha (or write ORG/NAME@REV).")

RUN_DIR = click.option("--run-dir", type=click.Path(file_okay=False),
                       help="Where to write the run (default runs/<name>-<time>); a new run needs it missing or empty.")
RESUME = click.option("--resume", is_flag=True,
                      help="Continue the run in --run-dir from its last checkpoint (same spec; train.steps and "
                           "how often to evaluate, log and checkpoint may change).")
OVERWRITE = click.option("--overwrite", is_flag=True,
                         help="Delete the earlier run in --run-dir (logs, checkpoints, weights, plots, banks, "
                              "report) and start again.")
THREADS = click.option("--threads", type=click.IntRange(min=1), metavar="N",
                       help="CPU threads for torch (default: torch's choice); recorded in the run's run.json.")
MAX_MEMORY = click.option("--max-memory", "max_memory", type=click.FloatRange(min=0), default=DEFAULT_MAX_MEMORY_GIB,
                          show_default=True, metavar="GIB",
                          help="Refuse a run whose estimated memory (data, parameters with optimiser state, "
                               "activations) exceeds this many GiB; 0: no check.")

DEVICE = click.option("--device", default="cpu", show_default=True, help="cpu, cuda, or auto.")
PROGRESS = click.option("--progress/--no-progress", default=None, help="Progress bar (default: only on a terminal).")


def training_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add the options of a command that trains, in the order ``--help`` lists them: ``--run-dir``,
    ``--device``, ``--resume``, ``--overwrite``, ``--threads``, ``--max-memory``, ``--progress``."""
    for option in reversed((RUN_DIR, DEVICE, RESUME, OVERWRITE, THREADS, MAX_MEMORY, PROGRESS)):
        command = option(command)
    return command


def load_spec_argument(spec_ref: str, overrides: tuple[str, ...]):
    """The spec that SPEC (a file or a catalogue name) and its ``--set`` overrides give."""
    return load_spec(spec_ref, overrides)
