"""Round trips through a data file: a spec trained on its generated world and on that world exported with
``zoo data export`` (same spec, same seed) must report the same metrics.

Every generated world with fixed splits round-trips exactly. The hyperteacher draws fresh tasks at every
step, so its export is a finite sample; its generated side is then the same finite sample
(:class:`~zoo.families.hypernetwork.hyperteacher.FiniteHyperteacher`), so the comparison is like for like. Only its
``template_alignment`` (which needs the teacher's templates, not in the file) is reported on one side alone.
"""

from __future__ import annotations

import contextlib
import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

# One catalogue spec for every generated environment kind the catalogue uses.
KINDS = {
    "particles": "comet-particles", "traffic": "comet-traffic", "sports": "comet-sports",
    "sprites": "slotvae-sprites", "sequential_digits": "rims-digits", "copying": "rims-copying",
    "bouncing_balls": "rims-balls", "hyperteacher": "hypernet-linear-connected",
}
GENERATED_ONLY = {"template_alignment"}  # metrics that need the generator's ground truth beyond the file
QUICK = ["train.steps=2", "train.eval_every=0"]
_COMET = ["data.trajectories=8", "data.test_trajectories=4", "data.length=6", "mechanisms[0].hidden=[8]",
          "router.hidden=[8]", "train.batch=4"]
_RIMS = ["mechanisms[0].hidden=8", "train.batch=4"]
TINY = {  # each spec of KINDS at a size that trains in seconds
    "comet-particles": _COMET, "comet-traffic": _COMET, "comet-sports": _COMET,
    "slotvae-sprites": ["model.image.size=12", "data.size=12", "model.cnn=[8]", "model.strides=[2]",
                        "model.d_model=8", "model.heads=2", "model.query_dim=8", "model.hidden=8",
                        "model.encoder_layers=1", "model.decoder_layers=1", "model.frequencies=2", "slots.count=3",
                        "slots.dim=4", "data.max_objects=2", "data.images=8", "data.test_images=4", "train.batch=4",
                        "train.eval_images=4", "train.jacobian_images=2", "train.plot_images=0", "train.warmup=0"],
    "rims-digits": [*_RIMS, "data.limit=20", "data.train_size=4", "data.test_sizes=[5]"],
    "rims-copying": [*_RIMS, "data.train_sequences=8", "data.test_sequences=4", "data.length=2", "data.delay=3",
                     "data.test_delays=[5]"],
    "rims-balls": [*_RIMS, "data.train_sequences=8", "data.test_sequences=4", "data.size=8", "data.length=4",
                   "data.rollout=2", "model.input.features=64", "model.out=64"],
    "hypernet-linear-connected": ["data.support_shots=4", "data.query_shots=4", "train.batch=2",
                                  "train.eval_tasks=4", "train.inner.steps=1"],
}


@dataclass(frozen=True)
class RoundTrip:
    """The metrics of one spec trained on its generated world and on its export."""

    spec: str
    generated: dict[str, float]
    on_file: dict[str, float]
    seconds: float

    @property
    def compared(self) -> list[str]:
        """The metrics both runs report."""
        return sorted(set(self.generated) & set(self.on_file))

    @property
    def max_abs_diff(self) -> float:
        """The largest difference of a metric both report (NaN on both sides counts as equal)."""
        def diff(a: float, b: float) -> float:
            return 0.0 if math.isnan(a) and math.isnan(b) else abs(a - b) if a == a and b == b else math.inf
        return max((diff(self.generated[k], self.on_file[k]) for k in self.compared), default=math.inf)

    @property
    def one_sided(self) -> list[str]:
        """Metrics only one run reports, beyond those that need the generator's ground truth."""
        return sorted((set(self.generated) ^ set(self.on_file)) - GENERATED_ONLY)


@contextlib.contextmanager
def finite_hyperteacher(tasks: int) -> Iterator[None]:
    """While open, ``data.kind: hyperteacher`` makes the finite sample that an export with ``tasks`` writes."""
    from zoo.envs import ENVIRONMENTS
    from zoo.families.hypernetwork import hyperteacher

    def make(data, seed: int) -> hyperteacher.FiniteHyperteacher:
        return hyperteacher.FiniteHyperteacher(hyperteacher.make(data, seed), tasks, seed)

    with ENVIRONMENTS.replaced("hyperteacher", make):
        yield


def roundtrip(spec, root: Path, tasks: int = 512) -> RoundTrip:
    """Train ``spec`` on its generated world and on its export (written under ``root``), same seed.

    Args:
        spec: a validated spec whose data is a generated world.
        root: a directory for the data file and the two runs.
        tasks: tasks per split of a task world's finite sample (``zoo data export --tasks``).
    """
    from zoo.families.export import export
    from zoo.schema import validate
    from zoo.train import train

    start = time.perf_counter()
    section = export(spec, Path(root) / "data.npz", tasks=tasks)
    on_file = validate({**spec.model_dump(mode="json", exclude_none=True), "data": section})
    file_metrics = train(on_file, run_dir=Path(root) / "on-file", progress=False).metrics
    with finite_hyperteacher(tasks):
        generated = train(spec, run_dir=Path(root) / "generated", progress=False).metrics
    return RoundTrip(spec.name, generated, file_metrics, time.perf_counter() - start)
