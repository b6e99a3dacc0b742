"""Command-line options shared by the commands that train (``zoo train``, ``zoo compose``)."""

from __future__ import annotations

import click

from zoo.limits import DEFAULT_MAX_MEMORY_GIB

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
