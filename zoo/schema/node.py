"""What every graph node spec has: a name (edges, outputs and parameter names refer to it)."""

from __future__ import annotations

from pydantic import Field

from zoo.schema.base import Name, Spec


class Node(Spec):
    """The base of every graph node spec (a plug-in's node kinds subclass it too)."""

    name: Name = Field(description="The node's name: edges and outputs refer to it, and its parameters' names "
                                   "start with it.")
