"""Sections every bank card shares: where the bank comes from, and its tensors and metrics as tables."""

from __future__ import annotations

from typing import Any


def trained_from(prov: dict[str, Any]) -> str:
    """What the bank was trained from: the spec's fingerprint (older banks: a source revision)."""
    if prov.get("source_revision") and not prov.get("spec_fingerprint"):
        return f"source revision: {prov['source_revision']}"
    return f"spec fingerprint: {prov.get('spec_fingerprint') or 'unknown'}"


def tables(config: dict[str, Any]) -> str:
    """The tensor table and the metrics section of a card."""
    rows = "\n".join(f"| {k} | {v:.4g} |" for k, v in (config.get("metrics") or {}).items()) or "| (none recorded) | |"
    shapes = "\n".join(f"| `{k}` | {tuple(v['shape'])} | {v['dtype']} |" for k, v in config["tensors"].items())
    return f"""| tensor | shape | dtype |
|---|---|---|
{shapes}

## Metrics

| metric | value |
|---|---|
{rows}"""
