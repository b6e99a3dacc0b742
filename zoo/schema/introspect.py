"""Find which spec model describes a place in a document (for 'accepted keys' hints in errors)."""

from __future__ import annotations

import types
import typing
from typing import Any, Sequence

from pydantic import BaseModel

from zoo.errors import PathPart
from zoo.schema.spec import ModelSpec


def _candidates(annotation: Any) -> list[Any]:
    """Flatten Annotated / Optional / Union / tuple[...] / dict[...] wrappers."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _candidates(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [c for a in typing.get_args(annotation) for c in _candidates(a)]
    return [annotation]


def _pick(annotation: Any, value: Any) -> Any:
    """The member of a (discriminated) union that fits ``value``."""
    options = [c for c in _candidates(annotation) if c is not type(None)]
    models = [c for c in options if isinstance(c, type) and issubclass(c, BaseModel)]
    if isinstance(value, dict) and models:
        for m in models:
            for tag in ("kind", "procedure"):
                field = m.model_fields.get(tag)
                if field is not None and value.get(tag) in typing.get_args(field.annotation):
                    return m
        return models[0] if len(models) == 1 else None
    return options[0] if len(options) == 1 else None


def _item_type(annotation: Any) -> Any:
    args = typing.get_args(annotation)
    origin = typing.get_origin(annotation)
    if origin is tuple and args:
        return args[0]
    if origin is dict and len(args) == 2:
        return args[1]
    if origin is list and args:
        return args[0]
    return None


def _child(node: Any, part: PathPart) -> Any:
    if isinstance(node, dict):
        return node.get(part)
    if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
        return node[part]
    return None


def _is_model(x: Any) -> bool:
    return isinstance(x, type) and issubclass(x, BaseModel)


def model_at(data: Any, path: Sequence[PathPart]) -> type[BaseModel] | None:
    """The spec model class that describes ``data`` at ``path`` (None if not a model there)."""
    current: Any = ModelSpec
    node = data
    for part in path:
        if _is_model(current):
            field = current.model_fields.get(str(part))
            if field is None:
                return None
            annotation = field.annotation
        else:
            annotation = _item_type(current)
        node = _child(node, part)
        current = _pick(annotation, node)
        if current is None:
            return None
    return current if _is_model(current) else None


def accepted_keys(data: Any, path: Sequence[PathPart]) -> list[str]:
    """Field names accepted at ``path`` (empty if unknown)."""
    model = model_at(data, path)
    return list(model.model_fields) if model else []
