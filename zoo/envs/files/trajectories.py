"""``data.kind: trajectories``: object-slot trajectories read from an ``.npz`` file, as a :class:`SlotWorld`.

Arrays (see :class:`~zoo.schema.datafiles.TrajectoriesFile`): ``states`` float (S, T+1, N, D);
optional ``types`` and ``partners`` int (S, T, N) (-1: none), ``type_names``, ``feature_names``,
``static`` and ``split``. Without ``types`` every transition counts as typeless: COMET trains and
reports one-step and rollout errors, but no NMI or purity. Without ``static`` the features that never
change along any trajectory are the static ones. Varying object counts (a ``mask``) are refused.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from zoo.data import FileArrays, open_arrays
from zoo.envs.files.common import split_indices, to_tensor
from zoo.envs.trajectories import SlotWorld, Trajectories
from zoo.errors import SpecError
from zoo.schema.train import window_steps

STATES = "(S, T+1, N, D)"
STEPS = "(S, T, N)"


def read(files: FileArrays) -> tuple[dict[str, np.ndarray], tuple[str, ...], tuple[str, ...], tuple[int, ...]]:
    """The checked arrays (states, types, partners), the type names, the feature names and the static features."""
    if "mask" in files.arrays:
        raise files.error("mask", "varying object counts are not supported: every trajectory must hold the same N "
                          "objects (pad absent objects with a constant state and drop 'mask')")
    states = files.get("states", STATES, "f")
    s, t1, n, d = states.shape
    if t1 < 2:
        raise files.error("states", f"needs at least 2 states per trajectory (one transition), got {t1}")
    out = {"states": states}
    for key, meaning in (("types", "an interaction type index, -1 for none"), ("partners", "an object index, -1 for none")):
        a = files.get(key, STEPS, "iu", required=False)
        if a is None:
            a = np.full((s, t1 - 1, n), -1, dtype=np.int64)
        files.expect_shape(key, a.shape, (s, t1 - 1, n), STEPS)
        out[key] = a.astype(np.int64)
    files.integer_range("partners", out["partners"], -1, n - 1, "an object index, -1 for none")
    known = files.arrays.get("type_names")
    count = int(out["types"].max()) + 1 if out["types"].size else 0
    type_names = files.names("type_names", len(known) if known is not None and known.ndim == 1 else count, "type")
    files.integer_range("types", out["types"], -1, len(type_names) - 1, "an index into type_names, -1 for none")
    features = files.names("feature_names", d, "f")
    return out, type_names, features, static_features(files, states)


def static_features(files: FileArrays, states: np.ndarray) -> tuple[int, ...]:
    """The ``static`` array's feature indices, or the features equal to their first state everywhere."""
    d = states.shape[-1]
    a = files.get("static", "(K,)", "iu", required=False)
    if a is None:
        same = (states == states[:, :1]).all(axis=(0, 1, 2))  # (D,)
        return tuple(int(i) for i in np.flatnonzero(same))
    files.integer_range("static", a, 0, d - 1, "a feature index")
    return tuple(sorted(set(int(i) for i in a)))


@dataclass(frozen=True)
class FileWorld(SlotWorld):
    """A :class:`SlotWorld` read from a file; its objects and features are known only once it is read
    (a generated world's are checked from the spec, see :mod:`zoo.schema.data_fit`)."""

    label: str = ""

    def check_model(self, spec, model) -> None:
        """The spec's slots must be the file's objects and features, and its trajectories at least as long as
        the horizon a training window spans (with ``train.switch_rate`` a window is cut to a whole trajectory)."""
        n, d = self.splits["train"].states.shape[2:]
        if spec.slots is None or (spec.slots.count, spec.slots.dim) != (n, d):
            got = None if spec.slots is None else f"{{count: {spec.slots.count}, dim: {spec.slots.dim}}}"
            raise SpecError(f"{self.label}: the file holds {n} objects of {d} features ({', '.join(self.features)}); "
                            f"set slots: {{count: {n}, dim: {d}}} (got {got})", ("slots",))
        horizon = window_steps(spec.train)
        steps = min(split.length for split in self.splits.values())
        if horizon is not None and horizon > steps:
            raise SpecError(f"{self.label}: its trajectories have {steps + 1} states ({steps} steps), fewer than "
                            f"train.horizon={horizon} needs ({horizon + 1}); set train.horizon: {steps} or less",
                            ("train", "horizon"))


def _trajectories(arrays: dict[str, np.ndarray], index: np.ndarray | slice) -> Trajectories:
    return Trajectories(to_tensor(arrays["states"][index]), to_tensor(arrays["types"][index]),
                        to_tensor(arrays["partners"][index]))


def make(data, seed: int) -> SlotWorld:
    """The world of a ``trajectories`` data spec: train and test splits from the file(s)."""
    main = open_arrays(data.path)
    arrays, type_names, features, static = read(main)
    if data.test_path is None:
        split = split_indices(main, arrays["states"].shape[0], data.test_fraction, seed)
        splits = {name: _trajectories(arrays, index) for name, index in split.items()}
    else:
        test = open_arrays(data.test_path)
        test_arrays, test_types, test_features, _ = read(test)
        if test_arrays["states"].shape[2:] != arrays["states"].shape[2:]:
            raise test.error("states", f"holds {test_arrays['states'].shape[2]} objects of {test_arrays['states'].shape[3]} "
                             f"features; the training file {data.path} has {arrays['states'].shape[2:]}")
        if len(test_types) > len(type_names):
            type_names = test_types
        splits = {"train": _trajectories(arrays, slice(None)), "test": _trajectories(test_arrays, slice(None))}
    return FileWorld(splits, type_names, features, static, data.path)
