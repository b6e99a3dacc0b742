"""The training procedures by name (``train.procedure``); the families register theirs."""

from __future__ import annotations

from zoo.registry import PROCEDURES
from zoo.train.procedure import Procedure
from zoo.train.procedures.supervised import SupervisedProcedure

PROCEDURES.register("supervised", SupervisedProcedure)


def make_procedure(spec, model, env, device) -> Procedure:
    """The procedure named by ``spec.train.procedure``, set up on ``model`` and ``env``."""
    return PROCEDURES.get(spec.train.procedure)(spec, model, env, device)
