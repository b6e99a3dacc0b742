"""The ``model`` section: which family template builds the graph, or an explicit graph.

Discriminated on ``kind``. A template reads the spec's top-level parts (slots, mechanisms,
hypernetworks, interactions, router) and writes the dataflow nodes; ``kind: graph`` takes the nodes
as written. A family adds its template spec here and to ``ModelKindSpec``.
"""

from __future__ import annotations



from zoo.schema.graph import GraphSpec


ModelKindSpec = GraphSpec
"""The model kind the spec language itself defines (an explicit graph); the families register theirs
(:mod:`zoo.schema.kinds`)."""
