"""Writing an ``.npz`` archive piece by piece: each array is appended to in row chunks, then the archive is
assembled uncompressed and renamed into place, so memory stays bounded and nothing is half-written."""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from pathlib import Path

import numpy as np

from zoo.io import atomic_path

COPY_BLOCK = 16 * 2**20


class NpzStreamWriter:
    """Arrays of known row counts, appended to chunk by chunk; :meth:`finish` writes ``path``."""

    def __init__(self, path: Path, rows: int):
        self.path, self.rows = Path(path), rows
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.tmp = tempfile.TemporaryDirectory(dir=self.path.parent, prefix=".tmp-predict-")
        self.files: dict[str, tuple[Path, int]] = {}  # key -> (temporary .npy, rows written)

    def append(self, key: str, chunk: np.ndarray) -> None:
        """Append ``chunk`` (k, ...) to array ``key`` (created, with ``rows`` rows, on first use)."""
        chunk = np.ascontiguousarray(chunk)
        if key not in self.files:
            f = Path(self.tmp.name) / f"{len(self.files)}.npy"
            header = {"descr": np.lib.format.dtype_to_descr(chunk.dtype), "fortran_order": False,
                      "shape": (self.rows, *chunk.shape[1:])}
            with open(f, "wb") as out:
                np.lib.format.write_array_header_2_0(out, header)
            self.files[key] = (f, 0)
        f, done = self.files[key]
        with open(f, "ab") as out:
            out.write(chunk.tobytes())
        self.files[key] = (f, done + len(chunk))

    def finish(self) -> Path:
        """Assemble the archive at ``path`` (atomically) and remove the temporary arrays."""
        try:
            for key, (_, done) in self.files.items():
                if done != self.rows:
                    raise RuntimeError(f"array {key!r} got {done} of {self.rows} rows")
            with atomic_path(self.path) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_STORED, allowZip64=True) as zf:
                for key, (f, _) in self.files.items():
                    with open(f, "rb") as src, zf.open(f"{key}.npy", "w", force_zip64=True) as dst:
                        shutil.copyfileobj(src, dst, COPY_BLOCK)
        finally:
            self.close()
        return self.path

    def close(self) -> None:
        """Drop the temporary arrays (after an error: nothing is written)."""
        self.tmp.cleanup()
