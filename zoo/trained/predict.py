"""``zoo predict``: run a trained model over a whole data file, in chunks, into an ``.npz`` of predictions.

The input file is read a chunk of samples at a time (never whole) and every output array is appended
to on disk, so memory stays bounded by the chunk size whatever the file's size. A chunk holds at most
``CHUNK_BYTES`` of input and at most its family's number of samples (``PLANS``), and a dynamics model sees at most
``STATES_PER_CALL`` states per call: the activations (every mechanism for every candidate context of every
slot) grow with the samples per call, far beyond the input's size. What is written, by
family (S samples):

* COMET / interaction network, on a trajectories file: ``prediction`` (S, T, N, D) one step ahead of
  every state but the last; for COMET also ``mechanism`` and ``context`` (S, T, N); with ``rollout``
  R > 0, ``rollout`` (S, R, N, D) from each trajectory's first state.
* slot VAE, on an images file: ``slots`` (S, K, Dz), ``segmentation`` (S, H, W), ``recon`` (S, H, W, C).
* RIMs / LSTM, on a sequences file: ``output`` and, for RIMs, ``active`` (S, T, K).
* hypernetwork / ANIL / MAML, on a tasks file: ``y_query`` (tasks, Q, out), predictions for each
  task's query shots after adapting on its first ``support`` shots.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterator

import numpy as np
import torch

from zoo.data import NpzArchive, resolve
from zoo.errors import DataError, ZooError
from zoo.families.hypernetwork.adapt import expand
from zoo.trained.base import Run
from zoo.trained.dynamics import DynamicsRun
from zoo.trained.images import ImageRun
from zoo.trained.sequences import SequenceRun
from zoo.trained.stream import NpzStreamWriter
from zoo.trained.tasks import TaskRun

CHUNK_BYTES = 32 * 2**20  # input bytes per chunk
STATES_PER_CALL = 2048  # slot states per call of a dynamics model


def _dynamics(run: DynamicsRun, arrays: dict[str, np.ndarray], rollout: int) -> dict[str, np.ndarray]:
    states = arrays["states"]  # (k, T+1, N, D)
    k, t1 = states.shape[:2]
    flat = torch.from_numpy(states[:, :-1].reshape(k * (t1 - 1), *states.shape[2:]))  # (k*T, N, D)
    parts = [run.predict(flat[i:i + STATES_PER_CALL]) for i in range(0, len(flat), STATES_PER_CALL)]
    res = {key: torch.cat([p[key] for p in parts]).cpu().numpy().reshape(k, t1 - 1, *parts[0][key].shape[1:])
           for key in parts[0]}
    if rollout:
        res["rollout"] = run.rollout(torch.from_numpy(states[:, 0]), rollout).cpu().numpy()
    return res


def _images(run: ImageRun, arrays: dict[str, np.ndarray], rollout: int) -> dict[str, np.ndarray]:
    images = arrays["images"]
    x, _ = run.as_images(images)
    out = run.model(**{run.input_name: x})
    h, w, _ = run.image_shape
    return {"slots": out["mu"].cpu().numpy(), "segmentation": out["attention"].argmax(-1).view(-1, h, w).cpu().numpy(),
            "recon": out["recon"].clamp(0, 1).permute(0, 2, 3, 1).cpu().numpy()}


def _sequences(run: SequenceRun, arrays: dict[str, np.ndarray], rollout: int) -> dict[str, np.ndarray]:
    return {k: v.cpu().numpy() for k, v in run.predict(arrays["inputs"]).items()}


def _tasks(run: TaskRun, arrays: dict[str, np.ndarray], rollout: int) -> dict[str, np.ndarray]:
    x, y = arrays["x"], arrays["y"]
    support = getattr(run.spec.data, "support", None) or getattr(run.spec.data, "support_shots", None) or x.shape[1] // 2
    xs, _ = run.tensor(x.reshape(-1, x.shape[-1]), tuple(run.input_type.shape), "x")
    xs = xs.view(*x.shape)
    width = run.model.output_types[run.spec.train.output].shape[-1]
    ys = torch.as_tensor(y)
    ys = torch.nn.functional.one_hot(ys.long(), width).float() if not ys.is_floating_point() else ys.float()
    inner, cfg = run.inner(), run.spec.train
    fast0, slow = inner.split()
    steps = cfg.eval_steps if cfg.eval_steps is not None else cfg.inner.steps
    with torch.no_grad():
        fast = inner.adapt(expand(fast0, len(x)), slow, xs[:, :support], ys[:, :support].to(xs.device), steps, True)
        pred = inner.predict_tasks({k: v.detach() for k, v in fast.items()}, slow, xs[:, support:])
    return {"y_query": pred.cpu().numpy()}


# family, the arrays it reads, what it writes, and ROWS: the most samples of a chunk
PLANS: list[tuple[type[Run], tuple[str, ...], Callable, int]] = [
    (DynamicsRun, ("states",), _dynamics, 256), (ImageRun, ("images",), _images, 32),
    (SequenceRun, ("inputs",), _sequences, 256), (TaskRun, ("x", "y"), _tasks, 32),
]


def _chunks(npz: NpzArchive, keys: tuple[str, ...], chunk_bytes: int,
            max_rows: int) -> tuple[int, Iterator[dict[str, np.ndarray]]]:
    members = [npz.member(k) for k in keys]
    rows = members[0].shape[0] if members[0].shape else 0
    for k, m in zip(keys, members):
        if not m.shape or m.shape[0] != rows:
            raise DataError(f"{npz.path}: array {k!r} has shape {m.shape}; expected {rows} rows like {keys[0]!r}")
    per_row = max(1, sum(m.nbytes for m in members) // max(rows, 1))
    step = max(1, min(max_rows, chunk_bytes // per_row))
    streams = [npz.rows(k, step) for k in keys]

    def gen() -> Iterator[dict[str, np.ndarray]]:
        for parts in zip(*streams):
            for k, a in zip(keys, parts):
                if a.dtype.kind == "f" and not np.isfinite(a).all():
                    raise DataError(f"{npz.path}: array {k!r} holds NaN or infinite values")
            yield dict(zip(keys, parts))

    return rows, gen()


def predict_file(run: Run, data: str, out: str | Path, rollout: int = 0, chunk_bytes: int = CHUNK_BYTES,
                 progress: bool | None = None) -> Path:
    """Predict on every sample of data file ``data`` (local or ``hf://datasets/...``) and write ``out``."""
    from tqdm.auto import tqdm

    keys, fn, max_rows = next((k, f, r) for cls, k, f, r in PLANS if isinstance(run, cls))
    with NpzArchive(resolve(data)) as npz:
        rows, chunks = _chunks(npz, keys, chunk_bytes, max_rows)
        writer = NpzStreamWriter(Path(out), rows)
        try:
            with tqdm(total=rows, desc=f"predict {run.spec.name}", disable=None if progress is None else not progress,
                      unit="sample") as bar:
                for arrays in chunks:
                    try:
                        with torch.no_grad():
                            outputs = fn(run, arrays, rollout)
                    except ZooError as e:
                        raise DataError(f"{data}: {e}") from None
                    for key, value in outputs.items():
                        writer.append(key, value)
                    bar.update(len(arrays[keys[0]]))
        except BaseException:
            writer.close()
            raise
    return writer.finish()
