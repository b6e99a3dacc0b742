"""Family templates: each writes the dataflow nodes of one ``model.kind`` from the spec's parts.

A template returns a :class:`Draft`: the nodes, edges and outputs it wrote, each with the spec path
it came from, so errors on a generated node point at the part of the spec that caused it.
"""

from __future__ import annotations

from typing import Callable

from zoo.compiler.templates.base import Draft
from zoo.compiler.templates import comet, graph, hypernetwork, interaction_network, sequence, slot_vae
from zoo.errors import SpecError

TEMPLATES: dict[str, Callable[..., Draft]] = {
    "graph": graph.expand,
    "comet": comet.expand,
    "interaction_network": interaction_network.expand,
    "hypernetwork": hypernetwork.expand,
    "rims": sequence.expand_rims,
    "lstm": sequence.expand_lstm,
    "slot_vae": slot_vae.expand,
}


def expand(spec) -> Draft:
    """The draft graph of ``spec`` (written by its family template, or taken from ``model.nodes``)."""
    try:
        template = TEMPLATES[spec.model.kind]
    except KeyError:
        raise SpecError(
            f"no template for model kind {spec.model.kind!r}; known: {', '.join(sorted(TEMPLATES))}",
            ("model", "kind"),
        ) from None
    return template(spec)


__all__ = ["Draft", "TEMPLATES", "expand"]
