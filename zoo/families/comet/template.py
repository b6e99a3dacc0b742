"""``model.kind: comet``: state -> context -> mechanism bank(s) -> candidates (-> router).

Outputs: ``candidates`` (B, N, M, C, D) = z_i + f_m(z_i, c_j) for every mechanism m and candidate
context j; ``index`` and ``mask`` (B, N, C) of the candidates; with a classifier or soft_mixture
router also ``logits`` (B, N, M, C) and ``prediction`` (B, N, D).

With ``model.banks`` several banks run side by side and their mechanisms are concatenated in order
(M is the sum of their counts): banks trained on different worlds composed into one model. With
``model.features`` the mechanisms read only those slot features, and with ``model.changes`` (default:
the same features) they change only those.
"""

from __future__ import annotations

from zoo.compiler.templates.base import Draft, pick, raise_if, require
from zoo.errors import Issue
from zoo.schema.graph import (
    ConcatNode,
    ContextNode,
    FeaturesNode,
    InputNode,
    MechanismBankNode,
    ResidualNode,
    RouterNode,
)

ROUTERS = ("winner_take_all", "classifier", "soft_mixture")


def _banks(spec, issues: list[Issue]) -> list[tuple[object, int]]:
    """The mechanisms entries the model uses, each with its index, checked for COMET's inputs."""
    names = spec.model.banks or (spec.model.bank,)
    found = [pick(spec.mechanisms, name, "mechanisms") for name in names]
    require(issues, all(f is not None for f in found) and bool(spec.mechanisms), ("mechanisms",),
            "a comet model needs a mechanisms bank")
    banks = [f for f in found if f is not None]
    for bank, i in banks:
        require(issues, set(bank.inputs) <= {"self", "context"}, ("mechanisms", i, "inputs"),
                "comet mechanisms read 'self' and 'context' only")
        require(issues, "context" in bank.inputs, ("mechanisms", i, "inputs"),
                "comet mechanisms need 'context' among their inputs")
    return banks


def expand(spec) -> Draft:
    """Write COMET's nodes from slots, the bank(s), interactions and router."""
    issues: list[Issue] = []
    require(issues, spec.slots is not None, ("slots",), "a comet model needs slots: {count, dim}")
    banks = _banks(spec, issues)
    require(issues, spec.interactions is not None, ("interactions",), "a comet model needs an interaction graph")
    router = spec.router.kind if spec.router else "winner_take_all"
    require(issues, router in ROUTERS, ("router", "kind"), f"a comet router is one of {', '.join(ROUTERS)}")
    for name in ("features", "changes"):
        index = getattr(spec.model, name)
        if index is not None and spec.slots is not None:
            require(issues, max(index) < spec.slots.dim, ("model", name),
                    f"feature index {max(index)} is outside slots.dim={spec.slots.dim}")
    seen = getattr(spec.router, "features", None)
    if seen is not None and spec.slots is not None:
        require(issues, max(seen) < spec.slots.dim, ("router", "features"),
                f"feature index {max(seen)} is outside slots.dim={spec.slots.dim}")
    raise_if(issues)
    d = Draft()
    where = ("model",)
    state = d.node(InputNode(kind="input", name="state", shape=(spec.slots.count, spec.slots.dim)), ("slots",))
    ctx = d.node(ContextNode(kind="context", name="context"), ("interactions",))
    d.edge(state, f"{ctx}.x", where)
    own, others = _inputs(d, spec, state, f"{ctx}.ctx")
    outs = []
    for bank, i in banks:
        b = d.node(MechanismBankNode(kind="mechanism_bank", name=bank.name, bank=bank.name), ("mechanisms", i))
        if "self" in bank.inputs:
            d.edge(own, f"{b}.state", ("mechanisms", i, "inputs"))
        d.edge(others, f"{b}.context", ("mechanisms", i, "inputs"))
        outs.append(b)
    change = _change(d, spec, _joined(d, outs))
    cand = d.node(ResidualNode(kind="residual", name="candidates"), where)
    d.edge(state, f"{cand}.base", where)
    d.edge(change, f"{cand}.delta", where)
    d.output("candidates", cand, where)
    d.output("index", f"{ctx}.index", where)
    d.output("mask", f"{ctx}.mask", where)
    if router != "winner_take_all":
        r = d.node(RouterNode(kind="router", name="router"), ("router",))
        d.edge(state, f"{r}.x", ("router",))
        d.edge(f"{ctx}.ctx", f"{r}.ctx", ("router",))
        d.edge(f"{ctx}.mask", f"{r}.mask", ("router",))
        d.edge(cand, f"{r}.candidates", ("router",))
        d.output("logits", f"{r}.logits", ("router",))
        d.output("prediction", f"{r}.prediction", ("router",))
    return d


def _joined(d: Draft, outs: list[str]) -> str:
    """One bank's output, or the banks' outputs concatenated along the mechanism axis."""
    if len(outs) == 1:
        return outs[0]
    where = ("model", "banks")
    cat = d.node(ConcatNode(kind="concat", name="mechanisms", inputs=len(outs), axis=-3), where)
    for k, b in enumerate(outs):
        d.edge(b, f"{cat}.x{k}", where)
    return cat


def _inputs(d: Draft, spec, state: str, ctx: str) -> tuple[str, str]:
    """What the banks read: the slot and its contexts, restricted to ``model.features`` when set
    (the contexts keep their presence channel)."""
    features = spec.model.features
    if features is None:
        return state, ctx
    where = ("model", "features")
    own = d.node(FeaturesNode(kind="features", name="dynamics", index=features), where)
    others = d.node(FeaturesNode(kind="features", name="context_dynamics", index=features + (spec.slots.dim,)), where)
    d.edge(state, f"{own}.x", where)
    d.edge(ctx, f"{others}.x", where)
    return own, others


def _change(d: Draft, spec, out: str) -> str:
    """The banks' output as a change of every slot feature (zeros outside ``model.changes``, which
    defaults to ``model.features``)."""
    changes = spec.model.changes or spec.model.features
    if changes is None:
        return out
    where = ("model", "changes" if spec.model.changes else "features")
    change = d.node(FeaturesNode(kind="features", name="change", index=changes, place=spec.slots.dim), where)
    d.edge(out, f"{change}.x", where)
    return change
