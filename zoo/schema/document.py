"""Parse YAML or JSON text into plain data plus a :class:`SourceMap` of every value's position.

Duplicate keys, non-string keys, Python tags, absurd nesting and alias bombs are refused with a
located :class:`~zoo.errors.SpecError` instead of a parser traceback.
"""

from __future__ import annotations

import json
from typing import Any

import yaml

from zoo.errors import Issue, PathPart, SpecError
from zoo.schema.source import SourceMap

MAX_DEPTH = 64
MAX_VALUES = 200_000


def decode(raw: bytes, file: str) -> str:
    """UTF-8 text of ``raw`` (a BOM is dropped), or a SpecError naming the offending byte."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        col = e.start - (raw.rfind(b"\n", 0, e.start) + 1) + 1
        byte = raw[e.start : e.start + 1].hex()
        raise SpecError([Issue((), f"not UTF-8 text (byte 0x{byte})", file, line, col)]) from None


class _Walker:
    """Builds Python values from a YAML node tree, recording each path's position."""

    def __init__(self, loader: yaml.SafeLoader, source: SourceMap):
        self.loader, self.source, self.count = loader, source, 0

    def pos(self, node: yaml.Node) -> tuple[str, int, int]:
        m = node.start_mark
        return (self.source.file or "<spec>", m.line + 1, m.column + 1)

    def fail(self, node: yaml.Node, path: tuple[PathPart, ...], message: str) -> SpecError:
        file, line, col = self.pos(node)
        return SpecError([Issue(path, message, file, line, col)])

    def walk(self, node: yaml.Node, path: tuple[PathPart, ...]) -> Any:
        self.count += 1
        if self.count > MAX_VALUES:
            raise self.fail(node, path, f"document has more than {MAX_VALUES} values (alias bomb?)")
        if len(path) > MAX_DEPTH:
            raise self.fail(node, path, f"nested deeper than {MAX_DEPTH} levels")
        if isinstance(node, yaml.MappingNode):
            self.loader.flatten_mapping(node)
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                key = self.scalar(key_node, path)
                if not isinstance(key, str):
                    raise self.fail(key_node, path, f"keys must be strings, got {key!r}")
                if key in out:
                    raise self.fail(key_node, path + (key,), f"duplicate key {key!r}")
                self.source.positions[path + (key,)] = self.pos(key_node)
                out[key] = self.walk(value_node, path + (key,))
            return out
        if isinstance(node, yaml.SequenceNode):
            items = []
            for i, item in enumerate(node.value):
                self.source.positions[path + (i,)] = self.pos(item)
                items.append(self.walk(item, path + (i,)))
            return items
        return self.scalar(node, path)

    def scalar(self, node: yaml.Node, path: tuple[PathPart, ...]) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            raise self.fail(node, path, "keys must be plain scalars")
        try:
            return self.loader.construct_object(node, deep=True)
        except yaml.YAMLError as e:
            raise self.fail(node, path, f"cannot read this value: {getattr(e, 'problem', e)}") from None


def _yaml_error(e: yaml.YAMLError, file: str) -> SpecError:
    mark = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
    problem = getattr(e, "problem", None) or str(e).splitlines()[0]
    context = getattr(e, "context", None)
    message = f"YAML syntax error: {problem}" + (f" ({context})" if context else "")
    if mark is None:
        return SpecError([Issue((), message, file)])
    return SpecError([Issue((), message, file, mark.line + 1, mark.column + 1)])


def parse_yaml(text: str, file: str) -> tuple[Any, SourceMap]:
    """Plain data and positions from YAML text (one document)."""
    source = SourceMap(file)
    try:
        loader = yaml.SafeLoader(text)
    except yaml.YAMLError as e:
        raise _yaml_error(e, file) from None
    try:
        node = loader.get_single_node()
        if node is None:
            return None, source
        source.positions[()] = (file, node.start_mark.line + 1, node.start_mark.column + 1)
        return _Walker(loader, source).walk(node, ()), source
    except yaml.YAMLError as e:
        raise _yaml_error(e, file) from None
    except RecursionError:
        raise SpecError([Issue((), f"nested deeper than {MAX_DEPTH} levels", file)]) from None
    finally:
        loader.dispose()


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise ValueError(f"duplicate key {k!r}")
        out[k] = v
    return out


def parse_json(text: str, file: str) -> tuple[Any, SourceMap]:
    """Plain data from JSON text (exact JSON semantics); positions come from the YAML composer."""
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as e:
        raise SpecError([Issue((), f"JSON syntax error: {e.msg}", file, e.lineno, e.colno)]) from None
    except ValueError as e:
        raise SpecError([Issue((), str(e), file)]) from None
    except RecursionError:
        raise SpecError([Issue((), "nested too deeply", file)]) from None
    try:
        _, source = parse_yaml(text, file)
    except SpecError:
        source = SourceMap(file)
    return data, source


def parse_text(text: str, file: str, fmt: str | None = None) -> tuple[Any, SourceMap]:
    """Parse ``text`` as JSON (``fmt='json'`` or a ``.json`` file name) or YAML."""
    if fmt == "json" or (fmt is None and file.lower().endswith(".json")):
        return parse_json(text, file)
    return parse_yaml(text, file)
