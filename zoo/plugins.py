"""Plug-ins: installed packages that add to zoo through the entry-point group ``zoo.plugins``.

An entry point names a :class:`~zoo.families.family.Family` (or a function returning one). A family
may add a whole model family, or only a node kind, a mechanism kind, an environment or a procedure
(with their spec classes), usable from YAML specs at once, listed by ``zoo plugins`` and included in
``zoo schema``. A plug-in that fails to load or to register is recorded with its package and entry
point, and the error is shown by ``zoo plugins`` and when a spec uses a kind it would have added;
everything else keeps working.

    # the plug-in's pyproject.toml
    [project.entry-points."zoo.plugins"]
    toy = "zoo_toy:FAMILY"
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points

from zoo.families.family import Family, register_family
from zoo.schema import kinds

GROUP = "zoo.plugins"


@dataclass
class Plugin:
    """One entry point of the group: where it comes from, and what it added or why it failed."""

    package: str
    entry_point: str
    value: str
    adds: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def owner(self) -> str:
        """How zoo names it in messages: ``package (entry point NAME)``."""
        return f"{self.package} (entry point {self.entry_point!r})"


_LOADED: list[Plugin] = []


def _adds(family: Family) -> list[str]:
    out = [f"{section} kind {kinds.tag_of(section, cls)}" for section, classes in family.specs.items()
           for cls in classes]
    for what, entries in (("template", family.templates), ("procedure", family.procedures),
                          ("environment", family.environments), ("node kind", family.node_kinds),
                          ("mechanism kind", family.mechanism_kinds)):
        out += [f"{what} {name}" for name in entries]
    return out + ([f"starter {family.name}"] if family.starter is not None else [])


def _load_one(ep: EntryPoint) -> Plugin:
    package = ep.dist.name if ep.dist is not None else "(unknown package)"
    plugin = Plugin(package, ep.name, ep.value)
    try:
        found = ep.load()
        family = found() if callable(found) and not isinstance(found, Family) else found
        if not isinstance(family, Family):
            raise TypeError(f"{ep.value} is a {type(family).__name__}, not a zoo.families.family.Family")
        register_family(family, owner=plugin.owner, rebuild=False)
        plugin.adds = _adds(family)
    except Exception as e:  # noqa: BLE001 - any failure of third-party code is reported, not raised
        plugin.error = f"{type(e).__name__}: {str(e)[:500]}"
        kinds.note_problem(f"plug-in {plugin.owner} failed to load ({plugin.error})")
    return plugin


def load_plugins() -> list[Plugin]:
    """Load every installed plug-in once (``import zoo`` does it); returns what each added or why it failed."""
    if not _LOADED:
        for ep in sorted(entry_points(group=GROUP), key=lambda e: (e.dist.name if e.dist else "", e.name)):
            _LOADED.append(_load_one(ep))
        kinds.rebuild()
    return list(_LOADED)


def plugins() -> list[Plugin]:
    """The plug-ins loaded so far."""
    return list(_LOADED)
