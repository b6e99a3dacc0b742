"""How much memory an environment takes, estimated from its data spec alone (nothing is generated).

:func:`data_footprint` gives the bytes an environment holds at its peak while it is generated (the
stored splits, plus the copies and temporaries its generator makes), and the data field that
drives it, so that a run can be refused before generating a world that cannot fit. The numbers
follow each generator's arrays (float32 = 4 bytes, int64 = 8, uint8 = 1); an environment this file
does not know (a plug-in) counts as 0. :func:`sequence_length` is the length of the sequences the
model reads, for shapes that are only known at run time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from zoo.errors import PathPart
from zoo.schema.data import TrajectoryData


@dataclass(frozen=True)
class Footprint:
    """Estimated peak bytes of an environment, what they are, and the data field that drives them."""

    bytes: int
    what: str
    field: tuple[PathPart, ...]


def _trajectories(data: Any) -> Footprint:
    """A generated object-slot world (any :class:`~zoo.schema.data.TrajectoryData`)."""
    objects, features = data.slot_count(), len(data.FEATURES)
    s, t = data.trajectories + data.test_trajectories, data.length
    per = (t + 1) * objects * features * 4 + 2 * t * objects * 8  # states (float32), types and partners (int64)
    field = "trajectories" if data.trajectories >= data.test_trajectories else "test_trajectories"
    what = f"{data.trajectories:,} + {data.test_trajectories:,} trajectories of {t + 1} states x {objects} objects"
    return Footprint(2 * s * per, what, ("data", field))


def _digits(data: Any) -> Footprint:
    n = data.image_count()
    test = max(1, round(n * data.test_fraction))
    train = (n - test) * (1 + data.augment)
    sizes = {data.train_size, *data.test_sizes}
    total = 8 * (2 * train * data.train_size**2 + test * sum(s * s for s in sizes))  # int64 tokens, and a copy
    field = "augment" if data.augment else "train_size"
    return Footprint(total, f"{train:,} training images of {data.train_size}x{data.train_size} tokens", ("data", field))


def _copying(data: Any) -> Footprint:
    train = data.train_sequences * (2 * data.length + data.delay)
    test = data.test_sequences * sum(2 * data.length + d for d in {data.delay, *data.test_delays})
    return Footprint(2 * 8 * (train + test), f"{data.train_sequences:,} training sequences of "
                     f"{2 * data.length + data.delay} tokens", ("data", "train_sequences"))


def _balls(data: Any) -> Footprint:
    n = data.train_sequences + data.test_sequences * len({*data.balls, *data.test_balls})
    frames = n * data.length * data.size**2 * 4
    rendering = 2 * data.train_sequences * data.length * max(data.balls) * data.size**2 * 4  # per-ball discs
    return Footprint(2 * frames + rendering, f"{n:,} sequences of {data.length} frames of {data.size}x{data.size}",
                     ("data", "train_sequences"))


def _sprites(data: Any) -> Footprint:
    n = data.images + data.test_images
    per = data.size**2 * (3 + 1) + data.max_objects * 6 * 4  # uint8 image and mask, float32 latents
    return Footprint(2 * n * per, f"{n:,} images of {data.size}x{data.size}", ("data", "images"))


def _regression(data: Any) -> Footprint:
    n = data.samples + data.test_samples
    return Footprint(n * (data.inputs + data.outputs) * 4, f"{n:,} samples", ("data", "samples"))


FOOTPRINTS: dict[str, Callable[[Any], Footprint]] = {
    "sequential_digits": _digits,
    "copying": _copying,
    "bouncing_balls": _balls,
    "sprites": _sprites,
    "regression": _regression,
    "hyperteacher": lambda d: Footprint(0, "tasks drawn per batch", ("data",)),
}


def data_footprint(data: Any) -> Footprint:
    """The estimated peak memory of generating and holding ``data``'s environment."""
    if isinstance(data, TrajectoryData):
        return _trajectories(data)
    estimate = FOOTPRINTS.get(data.kind)
    return estimate(data) if estimate else Footprint(0, f"environment {data.kind!r} (not estimated)", ("data",))


def sequence_length(data: Any) -> int:
    """The number of time steps in one training example the model reads (1 when not a sequence)."""
    kind = data.kind
    if kind == "sequential_digits":
        return data.train_size**2
    if kind == "copying":
        return 2 * data.length + data.delay
    if kind == "bouncing_balls":
        return data.length - 1
    return 1
