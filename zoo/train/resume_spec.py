"""What ``--resume`` may change: the spec a run continues with must be the one it was trained with.

A resumed run is meant to end as if it had never stopped, so its spec is compared with the run's own
``spec.yaml`` before anything is read or written. Only the fields in :data:`MAY_CHANGE` may differ:
how long to train (``train.steps``) and bookkeeping that does not change what is learnt (how often
to evaluate, log and checkpoint, and the description). Everything else (optimiser, learning rate,
seed, data, model, and the sizes of evaluation sets, which would make ``eval.csv`` mix two
definitions of a metric) is refused with a diff, one line per field: ``path: old -> new``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from zoo.errors import PathPart, SpecError, ZooError, format_path
from zoo.schema import validate
from zoo.schema.loader import read_document

MAY_CHANGE: frozenset[tuple[str, ...]] = frozenset({
    ("description",), ("train", "steps"), ("train", "eval_every"), ("train", "log_every"), ("train", "checkpoint_every"),
})
_ABSENT = object()  # a key one of the two documents does not have


def differences(old: Any, new: Any, path: tuple[PathPart, ...] = ()) -> list[tuple[tuple[PathPart, ...], Any, Any]]:
    """Every leaf where two JSON-like documents differ: ``(path, old value, new value)``."""
    if isinstance(old, dict) and isinstance(new, dict):
        out = []
        for key in list(old) + [k for k in new if k not in old]:
            out += differences(old.get(key, _ABSENT), new.get(key, _ABSENT), path + (key,))
        return out
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        return [d for i, (a, b) in enumerate(zip(old, new)) for d in differences(a, b, path + (i,))]
    return [] if old == new else [(path, old, new)]


def _shown(value: Any) -> str:
    text = "(absent)" if value is _ABSENT else json.dumps(value, sort_keys=True)
    return text if len(text) <= 80 else text[:77] + "..."


def _recorded(path: Path) -> dict[str, Any]:
    """The run's spec.yaml as the library would dump it today (defaults and migrations applied); read
    like any spec file (a regular file, bounded, with the document limits)."""
    try:
        data, _ = read_document(path)
    except SpecError as e:
        raise ZooError(f"{path}: cannot read the spec this run was trained with, which --resume compares "
                       f"with the new one:\n{e}") from None
    try:
        return validate(data).model_dump(mode="json")
    except SpecError:
        return data if isinstance(data, dict) else {}


def check_resume_spec(run_dir: Path, spec, has_checkpoint: bool) -> None:
    """Refuse to resume ``run_dir`` with a spec that differs from its own beyond :data:`MAY_CHANGE`.

    Raises:
        ZooError: listing every refused difference as ``path: old -> new``; or the run has a checkpoint
            but no readable spec.yaml to compare with.
    """
    path = run_dir / "spec.yaml"
    if not path.exists():
        if has_checkpoint:
            raise ZooError(f"{path}: missing, so --resume cannot check that the spec is unchanged; "
                           "start a new run (another --run-dir, or --overwrite)")
        return  # stopped before it wrote anything: nothing to continue, nothing to compare
    changed = [d for d in differences(_recorded(path), spec.model_dump(mode="json")) if d[0] not in MAY_CHANGE]
    if not changed:
        return
    lines = [f"  {format_path(p)}: {_shown(a)} -> {_shown(b)}" for p, a, b in changed[:30]]
    lines += [f"  ... and {len(changed) - 30} more"] if len(changed) > 30 else []
    allowed = ", ".join(format_path(p) for p in sorted(MAY_CHANGE))
    raise ZooError(f"{run_dir}: --resume would continue this run with a different spec than its own ({path}):\n"
                   + "\n".join(lines) + f"\nOnly {allowed} may change on --resume; to train with other "
                   "settings start a new run (another --run-dir, or --overwrite)")
