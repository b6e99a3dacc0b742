"""What a bank is, for people (``zoo info``) and programs (``zoo info --json``).

Tensors are listed by name, numbers in names compared as numbers (``weights.2`` before ``weights.10``),
in both forms. Every line shown comes through :func:`~zoo.errors.printable`: a bank's strings come from
a file or the Hub and must not reach the terminal as control codes.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from zoo.errors import BankError, printable
from zoo.banks.bank import Bank
from zoo.banks.card_sections import trained_from
from zoo.banks.format import CARD, CONFIG, WEIGHTS
from zoo.io import write_bytes
from zoo.nn.bank import SCALE_TENSORS


def tensor_order(name: str) -> list[Any]:
    """Sort key of a tensor name: its text, with runs of digits compared as numbers."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.findall(r"\d+|\D+", name)]


def summary(bank: Bank) -> dict[str, Any]:
    """The bank's spec, ports, tensors, parameter count, metrics and provenance as plain data."""
    prov = dict(bank.meta.get("provenance") or {})
    prov.pop("model_spec", None)
    return {
        "name": bank.name,
        "origin": bank.origin,
        "path": str(bank.path),
        "format": f"{bank.meta['format']} v{bank.meta['format_version']}",
        "library": f"{bank.meta.get('library')} {bank.meta.get('library_version')}",
        "schema_version": bank.meta.get("schema_version"),
        "bank": bank.spec.model_dump(mode="json", exclude={"source", "frozen"}) if bank.part is None else bank.meta["bank"],
        "part": bank.part,
        "ports": bank.ports,
        "tensors": {k: {"shape": list(bank.tensors[k].shape), "dtype": str(bank.tensors[k].dtype).removeprefix("torch.")}
                    for k in sorted(bank.tensors, key=tensor_order)},
        "parameters": int(sum(v.numel() for k, v in bank.tensors.items() if k not in SCALE_TENSORS)),
        "metrics": bank.metrics,
        "provenance": prov,
    }


def _spec_line(b: dict[str, Any], part: dict[str, Any] | None) -> str:
    if part is not None:
        return (f"  part: {part.get('family')} {part.get('name')} ({part.get('summary')}), nodes {', '.join(part['nodes'])}; "
                f"keeps training when composed: {', '.join(part.get('trainable') or []) or 'nothing'}")
    reads = "".join(f", {key} {b[key]}" for key in ("relative", "normalize") if b.get(key) is not None)
    return (f"  spec: {b['kind']} x {b['count']}, hidden {b.get('hidden', '-')}, activation {b.get('activation', '-')}, "
            f"inputs {', '.join(b['inputs'])}, output {b.get('output') or 'width of self'}{reads}")


def describe(bank: Bank) -> str:
    """A readable report of :func:`summary`."""
    s = summary(bank)
    b, prov = s["bank"], s["provenance"]
    env = prov.get("environment") or {}
    lines = [
        f"bank {s['name']!r}  ({s['origin'] or s['path']})",
        f"  format {s['format']}, written by {s['library']}, spec schema {s['schema_version']}",
        _spec_line(b, s["part"]),
        f"  ports: {', '.join(f'{k}={v}' for k, v in s['ports'].items())}",
        f"  trained: {prov.get('procedure') or '(no procedure recorded)'} on {env.get('kind') or '(no environment recorded)'} "
        f"(spec {prov.get('spec_name')}, seed {prov.get('seed')}, {prov.get('steps')} steps, "
        f"{trained_from(prov)})",
        f"  tensors ({s['parameters']:,} parameters):",
    ]
    lines += [f"    {k:32s} {str(tuple(v['shape'])):18s} {v['dtype']}" for k, v in s["tensors"].items()]
    lines.append("  metrics:" if s["metrics"] else "  metrics: (none recorded)")
    lines += [f"    {k:32s} {v:.6g}" for k, v in s["metrics"].items()]
    return "\n".join(printable(line, newlines=False) for line in lines)


def copy_bank(bank: Bank, directory: str | Path) -> Path:
    """Copy a loaded bank's files unchanged (following the cache's links) into ``directory``; each is
    written atomically, replacing (never writing through) whatever was there, links included."""
    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()):
        if not (directory / CONFIG).is_file():
            raise BankError(f"{directory}: exists and is not a bank directory; choose an empty or new directory")
    directory.mkdir(parents=True, exist_ok=True)
    for name in (CONFIG, WEIGHTS, CARD):
        if (bank.path / name).is_file():
            write_bytes(directory / name, (bank.path / name).read_bytes())
    return directory
