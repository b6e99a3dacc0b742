"""The ``zoo`` command line. Each command only parses arguments and calls the library.

Exit codes: 0 success, 2 bad input (spec, file, arguments; a message, never a traceback),
1 a failure while running (e.g. training stopped on a NaN).
"""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path
from typing import Any, Callable

import click

from zoo.cli_options import MAX_MEMORY, OVERWRITE, RESUME, RUN_DIR, THREADS
from zoo.errors import TrainingError, ZooError


def _fail(message: str, code: int) -> None:
    from zoo.errors import bounded, printable

    message = printable(bounded(message))
    click.echo(f"error: {message}" if "\n" not in message else f"error:\n{message}", err=True)
    sys.exit(code)


_INPUT_OS_ERRORS = (FileNotFoundError, FileExistsError, IsADirectoryError, NotADirectoryError, PermissionError)


def friendly(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn the library's input errors into exit code 2 and failures into exit code 1, no traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except ZooError as e:
            _fail(str(e), 2)
        except TrainingError as e:
            _fail(str(e), 1)
        except _INPUT_OS_ERRORS as e:  # a path the user gave that cannot be read or written
            why = "exists and is not a directory" if isinstance(e, FileExistsError) else (e.strerror or str(e))
            _fail(f"{e.filename}: {why}" if e.filename else why, 2)
        except OSError as e:  # e.g. a full disk while running
            _fail(f"{e.filename + ': ' if e.filename else ''}{e.strerror or e}", 1)
        except KeyboardInterrupt:
            _fail("interrupted", 130)

    return wrapper


def _load(spec_ref: str, overrides: tuple[str, ...]):
    from zoo.schema import load_spec

    return load_spec(spec_ref, overrides)


def _located(spec, fn: Callable[[], Any]) -> Any:
    """Run ``fn``; a SpecError it raises gets the spec's file positions."""
    from zoo.errors import SpecError

    try:
        return fn()
    except SpecError as e:
        raise (spec.source.locate(e) if spec.source else e) from None


SET = click.option("--set", "overrides", multiple=True, metavar="PATH=VALUE",
                   help="Override a spec value, e.g. --set train.steps=200 (repeatable).")
SPEC = click.argument("spec", metavar="SPEC")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="mechzoo", prog_name="zoo")
def main() -> None:
    """zoo: write a model spec, compile it to PyTorch, train it, share its mechanism banks.

    SPEC is a YAML/JSON file or the name of a catalogue spec (see `zoo list`).
    """
    from zoo.cli_messages import show_library_warnings

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

    s = _load(spec, overrides)
    g = _located(s, lambda: resolved_graph(s))
    check_model(s, g)
    click.echo(f"ok: {s.name} ({s.model.kind}, {g.number_of_nodes()} nodes, {g.number_of_edges()} edges)")


@main.command()
@click.option("--out", type=click.Path(dir_okay=False), help="Write to this file instead of stdout.")
@click.option("--markdown", is_flag=True, help="The spec reference in Markdown instead (docs/spec-reference.md).")
@friendly
def schema(out: str | None, markdown: bool) -> None:
    """Print the JSON Schema of spec documents (for editor completion and validation)."""
    from zoo.io import write_text
    from zoo.schema import json_schema
    from zoo.schema.reference import reference_markdown

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
    from zoo.train.build import resolved_graph
    from zoo.compiler.render import render_text, write_graph

    s = _load(spec, overrides)
    g = _located(s, lambda: resolved_graph(s))
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

    s = _load(spec, overrides)
    model = _located(s, lambda: build_model(s))
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
    from zoo.io import write_text
    from zoo.starters import starter

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
    from zoo.cli_list import catalogue_lines

    for line in catalogue_lines():
        click.echo(line)


@main.command()
@SPEC
@SET
@RUN_DIR
@click.option("--device", default="cpu", show_default=True, help="cpu, cuda, or auto.")
@RESUME
@OVERWRITE
@THREADS
@MAX_MEMORY
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: only on a terminal).")
@friendly
def train(spec: str, overrides: tuple[str, ...], run_dir: str | None, device: str, resume: bool, overwrite: bool,
          threads: int | None, max_memory: float, progress: bool | None) -> None:
    """Train a spec on its environment and write a run directory.

    Runs data-parallel when launched by torchrun, e.g.
    `torchrun --nproc-per-node=4 -m zoo train SPEC --run-dir runs/x` (see docs/distributed.md).
    """
    from zoo.train import train as run_training

    s = _load(spec, overrides)
    if resume and not run_dir:
        raise ZooError("--resume needs --run-dir (the run to continue)")
    result = _located(s, lambda: run_training(s, run_dir=run_dir, device=device, resume=resume, progress=progress,
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
    from zoo.errors import printable
    from zoo.report import write_report

    click.echo(printable(f"wrote {write_report(run_dir, out)}"))


# -- mechanism banks and the Hub ---------------------------------------------------------------------
REVISION = click.option("--revision", help="Hub branch, tag or commit sha (or write ORG/NAME@REV).")


@main.command()
@click.argument("source", metavar="RUN_OR_BANK")
@click.argument("repo_id", metavar="ORG/NAME")
@click.option("--bank", "bank_name", help="Which bank, for a run that trained several.")
@click.option("--branch", help="Commit to this branch (created from main when missing).")
@click.option("--tag", help="Tag the new commit (refused if the tag exists).")
@click.option("--private", is_flag=True, help="Create the repo private (when it does not exist yet).")
@click.option("-m", "--message", help="Commit message.")
@friendly
def push(source: str, repo_id: str, bank_name: str | None, branch: str | None, tag: str | None,
         private: bool, message: str | None) -> None:
    """Publish a trained bank (a bank directory, a run directory or a catalogue bank) to the Hub, unchanged."""
    from zoo.hub.pretrained import bank_directory
    from zoo.hub.pretrained import push as push_bank

    directory = bank_directory(source, bank_name)
    done = push_bank(directory, repo_id, branch=branch, tag=tag, private=private or None, commit_message=message)
    click.echo(f"pushed {directory} to hf://{done.repo_id} (branch {done.branch}{f', tag {done.tag}' if done.tag else ''})")
    click.echo(f"  commit {done.commit_url}")
    click.echo(f"  pin it: {done.ref}")


@main.command()
@click.argument("ref", metavar="ORG/NAME[@REV]")
@REVISION
@click.option("--to", "to", type=click.Path(file_okay=False), help="Also copy the bank's files into this directory.")
@click.option("--force", is_flag=True, help="Download again even when cached.")
@friendly
def pull(ref: str, revision: str | None, to: str | None, force: bool) -> None:
    """Download a bank from the Hub into the local cache (checked), for use offline."""
    from zoo.hub.info import copy_bank
    from zoo.hub.pretrained import from_pretrained
    from zoo.banks.refs import is_repo_ref

    if not is_repo_ref(ref):
        raise ZooError(f"{ref!r} is not a Hub repository; expected ORG/NAME, ORG/NAME@REV or hf://ORG/NAME@REV")
    bank = from_pretrained(ref if ref.startswith("hf://") else f"hf://{ref}", revision, force_download=force)
    click.echo(f"{bank.origin}: bank {bank.name!r}, {sum(t.numel() for t in bank.tensors.values()):,} parameters")
    click.echo(f"  cached at {bank.path}")
    if to:
        click.echo(f"  copied to {copy_bank(bank, to)}")


@main.command()
@click.argument("bank_ref", metavar="BANK")
@REVISION
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@friendly
def info(bank_ref: str, revision: str | None, as_json: bool) -> None:
    """Show a bank: its spec, ports, tensor shapes, metrics and provenance.

    BANK is a bank or run directory, a catalogue bank name, or a Hub repo (ORG/NAME[@REV]).
    """
    from zoo.hub.info import describe, summary
    from zoo.hub.pretrained import bank_directory, from_pretrained

    try:
        target: str = str(bank_directory(bank_ref))
    except ZooError:
        target = bank_ref
    bank = from_pretrained(target, revision)
    click.echo(json.dumps(summary(bank), indent=2) if as_json else describe(bank))


@main.command()
@SPEC
@click.option("--bank", "banks", multiple=True, required=True, metavar="BANK",
              help="A bank to compose (directory, catalogue name, ORG/NAME[@REV] or hf://...); repeatable.")
@SET
@RUN_DIR
@click.option("--device", default="cpu", show_default=True, help="cpu, cuda, or auto.")
@RESUME
@OVERWRITE
@THREADS
@MAX_MEMORY
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: only on a terminal).")
@friendly
def compose(spec: str, banks: tuple[str, ...], overrides: tuple[str, ...], run_dir: str | None, device: str,
            resume: bool, overwrite: bool, threads: int | None, max_memory: float, progress: bool | None) -> None:
    """Build a model for SPEC's environment from trained banks (frozen) and train only its selector.

    SPEC trains with the compose procedure (e.g. comet-particles-compose); several --bank run side by
    side. Use --set train.fraction=0.01 to adapt with 1% of the environment's training data.
    """
    from zoo.hub.compose import compose as run_compose
    from zoo.hub.compose import compose_spec, require_compose, trainable_split

    s = _load(spec, overrides)
    if resume and not run_dir:
        raise ZooError("--resume needs --run-dir (the run to continue)")
    _located(s, lambda: require_compose(s))
    composed = _located(s, lambda: compose_spec(s, banks))
    trainable, frozen = trainable_split(composed)
    click.echo(f"{s.name}: {len(banks)} bank(s), {frozen:,} frozen parameters; training {trainable:,} (the selector)")
    for m in composed.mechanisms:
        click.echo(f"  {m.name}: {m.source}")
    result = _located(s, lambda: run_compose(s, banks, run_dir=run_dir, device=device, progress=progress, resume=resume,
                                             overwrite=overwrite, threads=threads, max_memory_gib=max_memory))
    click.echo(f"run: {result.run_dir}")
    click.echo("adaptation metrics:")
    for k, v in result.metrics.items():
        click.echo(f"  {k:32s} {v:.6g}")


@main.group()
def banks() -> None:
    """The catalogue's pretrained banks (loadable by name, offline)."""


@banks.command(name="list")
@friendly
def banks_list() -> None:
    """List the committed catalogue banks with their size and key metrics."""
    from zoo.banks.catalogue import catalogue_banks
    from zoo.hub.pretrained import from_pretrained

    for entry in catalogue_banks():
        bank = from_pretrained(entry.path)
        shown = ", ".join(f"{k}={v:.3g}" for k, v in bank.metrics.items() if k in ("nmi", "purity", "one_step_mse"))
        click.echo(f"{entry.name:36s} {bank.spec.kind} x {bank.spec.count:<4d} {shown}")


@banks.command(name="build")
@click.argument("names", nargs=-1, metavar="[SPEC_NAME]...")
@click.option("--out", type=click.Path(file_okay=False), help="Where to write the banks (default: the catalogue's banks/).")
@click.option("--runs", type=click.Path(file_okay=False), default="runs/banks", show_default=True,
              help="Where the training runs go.")
@click.option("--all", "everything", is_flag=True,
              help="Build every spec with a trainable bank (default: only competition-trained COMET banks, "
                   "which train in CPU-minutes).")
@SET
@click.option("--progress/--no-progress", default=False, help="Progress bars.")
@friendly
def banks_build(names: tuple[str, ...], out: str | None, runs: str, everything: bool, overrides: tuple[str, ...],
                progress: bool) -> None:
    """Train the catalogue specs' banks (or only SPEC_NAMEs) and write them with cards and metrics."""
    from zoo.hub.catalogue_build import build

    written = build(list(names) or None, Path(out) if out else None, Path(runs), overrides, progress, everything,
                    echo=click.echo)
    click.echo(f"wrote {len(written)} bank(s)")


from zoo.cli_data import register  # noqa: E402 - zoo data, zoo predict
from zoo.cli_plugins import register as register_plugins  # noqa: E402 - zoo plugins
from zoo.cli_sweep import register as register_sweep  # noqa: E402 - zoo sweep, zoo sweep report

register(main, friendly, SPEC, SET, _load)
register_sweep(main, friendly)
register_plugins(main)


if __name__ == "__main__":  # pragma: no cover
    main()
