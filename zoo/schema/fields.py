"""Spec models built from node specs: a family's ``model`` section takes the fields of the nodes its
template writes instead of declaring them a second time, and the template reads them back by name.

    SlotVAEModel = model_from_nodes("SlotVAEModel", _SlotVAEBase, __name__,
                                    node_fields(SlotEncoderNode, rename={"layers": "encoder_layers"}), ...)
    SlotEncoderNode(kind="slot_encoder", name="encoder", **node_args(spec.model, SlotEncoderNode, ...))
"""

from __future__ import annotations

import copy
from typing import Any

from pydantic import BaseModel, ValidationError, create_model
from pydantic.fields import FieldInfo

NODE_ONLY = ("kind", "name")  # every node has them; a model section has its own kind and no name


def node_fields(node: type[BaseModel], *, exclude: tuple[str, ...] = (),
                rename: dict[str, str] | None = None) -> dict[str, tuple[Any, FieldInfo]]:
    """The fields of ``node`` (without kind, name and ``exclude``), renamed (node field -> model field),
    as :func:`pydantic.create_model` takes them: types, defaults, bounds and descriptions unchanged."""
    rename = rename or {}
    return {rename.get(n, n): (f.annotation, copy.copy(f)) for n, f in node.model_fields.items()
            if n not in NODE_ONLY and n not in exclude}


def model_from_nodes(name: str, base: type[BaseModel], module: str,
                     *fields: dict[str, tuple[Any, FieldInfo]]) -> type[BaseModel]:
    """A spec model class ``name``: ``base`` (its kind, its own fields, validators, docstring) plus the
    node fields given (the first node that gives a field name wins)."""
    merged: dict[str, tuple[Any, FieldInfo]] = {}
    for part in fields:
        for key, value in part.items():
            merged.setdefault(key, value)
    return create_model(name, __base__=base, __module__=module, __doc__=base.__doc__, **merged)


def node_args(model: BaseModel, node: type[BaseModel], rename: dict[str, str] | None = None,
              **fixed: Any) -> dict[str, Any]:
    """The arguments of ``node`` read from ``model``'s fields of the same (or renamed) name, plus ``fixed``."""
    rename = rename or {}
    args = {n: getattr(model, rename.get(n, n)) for n in node.model_fields
            if n not in NODE_ONLY and n not in fixed and rename.get(n, n) in type(model).model_fields}
    return {**args, **fixed}


def check_node(node: type[BaseModel], **args: Any) -> None:
    """Validate ``node`` built from ``args``; its first problem as a ValueError (for a model validator)."""
    try:
        node(**args)
    except ValidationError as e:
        first = e.errors(include_url=False)[0]
        raise ValueError(str(first["msg"]).removeprefix("Value error, ")) from None
