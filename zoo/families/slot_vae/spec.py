"""The slot VAE's spec models: the slot_vae model kind, the sprites world and the vae procedure."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field, model_validator

from zoo.schema.fields import check_node, model_from_nodes, node_args, node_fields
from zoo.schema.graph import SlotDecoderNode, SlotEncoderNode
from zoo.schema.base import Count, NonNegFloat, Spec, Steps
from zoo.schema.data import DataInterface, Samples
from zoo.schema.train import TrainBase


class ImageSpec(Spec):
    """The images a model reads and writes: ``channels`` x ``size`` x ``size``."""

    size: Annotated[int, Field(ge=4, le=1024)] = Field(default=32, description="Image height and width in pixels.")
    channels: Annotated[int, Field(ge=1, le=16)] = Field(default=3, description="Colour channels (3: RGB).")


class _SlotVAEBase(Spec):
    """A slot VAE: CNN encoder grouped into slots (a Transformer with learned slot queries, or slot
    attention) -> per-slot Gaussian -> a decoder whose per-pixel queries only cross-attend to the slots
    (no self-attention among pixels).

    The number and width of the slots come from the top-level ``slots``. Outputs: ``recon`` (C, H, W),
    ``mu``, ``logvar`` and ``z`` (K, D), and ``attention`` (H*W, K): the decoder's cross-attention
    weights averaged over layers and summed over heads. The encoder's and the decoder's settings are
    their nodes' fields (``layers`` is ``encoder_layers`` and ``decoder_layers``; ``d_model`` and
    ``heads`` are shared).
    """

    kind: Literal["slot_vae"] = Field(description="A slot VAE with a cross-attention decoder.")
    image: ImageSpec = Field(default=ImageSpec(), description="The images read and reconstructed.")

    @model_validator(mode="after")
    def _nodes(self):
        check_node(SlotEncoderNode, **encoder_args(self))
        check_node(SlotDecoderNode, **decoder_args(self))
        return self


ENCODER_NAMES = {"layers": "encoder_layers"}
DECODER_NAMES = {"layers": "decoder_layers"}
SlotVAEModel = model_from_nodes(
    "SlotVAEModel", _SlotVAEBase, __name__,
    node_fields(SlotEncoderNode, rename=ENCODER_NAMES),
    node_fields(SlotDecoderNode, rename=DECODER_NAMES, exclude=("size", "channels")),
)


def encoder_args(model) -> dict:
    """The slot encoder node's settings in a slot_vae model section."""
    return node_args(model, SlotEncoderNode, ENCODER_NAMES, kind="slot_encoder", name="encoder")


def decoder_args(model) -> dict:
    """The slot decoder node's settings in a slot_vae model section (the image from ``model.image``)."""
    return node_args(model, SlotDecoderNode, DECODER_NAMES, kind="slot_decoder", name="decoder",
                     size=model.image.size, channels=model.image.channels)


SpriteShape = Literal["square", "triangle", "circle"]


class ShapePairHoldout(Spec):
    """A combination of objects kept out of training: scenes holding both shapes of the pair (two objects
    of the shape, when both are the same) are never in the training split; every test scene holds them.
    Each object on its own is seen in training; only the combination is new at test time."""

    kind: Literal["shape_pair"] = Field(description="Hold out scenes where two given shapes meet.")
    shapes: tuple[SpriteShape, SpriteShape] = Field(
        description="The two shapes never seen together in training (the same shape twice: never two of it)."
    )


class SpritesData(Spec):
    """Images of 2-D sprites on a black background, with per-object masks and ground-truth latents.

    Each image holds between ``min_objects`` and ``max_objects`` shapes drawn in order (later ones
    occlude earlier ones), each with a random shape, position, scale (half its side, as a fraction of
    the image side) and hue (full saturation and value).
    """

    provides: ClassVar[DataInterface] = "images"

    kind: Literal["sprites"] = Field(description="Images of coloured shapes with object masks (slot VAE).")
    size: Annotated[int, Field(ge=8, le=256, description="Image height and width in pixels.")] = 32
    min_objects: Count = Field(default=2, description="Fewest shapes in an image.")
    max_objects: Count = Field(default=4, description="Most shapes in an image.")
    shapes: tuple[SpriteShape, ...] = Field(default=("square", "triangle", "circle"), min_length=1,
                                            description="The shapes drawn from.")
    min_scale: Annotated[float, Field(gt=0.0, le=0.5)] = Field(default=0.1, description="Smallest half side, "
                                                                                       "as a fraction of the image.")
    max_scale: Annotated[float, Field(gt=0.0, le=0.5)] = Field(default=0.16, description="Largest half side, "
                                                                                        "as a fraction of the image.")
    max_overlap: Annotated[float, Field(ge=0.0, le=1.0)] = Field(
        default=0.2,
        description="Centres are at least (1 - max_overlap) x the sum of the two scales apart "
        "(1: anything goes; re-drawn up to 50 times).",
    )
    images: Samples = Field(default=8192, description="Training images.")
    test_images: Samples = Field(default=512, description="Test images.")
    holdout: ShapePairHoldout | None = Field(
        default=None, description="A combination of shapes never in a training scene and in every test scene."
    )


class VAETrain(TrainBase):
    """Train a slot VAE on images: ``sigma * sum (x - x_hat)^2 / B + beta * KL + alpha_t * L_int``.

    ``L_int`` is the mean over pixels of ``sum_{j<k} A_j A_k`` of the model's ``attention`` output;
    ``alpha_t`` ramps linearly from 0 at step ``alpha_start`` to ``alpha`` at ``alpha_start + alpha_ramp``,
    and ``beta_t`` from 0 at step 0 to ``beta`` at ``beta_ramp``.
    """

    reads: ClassVar[DataInterface] = "images"

    procedure: Literal["vae"] = Field(description="Train a slot VAE on images.")
    sigma: NonNegFloat = Field(default=1.0, description="Weight of the summed squared reconstruction error.")
    beta: NonNegFloat = Field(default=0.05, description="Weight of the KL divergence to N(0, I).")
    beta_ramp: Steps = Field(default=0, description="Steps over which beta ramps linearly from 0 (KL warm-up).")
    alpha: NonNegFloat = Field(default=0.0, description="Weight of the interaction regulariser (0: off).")
    alpha_start: Steps = Field(default=0, description="Step at which the alpha ramp begins (alpha is 0 before).")
    alpha_ramp: Steps = Field(default=0, description="Steps over which alpha ramps linearly from 0.")
    eval_images: Count = Field(default=256, description="Test images for reconstruction error and attention ARI.")
    jacobian_images: Count = Field(default=32, description="Test images whose decoder Jacobian gives JIS and J-ARI.")
    jacobian_chunk: Count = Field(default=256, description="Pixels per Jacobian evaluation (bounds memory).")
    plot_images: Annotated[int, Field(ge=0, le=32)] = Field(default=6, description="Examples in the figure.")
