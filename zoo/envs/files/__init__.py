"""Environments read from ``.npz`` files a user brings (``data.kind``: trajectories, images, sequences,
tasks), each giving the same interface as the generated worlds of its family. :mod:`.export` writes
a generated world in these formats; :mod:`.summary` checks a file and describes it."""

from __future__ import annotations

from zoo.envs.files import images, sequences, tasks, trajectories

MAKERS = {
    "trajectories": trajectories.make,
    "images": images.make,
    "sequences": sequences.make,
    "tasks": tasks.make,
}
