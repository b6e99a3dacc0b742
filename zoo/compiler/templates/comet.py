"""``model.kind: comet``: state -> context -> mechanism bank -> candidates (-> router).

Outputs: ``candidates`` (B, N, M, C, D) = z_i + f_m(z_i, c_j) for every mechanism m and candidate
context j; ``index`` and ``mask`` (B, N, C) of the candidates; with a classifier or soft_mixture
router also ``logits`` (B, N, M, C) and ``prediction`` (B, N, D).
"""

from __future__ import annotations

from zoo.compiler.templates.base import Draft, pick, raise_if, require
from zoo.errors import Issue
from zoo.schema.graph import ContextNode, FeaturesNode, InputNode, MechanismBankNode, ResidualNode, RouterNode

ROUTERS = ("winner_take_all", "classifier", "soft_mixture")


def expand(spec) -> Draft:
    """Write COMET's nodes from slots, the bank, interactions and router."""
    issues: list[Issue] = []
    found = pick(spec.mechanisms, spec.model.bank, "mechanisms")
    require(issues, spec.slots is not None, ("slots",), "a comet model needs slots: {count, dim}")
    require(issues, found is not None, ("mechanisms",), "a comet model needs a mechanisms bank")
    require(issues, spec.interactions is not None, ("interactions",), "a comet model needs an interaction graph")
    router = spec.router.kind if spec.router else "winner_take_all"
    require(issues, router in ROUTERS, ("router", "kind"), f"a comet router is one of {', '.join(ROUTERS)}")
    if found is not None:
        bank, i = found
        allowed = {"self", "context"}
        require(issues, set(bank.inputs) <= allowed, ("mechanisms", i, "inputs"),
                "comet mechanisms read 'self' and 'context' only")
        require(issues, "context" in bank.inputs, ("mechanisms", i, "inputs"),
                "comet mechanisms need 'context' among their inputs")
    features = spec.model.features
    if features is not None and spec.slots is not None:
        require(issues, max(features) < spec.slots.dim, ("model", "features"),
                f"feature index {max(features)} is outside slots.dim={spec.slots.dim}")
        require(issues, len(set(features)) == len(features), ("model", "features"), "indices must not repeat")
    raise_if(issues)
    bank, i = found
    d = Draft()
    where = ("model",)
    state = d.node(InputNode(kind="input", name="state", shape=(spec.slots.count, spec.slots.dim)), ("slots",))
    ctx = d.node(ContextNode(kind="context", name="context"), ("interactions",))
    b = d.node(MechanismBankNode(kind="mechanism_bank", name=bank.name, bank=bank.name), ("mechanisms", i))
    cand = d.node(ResidualNode(kind="residual", name="candidates"), where)
    d.edge(state, f"{ctx}.x", where)
    own, others, change = _dynamics(d, spec, state, f"{ctx}.ctx", b)
    if "self" in bank.inputs:
        d.edge(own, f"{b}.state", ("mechanisms", i, "inputs"))
    d.edge(others, f"{b}.context", ("mechanisms", i, "inputs"))
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


def _dynamics(d: Draft, spec, state: str, ctx: str, bank: str) -> tuple[str, str, str]:
    """What the bank reads (own state, contexts) and where its change comes out, restricted to
    ``model.features`` when set (the context keeps its presence channel)."""
    features = spec.model.features
    if features is None:
        return state, ctx, bank
    where = ("model", "features")
    dim = spec.slots.dim
    own = d.node(FeaturesNode(kind="features", name="dynamics", index=features), where)
    others = d.node(FeaturesNode(kind="features", name="context_dynamics", index=features + (dim,)), where)
    change = d.node(FeaturesNode(kind="features", name="change", index=features, place=dim), where)
    d.edge(state, f"{own}.x", where)
    d.edge(ctx, f"{others}.x", where)
    d.edge(bank, f"{change}.x", where)
    return own, others, change
