"""Mechanism banks as artefacts: a directory (or Hub repo) with ``spec.json``, ``model.safetensors``
and a ``README.md`` model card.

``spec.json`` holds the bank's spec (kind, count, sizes, inputs), the widths of the ports it was
trained with, the name, shape and dtype of every tensor, the schema and library versions, provenance
(environment, procedure, seed, steps, source revision) and metrics. Loading is strict: every tensor
name, shape and dtype must match what the spec builds, values must be finite, and nothing is ever
unpickled.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from pydantic import TypeAdapter, ValidationError

from zoo.errors import BankError, SpecError, listing
from zoo.hub.meta import FORMAT, FORMAT_VERSION, check_meta
from zoo.schema.base import MAX_DIM
from zoo.io import write_bytes, write_json, write_text

CONFIG, WEIGHTS, CARD = "spec.json", "model.safetensors", "README.md"
MAX_CONFIG_BYTES = 1024 * 1024
STRUCTURE = ("kind", "count", "hidden", "activation", "inputs", "output")


@dataclass(frozen=True, repr=False)
class Bank:
    """A loaded bank: its spec, the port widths it expects, its tensors and its ``spec.json``.

    ``origin`` is where it came from: ``hf://org/name@<commit>`` for a Hub bank (the resolved commit,
    whatever branch or tag was asked for), else None (``path`` says where it lies).
    """

    spec: Any
    ports: dict[str, int]
    tensors: dict[str, torch.Tensor]
    meta: dict[str, Any]
    path: Path
    origin: str | None = None

    @property
    def name(self) -> str:
        """The bank's name (the mechanisms entry it was trained as)."""
        return str(self.meta.get("name", self.spec.name))

    def __repr__(self) -> str:
        """One line: name, family and kind, mechanism count, parameters, tensors and where it came from."""
        from zoo.errors import printable

        family = (self.meta.get("provenance") or {}).get("family") or "?"
        parameters = sum(t.numel() for t in self.tensors.values())
        return printable(f"Bank({self.name!r}: {family} {self.spec.kind} x {self.spec.count}, {parameters:,} parameters "
                         f"in {len(self.tensors)} tensors, from {self.origin or str(self.path)!r})", newlines=False)

    @property
    def metrics(self) -> dict[str, float]:
        """The metrics recorded when the bank was trained."""
        return dict(self.meta.get("metrics") or {})

    def module(self) -> torch.nn.Module:
        """The bank as a ready block (weights loaded)."""
        from zoo.compiler.kinds.mechanism_bank import bank_module

        m = bank_module(self.spec, self.ports)
        m.load_state_dict(self.tensors, strict=True)
        return m

    @classmethod
    def from_pretrained(cls, repo_id_or_dir: str | os.PathLike[str], revision: str | None = None, *,
                        cache_dir: str | os.PathLike[str] | None = None, force_download: bool = False,
                        local_files_only: bool = False, token: str | bool | None = None) -> "Bank":
        """Load a bank from a directory, a catalogue name or the Hub; see :func:`zoo.hub.from_pretrained`."""
        from zoo.hub.pretrained import from_pretrained

        return from_pretrained(repo_id_or_dir, revision, cache_dir=cache_dir, force_download=force_download,
                               local_files_only=local_files_only, token=token)

    def save_pretrained(self, directory: str | os.PathLike[str]) -> Path:
        """Write this bank as a bank directory; see :func:`zoo.hub.save_pretrained`."""
        from zoo.hub.pretrained import save_pretrained

        return save_pretrained(self, directory)

    def push_to_hub(self, repo_id: str, *, branch: str | None = None, tag: str | None = None,
                    private: bool | None = None, commit_message: str | None = None, token: str | bool | None = None):
        """Publish this bank to the Hub; see :func:`zoo.hub.push_to_hub`."""
        from zoo.hub.pretrained import push_to_hub

        return push_to_hub(self, repo_id, branch=branch, tag=tag, private=private,
                           commit_message=commit_message, token=token)


def _git_revision() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


def bank_config(model, bank_name: str, metrics: dict | None = None, provenance: dict | None = None) -> dict:
    """The ``spec.json`` content describing the bank node ``bank_name`` of a compiled model."""
    from zoo import __version__
    from zoo.schema.migrate import CURRENT_VERSION

    spec = model.spec
    bank = spec.bank(bank_name)
    module = model.get_submodule(bank_name)
    in_types, _ = model.node_types[bank_name]
    saved = bank.model_dump(mode="json")
    saved.update(source=None, frozen=False)
    prov = {
        "spec_name": spec.name,
        "family": spec.model.kind,
        "environment": spec.data.model_dump(mode="json") if spec.data else None,
        "procedure": spec.train.procedure if spec.train else None,
        "seed": spec.train.seed if spec.train else None,
        "steps": spec.train.steps if spec.train else None,
        "source_revision": _git_revision(),
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "model_spec": spec.model_dump(mode="json"),
    }
    prov.update(provenance or {})
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "library": "mechzoo",
        "library_version": __version__,
        "schema_version": CURRENT_VERSION,
        "name": bank_name,
        "bank": saved,
        "ports": {p: t.shape[-1] for p, t in in_types.items()},
        "tensors": {k: {"shape": list(v.shape), "dtype": str(v.dtype).removeprefix("torch.")}
                    for k, v in module.state_dict().items()},
        "metrics": {k: float(v) for k, v in (metrics or {}).items()},
        "provenance": prov,
    }


def write_weights(path: Path, state: dict[str, torch.Tensor]) -> None:
    """``model.safetensors``: sealed (:mod:`zoo.weights`) and byte-for-byte reproducible (the sealed
    header is canonical JSON), so the same bank never makes a new Hub commit."""
    from zoo.weights import save_weights

    write_bytes(path, save_weights(state, metadata={"format": FORMAT}))


def save_bank(model, bank_name: str, directory: str | os.PathLike[str], metrics: dict | None = None,
              provenance: dict | None = None) -> Path:
    """Write the bank node ``bank_name`` of a compiled model as a bank directory; returns its path."""
    from zoo.hub.card import model_card

    directory = Path(directory)
    config = bank_config(model, bank_name, metrics, provenance)
    write_weights(directory / WEIGHTS, model.get_submodule(bank_name).state_dict())
    write_json(directory / CONFIG, config)
    # the card is written from spec.json as read back, so a loaded bank writes the same card again
    write_text(directory / CARD, model_card(json.loads((directory / CONFIG).read_text(encoding="utf-8"))))
    return directory


def read_config(directory: Path) -> dict[str, Any]:
    """``spec.json`` of a bank directory, checked for format, versions and the type of every field read."""
    from zoo import safejson

    path = directory / CONFIG
    if not path.is_file():
        raise BankError(f"{directory}: not a bank (no {CONFIG})")
    return check_meta(safejson.read(path, BankError, MAX_CONFIG_BYTES), path)


def bank_spec(meta: dict[str, Any], where: Path, **update: Any):
    """The concrete bank spec stored in ``spec.json`` (with ``update`` applied)."""
    from zoo.schema.parts import MechanismBankSpec

    data = {**meta["bank"], **update}
    try:
        spec = TypeAdapter(MechanismBankSpec).validate_python(data)
    except ValidationError as e:
        raise BankError(f"{where / CONFIG}: invalid bank spec: {e.errors()[0]['msg']} at {e.errors()[0]['loc']}") from None
    if spec.kind == "pretrained":
        raise BankError(f"{where / CONFIG}: a saved bank must have a concrete kind, not 'pretrained'")
    return spec


def read_tensors(directory: Path) -> dict[str, torch.Tensor]:
    """Every tensor of ``model.safetensors``, read whole and verified (:func:`zoo.weights.read_weights`):
    a pickle, a truncated file, a lying header, a broken checksum or NaN/inf values are refused."""
    from zoo.weights import read_weights

    path = directory / WEIGHTS
    if not path.is_file():
        raise BankError(f"{directory}: no {WEIGHTS}")
    return read_weights(path)[0]


def _declared(meta: dict[str, Any], where: Path) -> dict[str, torch.Tensor]:
    """The tensors ``spec.json`` declares, as meta tensors (nothing allocated, whatever it claims)."""
    out = {}
    for name, info in meta["tensors"].items():
        shape = info.get("shape") if isinstance(info, dict) else None
        dtype = getattr(torch, str(info.get("dtype")), None) if isinstance(info, dict) else None
        if (not isinstance(shape, list) or len(shape) > 8 or not isinstance(dtype, torch.dtype)
                or not all(isinstance(d, int) and not isinstance(d, bool) and 0 <= d < 2**40 for d in shape)):
            raise BankError(f"{where / CONFIG}: tensor {name!r} is declared with a malformed shape or dtype ({info!r:.200})")
        out[name] = torch.empty(shape, dtype=dtype, device="meta")
    return out


def check_tensors(tensors: dict[str, torch.Tensor], expected: dict[str, torch.Tensor], where: str) -> None:
    """Names, shapes, dtypes and finiteness, with every mismatch listed."""
    from zoo.weights import finite

    problems = []
    for name in sorted(set(expected) - set(tensors)):
        problems.append(f"missing tensor {name!r}")
    for name in sorted(set(tensors) - set(expected)):
        problems.append(f"unexpected tensor {name!r}")
    for name in sorted(set(tensors) & set(expected)):
        got, want = tensors[name], expected[name]
        if tuple(got.shape) != tuple(want.shape):
            problems.append(f"{name!r} has shape {tuple(got.shape)}, expected {tuple(want.shape)}")
        elif got.dtype != want.dtype:
            problems.append(f"{name!r} has dtype {got.dtype}, expected {want.dtype}")
        elif got.device.type != "meta" and not finite(got):
            problems.append(f"{name!r} contains NaN or infinite values")
    if problems:
        raise BankError(f"{where}: weights do not match the bank spec:{listing(problems)}")


def load_dir(directory: Path, origin: str | None = None) -> Bank:
    """Load the bank directory ``directory``, strictly checked against its ``spec.json``."""
    from zoo.compiler.kinds.mechanism_bank import bank_module

    meta = read_config(directory)
    spec = bank_spec(meta, directory)
    ports = meta["ports"]
    if not all(isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= MAX_DIM for v in ports.values()):
        raise BankError(f"{directory / CONFIG}: port widths must be integers from 1 to {MAX_DIM}, got {ports!r:.200}")
    try:
        with torch.device("meta"):  # shapes and dtypes only: a lying spec.json cannot make us allocate
            expected = bank_module(spec, ports).state_dict()
    except Exception as e:  # noqa: BLE001 - any failure to build means the config is inconsistent
        raise BankError(f"{directory / CONFIG}: ports {ports} do not fit the bank spec ({e})") from None
    check_tensors(_declared(meta, directory), expected, str(directory / CONFIG))
    tensors = read_tensors(directory)
    check_tensors(tensors, expected, str(directory / WEIGHTS))
    return Bank(spec, ports, tensors, meta, directory, origin)


def load_bank(ref: str | os.PathLike[str], base: Path | None = None) -> Bank:
    """Load a bank from a directory, a catalogue bank name or ``hf://org/name[@revision]``, strictly checked."""
    text = str(ref)
    if text.startswith("hf://"):
        from zoo.hub.remote import download

        return download(text).bank
    return load_dir(locate(text, base))


def find_local(ref: str | os.PathLike[str], base: Path | None = None) -> Path | None:
    """The directory of a local bank reference: a path (relative to ``base``, then to the working
    directory) or the name of a catalogue bank (``comet-particles`` or ``banks/comet-particles``)."""
    text = str(ref)
    path = Path(text).expanduser()
    if not path.is_absolute() and base is not None and (base / path).is_dir():
        return base / path
    if path.is_dir():
        return path
    from zoo.hub.catalogue import catalogue_bank

    return catalogue_bank(text)


def locate(ref: str | os.PathLike[str], base: Path | None = None) -> Path:
    """The local directory of a bank reference (downloading ``hf://`` references into the cache)."""
    text = str(ref)
    if text.startswith("hf://"):
        from zoo.hub.remote import download

        return download(text).path
    found = find_local(text, base)
    if found is None:
        raise BankError(f"bank {text!r}: no such directory or catalogue bank (use a bank directory, "
                        "a catalogue bank name from `zoo banks list`, or hf://org/name@revision)")
    return found


def _spec_dir(spec) -> Path | None:
    source = getattr(spec, "source", None)
    if source is not None and source.file and not source.file.startswith("<"):
        return Path(source.file).resolve().parent
    return None


def resolve_sources(spec):
    """``spec`` with every ``kind: pretrained`` bank replaced by the concrete spec saved with it."""
    if not any(b.kind == "pretrained" for b in spec.mechanisms):
        return spec
    banks, issues = [], []
    for i, b in enumerate(spec.mechanisms):
        if b.kind != "pretrained":
            banks.append(b)
            continue
        try:
            directory = locate(b.source, _spec_dir(spec))
            banks.append(bank_spec(read_config(directory), directory, name=b.name, source=b.source, frozen=b.frozen))
        except BankError as e:
            from zoo.errors import Issue

            issues.append(Issue(("mechanisms", i, "source"), str(e)))
    if issues:
        raise SpecError(issues)
    resolved = spec.model_copy(update={"mechanisms": tuple(banks)})
    resolved._source = spec.source
    return resolved


def load_into(module: torch.nn.Module, bank, widths: dict[str, int], spec) -> None:
    """Load ``bank.source`` into a freshly built bank block, checking structure and ports first."""
    loaded = load_bank(bank.source, _spec_dir(spec))
    where = f"bank {bank.name!r} from {bank.source}"
    diffs = [f"{k}: spec says {getattr(bank, k, None)!r}, bank has {getattr(loaded.spec, k, None)!r}"
             for k in STRUCTURE if getattr(bank, k, None) != getattr(loaded.spec, k, None)]
    if loaded.ports != widths:
        diffs.append(f"port widths: the model feeds {widths}, the bank was trained on {loaded.ports}")
    if diffs:
        raise BankError(f"{where} does not fit:{listing(diffs)}")
    check_tensors(loaded.tensors, module.state_dict(), where)
    module.load_state_dict(loaded.tensors, strict=True)

