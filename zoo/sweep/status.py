"""Which points of a sweep still have to run, and how: the resume rules.

* a point whose row says ``ok`` with the fingerprint of its spec today is done (skipped);
* a point recorded with another fingerprint (its spec or the shared overrides changed) runs again from
  scratch, and so does one recorded as ``failed``;
* a point with a run directory but no row was interrupted: it continues from its checkpoint when the
  directory holds one of the same spec, else starts again.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from zoo.errors import ZooError
from zoo.schema import load_spec
from zoo.schema.fingerprint import fingerprint
from zoo.sweep.resolve import ResolvedPoint
from zoo.sweep.table import RunRow

RUNS, LOGS = "runs", "logs"


@dataclass(frozen=True)
class Todo:
    """A point to run: ``why`` (new, changed, failed, interrupted) and whether it resumes its checkpoint."""

    point: ResolvedPoint
    why: str
    resume: bool


def todo(points: list[ResolvedPoint], rows: list[RunRow], folder: Path) -> list[Todo]:
    """The points of a sweep in ``folder`` that have to run, in order, with why."""
    recorded = {r.run: r for r in rows}
    out = []
    for p in points:
        row = recorded.get(p.key)
        if row is None:
            run_dir = folder / RUNS / p.key
            resume = _resumable(run_dir, p.fingerprint)
            out.append(Todo(p, "interrupted" if run_dir.exists() else "new", resume))
        elif row.fingerprint != p.fingerprint:
            out.append(Todo(p, "changed", False))
        elif row.status != "ok":
            out.append(Todo(p, "failed", False))
    return out


def _resumable(run_dir: Path, expected: str) -> bool:
    """Whether ``run_dir`` holds a checkpoint of a run of the spec with fingerprint ``expected``."""
    if not (run_dir / "checkpoints" / "last.safetensors").is_file():
        return False

    try:
        return fingerprint(load_spec(run_dir / "spec.yaml")) == expected
    except (ZooError, OSError):
        return False
