"""The command line's mechanism bank commands: ``zoo push``, ``zoo pull``, ``zoo info``, ``zoo compose``
and ``zoo banks list|build``. Each only parses arguments and calls the library; :data:`COMMANDS` are
added to ``zoo`` by :mod:`zoo.cli`."""

from __future__ import annotations

import json
from pathlib import Path

import click

from zoo.banks.catalogue import catalogue_banks
from zoo.banks.refs import is_repo_ref
from zoo.cli_errors import friendly, located
from zoo.cli_options import REVISION, SET, SPEC, load_spec_argument, training_options
from zoo.errors import ZooError
from zoo.families.parts import bank_part


@click.command()
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


@click.command()
@click.argument("ref", metavar="ORG/NAME[@REV]")
@REVISION
@click.option("--to", "to", type=click.Path(file_okay=False), help="Also copy the bank's files into this directory.")
@click.option("--force", is_flag=True, help="Download again even when cached.")
@friendly
def pull(ref: str, revision: str | None, to: str | None, force: bool) -> None:
    """Download a bank from the Hub into the local cache (checked), for use offline."""
    from zoo.hub.info import copy_bank
    from zoo.hub.pretrained import from_pretrained

    if not is_repo_ref(ref):
        raise ZooError(f"{ref!r} is not a Hub repository; expected ORG/NAME, ORG/NAME@REV or hf://ORG/NAME@REV")
    bank = from_pretrained(ref if ref.startswith("hf://") else f"hf://{ref}", revision, force_download=force)
    click.echo(f"{bank.origin}: bank {bank.name!r}, {sum(t.numel() for t in bank.tensors.values()):,} parameters")
    click.echo(f"  cached at {bank.path}")
    if to:
        click.echo(f"  copied to {copy_bank(bank, to)}")


@click.command()
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


@click.command()
@SPEC
@click.option("--bank", "banks", multiple=True, required=True, metavar="BANK",
              help="A bank to compose (directory, catalogue name, ORG/NAME[@REV] or hf://...); repeatable.")
@SET
@training_options
@friendly
def compose(spec: str, banks: tuple[str, ...], overrides: tuple[str, ...], run_dir: str | None, device: str,
            resume: bool, overwrite: bool, threads: int | None, max_memory: float, progress: bool | None) -> None:
    """Build a model for SPEC's environment from trained banks (frozen) and train only what is new.

    With COMET banks SPEC trains with the compose procedure (e.g. comet-particles-compose); several
    --bank run side by side. Use --set train.fraction=0.01 to adapt with 1% of the environment's
    training data. A RIMs, hypernetwork or slot VAE bank gives SPEC's model its shapes and trains
    the rest with SPEC's own procedure.
    """
    from zoo.hub.compose import compose as run_compose
    from zoo.hub.compose import compose_spec, require_compose, trainable_split

    s = load_spec_argument(spec, overrides)
    if resume and not run_dir:
        raise ZooError("--resume needs --run-dir (the run to continue)")
    located(s, lambda: require_compose(s))
    composed = located(s, lambda: compose_spec(s, banks))
    trainable, frozen = trainable_split(composed)
    what = "what the banks do not hold" if composed.pretrained else "the selector"
    click.echo(f"{s.name}: {len(banks)} bank(s), {frozen:,} frozen parameters; training {trainable:,} ({what})")
    for name, source in [(m.name, m.source) for m in composed.mechanisms if m.source] + [
            ("pretrained", p.source) for p in composed.pretrained]:
        click.echo(f"  {name}: {source}")
    result = located(s, lambda: run_compose(s, banks, run_dir=run_dir, device=device, progress=progress, resume=resume,
                                             overwrite=overwrite, threads=threads, max_memory_gib=max_memory))
    click.echo(f"run: {result.run_dir}")
    click.echo("adaptation metrics:")
    for k, v in result.metrics.items():
        click.echo(f"  {k:32s} {v:.6g}")


@click.group()
def banks() -> None:
    """The catalogue's pretrained banks (loadable by name, offline)."""


@banks.command(name="list")
@friendly
def banks_list() -> None:
    """List the committed catalogue banks with their size and key metrics."""
    from zoo.hub.catalogue_build import shown_metric
    from zoo.hub.pretrained import from_pretrained

    for entry in catalogue_banks():
        bank = from_pretrained(entry.path)
        shown = ", ".join(f"{k}={v:.3g}" for k, v in bank.metrics.items() if shown_metric(k))
        what = f"{bank.part['family']} {bank.part['name']}" if bank.part else f"{bank.spec.kind} x {bank.spec.count}"
        click.echo(f"{entry.name:36s} {what:24s} {shown}")


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
                    echo=click.echo, part_of=bank_part)
    click.echo(f"wrote {len(written)} bank(s)")


COMMANDS = (push, pull, info, compose, banks)
