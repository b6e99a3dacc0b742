"""The training procedures by name (``train.procedure``)."""

from __future__ import annotations

from zoo.train.procedure import Procedure
from zoo.train.procedures.supervised import SupervisedProcedure
from zoo.train.procedures.vae import VAEProcedure

PROCEDURES: dict[str, type[Procedure]] = {
    "supervised": SupervisedProcedure,
    "vae": VAEProcedure,
}


def make_procedure(spec, model, env, device) -> Procedure:
    """The procedure named by ``spec.train.procedure``, set up on ``model`` and ``env``."""
    return PROCEDURES[spec.train.procedure](spec, model, env, device)
