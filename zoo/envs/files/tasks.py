"""``data.kind: tasks``: few-shot tasks read from an ``.npz`` file, for the ``meta`` procedure.

Arrays (see :class:`~zoo.schema.datafiles.TasksFile`): ``x`` float (tasks, shots, in); ``y`` float
(tasks, shots, out) or int labels (tasks, shots); optional ``latents`` float (tasks, K) and ``split``
('train', 'test', 'ood'). Each task's first ``support`` shots are its support set, the rest its query
set. Int labels become one-hot targets over the model's classes (the KL loss is then cross-entropy).
Without ``latents`` no module decoding R^2 is reported; without 'ood' tasks no OOD scores.
"""

from __future__ import annotations

import numpy as np
import torch

from zoo.data import FileArrays, open_arrays
from zoo.envs.files.common import check_input, split_indices, to_tensor
from zoo.errors import SpecError


def read(files: FileArrays) -> dict[str, np.ndarray]:
    """The checked ``x``, ``y`` and (if present) ``latents``."""
    x = files.get("x", "(tasks, shots, in)", "f")
    y = files.arrays.get("y")
    labels = y is not None and y.dtype.kind in "iu"
    y = files.get("y", "(tasks, shots)" if labels else "(tasks, shots, out)", "iu" if labels else "f")
    files.expect_shape("y", y.shape[:2], x.shape[:2], "(tasks, shots, ...)")
    if labels:
        files.integer_range("y", y, 0, 2**31 - 1, "class indices")
    if x.shape[1] < 2:
        raise files.error("x", f"each task needs at least 2 shots (support and query), got {x.shape[1]}")
    out = {"x": x, "y": y}
    latents = files.get("latents", "(tasks, K)", "f", required=False)
    if latents is not None:
        files.expect_shape("latents", latents.shape[:1], x.shape[:1], "(tasks, K)")
        out["latents"] = latents
    return out


class TaskFiles:
    """Tasks from a file with the hyperteacher's ``sample`` interface (see :mod:`zoo.families.hypernetwork.hyperteacher`)."""

    def __init__(self, arrays: dict[str, np.ndarray], tasks: dict[str, np.ndarray], support: int,
                 classification: bool, label: str):
        self.x, self.y = to_tensor(arrays["x"]), to_tensor(arrays["y"])
        self.latents = to_tensor(arrays["latents"]) if "latents" in arrays else None
        self.tasks = {k: torch.from_numpy(v) for k, v in tasks.items()}
        self.support, self.classification, self.label = support, classification, label
        self.labels = not self.y.is_floating_point()
        self.classes = int(self.y.max()) + 1 if self.labels else self.y.shape[-1]
        self.has_latents = self.latents is not None

    def check_model(self, spec, model) -> None:
        """The model reads this file's inputs and predicts as many outputs as it has targets or classes."""
        check_input(self.label, model, (self.x.shape[-1],), integer=False)
        width = model.output_types[spec.train.output].shape[-1]
        if (width < self.classes) if self.labels else (width != self.classes):
            what = f"labels of {self.classes} classes" if self.labels else f"targets of width {self.classes}"
            raise SpecError(f"{self.label}: the file has {what}, but the model's output {spec.train.output!r} "
                            f"has width {width}", ("train", "output"))
        self.classes = width

    def sample(self, split: str, tasks: int, generator: torch.Generator) -> dict[str, torch.Tensor]:
        """``tasks`` tasks of ``split`` drawn with replacement, each split into support and query shots."""
        pool = self.tasks[split]
        index = pool[torch.randint(0, len(pool), (tasks,), generator=generator)]
        x, y = self.x[index], self.y[index]
        if self.labels:
            y = torch.nn.functional.one_hot(y, self.classes).float()
        s = self.support
        embedding = self.latents[index][:, None] if self.latents is not None else torch.zeros(tasks, 1, 1)
        return {"x_support": x[:, :s], "y_support": y[:, :s], "x_query": x[:, s:], "y_query": y[:, s:],
                "embedding": embedding, "task": index}


def make(data, seed: int) -> TaskFiles:
    """The tasks of a ``tasks`` data spec."""
    files = open_arrays(data.path)
    arrays = read(files)
    count, shots = arrays["x"].shape[:2]
    split = split_indices(files, count, data.test_fraction, seed, ("train", "test", "ood"))
    support = data.support if data.support is not None else shots // 2
    if support >= shots:
        raise SpecError(f"support={support} leaves no query shots: the tasks of {data.path} have {shots} shots",
                        ("data", "support"))
    labels = arrays["y"].dtype.kind in "iu"
    if data.mode == "regression" and labels:
        raise files.error("y", "mode: regression needs float targets (tasks, shots, out); it holds int labels")
    classification = labels or data.mode == "classification"
    return TaskFiles(arrays, split, support, classification, data.path)
