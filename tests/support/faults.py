"""Corruptions of safetensors weight files, each a function ``(path) -> None`` that edits the file in place.

Some edit raw bytes (truncation, a header that lies about offsets, shapes, dtypes or its own length, a
flipped bit); some rewrite the tensors (wrong shape or dtype, a missing or extra tensor, NaN, inf) and
then *re-seal* the file, so that only the loader's structural checks, not the checksum, can catch
them; some replace the file (a pickle that would leave a marker file if anything unpickled it, a
``torch.save`` archive); :data:`SPECIAL_FILES` make it a huge sparse file, a FIFO or a link to a device.
:data:`CORRUPTIONS` maps a name to each.
"""

from __future__ import annotations

import json
import os
import pickle
import struct
from pathlib import Path
from typing import Callable

import torch

from zoo.weights import SEAL, seal


def _header(raw: bytes) -> tuple[dict, bytes]:
    (n,) = struct.unpack("<Q", raw[:8])
    return json.loads(raw[8 : 8 + n]), raw[8 + n :]


def _with_header(header: dict, data: bytes) -> bytes:
    encoded = json.dumps(header, separators=(",", ":")).encode()
    encoded += b" " * (-len(encoded) % 8)
    return struct.pack("<Q", len(encoded)) + encoded + data


def _first_float(header: dict) -> str:
    return next(k for k, v in sorted(header.items()) if k != "__metadata__" and v["dtype"] in ("F32", "F64")
                and v["shape"] and v["data_offsets"][1] > v["data_offsets"][0])


def rewrite(path: Path, edit: Callable[[dict[str, torch.Tensor], dict[str, str]], None]) -> None:
    """Load the tensors (unverified), ``edit`` them and their metadata in place, save, re-seal if sealed."""
    from safetensors import safe_open
    from safetensors.torch import save

    with safe_open(str(path), framework="pt") as f:
        meta = dict(f.metadata() or {})
        tensors = {k: f.get_tensor(k) for k in f.keys()}
    sealed = meta.pop(SEAL, None) is not None
    edit(tensors, meta)
    raw = save(tensors, metadata=meta)
    path.write_bytes(seal(raw) if sealed else raw)


def _raw_edit(path: Path, edit: Callable[[dict, bytes], tuple[dict, bytes]]) -> None:
    header, data = _header(path.read_bytes())
    path.write_bytes(_with_header(*edit(header, data)))


def _lie_offsets(header: dict, data: bytes) -> tuple[dict, bytes]:
    k = _first_float(header)
    header[k]["data_offsets"][1] += 4  # claims bytes that belong to the next tensor or do not exist
    return header, data


def _lie_shape(header: dict, data: bytes) -> tuple[dict, bytes]:
    k = _first_float(header)
    shape = header[k]["shape"]
    n = 1
    for d in shape:
        n *= d
    header[k]["shape"] = [n] if len(shape) > 1 else [1, n]  # same bytes, another shape
    return header, data


def _lie_dtype(header: dict, data: bytes) -> tuple[dict, bytes]:
    k = _first_float(header)
    header[k]["dtype"] = {"F32": "I32", "F64": "I64"}[header[k]["dtype"]]  # same size, reinterpreted
    return header, data


def _resealed(edit: Callable[[dict, bytes], tuple[dict, bytes]]) -> Callable[[Path], None]:
    """A raw header edit whose seal is then recomputed, so only structural checks can catch it."""
    def corrupt(path: Path) -> None:
        header, data = edit(*_header(path.read_bytes()))
        header.get("__metadata__", {}).pop(SEAL, None)
        path.write_bytes(seal(_with_header(header, data)))
    return corrupt


def _lie_length(path: Path) -> None:
    raw = path.read_bytes()
    (n,) = struct.unpack("<Q", raw[:8])
    path.write_bytes(struct.pack("<Q", n + 16) + raw[8:])


def _flip_bit(path: Path) -> None:
    raw = bytearray(path.read_bytes())
    raw[-3] ^= 0x10
    path.write_bytes(bytes(raw))


class _Payload:
    """Unpickling this creates ``marker``: proof that a loader executed code from a file."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


def pickle_payload(marker: Path) -> bytes:
    """A pickle that would create ``marker`` if anything ever unpickled it."""
    return pickle.dumps({"weights": _Payload(marker)}, protocol=4)


def _pickle(path: Path) -> None:
    path.write_bytes(pickle_payload(path.with_name(path.name + ".EXECUTED")))


def _torch_archive(path: Path) -> None:
    torch.save({"weight": torch.zeros(2), "code": _Payload(path.with_name(path.name + ".EXECUTED"))}, str(path))


def _shape(t: dict[str, torch.Tensor], m: dict) -> None:
    k = sorted(k for k in t if t[k].is_floating_point() and t[k].dim())[0]
    t[k] = torch.zeros(*t[k].shape[:-1], t[k].shape[-1] + 1, dtype=t[k].dtype)


def _dtype(t: dict[str, torch.Tensor], m: dict) -> None:
    k = sorted(k for k in t if t[k].dtype == torch.float32)[0]
    t[k] = t[k].double()


def _value(value: float) -> Callable[[dict[str, torch.Tensor], dict], None]:
    def edit(t: dict[str, torch.Tensor], m: dict) -> None:
        k = sorted(k for k in t if t[k].is_floating_point() and t[k].numel())[0]
        t[k] = t[k].clone()
        t[k].view(-1)[0] = value
    return edit


def _sparse_huge(path: Path) -> None:
    with open(path, "r+b") as f:  # zeros up to 8 GiB, stored sparsely (no disk space)
        f.truncate(8 * 1024**3)


def _fifo(path: Path) -> None:
    path.unlink()
    os.mkfifo(path)  # a reader that opens it for reading blocks until a writer comes


def _device(path: Path) -> None:
    path.unlink()
    path.symlink_to("/dev/zero")  # an endless stream of zeros


SPECIAL_FILES: dict[str, Callable[[Path], None]] = {
    "sparse_8gib": _sparse_huge,
    "fifo": _fifo,
    "symlink_to_dev_zero": _device,
}


CORRUPTIONS: dict[str, Callable[[Path], None]] = {
    "empty": lambda p: p.write_bytes(b""),
    "truncated": lambda p: p.write_bytes(p.read_bytes()[: p.stat().st_size // 2]),
    "truncated_last_byte": lambda p: p.write_bytes(p.read_bytes()[:-1]),
    "truncated_header": lambda p: p.write_bytes(p.read_bytes()[:12]),
    "wrong_shape": lambda p: rewrite(p, _shape),
    "wrong_dtype": lambda p: rewrite(p, _dtype),
    "missing_key": lambda p: rewrite(p, lambda t, m: t.pop(sorted(t)[0])),
    "extra_key": lambda p: rewrite(p, lambda t, m: t.update(smuggled=torch.zeros(3))),
    "header_lies_about_offsets": lambda p: _raw_edit(p, _lie_offsets),
    "header_lies_about_shape": lambda p: _raw_edit(p, _lie_shape),
    "header_lies_about_dtype": lambda p: _raw_edit(p, _lie_dtype),
    "header_lies_about_shape_resealed": _resealed(_lie_shape),
    "header_lies_about_dtype_resealed": _resealed(_lie_dtype),
    "header_lies_about_its_length": _lie_length,
    "flipped_bit": _flip_bit,
    "pickle_renamed": _pickle,
    "torch_save_renamed": _torch_archive,
    "nan_weight": lambda p: rewrite(p, _value(float("nan"))),
    "inf_weight": lambda p: rewrite(p, _value(float("inf"))),
    **SPECIAL_FILES,
}


def future_metadata(**values: str) -> Callable[[Path], None]:
    """Set header metadata entries (e.g. ``version="99"``) and re-seal."""
    return lambda p: rewrite(p, lambda t, m: m.update(values))
