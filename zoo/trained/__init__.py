"""Using trained models: :func:`load_run` and the family methods (rollout, predict, encode, decode,
segment, adapt); :mod:`zoo.trained.predict` runs a model over a whole data file in bounded memory."""

from __future__ import annotations

from zoo.trained.load import load_run

__all__ = ["load_run"]
