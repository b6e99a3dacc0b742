"""``rims``: Recurrent Independent Mechanisms over a sequence (see zoo.nn.rims).

The cells come from a gru/lstm ``mechanisms`` entry (count K, hidden H); the input attention from the
top-level ``top_k`` router (k, key/value sizes, heads, dropout). Port ``x`` (T, in). Outputs ``seq``
(T, K*H), ``last`` (K*H,), ``active`` (T, K) bool.
"""

from __future__ import annotations

from zoo.banks.mechanisms import mechanism_kind
from zoo.compiler.kinds._util import need, width
from zoo.compiler.registry import KindDef, Ports, ShapeError
from zoo.compiler.types import TensorType
from zoo.nn.rims import RIMs, RIMsCell


def parts(node, spec):
    """The cells' bank spec and the top_k router, checked."""
    bank = spec.bank(node.cells)
    if mechanism_kind(bank.kind).cell is None:
        raise ShapeError(f"RIMs cells must be a gru or lstm mechanisms entry, {node.cells!r} is {bank.kind}")
    router = spec.router
    if router is None or router.kind != "top_k":
        raise ShapeError("RIMs need a top-level router of kind top_k (k active cells)")
    if router.k > bank.count:
        raise ShapeError(f"router.k={router.k} exceeds the {bank.count} cells")
    return bank, router


def _infer(node, spec, types):
    x = need(types, "x", rank=2)
    bank, _ = parts(node, spec)
    t = x.shape[0]
    return {
        "seq": TensorType((t, bank.count * bank.hidden)),
        "last": TensorType((bank.count * bank.hidden,)),
        "active": TensorType((t, bank.count), dtype="bool"),
    }


def _build(node, spec, types):
    bank, r = parts(node, spec)
    cell = RIMsCell(width(types["x"]), bank.count, r.k, bank.hidden, mechanism_kind(bank.kind).cell, r.key_dim, r.value_dim, r.heads,
                    node.comm_key_dim, node.comm_value_dim, node.comm_heads, r.dropout, node.chrono,
                    rank_by=r.rank_by or "null_attention")
    return RIMs(cell)


KIND = KindDef("rims", lambda node, spec: Ports({"x": True}, ("seq", "last", "active")), _infer, _build)
