"""The router part of a model spec: how the (mechanism, context) pair, or the active mechanisms, are chosen.

Declared once at the top level of a spec (``router:``); the union is discriminated on ``kind``.
"""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import Field

from zoo.schema.base import Activation, Count, Dim, Hidden, NonNegFloat, PositiveFloat, Spec


class WinnerTakeAllRouterSpec(Spec):
    """Select the (mechanism, context) pair with the lowest error; only the winner gets gradient."""

    kind: Literal["winner_take_all"] = Field(description="The lowest-error pair wins (COMET's competition).")


class _PairScorerSpec(Spec):
    """Fields of the routers that score every (mechanism, context) pair with a small network."""

    hidden: Hidden = (64,)
    activation: Activation = Field(default="relu", description="Activation of the scorer's hidden layers.")
    relative: bool = Field(
        default=False, description="Also give the scorer each context minus the slot (c_j - z_i), so "
        "that distances and relative speeds are easy to learn."
    )
    prior: bool = Field(
        default=False, description="Add a learned score per (mechanism, candidate position), e.g. a "
        "preference for the nearest context of a knn graph (whose candidates are ordered by distance)."
    )
    normalize: bool = Field(
        default=False, description="Read each slot feature divided by its spread (standard deviation) in the "
        "training data, measured when training starts and saved with the model, so that a world in other units "
        "trains as one in the catalogue's."
    )
    features: tuple[Annotated[int, Field(ge=0, le=65535)], ...] | None = Field(
        default=None, min_length=1,
        description="Slot features the scorer reads of the slot and of each context (default: all), e.g. "
        "only visible attributes, so that a selector trained on little data cannot key on absolute "
        "positions. With relative: true the offsets c_j - z_i still cover every feature.",
    )


class ClassifierRouterSpec(_PairScorerSpec):
    """A classifier g(z_i, z_j) scoring every (mechanism, context) pair."""

    kind: Literal["classifier"] = Field(description="A learned classifier picks the pair (COMET's selector).")


class TopKAttentionRouterSpec(Spec):
    """Attention over [null, input]: the k mechanisms attending least to the null input are active (with
    ``rank_by: input_score``, the k that score the input highest)."""

    kind: Literal["top_k"] = Field(description="Input attention that activates k mechanisms (RIMs).")
    k: Count = Field(description="Number of active mechanisms per step.")
    key_dim: Dim = Field(default=64, description="Width of the attention keys and queries.")
    value_dim: Dim = Field(default=64, description="Width of the attention values (what an active cell reads).")
    heads: Count = Field(default=1, description="Attention heads.")
    dropout: Annotated[float, Field(ge=0.0, lt=1.0)] = Field(default=0.0, description="Dropout on the attention "
                                                                                        "weights while training.")
    rank_by: Literal["null_attention", "input_score"] | None = Field(
        default=None, description="How the k active cells are chosen. Unset or `null_attention` (the paper's "
        "definition): the k cells with the least softmax attention on the null input. `input_score` (the reference "
        "code's): the k cells with the highest raw attention score to the input; an input keyed as the null input "
        "then wakes the cells whose state scores the null key highest, instead of a tie.")


class SoftMixtureRouterSpec(_PairScorerSpec):
    """A softmax over (mechanism, context) scores mixes every candidate's prediction."""

    kind: Literal["soft_mixture"] = Field(description="Every pair's prediction, weighted by a softmax of scores.")
    temperature: PositiveFloat = Field(default=1.0, description="Softmax temperature of the scores.")


class TaskEmbeddingRouterSpec(Spec):
    """A learned task embedding (inferred per task) weights the modules."""

    kind: Literal["task_embedding"] = Field(description="A per-task embedding weights the modules.")
    dim: Count = Field(description="Width of the task embedding.")
    init_scale: NonNegFloat = Field(default=1.0, description="Standard deviation of the embedding's initial values.")


RouterSpec = Annotated[
    Union[
        WinnerTakeAllRouterSpec,
        ClassifierRouterSpec,
        TopKAttentionRouterSpec,
        SoftMixtureRouterSpec,
        TaskEmbeddingRouterSpec,
    ],
    Field(discriminator="kind"),
]
