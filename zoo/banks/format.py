"""The bank directory format: what ``spec.json`` holds, writing a bank, reading and checking its files.

``spec.json`` holds the bank's spec (kind, count, sizes, inputs), the widths of the ports it was
trained with, the name, shape and dtype of every tensor, the sha256 of the other files (``files``),
the schema and library versions, provenance (environment, procedure, seed, steps, the spec's fingerprint)
and metrics. Reading is strict: a file that is not a regular file, a digest, tensor name, shape or
dtype that does not match, or a value that is not finite is refused, and nothing is ever unpickled.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import torch
from pydantic import TypeAdapter, ValidationError

from zoo import __version__, safejson
from zoo.banks.card import model_card
from zoo.banks.integrity import FILES_KEY, check_digest, read_bank_file, recorded_digests, regular_file, sha256
from zoo.banks.meta import FORMAT, FORMAT_VERSION, check_meta
from zoo.banks.names import check_bank_name
from zoo.errors import BankError, listing
from zoo.io import json_text, write_bytes
from zoo.schema.fingerprint import fingerprint
from zoo.schema.migrate import CURRENT_VERSION
from zoo.schema.parts import MechanismBankSpec
from zoo.weights import finite, read_weight_bytes, read_weights, save_weights

CONFIG, WEIGHTS, CARD = "spec.json", "model.safetensors", "README.md"
DIGESTED = (WEIGHTS, CARD)  # the files whose sha256 spec.json records (it cannot record its own)
MAX_CONFIG_BYTES = 1024 * 1024


def bank_config(model, bank_name: str, metrics: dict | None = None, provenance: dict | None = None) -> dict:
    """The ``spec.json`` content describing the bank node ``bank_name`` of a compiled model."""
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
        "spec_fingerprint": fingerprint(spec),
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



def write_bank(directory: Path, config: dict[str, Any], tensors: dict[str, torch.Tensor]) -> Path:
    """Write a bank directory: ``model.safetensors`` (sealed, :mod:`zoo.weights`, and byte-for-byte
    reproducible, so the same bank never makes a new Hub commit), the ``README.md`` card, and last
    ``spec.json`` with the sha256 of both. The card is written from ``config`` as ``spec.json`` reads
    back, so a loaded bank writes the same three files again."""
    weights = save_weights(tensors, metadata={"format": FORMAT})
    config = json.loads(json_text(config))
    card = model_card(config).encode("utf-8")
    config[FILES_KEY] = {WEIGHTS: sha256(weights), CARD: sha256(card)}
    write_bytes(directory / WEIGHTS, weights)
    write_bytes(directory / CARD, card)
    write_bytes(directory / CONFIG, json_text(config).encode("utf-8"))
    return directory


def save_bank(model, bank_name: str, directory: str | Path, metrics: dict | None = None,
              provenance: dict | None = None) -> Path:
    """Write the bank node ``bank_name`` of a compiled model as a bank directory; returns its path."""
    config = bank_config(model, bank_name, metrics, provenance)
    return write_bank(Path(directory), config, model.get_submodule(bank_name).state_dict())


def read_config(directory: Path, links_within: Path | None = None) -> dict[str, Any]:
    """``spec.json`` of a bank directory, read with limits (:mod:`zoo.safejson`) and checked: format,
    versions and the type of every field read (:mod:`zoo.banks.meta`), the name, and the file digests
    (``links_within``: the huggingface_hub cache whose links may be followed)."""
    path = directory / CONFIG
    if not path.is_symlink() and not path.exists():
        raise BankError(f"{directory}: not a bank (no {CONFIG})")
    raw = read_bank_file(path, MAX_CONFIG_BYTES, links_within)
    meta = check_meta(safejson.decode(raw, str(path), BankError), path)
    if "name" in meta:
        check_bank_name(meta["name"], str(path))
    recorded_digests(meta, path, DIGESTED)
    return meta


def bank_spec(meta: dict[str, Any], where: Path, **update: Any):
    """The concrete bank spec stored in ``spec.json`` (with ``update`` applied)."""
    data = {**meta["bank"], **update}
    try:
        spec = TypeAdapter(MechanismBankSpec).validate_python(data)
    except ValidationError as e:
        raise BankError(f"{where / CONFIG}: invalid bank spec: {e.errors()[0]['msg']} at {e.errors()[0]['loc']}") from None
    if spec.kind == "pretrained":
        raise BankError(f"{where / CONFIG}: a saved bank must have a concrete kind, not 'pretrained'")
    return spec



def read_tensors(directory: Path, links_within: Path | None = None) -> tuple[dict[str, torch.Tensor], bytes]:
    """Every tensor of ``model.safetensors`` and the file's bytes, read whole and verified
    (:func:`zoo.weights.read_weights`): a pickle, a truncated file, a lying header, a broken seal or
    NaN/inf values are refused."""
    path = directory / WEIGHTS
    if not path.is_symlink() and not path.exists():
        raise BankError(f"{directory}: no {WEIGHTS}")
    # the header is checked against the file's size before its data is read (a sparse file fails at once)
    raw = read_weight_bytes(regular_file(path, links_within), follow_links=False, where=path)
    return read_weights(path, raw=raw)[0], raw


def check_files(directory: Path, meta: dict[str, Any], weights: bytes, card: bool = False,
                links_within: Path | None = None) -> None:
    """The weights' bytes against the sha256 ``spec.json`` records, and the card: a regular file, and
    when ``card``, its bytes too (checked for downloads; a card edited by hand in a local bank
    directory is its owner's business)."""
    recorded = recorded_digests(meta, directory / CONFIG, DIGESTED)
    check_digest(directory / WEIGHTS, weights, recorded)
    path = directory / CARD
    if card and CARD in recorded:
        check_digest(path, read_bank_file(path, links_within=links_within), recorded)
    elif path.is_symlink() or path.exists():
        regular_file(path, links_within)


def declared_tensors(meta: dict[str, Any], where: Path) -> dict[str, torch.Tensor]:
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




def publishable_files(directory: Path, meta: dict[str, Any]) -> dict[str, bytes]:
    """The bytes to publish of a loaded bank directory: its regular files, as they are, except that
    a card edited since the bank was saved gets its new sha256 recorded in the published ``spec.json``
    (so a download can still check every file).

    Raises:
        BankError: a file that is a link or not a regular file, or weights that no longer match.
    """
    config = read_bank_file(directory / CONFIG, MAX_CONFIG_BYTES)
    files = {CONFIG: config, WEIGHTS: read_bank_file(directory / WEIGHTS)}
    recorded = recorded_digests(meta, directory / CONFIG, DIGESTED)
    check_digest(directory / WEIGHTS, files[WEIGHTS], recorded)
    card = directory / CARD
    if card.is_symlink() or card.exists():
        files[CARD] = read_bank_file(card)
    if CARD in recorded and recorded[CARD] != (sha256(files[CARD]) if CARD in files else None):
        digests = {k: v for k, v in recorded.items() if k != CARD}
        if CARD in files:
            digests[CARD] = sha256(files[CARD])
        files[CONFIG] = json_text({**meta, FILES_KEY: digests}).encode("utf-8")
    return files
