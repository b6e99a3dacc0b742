"""Training checkpoints: one safetensors file holding model, optimiser, scheduler and RNG state.

Tensors are stored as safetensors tensors; everything else (step, optimiser hyper-parameters,
scheduler counters, Python/NumPy RNG state) is JSON in the safetensors header metadata. Nothing is
ever unpickled. Files are sealed with a checksum (:mod:`zoo.weights`) and written atomically (an
unnamed file linked into place once complete). :func:`check_resumable` compares a loaded checkpoint
with the run about to resume it.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from zoo.errors import BankError
from zoo.io import FileReadError, read_limited, write_bytes
from zoo.limits import MAX_WEIGHT_BYTES
from zoo.schema.migrate import CURRENT_VERSION
from zoo.weights import mismatches, read_weights, save_weights

FORMAT = "zoo-checkpoint"
VERSION = 1


def _split(obj: Any, prefix: str, tensors: dict[str, torch.Tensor]) -> Any:
    """Move every tensor in a nested dict/list into ``tensors``; leave a reference in the JSON."""
    if isinstance(obj, torch.Tensor):
        tensors[prefix] = obj.detach().cpu().contiguous().clone()
        return {"__tensor__": prefix}
    if isinstance(obj, dict):
        return {str(k): _split(v, f"{prefix}.{k}", tensors) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_split(v, f"{prefix}.{i}", tensors) for i, v in enumerate(obj)]
    return obj


def _join(obj: Any, tensors: dict[str, torch.Tensor]) -> Any:
    if isinstance(obj, dict):
        if set(obj) == {"__tensor__"}:
            return tensors[obj["__tensor__"]]
        return {k: _join(v, tensors) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_join(v, tensors) for v in obj]
    return obj


def rng_state(data_generator: torch.Generator | None = None) -> dict[str, Any]:
    """Every random-number state a run depends on."""
    state: dict[str, Any] = {
        "torch": torch.get_rng_state(),
        "python": list(random.getstate()[1]) + [random.getstate()[0], random.getstate()[2]],
    }
    kind, keys, pos, has_gauss, cached = np.random.get_state()
    state["numpy"] = {"keys": torch.from_numpy(keys.astype(np.int64)), "pos": int(pos),
                      "has_gauss": int(has_gauss), "cached": float(cached)}
    if torch.cuda.is_available():
        state["cuda"] = list(torch.cuda.get_rng_state_all())
    if data_generator is not None:
        state["data"] = data_generator.get_state()
    return state


def set_rng_state(state: dict[str, Any], data_generator: torch.Generator | None = None) -> None:
    """Restore what :func:`rng_state` captured."""
    torch.set_rng_state(state["torch"])
    py = state["python"]
    random.setstate((py[-2], tuple(py[:-2]), py[-1]))
    n = state["numpy"]
    np.random.set_state(("MT19937", n["keys"].numpy().astype(np.uint32), n["pos"], n["has_gauss"], n["cached"]))
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])
    if data_generator is not None and "data" in state:
        data_generator.set_state(state["data"])


@dataclass
class Checkpoint:
    """What a checkpoint holds, in memory."""

    step: int
    model: dict[str, torch.Tensor]
    optimizer: dict[str, Any]
    scheduler: dict[str, Any]
    rng: dict[str, Any]
    extra: dict[str, Any]


def save_checkpoint(path: str | Path, ckpt: Checkpoint) -> None:
    """Write ``ckpt`` atomically as one sealed safetensors file."""
    tensors: dict[str, torch.Tensor] = {}
    tree = {
        "model": _split(dict(ckpt.model), "model", tensors),
        "optimizer": _split(ckpt.optimizer, "optimizer", tensors),
        "scheduler": _split(ckpt.scheduler, "scheduler", tensors),
        "rng": _split(ckpt.rng, "rng", tensors),
    }
    meta = {
        "format": FORMAT,
        "version": str(VERSION),
        "schema_version": str(CURRENT_VERSION),
        "step": str(ckpt.step),
        "tree": json.dumps(tree),
        "extra": json.dumps(ckpt.extra),
    }
    write_bytes(path, save_weights(tensors, metadata=meta))


def _refs(obj: Any, out: list[str]) -> list[str]:
    if isinstance(obj, dict):
        if set(obj) == {"__tensor__"}:
            out.append(obj["__tensor__"])
        else:
            for v in obj.values():
                _refs(v, out)
    elif isinstance(obj, list):
        for v in obj:
            _refs(v, out)
    return out


def _version(meta: dict[str, str], key: str, newest: int, what: str, path: str | Path) -> None:
    try:
        version = int(meta.get(key, "0"))
    except ValueError:
        raise BankError(f"{path}: {what} {meta.get(key)!r} is not a number") from None
    if version > newest:
        raise BankError(f"{path}: written with {what} {version}, newer than this library understands "
                        f"({newest}); upgrade mechzoo to resume it")


def checkpoint_bytes(path: str | Path) -> bytes:
    """The bytes of a checkpoint file (a regular file of at most :data:`zoo.weights.MAX_WEIGHT_BYTES`).

    Raises:
        BankError: not a regular file, too large, or unreadable.
    """
    try:
        return read_limited(path, MAX_WEIGHT_BYTES, "checkpoint")
    except FileReadError as e:
        raise BankError(str(e)) from None
    except OSError as e:
        raise BankError(f"{path}: cannot read ({e.strerror or e})") from None


def load_checkpoint(path: str | Path, raw: bytes | None = None) -> Checkpoint:
    """Read a checkpoint written by :func:`save_checkpoint`: no pickle, every byte checked.

    Raises:
        BankError: the file is not a complete, consistent, finite zoo checkpoint of a known version.
    """
    tensors, meta = read_weights(path, raw=raw)
    if meta.get("format") != FORMAT:
        raise BankError(f"{path}: not a zoo checkpoint (format {meta.get('format')!r})")
    _version(meta, "version", VERSION, "checkpoint version", path)
    _version(meta, "schema_version", CURRENT_VERSION, "spec schema version", path)
    try:
        tree = json.loads(meta["tree"])
        extra = json.loads(meta.get("extra", "{}"))
        step = int(meta["step"])
        refs = _refs(tree, [])
    except (KeyError, ValueError, TypeError, RecursionError) as e:
        raise BankError(f"{path}: malformed checkpoint metadata ({type(e).__name__}: {e})") from None
    if not isinstance(tree, dict) or set(tree) != {"model", "optimizer", "scheduler", "rng"} or step < 0:
        raise BankError(f"{path}: malformed checkpoint metadata (sections {sorted(tree) if isinstance(tree, dict) else tree!r})")
    missing, unused = sorted(set(refs) - set(tensors)), sorted(set(tensors) - set(refs))
    if missing or unused or len(refs) != len(set(refs)):
        raise BankError(f"{path}: the tensors do not match the checkpoint's index "
                        f"(missing {missing[:5]}, unexpected {unused[:5]})")
    full = _join(tree, tensors)
    opt = full["optimizer"]
    try:
        if isinstance(opt, dict) and "state" in opt:  # optimiser state is keyed by parameter index
            opt["state"] = {int(k): v for k, v in opt["state"].items()}
    except (AttributeError, ValueError) as e:
        raise BankError(f"{path}: malformed optimiser state ({e})") from None
    return Checkpoint(step, full["model"], opt, full["scheduler"], full["rng"], extra)


def _rng_problems(rng: Any, generator: torch.Generator | None) -> list[str]:
    if not isinstance(rng, dict):
        return ["the RNG state is not a mapping"]
    problems = []
    want = torch.get_rng_state()
    for key in ("torch",) + (("data",) if generator is not None else ()):
        t = rng.get(key)
        if not isinstance(t, torch.Tensor) or t.dtype != want.dtype or t.shape != want.shape:
            problems.append(f"RNG state {key!r} is not a {want.dtype} tensor of shape {tuple(want.shape)}")
    py, n = rng.get("python"), rng.get("numpy")
    if not (isinstance(py, list) and len(py) == 627 and all(isinstance(v, int) or v is None for v in py[:-1])):
        problems.append("the Python RNG state is malformed")
    keys = n.get("keys") if isinstance(n, dict) else None
    if not (isinstance(keys, torch.Tensor) and tuple(keys.shape) == (624,) and isinstance(n.get("pos"), int)):
        problems.append("the NumPy RNG state is malformed")
    return problems


def _optimizer_problems(state: Any, optimizer: torch.optim.Optimizer) -> list[str]:
    if not isinstance(state, dict) or not isinstance(state.get("param_groups"), list) or not isinstance(state.get("state"), dict):
        return ["the optimiser state is malformed"]
    groups = state["param_groups"]
    if len(groups) != len(optimizer.param_groups) or any(
        not isinstance(g, dict) or len(g.get("params", ())) != len(o["params"]) for g, o in zip(groups, optimizer.param_groups)
    ):
        return ["the optimiser's parameter groups do not match this model's"]
    params = [p for g in optimizer.param_groups for p in g["params"]]
    problems = []
    for index, entry in state["state"].items():
        if not 0 <= index < len(params) or not isinstance(entry, dict):
            problems.append(f"optimiser state for parameter {index}, which does not exist")
            continue
        for name, value in entry.items():
            ok = not isinstance(value, torch.Tensor) or tuple(value.shape) in (tuple(params[index].shape), ())
            if not ok:
                problems.append(f"optimiser state {name!r} of parameter {index} has shape {tuple(value.shape)}, "
                                f"expected {tuple(params[index].shape)}")
    return problems


def check_resumable(ck: Checkpoint, path: str | Path, model: dict[str, torch.Tensor],
                    optimizer: torch.optim.Optimizer, generator: torch.Generator | None = None) -> None:
    """Refuse a checkpoint whose model, optimiser or RNG state does not fit the run resuming it.

    Raises:
        BankError: listing every mismatch (names, shapes, dtypes, parameter groups, RNG states).
    """
    problems = mismatches(ck.model, model) if isinstance(ck.model, dict) else ["the model state is malformed"]
    problems += _optimizer_problems(ck.optimizer, optimizer)
    problems += [] if isinstance(ck.scheduler, dict) else ["the scheduler state is malformed"]
    problems += _rng_problems(ck.rng, generator)
    if problems:
        raise BankError(f"{path}: cannot resume this run from it:\n  " + "\n  ".join(problems[:20]))
