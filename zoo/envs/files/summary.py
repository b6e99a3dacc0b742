"""Check a data file as a data kind would read it, and describe it (``zoo data check``)."""

from __future__ import annotations

from dataclasses import dataclass, field

import torch

from zoo.data import NpzArchive, resolve
from zoo.envs.files import MAKERS
from zoo.errors import DataError, SpecError
from zoo.schema.data import DataSpec


@dataclass
class Report:
    """What ``zoo data check`` prints: summary lines and problems (none: the file is usable)."""

    lines: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing is wrong with the file."""
        return not self.problems


def _range(t: torch.Tensor) -> str:
    if t.numel() == 0:
        return "empty"
    t = t.float() if not t.is_floating_point() else t
    return f"{t.min().item():.4g} .. {t.max().item():.4g}"


def _splits(splits: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in splits.items())


def _trajectories(world) -> list[str]:
    train, test = world.splits["train"], world.splits["test"]
    s, t1, n, d = train.states.shape
    lines = [f"splits: {_splits({k: len(v) for k, v in world.splits.items()})} trajectories of {t1} states, "
             f"{n} objects of {d} features (slots: {{count: {n}, dim: {d}}})",
             f"static features: {', '.join(world.features[i] for i in world.static) or 'none'}"]
    types = torch.cat([train.types.flatten(), test.types.flatten()])
    if (types >= 0).any():
        shares = [f"{name} {(types == i).float().mean().item():.1%}" for i, name in enumerate(world.type_names)]
        lines.append(f"interaction types: {', '.join(shares)}, untyped (-1) {(types < 0).float().mean().item():.1%}")
    else:
        lines.append("interaction types: none given (no NMI or purity; one-step and rollout errors only)")
    states = torch.cat([train.states, test.states]).flatten(0, 2)
    lines += [f"  {name}: {_range(states[:, i])}" for i, name in enumerate(world.features)]
    return lines


def _images(env) -> list[str]:
    images = env.splits["train"]["images"]
    lines = [f"splits: {_splits({k: len(v['images']) for k, v in env.splits.items()})} images, (C, H, W) = "
             f"{tuple(images.shape[1:])}, {images.dtype}, values {_range(images)}"]
    if "masks" in env.splits["train"]:
        masks = torch.cat([s["masks"] for s in env.splits.values()]).flatten(1)
        objects = torch.stack([(masks == k).any(1) for k in range(1, int(masks.max()) + 1)], 1).sum(1) \
            if masks.max() > 0 else torch.zeros(len(masks))
        lines.append(f"masks: {_range(objects)} objects per image (ARI, J-ARI, JIS available)")
    else:
        lines.append("masks: none (no ARI, J-ARI or JIS)")
    return lines


def _sequences(env) -> list[str]:
    out = []
    for name, split in env.splits.items():
        x, y = split["x"], split["target"]
        what = "labels" if y.dim() == 1 else "targets"
        out.append(f"{name}: {len(x)} sequences, inputs {x.dtype} {tuple(x.shape[1:])} ({_range(x)}), "
                   f"{what} {y.dtype} {tuple(y.shape[1:])} ({_range(y)})")
    return out


def _tasks(env) -> list[str]:
    x = env.x
    kind = f"{env.classes} classes (int labels)" if env.labels else f"targets of width {env.classes}"
    return [f"splits: {_splits({k: len(v) for k, v in env.tasks.items()})} tasks of {x.shape[1]} shots "
            f"({env.support} support), inputs {x.shape[-1]} ({_range(x)}), {kind}, "
            f"{'classification' if env.classification else 'regression'}",
            f"latents: {'(tasks, %d)' % env.latents.shape[1] if env.has_latents else 'none (no module decoding R^2)'}"]


DESCRIBE = {"trajectories": _trajectories, "images": _images, "sequences": _sequences, "tasks": _tasks}


def check_file(ref: str, kind: str, seed: int = 0) -> Report:
    """Read ``ref`` as data of ``kind`` (a file kind) and describe it; problems instead of errors."""
    from pydantic import TypeAdapter, ValidationError

    report = Report()
    try:
        data = TypeAdapter(DataSpec).validate_python({"kind": kind, "path": ref})
        with NpzArchive(resolve(ref)) as npz:
            report.lines += [f"{ref}: {len(npz.members)} arrays"]
            report.lines += [f"  {k}: {m.dtype} {m.shape}" for k, m in npz.members.items()]
        report.lines += DESCRIBE[kind](MAKERS[kind](data, seed))
    except (DataError, SpecError) as e:
        report.problems.append(str(e))
    except ValidationError as e:
        report.problems.append(f"{ref}: {e.errors()[0]['msg']}")
    return report
