"""The COMET benchmark's sweeps (bench/comet.py) as plans of points, each point's settings as spec overrides.

* ``comet-disentanglement``: ``comet-particles`` and ``comet-particles-overcomplete`` at seed 0 (their own),
  ``comet-traffic`` and ``comet-sports`` at each seed asked for (seed 0 always: their ``*_nmi`` is seed 0's);
* ``comet-adaptation-source``: ``interaction-network-particles``, the model the fine-tuning baseline starts from;
* ``comet-adaptation``: ``comet-particles-compose`` (the committed catalogue bank ``banks/comet-particles``, pinned
  to its weights' sha256 so that a rebuilt bank runs again; frozen, only the selector trains) and the interaction network fine-tuned (``train.pretrained``) on the
  compose spec's world, at each fraction of its training data (``train.fraction``), fine-tuning at each learning
  rate (``train.lr``); the selector reading every slot feature (``router.features=null``) at 1%; and the 1% points
  again on other draws of the new world (the sweep's seeds, ``train.seed``).

An adaptation point's fields (method, fraction, learning rate) are known by its setting (a row's ``setting``),
so the report groups rows by fields.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Sequence

from adaptation import FINETUNE_LRS, FRACTIONS  # bench/adaptation.py
from zoo.schema import load_spec
from zoo.sweep import load_plan
from zoo.sweep.definition import check_definition
from zoo.sweep.options import options_document
from zoo.sweep.plan import Point, SweepPlan, make_plan, settings

DISENTANGLEMENT = ("comet-particles", "comet-particles-overcomplete", "comet-traffic", "comet-sports")
OWN_SEED = ("comet-particles", "comet-particles-overcomplete")  # trained at seed 0 only
SOURCE, COMPOSE = "interaction-network-particles", "comet-particles-compose"
ONE_PCT = 0.01  # the fraction measured on every draw of the new world, and with the ablation
QUICK_SETS = {  # tiny sizes of each sweep's runs (--quick)
    "disentanglement": ["train.steps=6", "train.warm_start=3", "train.eval_every=0", "mechanisms[0].hidden=[8]",
                        "router.hidden=[8]", "data.trajectories=16", "data.test_trajectories=8", "data.length=10"],
    "source": ["train.steps=6", "train.eval_every=0", "data.trajectories=16", "data.test_trajectories=8",
               "data.length=10"],
    "adaptation": ["train.steps=4", "train.eval_every=0", "data.trajectories=24", "data.test_trajectories=8",
                   "data.length=10"],
}


@dataclass(frozen=True)
class Design:
    """What the adaptation sweep measures: the fractions, fine-tuning's learning rates and the new world's draws
    (``train.seed``; draws other than 0 run the 1% points only)."""

    fractions: tuple[float, ...] = FRACTIONS
    lrs: tuple[float, ...] = FINETUNE_LRS
    draws: tuple[int, ...] = (0, 1, 2)


QUICK = Design((ONE_PCT, 1.0), FINETUNE_LRS[:2], (0, 1))


@dataclass(frozen=True)
class Adapt:
    """The fields of an adaptation point: its method (``compose``, ``finetune`` or ``compose_all_features``,
    the selector reading every slot feature), its fraction of the new world's data and fine-tuning's rate."""

    method: str
    fraction: float
    lr: float | None = None


def disentanglement_plan(seeds: Sequence[int], sets: Sequence[str] = ()) -> SweepPlan:
    """The disentanglement sweep at ``seeds`` (and seed 0) with the shared overrides ``sets``."""
    chosen = sorted({0, *seeds})
    plan = load_plan(list(DISENTANGLEMENT), ",".join(map(str, chosen)), (), list(sets))
    points = tuple(p for p in plan.points if p.spec not in OWN_SEED or p.seed == 0)
    return dataclasses.replace(plan, points=points)


def source_plan(sets: Sequence[str] = ()) -> SweepPlan:
    """The fine-tuning baseline's source: the interaction network trained on the source world, at its own seed."""
    return load_plan([SOURCE], None, (), list(sets))


def adaptation_settings(pretrained: str, bank: str, design: Design,
                        sets: Sequence[str]) -> list[tuple[Adapt, dict[str, Any]]]:
    """Every adaptation point's fields and setting; composing reuses the compose spec's bank pinned to the weights
    whose sha256 is ``bank``, fine-tuning starts from the weights at ``pretrained`` and trains on the compose
    spec's world (with ``sets``) for as many steps."""
    compose = load_spec(COMPOSE, list(sets))
    reuse = {"mechanisms[0].sha256": bank}
    out: list[tuple[Adapt, dict[str, Any]]] = [(Adapt("compose", f), {"train.fraction": f, **reuse})
                                               for f in design.fractions]
    out.append((Adapt("compose_all_features", ONE_PCT),
                {"train.fraction": ONE_PCT, "router.features": None, **reuse}))
    target = {"data": compose.data.model_dump(mode="json", exclude_defaults=True), "slots.count": compose.slots.count,
              "train.pretrained": pretrained, "train.steps": compose.train.steps, "train.eval_every": 0}
    out += [(Adapt("finetune", f, lr), {"train.fraction": f, "train.lr": lr, **target})
            for f in design.fractions for lr in design.lrs]
    return out


def adaptation_plan(pretrained: str, bank: str, design: Design,
                    sets: Sequence[str] = ()) -> tuple[SweepPlan, dict[str, Adapt]]:
    """The adaptation sweep (every point at draw 0; the 1% compose and fine-tuning points at every draw) with
    the shared overrides ``sets``, and each point's fields by its setting.

    Raises:
        SpecError: a bad override (named as the option).
    """
    chosen = adaptation_settings(pretrained, bank, design, sets)
    document = {"spec": [COMPOSE, SOURCE], "seeds": list(design.draws), "points": [s for _, s in chosen]}
    document, where = options_document(None, (), sets, document)
    plan = make_plan(check_definition(document, where), where)
    fields_of = {Point("", setting, None).label: fields
                 for setting, (fields, _) in zip(settings(plan.definition), chosen)}

    def wanted(point: Point) -> bool:
        fields = fields_of[point.label]
        spec = SOURCE if fields.method == "finetune" else COMPOSE
        every_draw = fields.fraction == ONE_PCT and fields.method != "compose_all_features"
        return point.spec == spec and (point.seed == 0 or every_draw)

    return dataclasses.replace(plan, points=tuple(p for p in plan.points if wanted(p))), fields_of
