"""The training procedures by name (``train.procedure``)."""

from __future__ import annotations

from zoo.train.procedure import Procedure
from zoo.train.procedures.compete import CompeteProcedure
from zoo.train.procedures.compose import ComposeProcedure
from zoo.train.procedures.finetune import FinetuneProcedure
from zoo.train.procedures.meta import MetaProcedure
from zoo.train.procedures.supervised import SupervisedProcedure
from zoo.train.procedures.vae import VAEProcedure

PROCEDURES: dict[str, type[Procedure]] = {
    "supervised": SupervisedProcedure,
    "compete": CompeteProcedure,
    "compose": ComposeProcedure,
    "finetune": FinetuneProcedure,
    "meta": MetaProcedure,
    "vae": VAEProcedure,
}


def make_procedure(spec, model, env, device) -> Procedure:
    """The procedure named by ``spec.train.procedure``, set up on ``model`` and ``env``."""
    return PROCEDURES[spec.train.procedure](spec, model, env, device)
