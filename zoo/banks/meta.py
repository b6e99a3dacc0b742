"""The structure of a bank's ``spec.json``, checked before anything reads it.

A bank comes from a directory or the Hub, so its ``spec.json`` is untrusted: every field that zoo
reads or shows (format and versions, name, bank spec, ports, tensors, metrics, provenance) must have
the type it was written with, or loading stops with a :class:`~zoo.errors.BankError` listing what
is wrong. Fields zoo does not know are kept as they are.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from zoo.errors import BankError, listing
from zoo.schema.migrate import CURRENT_VERSION, MIGRATIONS, version_problem

FORMAT = "zoo-bank"
FORMAT_VERSION = 1
MAX_TEXT = 1000  # characters of a name, a metric's name or a provenance string
# Provenance fields zoo reads (any may be null or missing); others are the procedure's own records.
PROVENANCE = {"spec_name": str, "family": str, "procedure": str, "source_revision": str, "spec_fingerprint": str, "created": str,
              "seed": int, "steps": int, "environment": dict, "model_spec": dict}


def _type_name(value: Any) -> str:
    return "null" if value is None else {bool: "a boolean", int: "an integer", float: "a number", str: "a string",
                                         list: "a list", dict: "a mapping"}.get(type(value), type(value).__name__)


def _text(value: Any, where: str) -> list[str]:
    if not isinstance(value, str):
        return [f"{where} must be a string, got {_type_name(value)}"]
    return [f"{where} is longer than {MAX_TEXT} characters"] if len(value) > MAX_TEXT else []


def _metrics(metrics: Any) -> list[str]:
    if metrics is None:
        return []
    if not isinstance(metrics, dict):
        return [f"'metrics' must map metric names to numbers, got {_type_name(metrics)}"]
    problems = []
    for key, value in metrics.items():
        problems += _text(key, "a metric's name")
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            problems.append(f"metric {key[:100]!r} must be a number, got {_type_name(value)}")
    return problems


def _provenance(prov: Any) -> list[str]:
    if prov is None:
        return []
    if not isinstance(prov, dict):
        return [f"'provenance' must be a mapping, got {_type_name(prov)}"]
    problems = []
    for key, kind in PROVENANCE.items():
        value = prov.get(key)
        if value is None:
            continue
        if kind is str:
            problems += _text(value, f"provenance.{key}")
        elif isinstance(value, bool) or not isinstance(value, kind):
            problems.append(f"provenance.{key} must be {_type_name(kind())} or null, got {_type_name(value)}")
    return problems


def _versions(meta: dict[str, Any]) -> list[str]:
    if meta.get("format") != FORMAT:
        return [f"not a zoo bank (format {str(meta.get('format'))[:100]!r}, expected {FORMAT!r})"]
    problems = [version_problem(meta.get("format_version"), FORMAT_VERSION, 1, "bank format version"),
                version_problem(meta.get("schema_version"), CURRENT_VERSION, min(MIGRATIONS, default=CURRENT_VERSION),
                                "spec schema version")]
    return [p for p in problems if p]


def meta_problems(meta: Any) -> list[str]:
    """Everything wrong with the structure of a ``spec.json`` value (empty when it can be read)."""
    if not isinstance(meta, dict):
        return [f"a bank's spec.json is a mapping, got {_type_name(meta)}"]
    problems = _versions(meta)
    if problems:
        return problems  # another format or version: its other fields may mean something else
    problems += [f"missing or malformed {key!r} (a mapping)" for key in ("bank", "ports", "tensors")
                 if not isinstance(meta.get(key), dict)]
    for key in ("name", "library", "library_version"):
        if meta.get(key) is not None:
            problems += _text(meta[key], repr(key))
    return problems + _metrics(meta.get("metrics")) + _provenance(meta.get("provenance"))


def check_meta(meta: Any, path: Path) -> dict[str, Any]:
    """``meta`` (the content of ``path``) when its structure is sound, else a BankError listing why."""
    problems = meta_problems(meta)
    if problems:
        raise BankError(f"{path}: {problems[0]}" if len(problems) == 1 else f"{path}:{listing(problems)}")
    return meta
