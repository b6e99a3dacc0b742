"""JSON from files and the Hub (a bank's ``spec.json``, a run's ``metrics.json``), parsed with limits.

:func:`json.loads` turns absurd nesting into a ``RecursionError`` and a 5,000-digit integer into a
bare ``ValueError``; here both, like a syntax error or an unreadable file, are one clear error naming
the file. Spec documents have their own, located reader (:mod:`zoo.schema.document`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from zoo.errors import ZooError
from zoo.io import FileReadError, read_limited

MAX_DEPTH = 64
MAX_INT_DIGITS = 100
MAX_BYTES = 16 * 1024 * 1024


class _HugeInteger(ValueError):
    """An integer literal longer than :data:`MAX_INT_DIGITS` digits."""


def _parse_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise _HugeInteger(f"an integer with {len(text.lstrip('-'))} digits (at most {MAX_INT_DIGITS} are read)")
    return int(text)


def depth(value: Any) -> int:
    """How deeply lists and dicts nest in ``value`` (a scalar is 0), without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, level = stack.pop()
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else None
        if children is not None:
            deepest = max(deepest, level)
            stack.extend((child, level + 1) for child in children)
    return deepest


def loads(text: str, where: str, error: type[ZooError] = ZooError) -> Any:
    """The JSON value of ``text``; ``error`` (naming ``where``) for bad syntax, deep nesting or huge integers."""
    try:
        value = json.loads(text, parse_int=_parse_int)
    except json.JSONDecodeError as e:
        raise error(f"{where}: not valid JSON: {e.msg} at line {e.lineno}, column {e.colno}") from None
    except _HugeInteger as e:
        raise error(f"{where}: {e}") from None
    except RecursionError:
        raise error(f"{where}: nested deeper than {MAX_DEPTH} levels") from None
    if depth(value) > MAX_DEPTH:
        raise error(f"{where}: nested deeper than {MAX_DEPTH} levels")
    return value


def read(path: str | Path, error: type[ZooError] = ZooError, max_bytes: int = MAX_BYTES) -> Any:
    """The JSON value of the file ``path`` (UTF-8, at most ``max_bytes``), checked as :func:`loads` does."""
    path = Path(path)
    try:  # a regular file only, at most max_bytes read: a device or a pipe is refused, never waited on
        raw = read_limited(path, max_bytes, "JSON file")
    except FileReadError as e:
        raise error(str(e)) from None
    except OSError as e:
        raise error(f"{path}: cannot read ({e.strerror or e})") from None
    return decode(raw, str(path), error)


def decode(raw: bytes, where: str, error: type[ZooError] = ZooError) -> Any:
    """The JSON value of UTF-8 bytes already read (with their own limit), checked as :func:`loads` does."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise error(f"{where}: not UTF-8 text (byte 0x{raw[e.start:e.start + 1].hex()} at offset {e.start})") from None
    return loads(text, where, error)
