"""Mechanism kinds: how each ``kind`` of a ``mechanisms`` entry is built, by name (a registry).

A :class:`MechanismKind` says whether its mechanisms are recurrent cells (then the ``self`` input is
the cell state, of :attr:`MechanismKind.state_width`, and the output is the next state) and builds the
block of ``count`` mechanisms from flat widths. ``mlp``, ``linear``, ``gru`` and ``lstm`` ship; a
plug-in adds more through its :class:`~zoo.families.family.Family` (``mechanism_kinds``, and the spec
class under ``specs["mechanism"]``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from torch import nn

from zoo.errors import SpecError
from zoo.nn.bank import BankApply, MechanismBank
from zoo.nn.grouped_rnn import CellBank, GroupedGRUCell, GroupedLSTMCell
from zoo.registry import MECHANISM_KINDS

PORT = {"self": "state", "context": "context", "external": "external", "task": "task"}


@dataclass(frozen=True)
class MechanismKind:
    """How one mechanism kind is built.

    Attributes:
        kind: the ``kind`` tag of the mechanisms entry.
        build: (bank spec, input width, output width) -> the block of ``bank.count`` mechanisms,
            called as ``block(x)`` (or ``block(x, state)`` when recurrent).
        state_width: for recurrent cells, bank spec -> the width of the state ('self') they update;
            None for feed-forward mechanisms.
        cell: for recurrent cells, the grouped cell class (K cells at once) that RIMs run.
    """

    kind: str
    build: Callable[[Any, int, int], nn.Module]
    state_width: Callable[[Any], int] | None = None
    cell: type | None = None

    @property
    def recurrent(self) -> bool:
        """Whether the mechanisms are cells whose 'self' input is the state they update."""
        return self.state_width is not None


def _mlp(bank, in_width: int, out_width: int) -> nn.Module:
    return MechanismBank(bank.count, in_width, bank.hidden, out_width, bank.activation)


def _linear(bank, in_width: int, out_width: int) -> nn.Module:
    return MechanismBank(bank.count, in_width, (), out_width, "identity")


def _cells(cell: type) -> Callable[[Any, int, int], nn.Module]:
    return lambda bank, in_width, out_width: CellBank(cell, bank.count, in_width, bank.hidden)


def register_mechanism_kind(kind: MechanismKind, owner: str = "zoo") -> None:
    """Add a mechanism kind (a kind already registered is an error)."""
    MECHANISM_KINDS.register(kind.kind, kind, owner)


def mechanism_kind(kind: str) -> MechanismKind:
    """The definition of mechanism kind ``kind``.

    Raises:
        SpecError: an unknown kind, listing the known ones.
    """
    try:
        return MECHANISM_KINDS.get(kind)
    except KeyError:
        raise SpecError(f"no mechanism kind {kind!r}; known: {', '.join(MECHANISM_KINDS.names())}") from None


def mechanism_kinds() -> list[str]:
    """Every registered mechanism kind, sorted."""
    return MECHANISM_KINDS.names()


for _kind in (MechanismKind("mlp", _mlp), MechanismKind("linear", _linear),
              MechanismKind("gru", _cells(GroupedGRUCell), lambda bank: bank.hidden, GroupedGRUCell),
              MechanismKind("lstm", _cells(GroupedLSTMCell), lambda bank: 2 * bank.hidden, GroupedLSTMCell)):
    register_mechanism_kind(_kind)


def output_width(bank, widths: dict[str, int]) -> int:
    """The width each mechanism of ``bank`` writes, given its port widths.

    Raises:
        ValueError: a recurrent bank without its state, or a state of the wrong width; a bank whose
            output width is neither set nor implied by 'self'.
    """
    kind = mechanism_kind(bank.kind)
    if kind.recurrent:
        if "state" not in widths:
            raise ValueError(f"a {bank.kind} bank needs 'self' among its inputs (it is the cell state)")
        need = kind.state_width(bank)
        if widths["state"] != need:
            raise ValueError(f"a {bank.kind} bank of hidden={bank.hidden} needs a state of width {need}, "
                             f"got {widths['state']}")
        return need
    if bank.output is not None:
        return bank.output
    if "state" not in widths:
        raise ValueError("set the bank's 'output' width (it defaults to the width of 'self')")
    return widths["state"]


def input_width(bank, widths: dict[str, int]) -> int:
    """Width of the concatenated mechanism input (without a recurrent cell's state)."""
    total = sum(widths[p] for p in PORT.values() if p in widths)
    return total - (widths["state"] if mechanism_kind(bank.kind).recurrent else 0)


def bank_module(bank, widths: dict[str, int]) -> BankApply:
    """The block of a concrete bank spec fed ports of the given widths (port name -> width)."""
    kind = mechanism_kind(bank.kind)
    out = output_width(bank, widths)
    block = kind.build(bank, input_width(bank, widths), out)
    normalized = (widths["context"] - 1, out) if getattr(bank, "normalize", None) else None
    return BankApply(block, tuple(PORT[i] for i in bank.inputs), recurrent=kind.recurrent,
                     relative=getattr(bank, "relative", None), normalized=normalized)
