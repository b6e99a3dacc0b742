"""Safe reading of ``.npz`` archives: no pickle, sizes checked before anything is read, rows streamed.

Every member's ``.npy`` header is read and checked when the archive is opened: object (pickled) arrays
are refused, the declared size must fit in the member (a truncated file is caught before reading), and
the archive's arrays together may hold at most :func:`max_bytes` bytes (``ZOO_DATA_MAX_BYTES``,
default 16 GiB), which also bounds what a compressed archive (a "zip bomb") can expand to: a member
is never read past its declared size. :meth:`NpzArchive.rows` streams an array's rows in chunks, so
memory stays bounded however big the file is.
"""

from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import numpy as np

from zoo.errors import DataError

DEFAULT_MAX_BYTES = 16 * 2**30
MAX_MEMBERS = 256
ALLOWED_KINDS = "biufUS"  # bool, ints, floats, strings; never objects


def max_bytes() -> int:
    """The most bytes the arrays of one archive may hold (``ZOO_DATA_MAX_BYTES`` or 16 GiB)."""
    text = os.environ.get("ZOO_DATA_MAX_BYTES", "")
    try:
        return int(text) if text else DEFAULT_MAX_BYTES
    except ValueError:
        raise DataError(f"ZOO_DATA_MAX_BYTES={text!r} is not a whole number of bytes") from None


@dataclass(frozen=True)
class Member:
    """One array of an archive, as its header declares it."""

    info: zipfile.ZipInfo
    shape: tuple[int, ...]
    dtype: np.dtype
    fortran: bool
    offset: int  # bytes of the .npy header before the data

    @property
    def nbytes(self) -> int:
        """Bytes of the array's data."""
        return int(np.prod(self.shape, dtype=np.int64)) * self.dtype.itemsize


def _header(f, where: str) -> tuple[tuple[int, ...], bool, np.dtype, int]:
    try:
        version = np.lib.format.read_magic(f)
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(f)
        elif version == (2, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(f)
        else:
            raise DataError(f"{where}: .npy format version {version} is not supported (write it with numpy.savez)")
    except (ValueError, EOFError) as e:
        raise DataError(f"{where}: not a valid .npy array ({e})") from None
    return tuple(int(s) for s in shape), bool(fortran), np.dtype(dtype), f.tell()


class NpzArchive:
    """An ``.npz`` file opened for checked reading (see the module docstring); use as a context manager."""

    def __init__(self, path: str | os.PathLike[str]):
        self.path = Path(path)
        if not self.path.is_file():
            raise DataError(f"{self.path}: no such file (expected an .npz archive)")
        try:
            self.zip = zipfile.ZipFile(self.path)
        except (zipfile.BadZipFile, OSError) as e:
            raise DataError(f"{self.path}: not an .npz archive ({e})") from None
        try:
            self.members = self._members()
        except BaseException:
            self.zip.close()
            raise

    def _members(self) -> dict[str, Member]:
        infos = self.zip.infolist()
        if len(infos) > MAX_MEMBERS:
            raise DataError(f"{self.path}: {len(infos)} members; an .npz archive of zoo data holds at most {MAX_MEMBERS}")
        declared, cap = sum(i.file_size for i in infos), max_bytes()
        if declared > cap:
            raise DataError(f"{self.path}: its arrays hold {declared:,} bytes, over the limit of {cap:,} "
                            "(raise ZOO_DATA_MAX_BYTES to allow it)")
        out = {}
        for info in infos:
            if not info.filename.endswith(".npy"):
                raise DataError(f"{self.path}: member {info.filename!r} is not a .npy array")
            key = info.filename[:-4]
            where = f"{self.path}: array {key!r}"
            with self.zip.open(info) as f:
                shape, fortran, dtype, offset = _header(f, where)
            member = Member(info, shape, dtype, fortran, offset)
            if dtype.hasobject or dtype.kind not in ALLOWED_KINDS:
                raise DataError(f"{where}: dtype {dtype} is refused (object arrays need pickle; use numbers, "
                                "booleans or strings)")
            if member.nbytes + offset != info.file_size:
                raise DataError(f"{where}: its header declares {member.nbytes:,} bytes of {dtype} {shape}, "
                                f"but the member holds {info.file_size - offset:,} (a truncated or altered file)")
            out[key] = member
        return out

    def __enter__(self) -> "NpzArchive":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Close the archive."""
        self.zip.close()

    def __contains__(self, key: str) -> bool:
        return key in self.members

    def member(self, key: str) -> Member:
        """The header of array ``key`` (a :class:`DataError` naming the file when it is missing)."""
        if key not in self.members:
            have = ", ".join(sorted(self.members)) or "none"
            raise DataError(f"{self.path}: no array {key!r} (it has: {have})")
        return self.members[key]

    def read(self, key: str) -> np.ndarray:
        """The whole array ``key``."""
        m = self.member(key)
        shape = m.shape[::-1] if m.fortran else m.shape
        out = np.empty(shape, dtype=m.dtype)
        with self.zip.open(m.info) as f:
            f.seek(m.offset)
            self._fill(f, out, key)
        return out.T if m.fortran else out

    def rows(self, key: str, chunk: int) -> Iterator[np.ndarray]:
        """Array ``key`` in consecutive pieces of at most ``chunk`` rows (along the first axis)."""
        m = self.member(key)
        if m.fortran and len(m.shape) > 1:
            raise DataError(f"{self.path}: array {key!r} is stored in Fortran order and cannot be streamed; "
                            "save it with numpy.ascontiguousarray")
        if not m.shape:
            raise DataError(f"{self.path}: array {key!r} is a scalar; expected one row per sample")
        with self.zip.open(m.info) as f:
            f.seek(m.offset)
            for start in range(0, m.shape[0], chunk):
                out = np.empty((min(chunk, m.shape[0] - start), *m.shape[1:]), dtype=m.dtype)
                self._fill(f, out, key)
                yield out

    def _fill(self, f, out: np.ndarray, key: str) -> None:
        view = out.reshape(-1).view(np.uint8)
        got = f.readinto(view) if view.size else 0
        if got != view.size:
            raise DataError(f"{self.path}: array {key!r} ends early ({got:,} of {view.size:,} bytes)")


def load_arrays(path: str | os.PathLike[str], keys: tuple[str, ...] | None = None) -> dict[str, np.ndarray]:
    """Every array of an archive (or only ``keys`` that are present), read safely."""
    with NpzArchive(path) as npz:
        return {k: npz.read(k) for k in npz.members if keys is None or k in keys}
