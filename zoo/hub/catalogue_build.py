"""Building the catalogue's pretrained banks: train each catalogue spec as written and copy its banks
into ``banks/`` (where :mod:`zoo.banks.catalogue` finds them by name)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from zoo.banks.catalogue import banks_dir
from zoo.banks.format import read_config, save_bank
from zoo.banks.part_bank import save_part
from zoo.errors import SpecError
from zoo.io import write_text
from zoo.schema import catalogue, load_spec

SHOWN_METRICS = ("nmi", "purity", "one_step_mse", "rollout_mse", "ood_acc", "jari", "jis")


def shown_metric(name: str) -> bool:
    """Whether a bank's metric is shown in listings: the key ones, and every test accuracy."""
    return name in SHOWN_METRICS or (name.startswith("test_") and name.endswith("_acc"))

SUMMARY_KEYS = ("train_seconds", "steps", "samples_per_second")
QUICK_PROCEDURES = ("compete",)  # procedures whose catalogue banks train in CPU-minutes


def trainable_banks(spec) -> list[str]:
    """The mechanisms entries a catalogue spec trains (concrete kind, no ``source``), when it trains."""
    if spec.train is None or spec.data is None:
        return []
    return [b.name for b in spec.mechanisms if b.kind != "pretrained" and b.source is None and not b.frozen]


def bank_names(spec_name: str, banks: list[str]) -> dict[str, str]:
    """Catalogue directory name of each bank: the spec's name, or ``<spec>.<bank>`` for several."""
    return {b: spec_name if len(banks) == 1 else f"{spec_name}.{b}" for b in banks}


def _run_banks(spec, run_dir: Path, banks: list[str], metrics: dict[str, float]) -> dict[str, Path]:
    """The bank directories a run wrote (``bank/`` or ``banks/<name>/``); written from the run's final
    weights by :func:`zoo.hub.save_bank` when the procedure wrote none."""
    found = {}
    for b in banks:
        for candidate in (run_dir / "banks" / b, run_dir / "bank"):
            if (candidate / "spec.json").is_file() and (len(banks) == 1 or candidate.name == b):
                found[b] = candidate
                break
    missing = [b for b in banks if b not in found]
    if missing:
        from safetensors.torch import load_model

        from zoo.train.build import build_model

        model = build_model(spec)
        load_model(model, str(run_dir / "model.safetensors"), strict=True)
        for b in missing:
            found[b] = save_bank(model, b, run_dir / "banks" / b, metrics=metrics)
    return found


def default_builds(everything: bool = False, part_of: Callable[[str], Any] | None = None) -> list[str]:
    """Names of the catalogue specs ``zoo banks build`` trains when given no names: those with
    trainable banks whose procedure is in :data:`QUICK_PROCEDURES` (banks that train in CPU-minutes),
    or every spec with trainable banks (or, with ``part_of``, of a family with a bank part) when
    ``everything``."""
    names = []
    for entry in catalogue():
        spec = load_spec(entry.path)
        parts = part_of is not None and part_of(spec.model.kind) is not None and spec.train and spec.data
        if (trainable_banks(spec) or parts) and (everything or spec.train.procedure in QUICK_PROCEDURES):
            names.append(entry.name)
    return names


def build(names: list[str] | None = None, out: Path | None = None, runs: Path = Path("runs/banks"),
          overrides: tuple[str, ...] = (), progress: bool | None = False, everything: bool = False,
          echo: Callable[[str], None] | None = None, part_of: Callable[[str], Any] | None = None) -> list[Path]:
    """Train the catalogue specs named (default: :func:`default_builds`) and write their banks.

    Each spec is trained as written (its own sizes, steps and seed) into ``runs/<spec>``; its banks
    are copied unchanged into ``out`` (default: the catalogue's ``banks/``), replacing older ones,
    and ``out/README.md`` lists them with their metrics. ``echo``, when given, is called with one
    line per bank written (``[spec] 12s -> banks/spec``); nothing is printed otherwise.
    ``part_of(family)`` gives a family's bank part (:class:`zoo.banks.part.BankPart`); a spec of such
    a family writes that part as ``<spec>``.
    """
    import shutil

    from zoo.train import train

    out = Path(out) if out is not None else banks_dir()
    entries = {e.name: e for e in catalogue()}
    unknown = sorted(set(names or ()) - set(entries))
    if unknown:
        raise SpecError(f"no catalogue spec {', '.join(map(repr, unknown))}; the catalogue has {', '.join(entries)}")
    written = []
    for name in names or default_builds(everything, part_of):
        part = part_of(load_spec(entries[name].path).model.kind) if part_of else None
        if part is not None:
            written.append(build_part(load_spec(entries[name].path, list(overrides)), part, out / name, runs, progress,
                                      echo))
            continue
        banks = trainable_banks(load_spec(entries[name].path))
        if not banks:
            raise SpecError(f"catalogue spec {name!r} trains no mechanism bank", ("mechanisms",))
        spec = load_spec(entries[name].path, list(overrides))
        result = train(spec, run_dir=runs / name, progress=progress, overwrite=True)  # a rebuild replaces its run
        metrics = {k: v for k, v in result.metrics.items() if k not in SUMMARY_KEYS}
        for bank, where in _run_banks(spec, result.run_dir, banks, metrics).items():
            target = out / bank_names(name, banks)[bank]
            shutil.rmtree(target, ignore_errors=True)
            target.mkdir(parents=True)
            for f in ("spec.json", "model.safetensors", "README.md"):
                shutil.copyfile(where / f, target / f)
            written.append(target)
            if echo is not None:
                echo(f"[{name}] {result.seconds:.0f}s -> {target}")
    write_index(out)
    return written


def build_part(spec, part, target: Path, runs: Path, progress: bool | None,
               echo: Callable[[str], None] | None = None) -> Path:
    """Train ``spec`` into ``runs/<spec>`` and write its bank ``part`` to ``target`` (replaced); ``echo``
    as :func:`build`'s."""
    import shutil

    from safetensors.torch import load_model

    from zoo.train import train
    from zoo.train.build import build_model

    result = train(spec, run_dir=runs / spec.name, progress=progress, overwrite=True)
    model = build_model(spec)
    load_model(model, str(result.run_dir / "model.safetensors"), strict=True)
    metrics = {k: v for k, v in result.metrics.items() if k not in SUMMARY_KEYS}
    shutil.rmtree(target, ignore_errors=True)
    save_part(model, spec, part, target, metrics=metrics)
    if echo is not None:
        echo(f"[{spec.name}] {result.seconds:.0f}s -> {target}")
    return target


def write_index(out: Path) -> None:
    """``out/README.md``: every bank with its size, world and metrics."""
    rows = []
    out.mkdir(parents=True, exist_ok=True)
    for p in sorted(out.iterdir()):
        if not (p / "spec.json").is_file():
            continue
        meta = read_config(p)
        prov, bank, part = meta.get("provenance", {}), meta["bank"], meta.get("part")
        shown = ", ".join(f"{k} {v:.3g}" for k, v in meta.get("metrics", {}).items() if shown_metric(k))
        world = (prov.get("environment") or {}).get("kind")
        what = f"{part['family']} {part['name']}" if isinstance(part, dict) else f"{bank['kind']} x {bank['count']}"
        rows.append(f"| `{p.name}` | {what} | {world} | {prov.get('steps')} | {shown} |")
    write_text(out / "README.md", "# Pretrained mechanism banks\n\n"
               "Trained from the catalogue specs of the same name by `zoo banks build`; load one with\n"
               "`zoo.hub.from_pretrained(\"<name>\")` or use it in a spec as `source: banks/<name>`.\n"
               "`zoo banks build` alone trains the banks learnt by competition (CPU-minutes each);\n"
               "`zoo banks build --all` adds the slower ones (RIMs cells), `zoo banks build NAME` one spec's.\n"
               "The RIMs, hypernetwork and slot VAE banks are parts of a model (cells with their attention,\n"
               "templates with the embedding initialisation, encoder and decoder): `zoo compose SPEC --bank NAME`.\n\n"
               "| bank | holds | world | steps | metrics |\n|---|---|---|---|---|\n" + "\n".join(rows) + "\n")
