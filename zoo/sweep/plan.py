"""The points of a sweep: every spec x setting (grid combination or listed point) x seed, in that order."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from zoo.errors import PathPart
from zoo.schema.source import SourceMap
from zoo.sweep.definition import SweepDefinition


@dataclass(frozen=True)
class Override:
    """One ``path=value`` override and its place in the sweep document (for errors)."""

    text: str
    where: tuple[PathPart, ...]


@dataclass(frozen=True)
class Point:
    """One run of the sweep before its spec is loaded."""

    spec: str  # the spec reference as the sweep names it
    setting: tuple[Override, ...]  # what this point varies (grid or points)
    seed: int | None  # the seed to set, or None: the spec's own train.seed

    @property
    def label(self) -> str:
        """The setting in words: ``train.lr=0.001 router.k=2`` (``-`` when the spec runs as written)."""
        return " ".join(o.text for o in self.setting) or "-"


@dataclass(frozen=True)
class SweepPlan:
    """A validated sweep definition, where it was written, and its points."""

    definition: SweepDefinition
    source: SourceMap
    folder: Path | None  # the sweep file's folder: spec paths in it are relative to it
    common: tuple[Override, ...]
    points: tuple[Point, ...]


def override_text(path: str, value: Any) -> str:
    """``path=value`` that the spec loader reads back as ``value`` (plain where that is unambiguous)."""
    if isinstance(value, str):
        try:
            plain = yaml.safe_load(value) == value and "\n" not in value
        except yaml.YAMLError:
            plain = False
        if plain:
            return f"{path}={value}"
    return f"{path}={json.dumps(value)}"


def make_plan(definition: SweepDefinition, source: SourceMap, folder: Path | None = None) -> SweepPlan:
    """Every point of ``definition``: each spec, each setting, each seed."""
    common = tuple(Override(override_text(p, v), ("set", p)) for p, v in definition.set.items())
    points = [Point(spec, setting, seed) for spec in definition.spec for setting in settings(definition)
              for seed in definition.seeds or (None,)]
    return SweepPlan(definition, source, folder, common, tuple(points))


def settings(definition: SweepDefinition) -> list[tuple[Override, ...]]:
    """The settings a sweep varies: the listed points, or every combination of the grid's values."""
    if definition.points is not None:
        return [tuple(Override(override_text(p, v), ("points", i, p)) for p, v in point.items())
                for i, point in enumerate(definition.points)]
    axes = [[Override(override_text(p, v), ("grid", p, i)) for i, v in enumerate(values)]
            for p, values in (definition.grid or {}).items()]
    return [tuple(combination) for combination in itertools.product(*axes)]
