"""Modular hypernetworks over a task embedding, with the ANIL and MAML baselines.

Its template, meta-learning procedure (with MAML/ANIL inner loops), metrics, the hyperteacher world,
its checks and starter live here; :data:`FAMILY` registers them.
"""

from pathlib import Path

from zoo.families.family import Family
from zoo.families.hypernetwork.checks import hyperteacher_issues
from zoo.families.hypernetwork.spec import HypernetworkModel, HyperteacherData, MetaTrain

_HERE = Path(__file__).resolve().parent
_PKG = __name__

FAMILY = Family(
    name="hypernetwork",
    summary="A hypernetwork generates a target MLP from a task embedding (and the ANIL/MAML baselines).",
    specs={"model": (HypernetworkModel,), "data": (HyperteacherData,), "procedure": (MetaTrain,)},
    templates={"hypernetwork": f"{_PKG}.template:expand"},
    procedures={"meta": f"{_PKG}.meta_learning:MetaProcedure"},
    environments={"hyperteacher": f"{_PKG}.hyperteacher:make"},
    runs={"hypernetwork": "zoo.trained.tasks:TaskRun"},
    starter=_HERE / "starter.yaml",
    captions={"eval.png": "In-distribution and out-of-distribution (by support) performance at every evaluation."},
    checks=(hyperteacher_issues,),
)
