"""Load and check every point's spec before anything runs; each point gets its run name and fingerprint.

Every problem of every point is collected into one SpecError. A problem caused by an override is reported
at the override's place in the sweep (``sweep.yaml:6:5: train.lrr: unknown key ...`` or
``--grid train.lrr=1,2: ...``), the spec's own problems at their place in the spec file.
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from zoo.errors import Issue, SpecError
from zoo.schema.catalogue import resolve
from zoo.schema.loader import apply_overrides, read_document, validate
from zoo.schema.fingerprint import fingerprint
from zoo.sweep.plan import Override, Point, SweepPlan


@dataclass(frozen=True)
class ResolvedPoint:
    """A point whose spec loaded and checked: everything a run and its row in the results need."""

    key: str  # the run's name (its folder under runs/), stable while the point's spec ref and setting are
    spec_ref: str
    spec_name: str
    setting: str  # the point's setting in words
    overrides: tuple[str, ...]  # every override applied: shared, setting, seed
    seed: int
    fingerprint: str
    spec: dict[str, Any]  # the resolved spec as a JSON document


def resolve_points(plan: SweepPlan) -> list[ResolvedPoint]:
    """Every point of ``plan``, loaded, validated and its graph checked.

    Raises:
        SpecError: every problem of every point (repeats shown once), each at its place.
    """
    documents: dict[str, Any] = {}
    checked: set[tuple[str, str]] = set()
    issues: list[Issue] = []
    points: dict[str, ResolvedPoint] = {}
    for point in plan.points:
        overrides = plan.common + point.setting
        if point.seed is not None:
            overrides += (Override(f"train.seed={point.seed}", ("seeds",)),)
        try:
            spec = _load(plan, point, overrides, documents)
            if (point.spec, point.label) not in checked:
                _check_graph(spec)
                checked.add((point.spec, point.label))
        except SpecError as e:
            issues += [_relocated(i, plan, overrides) for i in e.issues]
            continue
        resolved = _resolved(point, spec, overrides)
        if resolved.key in points:
            issues.append(Issue(("points",), f"the sweep names one run twice: {point.spec}, {point.label}, "
                                             f"seed {resolved.seed}"))
        points[resolved.key] = resolved
    if issues:
        raise SpecError(list(dict.fromkeys(issues)))
    return list(points.values())


def _load(plan: SweepPlan, point: Point, overrides: tuple[Override, ...], documents: dict[str, Any]):
    """The point's spec: the spec document (read once per sweep) with the point's overrides, validated."""
    if point.spec not in documents:
        try:
            documents[point.spec] = read_document(_spec_path(plan, point.spec))
        except SpecError as e:
            documents[point.spec] = e
    found = documents[point.spec]
    if isinstance(found, SpecError):
        raise found
    data, source = copy.deepcopy(found)
    if not isinstance(data, dict):
        raise source.locate(SpecError("a spec is a mapping of keys"))
    spec = validate(apply_overrides(data, [o.text for o in overrides], source), source)
    if spec.train is None or spec.data is None:
        raise source.locate(SpecError("a sweep trains every point: the spec needs data and train sections",
                                      ("train",) if spec.train is None else ("data",)))
    return spec


def _spec_path(plan: SweepPlan, ref: str) -> Path:
    """A spec reference's file: relative to the sweep file's folder when there is one there, else a path
    from here or a catalogue name. Unknown references are errors at their place in the sweep."""
    if plan.folder is not None and (plan.folder / ref).is_file():
        return plan.folder / ref
    try:
        return resolve(ref)
    except SpecError as e:
        where = ("spec", plan.definition.spec.index(ref)) if len(plan.definition.spec) > 1 else ("spec",)
        raise plan.source.locate(e.relocated(where)) from None


def _check_graph(spec) -> None:
    """What ``zoo validate`` checks beyond the schema: the graph's wiring and shapes, what training needs."""
    from zoo.train.build import resolved_graph
    from zoo.train.requirements import check_model

    check_model(spec, resolved_graph(spec))


def _relocated(issue: Issue, plan: SweepPlan, overrides: tuple[Override, ...]) -> Issue:
    """An issue the spec loader placed at an override (``--set path=value``), placed in the sweep instead."""
    for o in overrides:
        if issue.file == f"--set {o.text}":
            file, line, column = plan.source.position(o.where) or (plan.source.file, None, None)
            return replace(issue, file=file, line=line, column=column)
    return issue


def _resolved(point: Point, spec, overrides: tuple[Override, ...]) -> ResolvedPoint:
    identity = json.dumps([point.spec, [o.text for o in point.setting]])
    seed = spec.train.seed
    key = f"{hashlib.sha256(identity.encode()).hexdigest()[:12]}-seed{seed}"
    return ResolvedPoint(key, point.spec, spec.name, point.label, tuple(o.text for o in overrides), seed,
                         fingerprint(spec), spec.model_dump(mode="json"))
