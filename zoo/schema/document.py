"""Parse YAML or JSON text into plain data plus a :class:`SourceMap` of every value's position.

Duplicate keys, non-string keys, tags other than YAML's plain data types (``!!python/...``,
``!custom``, ``!!set``, on scalars, lists and mappings alike), absurd nesting and alias bombs are
refused with a located :class:`~zoo.errors.SpecError` instead of a parser traceback.
"""

from __future__ import annotations

import json
from typing import Any

import yaml

from zoo.errors import Issue, PathPart, SpecError
from zoo.schema.source import SourceMap

MAX_DEPTH = 64
MAX_VALUES = 50_000  # a large graph spec has about 10,000
MAX_INT_BITS = 3000  # about 900 decimal digits: far beyond any bound, still printable
_STANDARD = "tag:yaml.org,2002:"
# The tags a spec may carry, written or implied: plain data only (no Python objects, no custom types).
SCALAR_TAGS = frozenset(_STANDARD + t for t in ("null", "bool", "int", "float", "str", "binary", "timestamp"))
COLLECTION_TAGS = {yaml.MappingNode: _STANDARD + "map", yaml.SequenceNode: _STANDARD + "seq"}


class _DepthError(yaml.YAMLError):
    """Nesting deeper than :data:`MAX_DEPTH`, raised while composing (before Python recursion can fail)."""

    def __init__(self, mark: yaml.Mark):
        self.problem, self.problem_mark = f"nested deeper than {MAX_DEPTH} levels", mark


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader with a nesting limit enforced while the node tree is composed."""

    depth = 0

    def compose_node(self, parent, index):  # noqa: D102 - PyYAML hook
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH + 1:
                raise _DepthError(self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


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

    def __init__(self, loader: _Loader, source: SourceMap):
        self.loader, self.source, self.count = loader, source, 0

    def pos(self, node: yaml.Node) -> tuple[str, int, int]:
        m = node.start_mark
        return (self.source.file or "<spec>", m.line + 1, m.column + 1)

    def fail(self, node: yaml.Node, path: tuple[PathPart, ...], message: str) -> SpecError:
        file, line, col = self.pos(node)
        return SpecError([Issue(path, message, file, line, col)])

    def check_tag(self, node: yaml.Node, path: tuple[PathPart, ...]) -> None:
        allowed = COLLECTION_TAGS.get(type(node))
        if node.tag == allowed or (allowed is None and node.tag in SCALAR_TAGS):
            return
        tag = "!!" + node.tag[len(_STANDARD):] if node.tag.startswith(_STANDARD) else node.tag
        raise self.fail(node, path, f"the tag {tag[:100]} is not allowed: a spec holds plain data (mappings, "
                                    "lists, strings, numbers, booleans, null)")

    def walk(self, node: yaml.Node, path: tuple[PathPart, ...]) -> Any:
        self.count += 1
        self.check_tag(node, path)
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
        self.check_tag(node, path)
        try:
            value = self.loader.construct_object(node, deep=True)
        except yaml.YAMLError as e:
            raise self.fail(node, path, f"cannot read this value: {getattr(e, 'problem', e)}") from None
        except Exception as e:  # noqa: BLE001 - PyYAML constructors: 2001-13-01, '!!int', a 5000-digit integer
            raise self.fail(node, path, f"cannot read this value: {str(e).split(';')[0]}") from None
        if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
            raise self.fail(node, path, f"integer with more than {MAX_INT_BITS} bits")
        return value


def _yaml_error(e: yaml.YAMLError, file: str, text: str = "") -> SpecError:
    if isinstance(e, yaml.reader.ReaderError):  # a character YAML does not allow (NUL, other controls)
        line = text.count("\n", 0, e.position) + 1
        col = e.position - (text.rfind("\n", 0, e.position) + 1) + 1
        return SpecError([Issue((), f"YAML syntax error: character #x{e.character:04x} is not allowed", file, line, col)])
    mark = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
    problem = getattr(e, "problem", None) or str(e).splitlines()[0]
    context = getattr(e, "context", None)
    message = f"YAML syntax error: {problem}" + (f" ({context})" if context else "")
    if isinstance(e, _DepthError):
        message = problem
    if mark is None:
        return SpecError([Issue((), message, file)])
    return SpecError([Issue((), message, file, mark.line + 1, mark.column + 1)])


def parse_yaml(text: str, file: str) -> tuple[Any, SourceMap]:
    """Plain data and positions from YAML text (one document)."""
    source = SourceMap(file)
    try:
        loader = _Loader(text)
    except yaml.YAMLError as e:
        raise _yaml_error(e, file, text) from None
    try:
        node = loader.get_single_node()
        if node is None:
            return None, source
        source.positions[()] = (file, node.start_mark.line + 1, node.start_mark.column + 1)
        return _Walker(loader, source).walk(node, ()), source
    except yaml.YAMLError as e:
        raise _yaml_error(e, file, text) from None
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


def _json_positions(text: str, file: str) -> SourceMap:
    """Positions of a JSON document from the YAML composer (a tab in valid JSON is whitespace)."""
    _, source = parse_yaml(text.replace("\t", " "), file)
    return source


def parse_json(text: str, file: str) -> tuple[Any, SourceMap]:
    """Plain data from JSON text (exact JSON semantics); positions come from the YAML composer.

    The same limits as for YAML apply (nesting depth, number of values, integer size).
    """
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as e:
        raise SpecError([Issue((), f"JSON syntax error: {e.msg}", file, e.lineno, e.colno)]) from None
    except (ValueError, RecursionError) as e:  # a duplicate key, a huge integer, absurd nesting
        problem = "nested too deeply" if isinstance(e, RecursionError) else str(e).split(";")[0]
        try:
            _json_positions(text, file)  # the YAML pass finds most of these with a position
        except SpecError as located:
            if located.issues[0].line is not None and "syntax error" not in located.issues[0].message:
                raise located from None
        raise SpecError([Issue((), problem, file, 1, 1)]) from None
    try:
        source = _json_positions(text, file)
    except SpecError as e:
        if any(word in e.issues[0].message for word in ("nested deeper", "more than", "integer with")):
            raise  # the same limits as YAML documents
        source = SourceMap(file)  # valid JSON that YAML 1.1 reads differently: report at the top
        source.positions[()] = (file, 1, 1)
    return data, source


def parse_text(text: str, file: str, fmt: str | None = None) -> tuple[Any, SourceMap]:
    """Parse ``text`` as JSON (``fmt='json'`` or a ``.json`` file name) or YAML."""
    if fmt == "json" or (fmt is None and file.lower().endswith(".json")):
        return parse_json(text, file)
    return parse_yaml(text, file)
