"""``router``: scores (mechanism, context) candidates with the spec's classifier or soft_mixture router.

Ports: x (N, D), ctx (N, C, Dc), mask (N, C), candidates (N, M, C, Do). Outputs: logits (N, M, C) and
prediction (N, Do).
"""

from __future__ import annotations

from zoo.compiler.kinds._util import need, same, width
from zoo.compiler.registry import KindDef, Ports, ShapeError
from zoo.compiler.types import TensorType
from zoo.nn.routers import PairRouter

ROUTED = ("classifier", "soft_mixture")


def _router(spec):
    r = spec.router
    if r is None or r.kind not in ROUTED:
        got = "none" if r is None else r.kind
        raise ShapeError(f"a router node needs a top-level router of kind {' or '.join(ROUTED)}, got {got}")
    return r


def _infer(node, spec, types):
    _router(spec)
    x, ctx, cand = need(types, "x", rank=2), need(types, "ctx", rank=3), need(types, "candidates", rank=4)
    mask = types["mask"]
    if mask.dtype != "bool":
        raise ShapeError(f"port 'mask' expects a bool tensor, got {mask}")
    n, c = ctx.shape[0], ctx.shape[1]
    same(TensorType(mask.shape), TensorType((n, c)), "mask vs ctx")
    same(TensorType(cand.shape[:1] + cand.shape[2:3]), TensorType((n, c)), "candidates (N, M, C, D) vs ctx")
    same(TensorType(x.shape[:1]), TensorType((n,)), "x vs ctx slots")
    features = spec.router.features
    if features and x.last is not None and max(features) >= x.last:
        raise ShapeError(f"router.features index {max(features)} is outside the slot width {x.last}")
    if ctx.last is not None and x.last is not None and ctx.last < x.last:
        raise ShapeError(f"port 'ctx' ({ctx}) is narrower than the slots ({x})")
    m = cand.shape[1]
    if m is None:
        raise ShapeError(f"port 'candidates' needs a known mechanism count, got {cand}")
    return {"logits": TensorType((n, m, c)), "prediction": TensorType((n, cand.last))}


def _build(node, spec, types):
    r = _router(spec)
    count = types["candidates"].shape[1]
    d, dc = width(types["x"]), width(types["ctx"])
    read = d if r.features is None else len(r.features)
    in_dim = read + (dc - d + read) + (d if r.relative else 0)
    prior = types["ctx"].shape[1] if r.prior else None
    mode = {"mode": "select"} if r.kind == "classifier" else {"mode": "mix", "temperature": r.temperature}
    return PairRouter(count, in_dim, r.hidden, r.activation, relative=r.relative, candidates=prior,
                      features=r.features, masked=not types["mask"].full, normalized=d if r.normalize else None,
                      **mode)


KIND = KindDef(
    "router",
    lambda node, spec: Ports({"x": True, "ctx": True, "mask": True, "candidates": True}, ("logits", "prediction")),
    _infer,
    _build,
)
