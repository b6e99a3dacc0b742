"""The model card (``README.md``) of a part bank: what it holds, how to compose it, its tensors."""

from __future__ import annotations

from typing import Any

from zoo.banks.card_sections import tables, trained_from


def part_card(config: dict[str, Any], front_matter: str) -> str:
    """Markdown with ``front_matter`` (YAML) for a part bank's ``spec.json``."""
    part, prov = config["part"], config.get("provenance", {})
    env = (prov.get("environment") or {}).get("kind")
    structure = "\n".join(f"- `{k}`: `{v}`" for k, v in (part.get("structure") or {}).items())
    keep = ", ".join(f"`{t}`" for t in part.get("trainable") or []) or "nothing"
    return f"""---
{front_matter.strip()}
---

# {prov.get('spec_name', config['name'])}: {part['family']} bank `{part['name']}`

{part.get('summary') or part['name']} (graph nodes {', '.join(part['nodes'])}), trained with
[mechzoo](https://pypi.org/project/mechzoo/) by the `{prov.get('procedure')}` procedure on the `{env}`
environment (seed {prov.get('seed')}, {prov.get('steps')} steps).

## Compose it

`zoo compose SPEC --bank hf://ORG/NAME@REVISION` builds SPEC's model with this bank's shapes, loads the
bank into it and trains only what the bank does not hold (and {keep} of the bank). In a spec:

```yaml
pretrained:
  - {{source: "hf://ORG/NAME@REVISION", train: {list(part.get('trainable') or [])}}}
```

The bank fixes these parts of the spec:

{structure}

## Tensors

`model.safetensors` (safetensors, no pickle) holds the model's tensors under these names:

{tables(config)}

## Provenance

- library {config['library']} {config['library_version']}, spec schema version {config['schema_version']}
- {trained_from(prov)}
- shapes at its nodes: {config['ports']}
"""
