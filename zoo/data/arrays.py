"""Checked access to the arrays of one data file: every error names the file, the array and what was expected."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from zoo.errors import DataError

KIND_WORDS = {"f": "float", "i": "int", "u": "unsigned int", "b": "bool", "U": "str", "S": "str"}
MAX_MAGNITUDE = 1e15  # larger floats train as inf or NaN in float32: their squares (summed) overflow


def kinds_text(kinds: str) -> str:
    """``"fi"`` -> ``"float or int"``."""
    return " or ".join(dict.fromkeys(KIND_WORDS[k] for k in kinds))


class FileArrays:
    """The arrays read from ``path``; :meth:`get` checks each one as it is taken."""

    def __init__(self, path: Path, arrays: dict[str, np.ndarray], label: str | None = None):
        self.path, self.arrays = path, arrays
        self.label = label or str(path)

    def error(self, key: str, message: str) -> DataError:
        """A :class:`DataError` about array ``key`` of this file."""
        return DataError(f"{self.label}: array {key!r}: {message}")

    def get(self, key: str, layout: str, kinds: str, *, required: bool = True,
            finite: bool = True) -> np.ndarray | None:
        """Array ``key``, checked to have as many axes as ``layout`` names (e.g. ``"(S, T+1, N, D)"``) and a
        dtype of one of ``kinds`` (numpy kind letters); floats must be finite. None if absent and optional."""
        if key not in self.arrays:
            if not required:
                return None
            have = ", ".join(sorted(self.arrays)) or "none"
            raise DataError(f"{self.label}: missing array {key!r}, expected {kinds_text(kinds)} {layout} "
                            f"(the file has: {have})")
        a = self.arrays[key]
        axes = [p.strip() for p in layout.strip("()").split(",") if p.strip()]
        if a.ndim != len(axes) or a.dtype.kind not in kinds:
            raise self.error(key, f"expected {kinds_text(kinds)} {layout}, got {a.dtype} with shape {a.shape}")
        empty = [name for name, size in zip(axes[1:], a.shape[1:]) if size == 0]
        if empty:
            raise self.error(key, f"axis {empty[0]} of {layout} is empty (shape {a.shape}); every sample needs some")
        if finite and a.dtype.kind == "f" and a.size:
            self._check_floats(key, a)
        return a

    def _check_floats(self, key: str, a: np.ndarray) -> None:
        """Raise unless every value of the non-empty float array ``a`` is finite and at most ``MAX_MAGNITUDE`` in
        size (one pass for the extremes; the offenders are located only when there are some)."""
        low, high = a.min(), a.max()  # NaN if any value is NaN
        if not (np.isfinite(low) and np.isfinite(high)):
            bad = ~np.isfinite(a)
            first = tuple(int(i) for i in np.argwhere(bad)[0])
            raise self.error(key, f"{int(bad.sum())} value(s) are NaN or infinite (the first at index {first})")
        peak = max(float(high), -float(low))
        if peak > MAX_MAGNITUDE:
            first = tuple(int(i) for i in np.argwhere(np.abs(a) > MAX_MAGNITUDE)[0])
            raise self.error(key, f"values reach {peak:.3g} (the first over {MAX_MAGNITUDE:.0e} at index {first}): too "
                             "large to train on in float32, where their squares overflow; rescale the array (e.g. "
                             "to other units)")

    def names(self, key: str, count: int, default_prefix: str) -> tuple[str, ...]:
        """A 1-D str array of ``count`` names, or ``prefix0, prefix1, ...`` when absent."""
        a = self.get(key, f"({count},)", "US", required=False)
        if a is None:
            return tuple(f"{default_prefix}{i}" for i in range(count))
        if a.shape != (count,):
            raise self.error(key, f"expected {count} names, got shape {a.shape}")
        names = tuple(str(x) for x in a)
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise self.error(key, f"names must differ; repeated: {', '.join(map(repr, repeated))}")
        return names

    def expect_shape(self, key: str, got: tuple[int, ...], want: tuple[int | None, ...], layout: str) -> None:
        """Raise unless ``got`` matches ``want`` (None: any size)."""
        if len(got) != len(want) or any(w is not None and g != w for g, w in zip(got, want)):
            shown = "(" + ", ".join("any" if w is None else str(w) for w in want) + ")"
            raise self.error(key, f"expected shape {layout} = {shown}, got {tuple(got)}")

    def integer_range(self, key: str, a: np.ndarray, low: int, high: int, meaning: str) -> None:
        """Raise unless every value of ``a`` lies in ``[low, high]``."""
        if a.size and (a.min() < low or a.max() > high):
            raise self.error(key, f"values must lie in [{low}, {high}] ({meaning}); found {a.min()} .. {a.max()}")


def split_labels(files: FileArrays, count: int, allowed: tuple[str, ...], prefix_ok: str | None = None) -> np.ndarray | None:
    """The optional ``split`` array: one name per sample, each in ``allowed`` (or starting with ``prefix_ok``)."""
    a = files.get("split", "(S,)", "US", required=False)
    if a is None:
        return None
    if a.shape != (count,):
        raise files.error("split", f"expected one name per sample ({count}), got shape {a.shape}")
    names = set(str(x) for x in np.unique(a))
    bad = sorted(n for n in names if n not in allowed and not (prefix_ok and n.startswith(prefix_ok)))
    if bad:
        raise files.error("split", f"unknown split name(s) {bad}; allowed: {', '.join(allowed)}"
                          + (f" or names starting with {prefix_ok!r}" if prefix_ok else ""))
    return a.astype(str)


def draw_split(count: int, test_fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Train and test sample indices: a permutation drawn from ``seed``, the first ``test_fraction`` is test
    (at least one sample on each side when there are two or more)."""
    order = np.random.default_rng([seed, 17]).permutation(count)
    n_test = int(round(count * test_fraction))
    n_test = min(max(n_test, 1), count - 1) if count > 1 else 0
    return np.sort(order[n_test:]), np.sort(order[:n_test])
