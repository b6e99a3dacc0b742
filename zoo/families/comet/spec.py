"""COMET's spec models: the comet and interaction_network model kinds, its worlds (particles, traffic,
sports) and its procedures (compete, compose, finetune)."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal, get_args

from pydantic import Field, model_validator

from zoo.schema.fields import model_from_nodes, node_fields
from zoo.schema.graph import InteractionNetworkNode
from zoo.schema.base import Count, Fraction, Name, NonNegFloat, PositiveFloat, Spec, Steps
from zoo.schema.data import DataInterface, TrajectoryData
from zoo.schema.data import DataSpec
from zoo.schema import kinds
from zoo.schema.train import TrainBase
from zoo.families.comet.selection_fields import (
    Horizon, context_by_field, context_per_step_field, select_on_field, switch_rate_field)


class CometModel(Spec):
    """COMET: every mechanism of a bank predicts ``z_i + f_m(z_i, z_j)`` for every candidate context j.

    Needs ``slots``, a ``mechanisms`` bank, ``interactions``; the ``router`` (winner_take_all,
    classifier or soft_mixture) picks the pair.
    """

    kind: Literal["comet"] = Field(description="COMET: a mechanism bank over object slots, with a router.")
    bank: Name | None = Field(default=None, description="Which mechanisms entry (default: the first).")
    banks: tuple[Name, ...] | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        description="Several mechanisms entries side by side (e.g. banks trained on different worlds); "
        "their mechanisms are concatenated in this order. Instead of 'bank'.",
    )
    features: tuple[Annotated[int, Field(ge=0, le=65535)], ...] | None = Field(
        default=None,
        min_length=1,
        max_length=4096,
        description="Slot features the mechanisms read (default: all). The others (e.g. visible attributes "
        "such as a species) are read by the router only.",
    )
    changes: tuple[Annotated[int, Field(ge=0, le=65535)], ...] | None = Field(
        default=None,
        min_length=1,
        max_length=4096,
        description="Slot features the mechanisms change (default: the features they read); the others "
        "stay as they are. The bank's output width must equal their number.",
    )

    @model_validator(mode="after")
    def _one_way(self) -> "CometModel":
        if self.bank is not None and self.banks is not None:
            raise ValueError("give either 'bank' or 'banks', not both")
        if self.banks is not None and len(set(self.banks)) != len(self.banks):
            raise ValueError(f"banks must not repeat, got {list(self.banks)}")
        for name in ("features", "changes"):
            value = getattr(self, name)
            if value is not None and len(set(value)) != len(value):
                raise ValueError(f"{name} must not repeat, got {list(value)}")
        return self


class _InteractionNetworkBase(Spec):
    """A monolithic interaction network over slots (the fine-tuning baseline of COMET); its settings are
    the interaction_network node's."""

    kind: Literal["interaction_network"] = Field(description="A monolithic interaction network (baseline).")


InteractionNetworkModel = model_from_nodes("InteractionNetworkModel", _InteractionNetworkBase, __name__,
                                           node_fields(InteractionNetworkNode))


ParticleInteraction = Literal["spring", "attraction", "repulsion", "none"]


PlayerRole = Literal["pursue", "mark", "hold"]


PARTICLE_TYPES: tuple[str, ...] = get_args(ParticleInteraction)


PLAYER_ROLES: tuple[str, ...] = get_args(PlayerRole)


class ParticlesData(TrajectoryData):
    """2-D particles, starting in a box and moving freely. A particle's species (a visible one-hot attribute) is its
    interaction type; an interacting particle is driven by its nearest neighbour, so each particle has
    at most one partner per step.

    Slot features: x, y, vx, vy, then a one-hot over (spring, attraction, repulsion, none), always in
    that order so banks transfer between particle worlds with different type mixes.
    """

    FEATURES: ClassVar[tuple[str, ...]] = ("x", "y", "vx", "vy") + tuple(f"is_{t}" for t in PARTICLE_TYPES)
    OBJECTS: ClassVar[str] = "data.objects"

    kind: Literal["particles"] = Field(description="2-D particles interacting by species (COMET).")
    objects: Count = Field(default=5, description="Number of particles (slots).")
    types: tuple[ParticleInteraction, ...] = Field(
        default=("spring", "attraction", "repulsion", "none"), min_length=1,
        description="The species (interaction types) present in this world.",
    )
    mix: tuple[NonNegFloat, ...] | None = Field(
        default=None, description="Relative frequency of each entry of 'types' (uniform if omitted)."
    )
    strength: PositiveFloat = Field(default=1.0, description="Multiplies every force law.")
    box: PositiveFloat = Field(
        default=1.0, description="Half-width of the square the particles start in."
    )
    speed: NonNegFloat = Field(default=0.5, description="Std of the initial velocities.")

    def slot_count(self) -> int:  # noqa: D102 - see TrajectoryData
        return self.objects


class TrafficData(TrajectoryData):
    """Cars on parallel lanes of a straight road; each car's leader (the next car ahead in its lane)
    is its context. Regimes: free road (no leader in view), following, braking (leader closer than 0.5).

    Slot features: x, lane, v, desired speed (lane and desired speed are constant attributes).
    """

    FEATURES: ClassVar[tuple[str, ...]] = ("x", "lane", "v", "desired_speed")
    OBJECTS: ClassVar[str] = "data.lanes x data.cars_per_lane"

    kind: Literal["traffic"] = Field(description="Cars following their leaders on lanes (COMET).")
    lanes: Count = Field(default=1, description="Number of parallel lanes.")
    cars_per_lane: Count = Field(default=5, description="Cars on each lane (slots: lanes x cars_per_lane).")
    dt: PositiveFloat = Field(default=0.2, description="Integration time step.")
    spread: float = Field(
        default=0.6, ge=0.2, le=1e3,
        description="Largest starting gap between cars of a lane (gaps are uniform from 0.15).",
    )
    min_speed: PositiveFloat = Field(default=0.5, description="Lowest desired speed.")
    max_speed: PositiveFloat = Field(default=2.5, description="Highest desired speed.")
    view: float = Field(
        default=1.5, ge=0.5, le=1e3, description="A leader farther than this is ignored (free road)."
    )

    def slot_count(self) -> int:  # noqa: D102 - see TrajectoryData
        return self.lanes * self.cars_per_lane

    @model_validator(mode="after")
    def _speeds(self) -> "TrafficData":
        if self.min_speed > self.max_speed:
            raise ValueError(f"min_speed={self.min_speed} exceeds max_speed={self.max_speed}")
        return self


class SportsData(TrajectoryData):
    """Two teams and a ball on a pitch. Each player has a visible role: pursue the ball, mark the
    nearest opponent, or hold the middle of the pitch (shifted towards the ball). The ball rolls
    with friction and is pushed along by the nearest player when close (it has no interaction type).

    Slot features: x, y, vx, vy, team (-1, +1; 0 for the ball), then a one-hot over
    (pursue, mark, hold) (all zero for the ball).
    """

    FEATURES: ClassVar[tuple[str, ...]] = ("x", "y", "vx", "vy", "team") + tuple(f"is_{r}" for r in PLAYER_ROLES)
    OBJECTS: ClassVar[str] = "2 x data.players + the ball"

    kind: Literal["sports"] = Field(description="Two teams of players with roles, and a ball (COMET).")
    players: Count = Field(default=2, description="Players per team (slots: 2 x players + the ball).")
    roles: tuple[PlayerRole, ...] = Field(default=("pursue", "mark", "hold"), min_length=1,
                                          description="The roles players are drawn from.")
    mix: tuple[NonNegFloat, ...] | None = Field(
        default=None, description="Relative frequency of each entry of 'roles' (uniform if omitted)."
    )
    dt: PositiveFloat = Field(default=0.1, description="Integration time step.")
    box: PositiveFloat = Field(default=1.0, description="Half-width of the square the players start in.")
    kick: NonNegFloat = Field(
        default=2.0, description="How strongly a close player pushes the ball along."
    )

    def slot_count(self) -> int:  # noqa: D102 - see TrajectoryData
        return 2 * self.players + 1


class _SlotDynamicsTrain(TrainBase):
    """Fields of the procedures that learn one-step dynamics on object-slot trajectories."""

    reads: ClassVar[DataInterface] = "trajectories"

    rollout: Annotated[int, Field(ge=1, le=10_000)] = Field(
        default=10, description="Steps of the open-loop rollout scored at evaluation."
    )
    fraction: Fraction = Field(
        default=1.0, description="Fraction of the training trajectories used (for adaptation curves)."
    )


class _PairSelection(_SlotDynamicsTrain):
    """The fields that say how COMET's procedures pick the winning (mechanism, context) pair."""

    horizon: Horizon = Field(
        default=1, description="Steps H over which the winning pair is chosen; with 'switch_rate', the steps of a "
        "training window (cut to the trajectories' length where they are shorter).")
    context_per_step: bool = context_per_step_field()
    select_on: Literal["steps", "change"] = select_on_field()
    context_by: Literal["object", "rank"] = context_by_field()
    switch_rate: float | None = switch_rate_field()

    @model_validator(mode="after")
    def _one_context_for_change(self):
        if self.switch_rate is not None and (self.context_per_step or self.select_on == "change"):
            raise ValueError("switch_rate picks each step's winner on a path; it replaces select_on: change and "
                             "context_per_step (set them to their defaults)")
        if self.context_per_step and self.select_on == "change":
            raise ValueError("select_on: change keeps one context per horizon; set context_per_step: false")
        if self.context_per_step and self.context_by == "rank":
            raise ValueError("context_by: rank and context_per_step both say how the context may change over the "
                             "horizon; set one of them")
        return self


class CompeteTrain(_PairSelection):
    """COMET's competition phase: only the best (mechanism, context) pair of each slot learns.

    The winner of a slot is the pair with the lowest error summed over ``horizon`` steps (with ``switch_rate``,
    each step's pair on the slot's cheapest path). During the first ``warm_start`` steps every pair gets gradient,
    weighted by a softmin whose temperature falls geometrically from ``temperature`` to ``final_temperature``
    (relative to the batch's mean pair error); after it the winner takes all. A classifier router, when the model
    has one, is trained alongside on the winners (by NLL, no gradient into the bank).
    """

    procedure: Literal["compete"] = Field(description="COMET's competition phase (trains a bank).")
    warm_start: Steps = Field(default=0, description="Steps during which every pair gets gradient.")
    temperature: PositiveFloat = Field(default=1.0, description="Softmin temperature at step 0.")
    final_temperature: PositiveFloat = Field(
        default=0.01, description="Softmin temperature at the end of the warm start."
    )
    winner_loss: Literal["error", "log_error"] = Field(
        default="error", description="What the winning pairs learn from after the warm start: 'error', their "
        "squared error; 'log_error', log(error + 0.1 x the batch's mean winning error), which weighs each "
        "transition by about the inverse of its error, so that a mechanism is drawn to the law it can fit exactly "
        "rather than to the mean of two laws it fits only in part. The winners are chosen the same way either way.")


class ComposeTrain(_PairSelection):
    """COMET's composition phase: the bank is frozen; a classifier over (mechanism, context) pairs is
    trained by NLL on the pairs that win over ``horizon`` steps, and at test time picks a pair from
    the current state alone."""

    procedure: Literal["compose"] = Field(description="COMET's composition phase (trains the selector).")


class FinetuneTrain(_SlotDynamicsTrain):
    """The monolithic baseline: fit the model's one-step ``prediction`` (MSE), first for
    ``pretrain_steps`` steps on the ``sources`` worlds, then on ``data`` (the target world) for the
    rest of ``steps`` (none when they are equal: pre-training only, evaluated on the target).

    ``pretrained`` starts from saved weights instead (a run directory or a .safetensors file),
    e.g. a source run reused for several adaptation sizes.
    """

    procedure: Literal["finetune"] = Field(description="Pre-train and fine-tune a monolithic baseline.")
    sources: tuple[DataSpec, ...] = Field(default=(), max_length=16, description="Source worlds to pre-train on.")
    pretrain_steps: Steps = Field(default=0, description="Steps on the sources before the target's steps.")
    pretrained: str | None = Field(
        default=None, max_length=1000, description="Weights to start from: a run directory or .safetensors file."
    )


kinds.holds(FinetuneTrain, "sources", "data", lambda u: tuple[u, ...])  # any registered world can be a source
