"""``data.kind: sequences``: sequences read from ``.npz`` files, for RIMs and the LSTM (``supervised``).

Arrays (see :class:`~zoo.schema.datafiles.SequencesFile`): ``inputs`` float (S, T, F) or int tokens
(S, T); then ``labels`` int (S,) or ``targets`` (S, T, ...) (int targets of -100 are not scored);
optional ``split`` ('train', 'test', 'test_<name>'). Each file of ``test_paths`` is one more test split.
The splits hold ``x`` (the inputs) and ``target`` (labels or targets), as the generated sequence
tasks do, so the model's input must be named ``x``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from zoo.data import FileArrays, open_arrays
from zoo.envs.files.common import check_input, split_indices, to_tensor
from zoo.errors import SpecError
from zoo.metrics.rollout import rollout_metrics

IGNORE = -100


def read(files: FileArrays) -> dict[str, np.ndarray]:
    """The checked ``x`` (inputs) and ``target`` (labels or targets) of a sequence file."""
    x = files.arrays.get("inputs")
    layout = "(S, T)" if x is not None and x.dtype.kind in "iu" else "(S, T, F)"
    x = files.get("inputs", layout, "iu" if layout == "(S, T)" else "f")
    if x.dtype.kind in "iu":
        files.integer_range("inputs", x, 0, 2**31 - 1, "token ids")
    has = [k for k in ("labels", "targets") if k in files.arrays]
    if len(has) != 1:
        raise files.error("labels", "give exactly one of 'labels' (S,) int, one class per sequence, or 'targets' "
                          f"(S, T, ...), one target per step; the file has {has or 'neither'}")
    if has[0] == "labels":
        target = files.get("labels", "(S,)", "iu")
        files.expect_shape("labels", target.shape, x.shape[:1], "(S,)")
        files.integer_range("labels", target, 0, 2**31 - 1, "class indices")
    else:
        target = files.arrays["targets"]
        layout = "(S, T" + ", ..." * (target.ndim - 2) + ")"
        target = files.get("targets", layout, "fiu")
        files.expect_shape("targets", target.shape[:2], x.shape[:2], "(S, T, ...)")
        if target.dtype.kind in "iu":
            files.integer_range("targets", target, IGNORE, 2**31 - 1, f"class indices, {IGNORE} for unscored")
    return {"x": x, "target": target}


@dataclass
class SequenceFiles:
    """Train and test splits of sequences; ``splits[name]`` holds ``x`` and ``target``."""

    splits: dict[str, dict[str, torch.Tensor]]
    label: str
    rollout: int = 0
    clamp: tuple[float, float] | None = None

    def check_model(self, spec, model) -> None:
        """The model reads ``x`` of this file's sample shape; class labels fit its output."""
        x = self.splits["train"]["x"]
        check_input(self.label, model, tuple(x.shape[1:]), integer=not x.is_floating_point())
        if "x" not in model.input_types:
            raise SpecError(f"{self.label}: sequence files feed an input named 'x'; the model's is "
                            f"{next(iter(model.input_types))!r}", ("model",))
        out = model.output_types.get(spec.train.output)
        target = self.splits["train"]["target"]
        if out is not None and not target.is_floating_point() and spec.train.loss == "cross_entropy":
            classes = out.shape[-1]
            biggest = max(int(s["target"].max()) for s in self.splits.values())
            if classes is not None and biggest >= classes:
                raise SpecError(f"{self.label}: the labels go up to {biggest}, but the model's output "
                                f"{spec.train.output!r} has {classes} classes", ("model",))

    def extra_metrics(self, model, device) -> dict[str, float]:
        """Rollout errors of next-step sequences when ``data.rollout`` asks for them."""
        if not self.rollout or not self.splits["train"]["target"].is_floating_point():
            return {}

        return rollout_metrics(self.splits, model, device, self.rollout, self.clamp)


def _take(arrays: dict[str, np.ndarray], index) -> dict[str, torch.Tensor]:
    return {k: to_tensor(v[index]) for k, v in arrays.items()}


def make(data, seed: int) -> SequenceFiles:
    """The splits of a ``sequences`` data spec: the main file's train/test, then one split per test file."""
    main = open_arrays(data.path)
    arrays = read(main)
    split = split_indices(main, arrays["x"].shape[0], data.test_fraction, seed, ("train", "test"), "test_")
    splits = {name: _take(arrays, index) for name, index in split.items()}
    for name, ref in data.test_paths.items():
        extra = open_arrays(ref)
        extra_arrays = read(extra)
        for key in ("x", "target"):
            a, b = extra_arrays[key], arrays[key]
            if a.dtype.kind != b.dtype.kind or (key == "x" and a.shape[2:] != b.shape[2:]):
                raise extra.error("inputs" if key == "x" else "target", f"is {a.dtype} {a.shape[1:]} per sample; "
                                  f"the training file {data.path} has {b.dtype} {b.shape[1:]}")
        splits[name] = _take(extra_arrays, slice(None))
    return SequenceFiles(splits, data.path, data.rollout, data.clamp)
