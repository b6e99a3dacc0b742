"""The spec language's open unions, extended by registering classes: model kinds (``model.kind``),
data kinds (``data.kind``), graph node kinds, mechanism kinds (``mechanisms[].kind``) and training
procedures (``train.procedure``).

Each union is a Pydantic discriminated union over the registered classes. A model field that holds
one (``ModelSpec.model``, ``GraphSpec.nodes``, ...) is declared with :func:`holds`; after registering,
:func:`rebuild` re-derives every such field, so validation, error messages and the JSON Schema all
see the new kinds. The families and plug-ins register theirs when ``zoo`` is imported.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass
from typing import Annotated, Any, Callable, Union

from pydantic import BaseModel, Field
from pydantic.fields import FieldInfo

TAGS = {"model": "kind", "data": "kind", "node": "kind", "mechanism": "kind", "procedure": "procedure"}
_CLASSES: dict[str, dict[str, type[BaseModel]]] = {section: {} for section in TAGS}
_OWNERS: dict[tuple[str, str], str] = {}


@dataclass(frozen=True)
class _Holder:
    model: type[BaseModel]
    field: str
    section: str
    wrap: Callable[[Any], Any]
    outer: bool


_HOLDERS: list[_Holder] = []
_CHECKS: list[Callable[[Any], list]] = []


def register_check(check: Callable[[Any], list]) -> None:
    """Add a cross-field check of whole specs (spec -> list of :class:`~zoo.errors.Issue`)."""
    if check not in _CHECKS:
        _CHECKS.append(check)


_PROBLEMS: list[str] = []


def note_problem(text: str) -> None:
    """Record why some kinds may be missing (a plug-in that failed to load); unknown-kind errors show it."""
    _PROBLEMS.append(text)


def problems() -> list[str]:
    """What :func:`note_problem` recorded."""
    return list(_PROBLEMS)


def checks() -> list[Callable[[Any], list]]:
    """The registered cross-field checks, in registration order."""
    return list(_CHECKS)


def tag_of(section: str, cls: type[BaseModel]) -> str:
    """The tag value (``kind`` or ``procedure``) a spec class declares as ``Literal["..."]``."""
    field = cls.model_fields.get(TAGS[section])
    values = typing.get_args(field.annotation) if field is not None else ()
    if len(values) != 1 or not isinstance(values[0], str):
        raise ValueError(f"{cls.__name__} must declare {TAGS[section]}: Literal['<name>'] to be a {section} kind")
    return values[0]


def register_spec(section: str, cls: type[BaseModel], owner: str = "zoo") -> str:
    """Add ``cls`` to the ``section`` union (call :func:`rebuild` after a batch); returns its tag.

    Raises:
        ValueError: an unknown section, a class without a tag, or a tag already registered.
    """
    if section not in TAGS:
        raise ValueError(f"unknown spec section {section!r}; known: {', '.join(TAGS)}")
    tag = tag_of(section, cls)
    known = _CLASSES[section]
    if tag in known and known[tag] is not cls:
        raise ValueError(f"{section} kind {tag!r} is already registered by {_OWNERS[(section, tag)]}")
    known[tag] = cls
    _OWNERS[(section, tag)] = owner
    return tag


def unregister_spec(section: str, tag: str) -> None:
    """Remove a registered class (tests that register a temporary kind); call :func:`rebuild` after."""
    _CLASSES[section].pop(tag, None)
    _OWNERS.pop((section, tag), None)


def classes(section: str) -> dict[str, type[BaseModel]]:
    """Tag -> class of every registered kind of ``section``."""
    return dict(_CLASSES[section])


def owner(section: str, tag: str) -> str:
    """Who registered a kind: ``zoo`` or a plug-in's entry point."""
    return _OWNERS[(section, tag)]


def union(section: str) -> Any:
    """The discriminated union of the ``section`` kinds registered now."""
    members = tuple(_CLASSES[section].values())
    if not members:
        raise ValueError(f"no {section} kind is registered")
    if len(members) == 1:
        return members[0]
    return Annotated[Union[members], Field(discriminator=TAGS[section])]


def holds(model: type[BaseModel], field: str, section: str, wrap: Callable[[Any], Any] = lambda u: u,
          outer: bool = False) -> None:
    """Declare that ``model.field`` holds the ``section`` union (``wrap`` makes e.g. ``tuple[u, ...]``).
    Inner holders are rebuilt first, in the order declared, then the ``outer`` ones (the whole spec)."""
    _HOLDERS.append(_Holder(model, field, section, wrap, outer))


def rebuild() -> None:
    """Re-derive every holder field from the registered classes and rebuild the Pydantic models."""
    done: list[type[BaseModel]] = []
    for h in sorted(_HOLDERS, key=lambda h: h.outer):
        old, annotation = h.model.model_fields[h.field], h.wrap(union(h.section))
        new = FieldInfo.from_annotated_attribute(annotation, old)
        if typing.get_origin(annotation) is Annotated:  # the field is the union itself: keep its tag
            new.discriminator = TAGS[h.section]
        h.model.model_fields[h.field] = new
        if h.model not in done:
            done.append(h.model)
    for model in done:
        model.model_rebuild(force=True)
