"""Data files a user brings: safe ``.npz`` reading, checked arrays, local or Hub dataset sources.

This package sits below :mod:`zoo.envs` (it imports only :mod:`zoo.errors`, numpy and huggingface_hub):
the file-backed environments (:mod:`zoo.envs.files`) read through it.
"""

from __future__ import annotations

from zoo.data.arrays import FileArrays
from zoo.data.npz import NpzArchive, load_arrays
from zoo.data.source import resolve


def open_arrays(ref: str, *, local_files_only: bool = False) -> FileArrays:
    """Every array of data file ``ref`` (a local path or ``hf://datasets/...``), read safely and labelled
    with ``ref`` for errors."""
    path = resolve(ref, local_files_only=local_files_only)
    return FileArrays(path, load_arrays(path), label=ref)


__all__ = ["FileArrays", "NpzArchive", "load_arrays", "open_arrays", "resolve"]
