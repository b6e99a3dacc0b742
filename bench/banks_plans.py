"""The banks benchmark's sweeps (bench/banks.py) as plans of listed points, each point's settings as spec overrides.

A catalogue part bank is composed by naming it under the spec's ``pretrained`` (what ``zoo compose SPEC --bank
NAME`` writes: the bank's tensors loaded after the model is built, frozen but for ``train``):

* ``banks-rims-source``: ``lstm-digits`` at the size of the RIMs bank (hidden 128 = 4 x 32) trained on the bank's
  task (8x8 digits, as many steps as the bank), at its own seed: the model the LSTM baseline fine-tunes;
* ``banks-rims``: at each fraction of the 10x10 digits' training split (``train.fraction``) and each seed,
  ``rims-digits-bank`` composed (``compose``: the bank frozen, embedding and head new), the same RIMs from
  scratch (``scratch``) and the LSTM fine-tuned whole from the source's weights (``lstm_finetune``,
  ``train.pretrained``), every one for the same steps;
* ``banks-hypernetwork``: ``hypernetwork-connected-bank`` composed (templates frozen; the task embedding, output
  gain and bias adapted) and scored on the connected teacher's unseen combinations as bench/hypernet.py scores
  ANIL and MAML, at its own seed;
* ``banks-slot_vae``: on sprites with triangles, 1% of the images, each seed: ``slot_vae-sprites-bank`` composed
  with its encoder head trained (``bank``), trained from scratch (``scratch``), and loaded whole with nothing
  trained (``frozen``: zero steps, its evaluation alone).

A point's fields (method, fraction) are known by its setting (a row's ``setting``), so the figures group rows by
fields.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Sequence

from machine import catalogue_bank_pin  # bench/machine.py
from zoo.schema import load_spec
from zoo.sweep.definition import check_definition
from zoo.sweep.options import options_document
from zoo.sweep.plan import Point, SweepPlan, make_plan, settings

RIMS_BANK, LSTM = "rims-digits-bank", "lstm-digits"
HYPERNETWORK_BANK = "hypernetwork-connected-bank"
SLOT_VAE_BANK = "slot_vae-sprites-bank"
RIMS_TARGET = {"data.train_size": 10, "data.test_sizes": [12]}  # a new resolution (of the same digits)
RIMS_SPLIT = "test_10"  # the held-out 10x10 images
RIMS_SOURCE_SPLIT = "test_8"  # the held-out images of the bank's task (8x8)
NEW_SHAPES = ["square", "triangle", "circle"]  # the bank saw squares and circles
HYPERNETWORK_EVAL = {"data.support_shots": 128, "data.query_shots": 128, "train.eval_tasks": 256,
                     "train.inner.steps": 10, "train.eval_every": 0}  # as bench/hypernet.py scores ANIL and MAML


@dataclass(frozen=True)
class Design:
    """What the sweeps measure: the RIMs fractions and steps, the LSTM source's steps, the hypernetwork's
    composing steps and evaluation, the slot VAE's steps and fraction of images."""

    fractions: tuple[float, ...] = (0.01, 0.1)
    rims_steps: int = 150
    lstm_steps: int = 1000
    compose_steps: int = 20
    hypernetwork_eval: dict[str, Any] = field(default_factory=lambda: dict(HYPERNETWORK_EVAL))
    slot_vae_steps: int = 300
    slot_vae_fraction: float = 0.01


QUICK = Design(rims_steps=3, lstm_steps=3, compose_steps=2, slot_vae_steps=2,
               hypernetwork_eval={"data.support_shots": 8, "data.query_shots": 8, "train.eval_tasks": 4,
                                  "train.inner.steps": 1, "train.eval_every": 0})
QUICK_SETS = {  # tiny sizes of each sweep's runs (--quick)
    "rims-source": ["data.limit=100"], "rims": ["data.limit=100"],
    "hypernetwork": ["train.batch=2"],
    "slot_vae": ["data.test_images=8", "train.eval_images=8", "train.jacobian_images=2"],
}


@dataclass(frozen=True)
class Fields:
    """A point's fields: its method and its fraction of the training data (None where not varied)."""

    method: str
    fraction: float | None = None


def composed(bank: str, train: Sequence[str]) -> dict[str, Any]:
    """The override composing the catalogue part bank ``bank`` (its tensors named by ``train`` keep training), pinned
    to the weights it holds today (a rebuilt bank is a new setting, so its runs train again)."""
    return {"pretrained": [{"source": bank, "train": list(train), "sha256": catalogue_bank_pin(bank)}]}


def listed_plan(specs: Sequence[str], seeds: Sequence[int] | None, chosen: list[tuple[Fields, str, dict]],
                sets: Sequence[str]) -> tuple[SweepPlan, dict[str, Fields]]:
    """A sweep of the listed points ``chosen`` (fields, the spec it runs, its setting) over ``seeds`` (None: each
    spec's own) with the shared overrides ``sets``, and each point's fields by its setting.

    Raises:
        SpecError: a bad override (named as the option).
    """
    document: dict[str, Any] = {"spec": list(specs), "points": [s for _, _, s in chosen]}
    if seeds is not None:
        document["seeds"] = list(seeds)
    document, where = options_document(None, (), list(sets), document)
    plan = make_plan(check_definition(document, where), where)
    by_label = {Point("", setting, None).label: (fields, spec)
                for setting, (fields, spec, _) in zip(settings(plan.definition), chosen)}
    points = tuple(p for p in plan.points if by_label[p.label][1] == p.spec)
    return dataclasses.replace(plan, points=points), {label: f for label, (f, _) in by_label.items()}


def lstm_model() -> dict[str, Any]:
    """The LSTM baseline at the RIMs bank's size (hidden 4 x 32)."""
    return {"model.hidden": 128}


def rims_source_plan(design: Design, sets: Sequence[str] = ()) -> tuple[SweepPlan, dict[str, Fields]]:
    """The LSTM trained on the RIMs bank's task with the bank's training settings, at its own seed."""
    bank = load_spec(RIMS_BANK)
    setting = {**lstm_model(), "data.train_size": bank.data.train_size, "data.test_sizes": list(bank.data.test_sizes),
               "train.steps": design.lstm_steps, "train.batch": bank.train.batch, "train.lr": bank.train.lr,
               "train.eval_every": 0}
    return listed_plan([LSTM], None, [(Fields("lstm_source"), LSTM, setting)], sets)


def rims_plan(pretrained: str, design: Design, seeds: Sequence[int],
              sets: Sequence[str] = ()) -> tuple[SweepPlan, dict[str, Fields]]:
    """The RIMs sweep: compose, scratch and the LSTM fine-tuned from ``pretrained`` at each fraction and seed."""
    bank = load_spec(RIMS_BANK)
    chosen = []
    for f in design.fractions:
        rims = {**RIMS_TARGET, "train.steps": design.rims_steps, "train.fraction": f, "train.eval_every": 0}
        lstm = {**lstm_model(), **RIMS_TARGET, "train.steps": design.rims_steps, "train.batch": bank.train.batch,
                "train.lr": bank.train.lr, "train.fraction": f, "train.eval_every": 0, "train.pretrained": pretrained}
        chosen += [(Fields("compose", f), RIMS_BANK, {**rims, **composed(RIMS_BANK, [])}),
                   (Fields("scratch", f), RIMS_BANK, rims), (Fields("lstm_finetune", f), LSTM, lstm)]
    return listed_plan([RIMS_BANK, LSTM], seeds, chosen, sets)


def hypernetwork_plan(design: Design, sets: Sequence[str] = ()) -> tuple[SweepPlan, dict[str, Fields]]:
    """The hypernetwork bank composed into its teacher's task set, at its own seed."""
    adapt = list(load_spec(HYPERNETWORK_BANK).train.adapt)
    setting = {**design.hypernetwork_eval, "train.steps": design.compose_steps,
               **composed(HYPERNETWORK_BANK, adapt)}
    return listed_plan([HYPERNETWORK_BANK], None, [(Fields("bank"), HYPERNETWORK_BANK, setting)], sets)


def slot_vae_images(design: Design) -> int:
    """How many training images the slot VAE runs see: the fraction of the bank's (at least one)."""
    return max(1, round(design.slot_vae_fraction * load_spec(SLOT_VAE_BANK).data.images))


def slot_vae_plan(design: Design, seeds: Sequence[int],
                  sets: Sequence[str] = ()) -> tuple[SweepPlan, dict[str, Fields]]:
    """The slot VAE sweep: the bank with its encoder head trained, from scratch, and frozen whole, at each seed."""
    steps = design.slot_vae_steps
    new = {"data.shapes": NEW_SHAPES, "data.images": slot_vae_images(design), "train.steps": steps,
           "train.eval_every": 0, "train.warmup": 0, "train.beta_ramp": 0, "train.alpha_start": 0,
           "train.alpha_ramp": max(1, steps // 2)}
    head = composed(SLOT_VAE_BANK, ["encoder.head"])
    chosen = [(Fields("bank", design.slot_vae_fraction), SLOT_VAE_BANK, {**new, **head}),
              (Fields("scratch", design.slot_vae_fraction), SLOT_VAE_BANK, new),
              (Fields("frozen"), SLOT_VAE_BANK, {**new, **head, "train.steps": 0})]
    return listed_plan([SLOT_VAE_BANK], seeds, chosen, sets)
