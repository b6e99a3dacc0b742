"""``mechanism_bank``: every mechanism of a declared bank on its inputs.

Ports: ``state`` (the slot itself, spec input 'self'), ``context`` (candidate contexts (N, C, Dc)),
``external`` and ``task`` (broadcast over slots and candidates). Output (N, M, out), or (N, M, C, out)
with a context.
"""

from __future__ import annotations

from zoo.banks.mechanisms import PORT, bank_module, output_width
from zoo.compiler.kinds._util import need, width
from zoo.compiler.registry import KindDef, Ports, ShapeError
from zoo.compiler.types import TensorType, compatible


def _ports(node, spec):
    bank = spec.bank(node.bank)
    if bank.kind == "pretrained":
        raise ShapeError(f"bank {bank.name!r} is pretrained: resolve its source first (zoo.banks.resolve_sources)")
    return Ports({PORT[i]: True for i in bank.inputs}, ("out",))


def _lead(types) -> tuple[int | None, ...]:
    if "context" in types:
        return need(types, "context", min_rank=2).shape[:-1]
    for port in ("state", "external", "task"):
        if port in types:
            return types[port].shape[:-1]
    raise ShapeError("a bank needs at least one input")


def _infer(node, spec, types):
    bank = spec.bank(node.bank)
    lead = _lead(types)
    for name in ("state", "context", "external", "task"):
        if name not in types:
            continue
        t = need(types, name, batched=None if name in ("external", "task") else True)
        want = lead[:-1] if (name == "state" and "context" in types) else lead
        prefix = t.shape[:-1]
        if name != "context" and prefix and (
            len(prefix) > len(want) or not all(compatible(a, b) for a, b in zip(prefix, want))
        ):
            raise ShapeError(f"port {name!r} {t} does not broadcast to the leading axes {want}")
    relative = getattr(bank, "relative", None)
    if relative is not None and max(relative) >= min(width(types["state"]), width(types["context"]) - 1):
        raise ShapeError(f"relative feature {max(relative)} is outside the slot's {width(types['state'])} features "
                         f"or the context's {width(types['context']) - 1} (besides its presence channel)")
    if getattr(bank, "normalize", None) and "state" in types and width(types["state"]) != width(types["context"]) - 1:
        raise ShapeError(f"normalize scales the slot's features and the context's alike: the slot has "
                         f"{width(types['state'])}, the context {width(types['context']) - 1} (besides its presence channel)")
    try:
        out = output_width(bank, _widths(types))
    except ValueError as e:
        raise ShapeError(str(e)) from None
    shape = (lead[:-1] + (bank.count, lead[-1]) if "context" in types else lead + (bank.count,)) + (out,)
    return {"out": TensorType(shape)}


def _widths(types) -> dict[str, int]:
    return {p: width(t) for p, t in types.items()}


def _build(node, spec, types):
    bank = spec.bank(node.bank)
    module = bank_module(bank, _widths(types))  # pretrained weights are loaded after building (zoo.banks)
    if bank.frozen:
        module.requires_grad_(False)
    return module


KIND = KindDef("mechanism_bank", _ports, _infer, _build)
