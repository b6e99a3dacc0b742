"""Safetensors files that check themselves: sealed on write, read whole and verified on load.

:func:`seal` puts a SHA-256 of the tensor index (names, dtypes, shapes, offsets) and of the data into
the header metadata (``zoo.sha256``), so a flipped bit or a header edited to lie about a tensor is
refused even where shapes and dtypes still fit. :func:`read_weights` reads the whole file, parses it
with safetensors (no pickle, ever), verifies the seal when there is one, and refuses NaN or infinite
values. Nothing is mapped lazily: a truncated or lying file fails here, never later.

Reading is bounded: only regular files (:func:`zoo.io.open_regular`), at most :data:`MAX_WEIGHT_BYTES`
(checked on the file's size before reading), and the header is read and checked first, so a file
whose header does not account for exactly its size (a sparse file of zeros, a truncated download) is
refused before its data is read.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
from pathlib import Path
from typing import Any

import torch

from zoo.errors import BankError
from zoo.io import FileReadError, open_regular
from zoo.limits import MAX_WEIGHT_BYTES

SEAL = "zoo.sha256"
MAX_HEADER = 100 * 1024 * 1024


def _split(raw: bytes) -> tuple[dict[str, Any], bytes]:
    """(header JSON, data section) of safetensors bytes; assumes safetensors already accepted them."""
    (n,) = struct.unpack("<Q", raw[:8])
    return json.loads(raw[8 : 8 + n]), raw[8 + n :]


def _digest(header: dict[str, Any], data: bytes) -> str:
    index = {k: [v["dtype"], v["shape"], v["data_offsets"]] for k, v in header.items() if k != "__metadata__"}
    h = hashlib.sha256(json.dumps(index, sort_keys=True, separators=(",", ":")).encode())
    h.update(data)
    return h.hexdigest()


def seal(raw: bytes) -> bytes:
    """Safetensors bytes with their digest added to the header metadata."""
    header, data = _split(raw)
    meta = dict(header.get("__metadata__") or {})
    meta[SEAL] = _digest(header, data)
    header["__metadata__"] = meta
    encoded = json.dumps(header, separators=(",", ":"), sort_keys=True).encode()  # canonical bytes
    encoded += b" " * (-len(encoded) % 8)
    return struct.pack("<Q", len(encoded)) + encoded + data


def save_weights(tensors: dict[str, torch.Tensor], metadata: dict[str, str] | None = None) -> bytes:
    """Sealed safetensors bytes of ``tensors`` (moved to CPU, contiguous, shared storage copied)."""
    from safetensors.torch import save

    plain = {k: v.detach().to("cpu").contiguous().clone() for k, v in tensors.items()}
    return seal(save(plain, metadata=metadata))


def finite(t: torch.Tensor) -> bool:
    """False when a floating-point tensor holds NaN or infinity."""
    if not t.is_floating_point():
        return True
    return bool(torch.isfinite(t.float() if t.element_size() < 2 else t).all())


def _data_end(header: bytes) -> int:
    """The end of the last tensor's bytes a safetensors header declares (ValueError if malformed)."""
    index = json.loads(header)
    if not isinstance(index, dict):
        raise ValueError("the header is not a JSON object")
    ends = [v["data_offsets"][1] for k, v in index.items() if k != "__metadata__"]
    if not all(isinstance(e, int) and e >= 0 for e in ends):
        raise ValueError("malformed data_offsets")
    return max(ends, default=0)


def read_weight_bytes(path: Path, max_bytes: int = MAX_WEIGHT_BYTES, follow_links: bool = True,
                      where: Path | None = None) -> bytes:
    """The bytes of a safetensors file: a regular file of at most ``max_bytes``, its header read first
    and checked against its size before the data is read (``where``: the name to give in errors).

    Raises:
        BankError: not a regular file (or a link, unless ``follow_links``), too large, a header that
            does not account for exactly the file's size, or unreadable.
    """
    shown = where or path
    try:
        with open_regular(path, follow_links) as (f, size):
            if size > max_bytes:
                raise BankError(f"{shown}: {size:,} bytes, larger than {max_bytes:,} bytes, the most zoo reads for a weight file")
            head = f.read(8)
            n = struct.unpack("<Q", head)[0] if len(head) == 8 else -1
            if not 2 <= n <= min(MAX_HEADER, size - 8):
                raise BankError(f"{shown}: not a valid safetensors file (bad header length: a pickle, or truncated?)")
            header = f.read(n)
            try:
                end = _data_end(header)
            except (ValueError, TypeError, KeyError, IndexError, RecursionError) as e:
                raise BankError(f"{shown}: not a valid safetensors file (header: {e})") from None
            if 8 + n + end != size:
                raise BankError(f"{shown}: not a valid safetensors file (its header describes {8 + n + end:,} bytes, "
                                f"the file has {size:,}: truncated, padded or sparse)")
            return head + header + f.read(end + 1)
    except FileReadError as e:
        raise BankError(f"{shown}: {e.reason}") from None
    except OSError as e:
        raise BankError(f"{shown}: cannot read ({e.strerror or e})") from None


def read_weights(path: str | os.PathLike[str], max_bytes: int | None = None,
                 raw: bytes | None = None) -> tuple[dict[str, torch.Tensor], dict[str, str]]:
    """Every tensor and the metadata of a safetensors file, fully read and verified.

    Args:
        path: the file (named in errors).
        max_bytes: refuse larger files (default :data:`MAX_WEIGHT_BYTES`).
        raw: the file's bytes when already read (e.g. received from another process).

    Raises:
        BankError: unreadable or not a regular file, too large, not safetensors (e.g. a pickle),
            truncated, inconsistent header, a seal that does not match, or NaN/infinite values.
    """
    from safetensors.torch import load

    path = Path(path)
    if raw is None:
        raw = read_weight_bytes(path, MAX_WEIGHT_BYTES if max_bytes is None else max_bytes)
    if len(raw) < 8 or struct.unpack("<Q", raw[:8])[0] > min(MAX_HEADER, len(raw) - 8):
        raise BankError(f"{path}: not a valid safetensors file (bad header length: a pickle, or truncated?)")
    try:
        tensors = load(raw)
        header, data = _split(raw)
    except Exception as e:  # noqa: BLE001 - safetensors raises several types for corrupt files
        raise BankError(f"{path}: not a valid safetensors file ({e})") from None
    meta = header.get("__metadata__") or {}
    if SEAL in meta and meta[SEAL] != _digest(header, data):
        raise BankError(f"{path}: the checksum does not match: the file is corrupt (or was edited)")
    bad = sorted(k for k, t in tensors.items() if not finite(t))
    if bad:
        raise BankError(f"{path}: {', '.join(repr(k) for k in bad[:5])} contains NaN or infinite values")
    return tensors, dict(meta)


def mismatches(got: dict[str, torch.Tensor], expected: dict[str, torch.Tensor]) -> list[str]:
    """Missing and unexpected names, wrong shapes and dtypes (``expected`` may live on the meta device)."""
    problems = [f"missing tensor {k!r}" for k in sorted(set(expected) - set(got))]
    problems += [f"unexpected tensor {k!r}" for k in sorted(set(got) - set(expected))]
    for k in sorted(set(got) & set(expected)):
        g, w = got[k], expected[k]
        if not isinstance(g, torch.Tensor):
            problems.append(f"{k!r} is not a tensor")
        elif tuple(g.shape) != tuple(w.shape):
            problems.append(f"{k!r} has shape {tuple(g.shape)}, expected {tuple(w.shape)}")
        elif g.dtype != w.dtype:
            problems.append(f"{k!r} has dtype {g.dtype}, expected {w.dtype}")
    return problems
