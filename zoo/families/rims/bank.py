"""The RIMs bank: the K cells with their input attention and communication (the ``rims`` node).

Composed into a new sequence task, the cells, the attention and the communication stay frozen; the
new task's input layer (the token embedding, whose width must be the bank's) and output head train,
and, when the spec's ``pretrained`` entry says so, the input attention too (``rims.cell.query``,
``rims.cell.key``, ``rims.cell.value``).
"""

from __future__ import annotations

from zoo.banks.part import BankPart

ATTENTION = ("rims.cell.query", "rims.cell.key", "rims.cell.value")

PART = BankPart(
    family="rims",
    name="cells",
    nodes=("rims",),
    structure=("model.input.embed", "model.comm_heads", "model.comm_key_dim", "model.comm_value_dim",
               "mechanisms.cells", "router.k", "router.key_dim", "router.value_dim", "router.heads",
               "router.rank_by"),
    summary="RIMs cells with their input attention and communication",
)
