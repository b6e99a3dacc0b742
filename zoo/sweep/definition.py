"""What a sweep runs, as a validated document: spec(s), seeds, shared overrides, and a grid or a list of points.

A sweep file (YAML or JSON) is this document; the ``zoo sweep`` options build the same document, so both
are checked by one Pydantic model and every error names its place (``sweep.yaml:4:3: grid['train.lr']: ...``
or ``--grid train.lr=: ...``)::

    spec: rims-digits            # a spec file (relative to this file) or catalogue name, or a list of them
    seeds: 0-4                   # 0-4, 0,2,5, or a list; default: each spec's own train.seed
    set: {train.steps: 200}      # overrides every point shares
    grid:                        # every combination of these values ...
      train.lr: [0.001, 0.002]
      router.k: [2, 4]
    # points:                    # ... or these settings only (instead of grid)
    #   - {train.lr: 0.001, router.k: 2}
"""

from __future__ import annotations

import difflib
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from zoo.errors import Issue, PathPart, SpecError
from zoo.schema.loader import parse_override
from zoo.schema.source import SourceMap
from zoo.sweep.seeds import parse_seeds

MAX_POINTS = 10_000


class SweepDefinition(BaseModel):
    """A sweep: which specs, which seeds, which settings."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    spec: tuple[str, ...] = Field(description="Spec files or catalogue names; each one is swept.")
    seeds: tuple[int, ...] | None = Field(default=None, description="Seeds (train.seed) of every setting.")
    set: dict[str, Any] = Field(default_factory=dict, description="Overrides every point shares.")
    grid: dict[str, tuple[Any, ...]] | None = Field(default=None, description="Every combination of these values.")
    points: tuple[dict[str, Any], ...] | None = Field(default=None, description="Settings to run (instead of grid).")

    @field_validator("spec", mode="before")
    @classmethod
    def _one_or_more_specs(cls, value: Any) -> Any:
        value = [value] if isinstance(value, str) else value
        if isinstance(value, (list, tuple)) and not value:
            raise ValueError("name at least one spec")
        return value

    @field_validator("seeds", mode="before")
    @classmethod
    def _seed_list(cls, value: Any) -> Any:
        return None if value is None else parse_seeds(value)


def check_definition(data: Any, source: SourceMap) -> SweepDefinition:
    """Validate a sweep document; every problem is one SpecError, located with ``source``."""
    if not isinstance(data, dict):
        raise source.locate(SpecError("a sweep is a mapping with at least 'spec' (and seeds, set, grid or points)"))
    issues = _document_issues(data)
    try:
        definition = SweepDefinition.model_validate(data)
    except ValidationError as e:
        issues = [_issue(err) for err in e.errors(include_url=False)] + issues
    else:
        issues += _size_issues(definition)
    if issues:
        raise source.locate(SpecError(issues))
    return definition


def _issue(err: dict[str, Any]) -> Issue:
    """A pydantic error as an Issue at its document path, in words a user acts on."""
    path: tuple[PathPart, ...] = tuple(err["loc"])
    kind, msg = err["type"], err["msg"]
    if kind == "extra_forbidden":
        accepted = list(SweepDefinition.model_fields)
        close = difflib.get_close_matches(str(path[-1]), accepted, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return Issue(path, f"unknown key {path[-1]!r}{hint} (accepted: {', '.join(accepted)})")
    if kind == "missing":
        return Issue(path, "required field is missing" + (": the spec(s) to sweep" if path == ("spec",) else ""))
    if kind in ("tuple_type", "dict_type"):
        shape = "a list of values" if kind == "tuple_type" else "a mapping of spec paths to values"
        return Issue(path, f"expected {shape}, got {err.get('input')!r:.80}")
    return Issue(path, msg.removeprefix("Value error, "))


def _document_issues(data: dict[str, Any]) -> list[Issue]:
    """What a sweep document gets wrong beyond each field's type: paths, empty settings, clashes."""
    places = _setting_places(data)
    issues = [Issue(w, f"{w[-1]!r} is not a spec path (write it like train.lr or mechanisms[0].count)")
              for w in places if not _is_path(str(w[-1]))]
    grid, points = data.get("grid"), data.get("points")
    if isinstance(grid, dict):
        if not grid:
            issues.append(Issue(("grid",), "the grid is empty; give at least one path and its values "
                                           "(train.lr: [0.001, 0.002])"))
        issues += [Issue(("grid", p), f"the grid gives no values for {p}; list at least one")
                   for p, values in grid.items() if isinstance(values, (list, tuple)) and not values]
    if isinstance(points, (list, tuple)) and not points:
        issues.append(Issue(("points",), "points is empty; list at least one setting ({train.lr: 0.001})"))
    if grid is not None and points is not None:
        issues.append(Issue(("points",), "give either grid (every combination) or points (listed settings), not both"))
    if data.get("seeds") is not None:
        issues += [Issue(w, "seeds already set train.seed; leave it out here or drop seeds") for w in places
                   if w[-1] == "train.seed"]
    return issues


def _setting_places(data: dict[str, Any]) -> list[tuple[PathPart, ...]]:
    """The place of every spec path the document sets: ``("set", p)``, ``("grid", p)``, ``("points", i, p)``."""
    places: list[tuple[PathPart, ...]] = []
    for key in ("set", "grid"):
        if isinstance(data.get(key), dict):
            places += [(key, p) for p in data[key]]
    if isinstance(data.get("points"), (list, tuple)):
        places += [("points", i, p) for i, point in enumerate(data["points"]) if isinstance(point, dict)
                   for p in point]
    return places


def _is_path(path: str) -> bool:
    """Whether ``path`` is a spec path one can override (``train.lr``, ``mechanisms[0].count``)."""
    try:
        parse_override(f"{path}=0")
    except SpecError:
        return False
    return True


def _size_issues(d: SweepDefinition) -> list[Issue]:
    size = len(d.spec) * len(d.seeds or (0,))
    if d.points is not None:
        size *= len(d.points)
    for values in (d.grid or {}).values():
        size *= len(values)
    if size > MAX_POINTS:
        return [Issue(("grid",) if d.grid else (), f"the sweep has {size} runs, more than {MAX_POINTS}")]
    return []


def is_sweep_document(data: Any) -> bool:
    """Whether a parsed document is a sweep (it names a ``spec``) rather than a model spec."""
    return isinstance(data, dict) and "spec" in data and "model" not in data
