"""Write a generated environment in the file format of its family (``zoo data export``).

Training on the written file(s) with the returned ``data`` section gives the same splits, and so the
same metrics, as training on the generated world with the same seed, for every environment with fixed
splits (trajectories, images, sequences). The hyperteacher draws fresh tasks and inputs at every step,
so its export is a finite sample of it: ``tasks`` tasks per split, each with its support and query shots
(:class:`~zoo.families.hypernetwork.hyperteacher.FiniteHyperteacher`, the world training on the export matches).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import torch

from zoo.envs import make_env
from zoo.envs.trajectories import SlotWorld
from zoo.errors import DataError
from zoo.families.hypernetwork.hyperteacher import FiniteHyperteacher, Hyperteacher
from zoo.families.slot_vae.sprites import SpritesEnv
from zoo.io import atomic_path
from zoo.schema.datafiles import FILE_KINDS


def write_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Write ``arrays`` uncompressed to ``path`` atomically (so members can be streamed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp, open(tmp, "wb") as f:
        np.savez(f, **arrays)


def _split_names(sizes: dict[str, int]) -> np.ndarray:
    return np.concatenate([np.full(n, name) for name, n in sizes.items()]).astype(str)


def _trajectories(world: SlotWorld, out: Path) -> dict[str, Any]:
    parts = world.splits
    cat = {k: torch.cat([getattr(t, k) for t in parts.values()]).numpy() for k in ("states", "types", "partners")}
    write_npz(out, {**cat, "split": _split_names({k: len(t) for k, t in parts.items()}),
                    "type_names": np.array(world.type_names, dtype=str),
                    "feature_names": np.array(world.features, dtype=str),
                    "static": np.array(world.static, dtype=np.int64)})
    return {"kind": "trajectories", "path": str(out)}


def _images(splits: dict[str, dict[str, torch.Tensor]], out: Path) -> dict[str, Any]:
    images = torch.cat([s["images"] for s in splits.values()]).permute(0, 2, 3, 1).numpy()  # (S, H, W, C)
    masks = torch.cat([s["masks"] for s in splits.values()]).numpy()
    write_npz(out, {"images": images, "masks": masks,
                    "split": _split_names({k: len(s["images"]) for k, s in splits.items()})})
    return {"kind": "images", "path": str(out)}


def _sequences(env, out: Path, data) -> dict[str, Any]:
    names = list(env.splits)
    main, extra = names[:2], names[2:]  # train and the first test split share the main file

    def arrays(parts: list[str]) -> dict[str, np.ndarray]:
        x = torch.cat([env.splits[p]["x"] for p in parts]).numpy()
        t = torch.cat([env.splits[p]["target"] for p in parts]).numpy()
        return {"inputs": x, "labels" if t.ndim == 1 else "targets": t}

    write_npz(out, {**arrays(main), "split": _split_names({p: len(env.splits[p]["x"]) for p in main})})
    spec: dict[str, Any] = {"kind": "sequences", "path": str(out), "test_paths": {}}
    for name in extra:
        path = out.with_name(f"{out.stem}.{name}.npz")
        write_npz(path, arrays([name]))
        spec["test_paths"][name] = str(path)
    if data.kind == "bouncing_balls":
        spec.update(rollout=data.rollout, clamp=[0.0, 1.0])
    return spec


def _tasks(env: Hyperteacher, out: Path, tasks: int, seed: int) -> dict[str, Any]:
    drawn = FiniteHyperteacher(env, tasks, seed).drawn
    x = torch.cat([torch.cat([d["x_support"], d["x_query"]], 1) for d in drawn.values()]).numpy()
    y = torch.cat([torch.cat([d["y_support"], d["y_query"]], 1) for d in drawn.values()]).numpy()
    latents = torch.cat([d["embedding"].flatten(1) for d in drawn.values()]).numpy()
    write_npz(out, {"x": x, "y": y, "latents": latents, "split": _split_names({k: tasks for k in drawn})})
    return {"kind": "tasks", "path": str(out), "support": env.data.support_shots,
            "mode": "classification" if env.classification else "regression"}


def export(spec, out: str | Path, seed: int | None = None, tasks: int = 512) -> dict[str, Any]:
    """Generate ``spec.data`` with ``seed`` (default: the spec's training seed) and write it to ``out``
    (an ``.npz`` path; extra test splits of sequences go beside it). Returns the ``data`` section that
    reads the file(s) back."""
    out = Path(out)
    if out.suffix != ".npz":
        raise DataError(f"{out}: the output must be an .npz file")
    if spec.data is None or spec.data.kind in FILE_KINDS:
        raise DataError(f"{spec.name}: has no generated environment to export (data.kind: "
                        f"{getattr(spec.data, 'kind', None)})")
    seed = seed if seed is not None else (spec.train.seed if spec.train is not None else 0)
    env = make_env(spec.data, seed)
    if isinstance(env, SlotWorld):
        return _trajectories(env, out)
    if isinstance(env, SpritesEnv):
        return _images(env.splits, out)
    if isinstance(env, Hyperteacher):
        return _tasks(env, out, tasks, seed)
    splits = getattr(env, "splits", {})
    if splits and all(set(s) == {"x", "target"} and s["x"].dim() == (3 if s["x"].is_floating_point() else 2)
                      for s in splits.values()):
        return _sequences(env, out, spec.data)
    raise DataError(f"{spec.name}: data.kind {spec.data.kind!r} has no file format to export to")
