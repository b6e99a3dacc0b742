"""The model card (``README.md``) of a bank: Hub metadata, how to load it, metrics, provenance."""

from __future__ import annotations

from typing import Any

import yaml


def model_card(config: dict[str, Any]) -> str:
    """Markdown with YAML front matter (library name, tags, metrics) for a bank's ``spec.json``."""
    bank, prov, metrics = config["bank"], config.get("provenance", {}), config.get("metrics", {})
    env = (prov.get("environment") or {}).get("kind")
    tags = ["mechzoo", "mechanism-bank", "modular", f"family-{prov.get('family')}", f"bank-{bank['kind']}"]
    if env:
        tags.append(f"env-{env}")
    front = {
        "library_name": "mechzoo",
        "license": "apache-2.0",
        "tags": tags,
        "zoo": {"format": config["format"], "format_version": config["format_version"],
                "schema_version": config["schema_version"], "metrics": metrics},
    }
    hidden = bank.get("hidden", [])
    rows = "\n".join(f"| {k} | {v:.4g} |" for k, v in metrics.items()) or "| (none recorded) | |"
    name = config["name"]
    return f"""---
{yaml.safe_dump(front, sort_keys=False).strip()}
---

# {prov.get('spec_name', name)}: mechanism bank `{name}`

A bank of {bank['count']} independent `{bank['kind']}` mechanisms (hidden {hidden}, inputs
{', '.join(bank['inputs'])}) trained with [mechzoo](https://pypi.org/project/mechzoo/) by the
`{prov.get('procedure')}` procedure on the `{env}` environment (seed {prov.get('seed')}, {prov.get('steps')} steps).

## Use it

```python
from zoo.hub import load_bank
bank = load_bank("hf://ORG/NAME")        # or a local directory
block = bank.module()                     # an nn.Module with the trained weights
```

In a spec, compose it into a new model (only the selector is trained):

```yaml
mechanisms:
  - {{name: {name}, kind: pretrained, source: "hf://ORG/NAME@main", frozen: true}}
```

Without zoo: `spec.json` describes every tensor of `model.safetensors` (plain safetensors).

## Metrics

| metric | value |
|---|---|
{rows}

## Provenance

- library {config['library']} {config['library_version']}, spec schema version {config['schema_version']}
- source revision: {prov.get('source_revision') or 'unknown'}
- created: {prov.get('created')}
- input port widths: {config['ports']}
"""
