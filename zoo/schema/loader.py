"""Load a spec from YAML/JSON (or the catalogue), apply ``--set`` overrides, validate, locate errors.

Every problem comes back as one :class:`~zoo.errors.SpecError` listing all issues as
``file:line:col: spec.path: message``.
"""

from __future__ import annotations

import difflib
import os
import re
from typing import Any, Iterable, Sequence

from pydantic import ValidationError

from zoo.errors import Issue, PathPart, SpecError
from zoo.io import FileReadError, read_limited
from zoo.schema import kinds
from zoo.schema.catalogue import resolve
from zoo.schema.document import decode, parse_text, parse_yaml
from zoo.schema.introspect import accepted_keys
from zoo.schema.migrate import migrate
from zoo.schema.source import SourceMap
from zoo.schema.spec import ModelSpec

MAX_FILE_BYTES = 4 * 1024 * 1024


def _doc_path(loc: Sequence[PathPart], data: Any) -> tuple[PathPart, ...]:
    """Translate a pydantic error location into a document path, dropping union tags."""
    path: list[PathPart] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and isinstance(part, str) and part in node:
            path.append(part)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            path.append(part)
            node = node[part]
        elif isinstance(node, dict) and isinstance(part, str) and part not in node:
            # A missing or extra key is reported at the key's own path; tags are skipped.
            if part in {"[key]"} or not _is_tag(part, node):
                path.append(part)
                node = None
        else:
            node = None
    return tuple(path)


def _is_tag(part: str, node: dict[str, Any]) -> bool:
    return node.get("kind") == part or node.get("procedure") == part or "[" in part or "-" in part


def _message(err: dict[str, Any], data: Any, path: tuple[PathPart, ...]) -> str:
    kind, msg, value = err["type"], err["msg"], err.get("input")
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        key = path[-1] if path else "?"
        allowed = accepted_keys(data, path[:-1])
        hint = ""
        if allowed:
            close = difflib.get_close_matches(str(key), allowed, n=1)
            hint = (f"; did you mean {close[0]!r}?" if close else "") + f" (accepted: {', '.join(allowed)})"
        return f"unknown key {key!r}{hint}"
    if kind == "union_tag_not_found":
        tags = err.get("ctx", {}).get("discriminator", "'kind'")
        return f"missing the tag {tags} that says which kind this is"
    if kind.endswith("_type") or kind.endswith("_parsing") or kind in {"literal_error", "enum"}:
        if not isinstance(value, (dict, list)):
            return f"{msg} (got {_show(value)})"
    return msg


def _show(value: Any, limit: int = 200) -> str:
    """A short, printable repr of a document value."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 600:
        return f"an integer of about {int(value.bit_length() * 0.30103)} digits"
    if isinstance(value, (str, bytes)) and len(value) > limit:
        value = value[:limit]
        return repr(value) + "..."
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."


def issues_from_validation(e: ValidationError, data: Any) -> list[Issue]:
    """One :class:`Issue` per pydantic error, at document paths."""
    issues = []
    for err in e.errors(include_url=False):
        path = _doc_path(err["loc"], data)
        message = _message(err, data, path)
        if err["type"] == "union_tag_invalid":
            path += (str(err.get("ctx", {}).get("discriminator", "'kind'")).strip("'"),)
            message += "".join(f"; note: {p}" for p in kinds.problems())
        issues.append(Issue(path, message))
    return issues


def validate(data: Any, source: SourceMap | None = None) -> ModelSpec:
    """Validate plain data into a :class:`ModelSpec`; every problem is one located SpecError."""
    source = source or SourceMap()
    if data is None:
        raise source.locate(SpecError("the spec is empty; it needs at least 'name' and 'model'"))
    if not isinstance(data, dict):
        raise source.locate(SpecError(f"a spec is a mapping of keys, got {type(data).__name__}"))
    try:
        spec = ModelSpec.model_validate(data)
    except ValidationError as e:
        migrated = data
        try:
            migrated = migrate(data)
        except SpecError:
            pass
        raise source.locate(SpecError(issues_from_validation(e, migrated))) from None
    except SpecError as e:
        raise source.locate(e) from None
    spec._source = source
    return spec


_SET = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*(?:(?:\.[A-Za-z0-9_]+)|(?:\[\d+\]))*)\s*=(.*)$", re.S)


def parse_override(text: str) -> tuple[tuple[PathPart, ...], Any]:
    """``'mechanisms[0].count=6'`` -> ``(("mechanisms", 0, "count"), 6)``; values are YAML scalars."""
    m = _SET.match(text)
    if not m:
        raise SpecError([Issue((), f"expected PATH=VALUE (e.g. train.steps=200 or mechanisms[0].count=6), got {_show(text)}", "--set")])
    path: list[PathPart] = []
    for part in re.findall(r"[A-Za-z0-9_]+|\[\d+\]", m.group(1)):
        if part.startswith("["):
            path.append(int(part[1:-1]))
        elif part.isdigit():
            path.append(int(part))
        else:
            path.append(part)
    value: Any = None
    if m.group(2).strip():
        try:  # the value is a YAML document, read with the same limits as spec files
            value, _ = parse_yaml(m.group(2), "--set")
        except SpecError as e:
            if "syntax error" not in e.issues[0].message:
                raise SpecError([Issue(tuple(path), e.issues[0].message, f"--set {text.strip()}")]) from None
            value = m.group(2).strip()  # not YAML: keep the text as a string
    return tuple(path), value


def apply_overrides(data: Any, overrides: Iterable[str], source: SourceMap) -> Any:
    """A copy of ``data`` with each ``path=value`` override applied (validation happens after)."""
    import copy

    data = copy.deepcopy(data)
    for text in overrides:
        path, value = parse_override(text)
        label = f"--set {text.strip()}"
        node = data
        for i, part in enumerate(path[:-1]):
            nxt = path[i + 1]
            if isinstance(node, dict):
                if part not in node or not isinstance(node[part], (dict, list)):
                    node[part] = [] if isinstance(nxt, int) else {}
                node = node[part]
            elif isinstance(node, list) and isinstance(part, int) and part < len(node):
                node = node[part]
            else:
                raise SpecError([Issue(path[: i + 1], "cannot set below this value", label)])
        last = path[-1]
        if isinstance(node, dict) and isinstance(last, str):
            node[last] = value
        elif isinstance(node, list) and isinstance(last, int) and last < len(node):
            node[last] = value
        else:
            raise SpecError([Issue(path, "no such place to set", label)])
        source.override(path, label)
    return data


def read_document(path: str | os.PathLike[str]) -> tuple[Any, SourceMap]:
    """Plain data and positions from a YAML or JSON file."""
    file = str(path)
    try:  # a regular file only, at most MAX_FILE_BYTES read: a device or pipe cannot make us read forever
        raw = read_limited(path, MAX_FILE_BYTES, "spec")
    except FileReadError as e:
        raise SpecError([Issue((), e.reason, file)]) from None
    except OSError as e:
        raise SpecError([Issue((), f"cannot read: {e.strerror or e}", file)]) from None
    return parse_text(decode(raw, file), file)


def load_spec(ref: str | os.PathLike[str], overrides: Iterable[str] = ()) -> ModelSpec:
    """Load a spec from a file path or a catalogue name, apply overrides and validate.

    Args:
        ref: a ``.yaml``/``.yml``/``.json`` path, or the name of a catalogue spec (``zoo list``).
        overrides: ``path=value`` strings, e.g. ``train.steps=200``.

    Raises:
        SpecError: with every problem found, each located.
    """
    data, source = read_document(resolve(ref))
    overrides = list(overrides)
    if overrides:
        if not isinstance(data, dict):
            raise source.locate(SpecError("overrides need a spec that is a mapping"))
        data = apply_overrides(data, overrides, source)
    return validate(data, source)


def loads_spec(text: str, file: str = "<string>", fmt: str | None = None) -> ModelSpec:
    """Validate a spec given as YAML or JSON text."""
    data, source = parse_text(text, file, fmt)
    return validate(data, source)
