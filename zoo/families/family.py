"""A :class:`Family`: everything one model family adds to zoo, registered in one call.

Registering fills each layer's table (templates, procedures, environments, trained-run classes,
starters, figure captions) and the spec language's unions (:mod:`zoo.schema.kinds`). Entries are
objects or ``"module:attribute"`` references, imported on first use, so registering stays cheap.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from zoo.registry import CAPTIONS, ENVIRONMENTS, MECHANISM_KINDS, NODE_KINDS, PROCEDURES, RUNS, STARTERS, TEMPLATES, Table
from zoo.schema import kinds

FAMILIES: Table["Family"] = Table("family")
"""Family name -> its :class:`Family` (the four built in, and those plug-ins add)."""


@dataclass(frozen=True)
class Family:
    """One model family.

    Attributes:
        name: the family's one name in every layer (``comet``, ``slot_vae``, ...).
        summary: one line for ``zoo plugins`` and the docs.
        specs: spec section -> the classes it adds there (``model``, ``data``, ``node``, ``mechanism``,
            ``procedure``; see :mod:`zoo.schema.kinds`).
        templates: model kind -> its template (spec -> :class:`~zoo.compiler.templates.base.Draft`).
        mechanism_kinds: mechanism kind -> its :class:`~zoo.banks.mechanisms.MechanismKind`.
        node_kinds: node kind -> the compiler's definition it adds (:class:`~zoo.compiler.registry.KindDef`).
        procedures: procedure name -> its :class:`~zoo.train.procedure.Procedure` class.
        environments: data kind -> its maker (data spec, seed -> environment).
        runs: model kind -> the :class:`~zoo.trained.base.Run` class of its trained models.
        starter: the commented starter spec ``zoo init NAME`` writes (None: none).
        captions: figure file name under ``plots/`` -> what it shows (``zoo report``).
        checks: cross-field checks of whole specs (spec -> list of :class:`~zoo.errors.Issue`).
    """

    name: str
    summary: str = ""
    specs: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    templates: dict[str, Any] = field(default_factory=dict)
    node_kinds: dict[str, Any] = field(default_factory=dict)
    mechanism_kinds: dict[str, Any] = field(default_factory=dict)
    procedures: dict[str, Any] = field(default_factory=dict)
    environments: dict[str, Any] = field(default_factory=dict)
    runs: dict[str, Any] = field(default_factory=dict)
    starter: Path | None = None
    captions: dict[str, str] = field(default_factory=dict)
    checks: tuple[Callable[[Any], list], ...] = ()


def _tables(family: Family) -> list[tuple[Table, dict[str, Any]]]:
    starter = {family.name: family.starter} if family.starter is not None else {}
    return [(TEMPLATES, family.templates), (PROCEDURES, family.procedures), (ENVIRONMENTS, family.environments),
            (RUNS, family.runs), (CAPTIONS, family.captions), (NODE_KINDS, family.node_kinds),
            (MECHANISM_KINDS, family.mechanism_kinds), (STARTERS, starter)]


def register_family(family: Family, owner: str = "zoo", rebuild: bool = True) -> None:
    """Register every part of ``family`` (``owner``: ``zoo`` or the plug-in's entry point).

    Raises:
        ValueError: a name one of its parts uses is already registered (the message says by whom).
    """
    tables = _tables(family)
    taken = [f"{table.what} {name!r} (registered by {table.owner(name)})"
             for table, entries in tables for name in entries if name in table]
    taken += [f"{section} kind {kinds.tag_of(section, cls)!r} (registered by {kinds.owner(section, kinds.tag_of(section, cls))})"
              for section, classes in family.specs.items() for cls in classes
              if kinds.tag_of(section, cls) in kinds.classes(section)]
    if taken:
        raise ValueError(f"family {family.name!r} adds names already taken: {'; '.join(taken)}")
    FAMILIES.register(family.name, family, owner)
    for section, classes in family.specs.items():
        for cls in classes:
            kinds.register_spec(section, cls, owner)
    for table, entries in tables:
        for name, entry in entries.items():
            table.register(name, entry, owner)
    for check in family.checks:
        kinds.register_check(check)
    if rebuild:
        kinds.rebuild()
