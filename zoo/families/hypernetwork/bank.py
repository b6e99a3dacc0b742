"""The modular hypernetwork bank: the templates Θ, with the task embedding's initialisation (and the
output gain and bias the inner loop starts from).

Composed into a task set of the same teacher (e.g. unseen expert combinations), the templates stay
frozen; only the task embedding (and the output gain and bias) are adapted from the support shots,
and their initialisation keeps training in the outer loop. A bank from a teacher of another shape is
refused: the teacher's widths, experts and generated layers must be the bank's.
"""

from __future__ import annotations

from zoo.banks.part import BankPart

PART = BankPart(
    family="hypernetwork",
    name="templates",
    nodes=("hnet", "embedding"),
    structure=("model", "hypernetworks.hnet", "router.kind", "router.dim"),
    trainable=("embedding", "hnet.gain", "hnet.bias"),
    requires=("data.kind", "data.input", "data.hidden", "data.output", "data.experts", "data.generated"),
    summary="hypernetwork templates and task-embedding initialisation",
)
