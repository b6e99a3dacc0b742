"""COMET: compete and compose mechanisms over object slots, with the interaction-network baseline.

Its template, procedures (compete, compose, finetune), metrics, figures, worlds (particles, traffic,
sports) and starter live here; :data:`FAMILY` registers them.
"""

from pathlib import Path

from zoo.families.comet.checks import selector_issues
from zoo.families.comet.spec import (CometModel, CompeteTrain, ComposeTrain, FinetuneTrain, InteractionNetworkModel,
                                     ParticlesData, SportsData, TrafficData)
from zoo.families.family import Family

_HERE = Path(__file__).resolve().parent
_PKG = __name__

FAMILY = Family(
    name="comet",
    summary="Compete and compose mechanisms over object slots (and the interaction-network baseline).",
    specs={"model": (CometModel, InteractionNetworkModel), "data": (ParticlesData, TrafficData, SportsData),
           "procedure": (CompeteTrain, ComposeTrain, FinetuneTrain)},
    templates={"comet": f"{_PKG}.template:expand", "interaction_network": f"{_PKG}.interaction_network:expand"},
    procedures={"compete": f"{_PKG}.compete:CompeteProcedure", "compose": f"{_PKG}.compose:ComposeProcedure",
                "finetune": f"{_PKG}.finetune:FinetuneProcedure"},
    environments={"particles": f"{_PKG}.particles:make", "traffic": f"{_PKG}.traffic:make",
                  "sports": f"{_PKG}.sports:make"},
    runs={"comet": "zoo.trained.dynamics:DynamicsRun", "interaction_network": "zoo.trained.dynamics:DynamicsRun"},
    starter=_HERE / "starter.yaml",
    captions={
        "mechanisms.png": "Mechanism x ground-truth interaction type: the fraction of each type's entries "
                          "that each mechanism wins (a clean diagonal-like pattern means specialised mechanisms).",
        "selected.png": "Mechanism x ground-truth type for the selector's choices (what the model uses at test time).",
        "adaptation.png": "Adaptation curve: test error against the fraction of the new world's data used.",
        "rollout.png": "Rollout: true (solid) and predicted (dashed) paths of a few objects of one test trajectory, "
                       "the model's predictions fed back without seeing the truth (the steps rollout_mse scores).",
    },
    checks=(selector_issues,),
)
