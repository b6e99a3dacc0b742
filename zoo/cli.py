"""The ``zoo`` command line. Each command only parses arguments and calls the library.

Exit codes: 0 success, 2 bad input (spec, file, arguments; a message, never a traceback),
1 a failure while running (e.g. training stopped on a NaN).
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from zoo.cli_data import data, predict
from zoo.cli_errors import friendly, located
from zoo.cli_hub import COMMANDS as BANK_COMMANDS
from zoo.cli_list import catalogue_lines
from zoo.cli_messages import show_library_warnings
from zoo.cli_options import SET, SPEC, load_spec_argument, training_options
from zoo.cli_plugins import register as register_plugins
from zoo.cli_sweep import register as register_sweep
from zoo.errors import ZooError, printable
from zoo.io import write_text
from zoo.report import write_report
from zoo.schema import json_schema
from zoo.schema.reference import reference_markdown
from zoo.starters import starter


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="mechzoo", prog_name="zoo")
def main() -> None:
    """zoo: write a model spec, compile it to PyTorch, train it, share its mechanism banks.

    SPEC is a YAML/JSON file or the name of a catalogue spec (see `zoo list`).
    """
    show_library_warnings()


@main.command()
@SPEC
@SET
@friendly
def validate(spec: str, overrides: tuple[str, ...]) -> None:
    """Check a spec: schema, references, data, graph wiring and shapes, what training needs. Lists every
    problem at once."""
    from zoo.train.build import resolved_graph
    from zoo.train.requirements import check_model

    s = load_spec_argument(spec, overrides)
    g = located(s, lambda: resolved_graph(s))
    check_model(s, g)
    click.echo(f"ok: {s.name} ({s.model.kind}, {g.number_of_nodes()} nodes, {g.number_of_edges()} edges)")


@main.command()
@click.option("--out", type=click.Path(dir_okay=False), help="Write to this file instead of stdout.")
@click.option("--markdown", is_flag=True, help="The spec reference in Markdown instead (docs/spec-reference.md).")
@friendly
def schema(out: str | None, markdown: bool) -> None:
    """Print the JSON Schema of spec documents (for editor completion and validation)."""
    text = reference_markdown() if markdown else json.dumps(json_schema(), indent=2) + "\n"
    if out:
        write_text(out, text)
    else:
        click.echo(text, nl=False)


@main.command()
@SPEC
@SET
@click.option("--out", type=click.Path(dir_okay=False), help="Write the graph as .png, .svg, .dot or .txt.")
@friendly
def graph(spec: str, overrides: tuple[str, ...], out: str | None) -> None:
    """Show the dataflow graph a spec compiles to: nodes, ports and inferred shapes."""
    from zoo.compiler.render import render_text
    from zoo.plots.graph import write_graph
    from zoo.train.build import resolved_graph

    s = load_spec_argument(spec, overrides)
    g = located(s, lambda: resolved_graph(s))
    if out:
        write_graph(g, Path(out))
        click.echo(f"wrote {out}")
    else:
        click.echo(render_text(g))


@main.command(name="compile")
@SPEC
@SET
@click.option("--print-code", is_flag=True, help="Print the generated forward().")
@friendly
def compile_(spec: str, overrides: tuple[str, ...], print_code: bool) -> None:
    """Compile a spec to a PyTorch module and report its parameters (or print its code)."""
    from zoo.train.build import build_model

    s = load_spec_argument(spec, overrides)
    model = located(s, lambda: build_model(s))
    if print_code:
        click.echo(model.code.strip("\n"))
        return
    total = sum(p.numel() for p in model.parameters())
    click.echo(f"{s.name}: {total:,} parameters")
    for name, p in model.named_parameters():
        click.echo(f"  {name:48s} {tuple(p.shape)}")


@main.command()
@click.argument("family", metavar="FAMILY")
@click.option("--out", type=click.Path(dir_okay=False), help="Write the spec to this file instead of stdout.")
@click.option("--force", is_flag=True, help="Overwrite --out if it exists.")
@friendly
def init(family: str, out: str | None, force: bool) -> None:
    """Write a commented starter spec for FAMILY: comet, hypernetwork, rims, slot_vae, or graph (a model
    written as an explicit dataflow graph)."""
    text = starter(family, out)
    if not out:
        click.echo(text, nl=False)
        return
    if Path(out).exists() and not force:
        raise ZooError(f"{out} exists; choose another --out or add --force to overwrite it")
    write_text(out, text)
    click.echo(f"wrote {out} (check it with: zoo validate {out})")


@main.command(name="list")
@friendly
def list_() -> None:
    """List the catalogue specs shipped with zoo."""
    for line in catalogue_lines():
        click.echo(line)


@main.command()
@SPEC
@SET
@training_options
@friendly
def train(spec: str, overrides: tuple[str, ...], run_dir: str | None, device: str, resume: bool, overwrite: bool,
          threads: int | None, max_memory: float, progress: bool | None) -> None:
    """Train a spec on its environment and write a run directory.

    Runs data-parallel when launched by torchrun, e.g.
    `torchrun --nproc-per-node=4 -m zoo train SPEC --run-dir runs/x` (see docs/distributed.md).
    """
    from zoo.train import train as run_training

    s = load_spec_argument(spec, overrides)
    if resume and not run_dir:
        raise ZooError("--resume needs --run-dir (the run to continue)")
    result = located(s, lambda: run_training(s, run_dir=run_dir, device=device, resume=resume, progress=progress,
                                              overwrite=overwrite, threads=threads, max_memory_gib=max_memory))
    if result.rank != 0:  # under torchrun only rank 0 reports
        return
    click.echo(f"run: {result.run_dir}")
    for k, v in result.metrics.items():
        click.echo(f"  {k:32s} {v:.6g}")


@main.command()
@click.argument("run_dir", metavar="RUN")
@click.option("--out", type=click.Path(file_okay=False), help="Where to write the report (default RUN/report).")
@friendly
def report(run_dir: str, out: str | None) -> None:
    """Write a Markdown report of a run: spec, final metrics, metric curves and the family's figures.

    RUN is a run directory written by `zoo train` or `zoo compose`. The report is RUN/report/report.md
    with its PNGs beside it (the folder is self-contained).
    """
    click.echo(printable(f"wrote {write_report(run_dir, out)}"))


for command in (*BANK_COMMANDS, data, predict):  # zoo push, pull, info, compose, banks; zoo data, zoo predict
    main.add_command(command)
register_sweep(main, friendly)  # zoo sweep, zoo sweep report
register_plugins(main)  # zoo plugins


if __name__ == "__main__":  # pragma: no cover
    main()
