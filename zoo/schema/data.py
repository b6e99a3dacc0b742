"""Data: which synthetic environment generates the training data, and its parameters.

Discriminated on ``kind``; every environment is generated offline from the run's seed and carries
ground truth. A family adds its environments here and to ``DataSpec``.
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal, Union, get_args

from pydantic import Field, model_validator

from zoo.schema.base import Count, Dim, Hidden, NonNegFloat, PositiveFloat, Probability, Spec
from zoo.schema.datafiles import ImagesFile, SequencesFile, TasksFile, TrajectoriesFile

Samples = Annotated[int, Field(ge=1, le=10_000_000)]
Length = Annotated[int, Field(ge=2, le=100_000, description="Steps per trajectory.")]

ParticleInteraction = Literal["spring", "attraction", "repulsion", "none"]
PlayerRole = Literal["pursue", "mark", "hold"]
PARTICLE_TYPES: tuple[str, ...] = get_args(ParticleInteraction)
PLAYER_ROLES: tuple[str, ...] = get_args(PlayerRole)

DataInterface = Literal["trajectories", "images", "tasks", "examples"]
"""What an environment gives a procedure: object-slot trajectories, images, few-shot tasks, or
examples (named inputs with a target)."""


class TrajectoryData(Spec):
    """Fields shared by the object-slot trajectory environments (COMET's worlds).

    A world's slots are fixed by its parameters: :meth:`slot_count` slots of ``len(FEATURES)`` features.
    """

    provides: ClassVar[DataInterface] = "trajectories"
    FEATURES: ClassVar[tuple[str, ...]] = ()
    OBJECTS: ClassVar[str] = ""  # how the number of objects follows from the fields, for messages

    length: Length = 30
    trajectories: Samples = Field(default=256, description="Training trajectories.")
    test_trajectories: Samples = Field(default=64, description="Held-out trajectories for evaluation.")
    dt: PositiveFloat = Field(default=0.05, description="Integration time step.")
    noise: NonNegFloat = Field(default=0.0, description="Std of Gaussian noise added to observed states.")

    def slot_count(self) -> int:
        """The number of objects (slots) in every state of this world."""
        raise NotImplementedError


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


class RegressionData(Spec):
    """Fit a random teacher network: inputs ``x`` in [-1, 1], targets from a seeded tanh MLP (+ noise)."""

    provides: ClassVar[DataInterface] = "examples"

    kind: Literal["regression"] = Field(description="Regression on a random teacher network (input x, target).")
    inputs: Annotated[int, Field(ge=1, le=256)] = Field(default=4, description="Width of x.")
    outputs: Annotated[int, Field(ge=1, le=256)] = Field(default=1, description="Width of the target.")
    hidden: Annotated[int, Field(ge=1, le=1024)] = Field(default=16, description="Hidden width of the teacher.")
    samples: Annotated[int, Field(ge=1, le=1_000_000)] = Field(default=1024, description="Training examples.")
    test_samples: Annotated[int, Field(ge=1, le=1_000_000)] = Field(default=256, description="Test examples.")
    noise: NonNegFloat = Field(default=0.0, description="Std of Gaussian noise added to the targets.")


Side = Annotated[int, Field(ge=2, le=64)]


class SequentialDigitsData(Spec):
    """scikit-learn's bundled 8x8 digits, resized and binarised, fed pixel by pixel (row-major).

    Trained at ``train_size`` x ``train_size``; every size in ``test_sizes`` is a test split
    (``test_<size>``) built from the held-out images.
    """

    provides: ClassVar[DataInterface] = "examples"

    kind: Literal["sequential_digits"] = Field(description="Digits read pixel by pixel (input x, target class).")
    train_size: Side = Field(default=14, description="Side in pixels of the training images.")
    test_sizes: tuple[Side, ...] = Field(default=(16, 19, 24), max_length=8,
                                         description="Sides of the test images, one test split each.")
    threshold: Annotated[float, Field(gt=0.0, lt=1.0)] = Field(default=0.5, description="Resized intensities "
                                                                                        "above it are ink (1).")
    test_fraction: Annotated[float, Field(gt=0.0, lt=1.0)] = Field(default=0.2, description="Fraction of the "
                                                                                            "images held out.")
    limit: Annotated[int, Field(ge=20, le=1797)] | None = Field(
        default=None, description="Use only this many images (for quick runs)."
    )
    augment: Annotated[int, Field(ge=0, le=64)] = Field(
        default=0,
        description="Extra copies of each training image, each under a random small affine change "
        "(rotation, scale, shift) of its resized intensities before thresholding: the bundled set has only "
        "1,797 digits. Test images are never changed.",
    )


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


TaskSupport = Literal["random", "non_compositional", "connected", "disconnected"]
LayerIndex = Annotated[int, Field(ge=0, le=32)]


class HyperteacherData(Spec):
    """A modular teacher: task embeddings (k-hot expert combinations per generated layer) generate
    the weights of a target MLP ``input -> hidden... -> output`` (layers ``x W / sqrt(fan_in)``, ReLU).

    Each task is a support set and a query set of inputs ``x ~ U[-1, 1]^input`` with the teacher's
    outputs, z-scored per task on ``reference`` fixed inputs. In classification mode the targets are
    ``softmax(y / temperature)`` (soft labels, KL loss); in regression mode the z-scored outputs (MSE).
    ``support`` decides which expert combinations are seen in training; the rest are the
    out-of-distribution (OOD) tasks.
    """

    provides: ClassVar[DataInterface] = "tasks"

    kind: Literal["hyperteacher"] = Field(description="Few-shot tasks from a modular teacher (hypernetworks).")
    input: Dim = Field(default=16, description="Width of the inputs x.")
    hidden: Hidden = Field(default=(32,), min_length=1, description="Hidden widths of the teacher's target MLP.")
    output: Dim = Field(default=8, description="Width of the outputs (classes).")
    experts: Count = Field(default=8, description="Number of expert templates E per generated layer.")
    hot: Count = Field(default=2, description="A task combines 1 to 'hot' experts in each generated layer.")
    generated: tuple[LayerIndex, ...] = Field(
        default=(0,),
        min_length=1,
        max_length=4,
        description="Indices of the layers the embedding generates (0 maps the input); the others are fixed.",
    )
    mode: Literal["classification", "regression"] = Field(default="classification", description="Soft labels "
                                                          "(KL loss) or z-scored outputs (MSE).")
    temperature: PositiveFloat = Field(default=0.1, description="Soft-target temperature (classification).")
    support: TaskSupport = Field(
        default="random",
        description=(
            "random: hold out a fraction of all combinations; non_compositional: hold out every task "
            "using the last expert; connected: one-hots and pairs (i, i+1), (i, i+2) mod E; "
            "disconnected: combinations within {0..E/2-1} or within {E/2..E-1}. Connected and "
            "disconnected share the same OOD tasks (everything in neither)."
        ),
    )
    holdout: Probability = Field(default=0.25, description="Fraction held out by the random support.")
    continuous: bool = Field(
        default=False, description="Weight each active expert by U(0.5, 1) per task instead of 1."
    )
    support_shots: Count = Field(default=128, description="Labelled shots the inner loop adapts on.")
    query_shots: Count = Field(default=128, description="Shots the adapted model is scored on.")
    scale: PositiveFloat = Field(default=1.0, description="Standard deviation of the teacher's weights.")
    reference: Count = Field(default=1000, description="Fixed inputs on which outputs are z-scored.")


SpriteShape = Literal["square", "triangle", "circle"]


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


DataSpec = Annotated[
    Union[
        ParticlesData, TrafficData, SportsData, SequentialDigitsData, CopyingData, BouncingBallsData,
        HyperteacherData, SpritesData, RegressionData,
        TrajectoriesFile, ImagesFile, SequencesFile, TasksFile,
    ],
    Field(discriminator="kind"),
]
