"""``model.kind: rims`` and ``model.kind: lstm``: input (tokens or features) -> recurrent core -> head.

Nodes: ``x`` (input (T,) int64 tokens or (T, features) floats), ``embed`` (tokens only), the core
(``rims`` or ``lstm``), ``head`` (linear to ``out``) on the last step or on every step. Outputs ``y``
((out,) or (T, out)) and, for RIMs, ``active`` (T, K).
"""

from __future__ import annotations

from zoo.compiler.templates.base import Draft, pick, raise_if, require
from zoo.errors import Issue
from zoo.schema.fields import node_args
from zoo.schema.graph import EmbeddingNode, InputNode, LinearNode, LstmNode, RimsNode


def _inputs(spec, d: Draft, issues: list[Issue]) -> str | None:
    m = spec.model
    inp = m.input
    require(issues, (inp.vocab is None) != (inp.features is None), ("model", "input"),
            "set exactly one of input.vocab (token inputs) or input.features (float inputs)")
    if issues:
        return None
    if inp.vocab is not None:
        x = d.node(InputNode(kind="input", name="x", shape=(None,), dtype="int64"), ("model", "input"))
        e = d.node(EmbeddingNode(kind="embedding", name="embed", vocab=inp.vocab, dim=inp.embed,
                                 null_token=inp.null_token), ("model", "input"))
        d.edge(x, f"{e}.x", ("model", "input"))
        return e
    return d.node(InputNode(kind="input", name="x", shape=(None, inp.features)), ("model", "input"))


def _head(spec, d: Draft, core: str) -> None:
    m = spec.model
    head = d.node(LinearNode(kind="linear", name="head", out=m.out), ("model", "out"))
    d.edge(f"{core}.{'last' if m.output == 'last' else 'seq'}", f"{head}.x", ("model", "output"))
    d.output("y", head, ("model",))


def expand_rims(spec) -> Draft:
    """RIMs: cells from a mechanisms entry, k from the top_k router."""
    issues: list[Issue] = []
    found = pick(spec.mechanisms, spec.model.cells, "mechanisms")
    require(issues, found is not None, ("mechanisms",), "a rims model needs a gru or lstm mechanisms entry (the cells)")
    require(issues, spec.router is not None and spec.router.kind == "top_k", ("router",),
            "a rims model needs router: {kind: top_k, k: <active cells>}")
    d = Draft()
    src = _inputs(spec, d, issues)
    raise_if(issues)
    bank, i = found
    m = spec.model
    core = d.node(RimsNode(**node_args(m, RimsNode, kind="rims", name="rims", cells=bank.name)), ("mechanisms", i))
    d.edge(src, f"{core}.x", ("model",))
    _head(spec, d, core)
    d.output("active", f"{core}.active", ("router",))
    return d


def expand_lstm(spec) -> Draft:
    """The LSTM baseline."""
    issues: list[Issue] = []
    d = Draft()
    src = _inputs(spec, d, issues)
    raise_if(issues)
    core = d.node(LstmNode(**node_args(spec.model, LstmNode, kind="lstm", name="lstm")), ("model", "hidden"))
    d.edge(src, f"{core}.x", ("model",))
    _head(spec, d, core)
    return d
