"""A toy family for zoo's tests: ``model.kind: toy_mlp`` (input -> toy_scale node -> MLP), the data kind
``toy_wave``, the node kind ``toy_scale`` and the mechanism kind ``toy_affine``. Nothing in it is
imported from torch until a model is built."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from zoo.families.family import Family
from zoo.schema.base import Dim, Spec
from zoo.schema.data import RegressionData
from zoo.schema.node import Node
from zoo.schema.parts import LinearBankSpec


class ToyModel(Spec):
    """An MLP behind a learned scale."""

    kind: Literal["toy_mlp"] = Field(description="The toy family's model.")
    hidden: Dim = Field(default=16, description="Hidden width.")


class ToyWave(RegressionData):
    """The regression world under another name."""

    kind: Literal["toy_wave"] = Field(description="A toy world (a random teacher network).")


class ToyScaleNode(Node):
    """x -> scale * x with one learned scale."""

    kind: Literal["toy_scale"] = Field(description="A learned scale (ports: x -> out).")


class ToyAffineBank(LinearBankSpec):
    """Affine mechanisms under another kind name."""

    kind: Literal["toy_affine"] = Field(description="A bank of toy affine mechanisms.")


FAMILY = Family(
    name="toy",
    summary="A toy family (zoo's plug-in test).",
    specs={"model": (ToyModel,), "data": (ToyWave,), "node": (ToyScaleNode,), "mechanism": (ToyAffineBank,)},
    templates={"toy_mlp": "zoo_toy.build:expand"},
    node_kinds={"toy_scale": "zoo_toy.build:TOY_SCALE"},
    mechanism_kinds={"toy_affine": "zoo_toy.build:TOY_AFFINE"},
    environments={"toy_wave": "zoo.envs.regression:make_regression"},
)
