"""The model card (``README.md``) of a bank: Hub metadata, how to load it, metrics, provenance.

The front matter is written with huggingface_hub's ``ModelCardData`` (library name, tags, license and
a ``model-index`` holding the metrics, so the Hub shows them); the body says how to load the bank in
three lines with zoo, and how to use it with plain huggingface_hub + safetensors (tensor layout).
"""

from __future__ import annotations

from typing import Any

from zoo.banks.card_sections import tables, trained_from
from zoo.banks.part_card import part_card

# The Hub task of a bank, from the world it was trained on (``provenance.environment.kind``)
TASKS = {
    "particles": "time-series-forecasting", "traffic": "time-series-forecasting", "sports": "time-series-forecasting",
    "trajectories": "time-series-forecasting", "bouncing_balls": "time-series-forecasting",
    "sequential_digits": "image-classification", "copying": "token-classification",
    "sprites": "image-segmentation", "images": "image-segmentation",
    "hyperteacher": "tabular-classification",
}
# and where the world is not one of those (a plug-in's, or sequences from a file), from the family
FAMILY_TASKS = {"comet": "time-series-forecasting", "slot_vae": "image-segmentation",
                "hypernetwork": "tabular-classification"}
DEFAULT_TASK = "other"


def hub_task(env: str | None, family: str | None) -> str:
    """The Hub ``task_type`` of a bank trained on world ``env`` by ``family``."""
    return TASKS.get(env or "", FAMILY_TASKS.get(family or "", DEFAULT_TASK))


def _front_matter(config: dict[str, Any]) -> str:
    from huggingface_hub import EvalResult, ModelCardData

    bank, prov, metrics = config["bank"], config.get("provenance", {}), config.get("metrics", {})
    env = (prov.get("environment") or {}).get("kind")
    kind = config["part"]["name"] if "part" in config else bank["kind"]
    tags = ["mechzoo", "mechanism-bank", "modular", f"family-{prov.get('family')}", f"bank-{kind}"]
    if env:
        tags.append(f"env-{env}")
    task = hub_task(env, prov.get("family"))
    world = str(env or "synthetic")
    results = [EvalResult(task_type=task, dataset_type=world, dataset_name=f"{world} (seed {prov.get('seed')})",
                          metric_type=k, metric_name=k, metric_value=float(v)) for k, v in metrics.items()]
    data = ModelCardData(
        library_name="mechzoo",
        license="apache-2.0",
        tags=tags,
        model_name=f"{prov.get('spec_name', config['name'])}/{config['name']}" if results else None,
        eval_results=results or None,
        zoo={"format": config["format"], "format_version": config["format_version"],
             "schema_version": config["schema_version"], "metrics": metrics},
    )
    return data.to_yaml()


def _layout(config: dict[str, Any]) -> str:
    """How the tensors compute the mechanisms (for use without zoo)."""
    bank = config["bank"]
    order = " ++ ".join(f"{i} ({config['ports'].get({'self': 'state'}.get(i, i), '?')})" for i in bank["inputs"])
    if bank["kind"] in ("mlp", "linear"):
        act = bank.get("activation", "identity") if bank["kind"] == "mlp" else "identity"
        return (f"Mechanism `m` reads `x = {order}` (concatenated) and computes, for each layer `l`, "
                f"`x = act(x @ mechanisms.weights.l[m] + mechanisms.biases.l[m])` with `act = {act}` between "
                "layers and none after the last (in COMET the output is the change of the object's state).")
    return (f"Cell `m` is a {bank['kind'].upper()} cell with `torch.nn.{bank['kind'].upper()}Cell`'s gate order: "
            "`mechanisms.weight_ih[m]` (in, gates), `weight_hh[m]` (hidden, gates), `bias_ih[m]`, `bias_hh[m]`; "
            f"its input is `{order}` without the state.")


def _usage(name: str) -> str:
    """How to load the bank: with zoo, composed into a spec, and with huggingface_hub + safetensors alone."""
    return f"""## Load it

```python
from zoo.hub import from_pretrained
bank = from_pretrained("ORG/NAME", revision="main")  # this repository's id, a local directory or a catalogue name
mechanisms = bank.module()                           # a torch module with the trained weights
```

Compose it into a model for a new environment (only the selector is trained):
`zoo compose SPEC --bank hf://ORG/NAME@REVISION`, or in a spec:

```yaml
mechanisms:
  - {{name: {name}, kind: pretrained, source: "hf://ORG/NAME@REVISION", frozen: true}}
```

## Without zoo

The files are plain: `spec.json` (JSON) lists every tensor of `model.safetensors` (safetensors, no pickle).

```python
import json; from huggingface_hub import hf_hub_download; from safetensors.torch import load_file
spec = json.load(open(hf_hub_download("ORG/NAME", "spec.json")))
weights = load_file(hf_hub_download("ORG/NAME", "model.safetensors"))  # names, shapes, dtypes as in spec["tensors"]
```"""


def model_card(config: dict[str, Any]) -> str:
    """Markdown with YAML front matter (library name, tags, metrics) for a bank's ``spec.json``."""
    if "part" in config:
        return part_card(config, _front_matter(config))
    bank, prov = config["bank"], config.get("provenance", {})
    env = (prov.get("environment") or {}).get("kind")
    hidden = bank.get("hidden", [])
    name = config["name"]
    return f"""---
{_front_matter(config).strip()}
---

# {prov.get('spec_name', name)}: mechanism bank `{name}`

A bank of {bank['count']} independent `{bank['kind']}` mechanisms (hidden {hidden}, inputs
{', '.join(bank['inputs'])}) trained with [mechzoo](https://pypi.org/project/mechzoo/) by the
`{prov.get('procedure')}` procedure on the `{env}` environment (seed {prov.get('seed')}, {prov.get('steps')} steps).

{_usage(name)}

{_layout(config)}

{tables(config)}

## Provenance

- library {config['library']} {config['library_version']}, spec schema version {config['schema_version']}
- {trained_from(prov)}
- created: {prov.get('created')}
- input port widths: {config['ports']}
"""
