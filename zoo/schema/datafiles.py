"""Data a user brings: ``.npz`` files, one kind per family interface (see docs/own-data.md).

``path`` is a local file (relative paths are read from the current directory) or a file of a Hub
dataset repository, ``hf://datasets/org/name[@revision]/path/file.npz``. Arrays are read with
``allow_pickle=False``; the arrays each kind reads are listed in its docstring.
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field, StringConstraints

from zoo.schema.base import Count, Spec

DataPath = Annotated[
    str,
    StringConstraints(min_length=1, max_length=1000, pattern=r"^[^\x00-\x1f]+$"),
    Field(description="An .npz file: a local path, or hf://datasets/org/name[@revision]/path/file.npz."),
]
SplitName = Annotated[
    str,
    StringConstraints(pattern=r"^test_[A-Za-z0-9_]+$", max_length=48),
    Field(description="A test split's name: 'test_' then letters, digits or underscores (e.g. test_200)."),
]
Fraction = Annotated[float, Field(gt=0.0, lt=1.0)]


class _FileData(Spec):
    path: DataPath
    test_fraction: Fraction = Field(
        default=0.2,
        description="When the file has no 'split' array and no test file is given, this fraction of the "
        "samples, drawn from the run's seed, is the test split.",
    )


class TrajectoriesFile(_FileData):
    """Object-slot trajectories for COMET and its baselines.

    Arrays: ``states`` float (S, T+1, N, D) (required); ``types`` int (S, T, N) the ground-truth
    interaction type of each transition (-1: none); ``partners`` int (S, T, N) the context object
    (-1: none); ``type_names`` and ``feature_names`` str; ``static`` int, indices of the features that
    never change (inferred from the data when absent); ``split`` str (S,) 'train' or 'test'. A ``mask``
    for absent objects is not supported (every trajectory must hold the same N objects).
    """

    provides: ClassVar[str] = "trajectories"  # what a procedure reads (zoo.schema.data.DataInterface)

    kind: Literal["trajectories"] = Field(description="Object-slot trajectories from an .npz file (COMET).")
    test_path: DataPath | None = Field(default=None, description="A separate file of test trajectories.")


class ImagesFile(_FileData):
    """Images for the slot VAE.

    Arrays: ``images`` uint8 (S, H, W, C) or float in [0, 1] (required; grey (S, H, W) and PyTorch's
    (S, C, H, W) are read too, the latter when only the second axis can hold 1, 3 or 4 channels); ``masks``
    int (S, H, W), object ids with 0 for background (enables ARI, J-ARI and JIS); ``split`` str (S,)
    'train'/'test'.
    """

    provides: ClassVar[str] = "images"  # what a procedure reads (zoo.schema.data.DataInterface)

    kind: Literal["images"] = Field(description="Images from an .npz file (slot VAE).")
    test_path: DataPath | None = Field(default=None, description="A separate file of test images.")


class SequencesFile(_FileData):
    """Sequences for RIMs and the LSTM.

    Arrays: ``inputs`` float (S, T, F) or int tokens (S, T) (required); then either ``labels`` int (S,)
    (classify each sequence) or ``targets`` (S, T, ...) float or int (predict every step; int -100 is
    not scored); ``split`` str (S,) 'train', 'test' or 'test_<name>'.
    """

    provides: ClassVar[str] = "examples"  # what a procedure reads (zoo.schema.data.DataInterface)

    kind: Literal["sequences"] = Field(description="Sequences from an .npz file (RIMs, LSTM).")
    test_paths: dict[SplitName, DataPath] = Field(
        default_factory=dict, max_length=8,
        description="Extra test files by split name (e.g. longer sequences), each in the same format.",
    )
    rollout: Annotated[int, Field(ge=0, le=200)] = Field(
        default=0, description="For next-step sequences (float targets equal to the inputs one step later): "
        "also report each test split's error when the model predicts its last 'rollout' steps from its own output.",
    )
    clamp: tuple[float, float] | None = Field(
        default=None, description="Clamp the model's rollout predictions to [low, high] (e.g. [0, 1] for frames).",
    )


class TasksFile(_FileData):
    """Few-shot tasks for hypernetworks, ANIL and MAML.

    Arrays: ``x`` float (tasks, shots, in) and ``y`` float (tasks, shots, out) or int labels
    (tasks, shots) (required); ``latents`` float (tasks, K), the true task embedding (enables module
    decoding R^2); ``split`` str (tasks,) 'train', 'test' or 'ood'.
    """

    provides: ClassVar[str] = "tasks"  # what a procedure reads (zoo.schema.data.DataInterface)

    kind: Literal["tasks"] = Field(description="Few-shot tasks from an .npz file (hypernetworks, ANIL, MAML).")
    support: Count | None = Field(
        default=None, description="Shots of each task the inner loop adapts on; the rest are query shots "
        "(default: half of them).",
    )
    mode: Literal["auto", "classification", "regression"] = Field(
        default="auto", description="auto: int labels are classification (one-hot targets), float y regression; "
        "classification with float y reads each row as a distribution over classes (soft labels).",
    )


FILE_KINDS = ("trajectories", "images", "sequences", "tasks")
