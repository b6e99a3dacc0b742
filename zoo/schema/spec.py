"""The top-level model spec and its cross-field checks."""

from __future__ import annotations

from typing import Any

from pydantic import Field, PrivateAttr, model_validator

from zoo.errors import Issue, SpecError
from zoo.schema import kinds
from zoo.schema.base import Spec, SpecName
from zoo.schema.data import DataSpec
from zoo.schema.data_fit import data_fit_issues
from zoo.schema.graph import GraphSpec, HypernetworkNode, MechanismBankNode, NodeSpec
from zoo.schema.migrate import CURRENT_VERSION, migrate
from zoo.schema.models import ModelKindSpec
from zoo.schema.parts import (
    EdgesGraphSpec,
    HypernetworkSpec,
    InteractionSpec,
    KnnGraphSpec,
)
from zoo.schema.parts import MechanismBankSpec
from zoo.schema.parts import MechanismBankSpec as Banks
from zoo.schema.parts import SlotsSpec
from zoo.schema.pretrained import PretrainedPartSpec
from zoo.schema.routers import RouterSpec
from zoo.schema.source import SourceMap
from zoo.schema.train import TrainSpec, window_steps


class ModelSpec(Spec):
    """A whole model: its parts, how they are wired (``model``), its data and its training."""

    zoo: int = Field(default=CURRENT_VERSION, description="Schema version of this document.")
    name: SpecName
    description: str = Field(default="", max_length=4000, description="Free text: what this spec is for "
                             "(its first line is shown by `zoo list`).")
    model: ModelKindSpec = Field(description="How the parts are wired: a family template (comet, "
                                 "interaction_network, hypernetwork, rims, lstm, slot_vae) or an explicit graph.")
    slots: SlotsSpec | None = Field(default=None, description="Object slots: how many, and how many features each.")
    mechanisms: tuple[MechanismBankSpec, ...] = Field(
        default=(), max_length=64, description="Banks of independent mechanisms (MLPs, affine maps, GRU or LSTM "
        "cells, or a trained bank), used by name from the model.")
    hypernetworks: tuple[HypernetworkSpec, ...] = Field(
        default=(), max_length=64, description="Hypernetworks that generate a target MLP's weights from a task "
        "embedding, used by name from the model.")
    interactions: InteractionSpec | None = Field(
        default=None, description="Which slots may be each slot's context: complete, knn, explicit edges or none.")
    router: RouterSpec | None = Field(
        default=None, description="How mechanisms (and contexts) are selected or mixed.")
    pretrained: tuple[PretrainedPartSpec, ...] = Field(
        default=(), max_length=16, description="Part banks loaded into the built model and frozen (RIMs cells, "
        "hypernetwork templates, a slot VAE's encoder and decoder); `zoo compose` writes them.")
    data: DataSpec | None = Field(
        default=None, description="The environment that generates training and test data (needed to train).")
    train: TrainSpec | None = Field(
        default=None, description="The training procedure and its settings (needed to train).")

    _source: SourceMap | None = PrivateAttr(default=None)

    @model_validator(mode="before")
    @classmethod
    def _migrate(cls, data: Any) -> Any:
        return migrate(data)

    @model_validator(mode="after")
    def _cross_field(self) -> "ModelSpec":
        issues = list(cross_field_issues(self))
        if issues:
            raise SpecError(issues)
        return self

    @property
    def source(self) -> SourceMap | None:
        """Where each part of this spec was written (file, line, column), when loaded from a file."""
        return self._source

    def bank(self, name: str) -> MechanismBankSpec:
        """The mechanisms entry called ``name``."""
        for b in self.mechanisms:
            if b.name == name:
                return b
        raise KeyError(name)

    def hypernetwork(self, name: str) -> HypernetworkSpec:
        """The hypernetworks entry called ``name``."""
        for h in self.hypernetworks:
            if h.name == name:
                return h
        raise KeyError(name)


def _unique_names(spec: ModelSpec) -> list[Issue]:
    issues, seen = [], {}
    parts = [("mechanisms", i, b.name) for i, b in enumerate(spec.mechanisms)]
    parts += [("hypernetworks", i, h.name) for i, h in enumerate(spec.hypernetworks)]
    for section, i, name in parts:
        if name in seen:
            issues.append(Issue((section, i, "name"), f"name {name!r} is already used by {seen[name]}"))
        else:
            seen[name] = f"{section}[{i}]"
    return issues


def _graph_bounds(spec: ModelSpec) -> list[Issue]:
    g, issues = spec.interactions, []
    if g is None:
        return issues
    if spec.slots is None:
        return [Issue(("interactions",), "an interaction graph needs 'slots' to be declared")]
    n = spec.slots.count
    if isinstance(g, KnnGraphSpec):
        most = n if g.self_loops else n - 1
        if g.k > most:
            issues.append(Issue(("interactions", "k"), f"k={g.k} exceeds the {most} candidate slots"))
        for j, p in enumerate(g.position):
            if p >= spec.slots.dim:
                issues.append(
                    Issue(("interactions", "position", j), f"index {p} is outside slots.dim={spec.slots.dim}")
                )
    if isinstance(g, EdgesGraphSpec):
        for e, (a, b) in enumerate(g.edges):
            for side, v in enumerate((a, b)):
                if v >= n:
                    issues.append(Issue(("interactions", "edges", e, side), f"slot {v} >= slots.count={n}"))
            if a == b and not g.self_loops:
                issues.append(Issue(("interactions", "edges", e), "a self loop needs self_loops: true"))
    return issues


def _references(spec: ModelSpec) -> list[Issue]:
    issues: list[Issue] = []
    banks = {b.name for b in spec.mechanisms}
    hnets = {h.name for h in spec.hypernetworks}
    model = spec.model
    ref = getattr(model, "bank", None)
    if ref is not None and ref not in banks:
        issues.append(Issue(("model", "bank"), f"no mechanisms entry named {ref!r}; have {sorted(banks)}"))
    for k, ref in enumerate(getattr(model, "banks", None) or ()):
        if ref not in banks:
            issues.append(Issue(("model", "banks", k), f"no mechanisms entry named {ref!r}; have {sorted(banks)}"))
    ref = getattr(model, "hypernetwork", None)
    if ref is not None and ref not in hnets:
        issues.append(
            Issue(("model", "hypernetwork"), f"no hypernetworks entry named {ref!r}; have {sorted(hnets)}")
        )
    ref = getattr(model, "cells", None)
    if ref is not None and ref not in banks:
        issues.append(Issue(("model", "cells"), f"no mechanisms entry named {ref!r}; have {sorted(banks)}"))
    if isinstance(model, GraphSpec):
        for i, node in enumerate(model.nodes):
            if getattr(node, "kind", None) == "rims" and node.cells not in banks:
                issues.append(
                    Issue(("model", "nodes", i, "cells"), f"no mechanisms entry named {node.cells!r}; have {sorted(banks)}")
                )
            if isinstance(node, MechanismBankNode) and node.bank not in banks:
                issues.append(
                    Issue(("model", "nodes", i, "bank"), f"no mechanisms entry named {node.bank!r}; have {sorted(banks)}")
                )
            if isinstance(node, HypernetworkNode) and node.hypernetwork not in hnets:
                issues.append(
                    Issue(
                        ("model", "nodes", i, "hypernetwork"),
                        f"no hypernetworks entry named {node.hypernetwork!r}; have {sorted(hnets)}",
                    )
                )
    return issues


def _mix_issues(d, where: tuple) -> list[Issue]:
    mix = getattr(d, "mix", None)
    field = "types" if hasattr(d, "types") else "roles"
    types = getattr(d, field, None)
    if mix is not None and types is not None and len(mix) != len(types):
        return [Issue(where + ("mix",), f"has {len(mix)} entries but {field} has {len(types)}")]
    if mix is not None and sum(mix) <= 0:
        return [Issue(where + ("mix",), "needs at least one positive entry")]
    return []


def _data_bounds(spec: ModelSpec) -> list[Issue]:
    issues = _mix_issues(spec.data, ("data",))
    for i, source in enumerate(getattr(spec.train, "sources", ())):
        issues += _mix_issues(source, ("train", "sources", i))
    return issues


def _train_bounds(spec: ModelSpec) -> list[Issue]:
    t, issues = spec.train, []
    horizon = window_steps(t)
    length = getattr(spec.data, "length", None)
    if horizon is not None and length is not None and horizon > length:
        issues.append(Issue(("train", "horizon"), f"{horizon} is longer than data.length={length}"))
    if getattr(t, "final_temperature", 0.0) > getattr(t, "temperature", float("inf")):
        issues.append(Issue(("train", "final_temperature"), "must not exceed train.temperature"))
    pre = getattr(t, "pretrain_steps", 0)
    if pre and not t.sources:
        issues.append(Issue(("train", "pretrain_steps"), "pre-training needs train.sources"))
    if pre and pre > t.steps:
        issues.append(Issue(("train", "pretrain_steps"), f"{pre} is more than train.steps={t.steps}"))
    if pre and getattr(t, "pretrained", None):
        issues.append(Issue(("train", "pretrained"), "start from pretrained weights or pre-train on sources, not both"))
    return issues


CHECKS = [_unique_names, _graph_bounds, _references, _data_bounds, _train_bounds, data_fit_issues]


def cross_field_issues(spec: ModelSpec) -> list[Issue]:
    """Every cross-field problem of a structurally valid spec, each with its spec path."""
    return [issue for check in CHECKS + kinds.checks() for issue in check(spec)]


def _declare_unions() -> None:
    """Register the spec language's own kinds and the fields that hold each union (:mod:`zoo.schema.kinds`)."""
    from typing import Union, get_args

    for section, union in (("model", ModelKindSpec), ("data", DataSpec), ("node", NodeSpec), ("mechanism", Banks),
                           ("procedure", TrainSpec)):
        for cls in get_args(get_args(union)[0]) if get_args(union) else (union,):
            kinds.register_spec(section, cls)
    kinds.holds(GraphSpec, "nodes", "node", lambda u: tuple[u, ...])
    kinds.holds(ModelSpec, "model", "model", outer=True)
    kinds.holds(ModelSpec, "mechanisms", "mechanism", lambda u: tuple[u, ...], outer=True)
    kinds.holds(ModelSpec, "data", "data", lambda u: Union[u, None], outer=True)
    kinds.holds(ModelSpec, "train", "procedure", lambda u: Union[u, None], outer=True)


_declare_unions()
