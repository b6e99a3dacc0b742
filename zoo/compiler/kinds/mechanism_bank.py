"""``mechanism_bank``: every mechanism of a declared bank on its inputs.

Ports: ``state`` (the slot itself, spec input 'self'), ``context`` (candidate contexts (N, C, Dc)),
``external`` and ``task`` (broadcast over slots and candidates). Output (N, M, out), or (N, M, C, out)
with a context.
"""

from __future__ import annotations

from zoo.compiler.kinds._util import need, width
from zoo.compiler.registry import KindDef, Ports, ShapeError
from zoo.compiler.types import TensorType, compatible

PORT = {"self": "state", "context": "context", "external": "external", "task": "task"}


def _ports(node, spec):
    bank = spec.bank(node.bank)
    if bank.kind == "pretrained":
        raise ShapeError(f"bank {bank.name!r} is pretrained: resolve its source first (zoo.hub.resolve_sources)")
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
    in_dim = 0
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
        in_dim += width(t)
    out = _out_width(bank, types)
    if bank.kind in ("gru", "lstm"):
        in_dim -= width(types["state"])
    shape = (lead[:-1] + (bank.count, lead[-1]) if "context" in types else lead + (bank.count,)) + (out,)
    return {"out": TensorType(shape)}


def _out_width(bank, types) -> int:
    if bank.kind in ("gru", "lstm"):
        if "state" not in types:
            raise ShapeError(f"a {bank.kind} bank needs 'self' among its inputs (it is the cell state)")
        need_w = bank.hidden * (2 if bank.kind == "lstm" else 1)
        if width(types["state"]) != need_w:
            raise ShapeError(f"a {bank.kind} bank of hidden={bank.hidden} needs a state of width {need_w}, got {types['state']}")
        return need_w
    if bank.output is not None:
        return bank.output
    if "state" not in types:
        raise ShapeError("set the bank's 'output' width (it defaults to the width of 'self')")
    return width(types["state"])


def in_width(bank, types) -> int:
    """Width of the concatenated mechanism input (without the recurrent state)."""
    total = sum(width(types[p]) for p in ("state", "context", "external", "task") if p in types)
    return total - (width(types["state"]) if bank.kind in ("gru", "lstm") else 0)


def bank_module(bank, widths: dict[str, int]):
    """The block of a concrete bank spec fed ports of the given widths (shared with zoo.hub)."""
    from zoo.compiler.types import TensorType
    from zoo.nn.bank import BankApply, MechanismBank
    from zoo.nn.grouped_rnn import CellBank

    types = {p: TensorType((w,)) for p, w in widths.items()}
    order = tuple(PORT[i] for i in bank.inputs)
    out = _out_width(bank, types)
    if bank.kind in ("gru", "lstm"):
        block = CellBank(bank.kind, bank.count, in_width(bank, types), bank.hidden)
    else:
        hidden = bank.hidden if bank.kind == "mlp" else ()
        act = bank.activation if bank.kind == "mlp" else "identity"
        block = MechanismBank(bank.count, in_width(bank, types), hidden, out, act)
    return BankApply(block, order, recurrent=bank.kind in ("gru", "lstm"))


def _build(node, spec, types):
    bank = spec.bank(node.bank)
    widths = {p: width(t) for p, t in types.items()}
    module = bank_module(bank, widths)
    if bank.source is not None:
        from zoo.hub.bank import load_into

        load_into(module, bank, widths, spec)
    if bank.frozen:
        module.requires_grad_(False)
    return module


KIND = KindDef("mechanism_bank", _ports, _infer, _build)
