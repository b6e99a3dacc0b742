"""The sweep document from ``zoo sweep``'s options, or from a sweep file with the options on top.

Each option's values get the option itself as their place (``--grid train.lr=1e-3,2e-3``), so an error in
them reads like an error in a file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

from zoo.errors import Issue, SpecError
from zoo.schema.catalogue import resolve
from zoo.schema.loader import parse_override, read_document
from zoo.schema.source import SourceMap
from zoo.sweep.definition import check_definition, is_sweep_document
from zoo.sweep.plan import SweepPlan, make_plan


def split_values(text: str) -> list[str]:
    """``"1e-3,[1, 2],x"`` -> ``["1e-3", "[1, 2]", "x"]``: commas inside brackets or braces stay."""
    parts, depth, current = [], 0, ""
    for char in text:
        depth += char in "[{"
        depth -= char in "]}"
        if char == "," and depth <= 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return [p.strip() for p in parts]


def _path_text(option: str, text: str) -> tuple[str, str]:
    """``("train.lr", "1e-3,2e-3")`` from ``"train.lr=1e-3,2e-3"``."""
    path, sep, values = text.partition("=")
    if not sep or not path.strip():
        raise SpecError([Issue((), f"expected PATH=VALUE{'S' if option == '--grid' else ''} "
                                   f"(e.g. {option} train.lr=0.001{',0.002' if option == '--grid' else ''})",
                               f"{option} {text}")])
    return path.strip(), values


def _value(option: str, text: str, path: str, value_text: str) -> Any:
    """One value as the spec loader reads it (a YAML scalar or flow list/mapping)."""
    try:
        return parse_override(f"{path}={value_text}")[1]
    except SpecError as e:
        raise SpecError([Issue((), e.issues[0].message, f"{option} {text}")]) from None


def options_document(seeds: str | None, grid: Iterable[str], sets: Iterable[str], data: dict[str, Any] | None = None,
                     source: SourceMap | None = None) -> tuple[dict[str, Any], SourceMap]:
    """A sweep document from the options (on top of a sweep file's ``data``: ``--seeds`` replaces its
    seeds, ``--set`` and ``--grid`` add to or replace its paths) and where each part came from."""
    data = dict(data or {})
    source = source or SourceMap()
    if seeds is not None:
        data["seeds"] = seeds
        source.override(("seeds",), f"--seeds {seeds}")
    for text in sets:
        path, value_text = _path_text("--set", text)
        data["set"] = {**_mapping(data.get("set")), path: _value("--set", text, path, value_text)}
        source.override(("set", path), f"--set {text}")
    for text in grid:
        path, values_text = _path_text("--grid", text)
        values = [_value("--grid", text, path, v) for v in split_values(values_text) if v]
        data["grid"] = {**_mapping(data.get("grid")), path: values}
        source.override(("grid", path), f"--grid {text}")
    return data, source


def _mapping(value: Any) -> dict[str, Any]:
    """A sweep file's set or grid to add options to (one that is not a mapping is replaced by them)."""
    return value if isinstance(value, dict) else {}


def read_sweep_or_spec(refs: tuple[str, ...]) -> tuple[dict[str, Any] | None, SourceMap | None, Path | None]:
    """The sweep file's document, positions and folder when ``refs`` is one sweep file; else Nones
    (``refs`` are model specs)."""
    if len(refs) != 1:
        return None, None, None
    path = resolve(refs[0])
    data, source = read_document(path)
    if not is_sweep_document(data):
        return None, None, None
    return data, source, path.parent


def load_plan(refs: tuple[str, ...] | list[str], seeds: str | None = None, grid: Iterable[str] = (),
              sets: Iterable[str] = ()) -> SweepPlan:
    """The plan of a sweep given as ``zoo sweep`` takes it: one sweep file or spec(s), and the options.

    Raises:
        SpecError: every problem of the sweep document, located (the points' specs are checked later).
    """
    refs = tuple(refs)
    if not refs:
        raise SpecError("name a spec (file or catalogue name) or a sweep file to sweep")
    data, source, folder = read_sweep_or_spec(refs)
    if data is None:
        data, source = {"spec": list(refs)}, SourceMap()
    data, source = options_document(seeds, grid, sets, data, source)
    return make_plan(check_definition(data, source), source, folder)
