"""Family templates: each writes the dataflow nodes of one ``model.kind`` from the spec's parts.

A template returns a :class:`Draft`: the nodes, edges and outputs it wrote, each with the spec path
it came from, so errors on a generated node point at the part of the spec that caused it.
"""

from __future__ import annotations

from zoo.compiler.templates import graph
from zoo.compiler.templates.base import Draft
from zoo.errors import SpecError
from zoo.registry import TEMPLATES

TEMPLATES.register("graph", graph.expand)  # the families register theirs (zoo.families)


def expand(spec) -> Draft:
    """The draft graph of ``spec`` (written by its family template, or taken from ``model.nodes``)."""
    try:
        template = TEMPLATES.get(spec.model.kind)
    except KeyError:
        raise SpecError(
            f"no template for model kind {spec.model.kind!r}; known: {', '.join(TEMPLATES.names())}",
            ("model", "kind"),
        ) from None
    return template(spec)


__all__ = ["Draft", "TEMPLATES", "expand"]
