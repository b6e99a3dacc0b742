"""Using a trained sequence model (RIMs, LSTM): outputs and, for RIMs, which cells were active."""

from __future__ import annotations

import torch

from zoo.trained.base import Run


class SequenceRun(Run):
    """A model over sequences: int tokens (B, T) or floats (B, T, F), T free (from the spec)."""

    @property
    def tokens(self) -> bool:
        """Whether the model reads int tokens."""
        return str(self.input_type.dtype).startswith("int")

    @torch.no_grad()
    def predict(self, sequences) -> dict[str, torch.Tensor]:
        """Outputs of sequences (B, T) / (B, T, F), or one sequence without B.

        Returns:
            ``output``: the model's output (B, classes) for a label per sequence, (B, T, ...) for a
            target per step; for RIMs also ``active`` (B, T, K) bool, the cells active at each step.
        """
        x, single = self.tensor(sequences, tuple(self.input_type.shape), "sequences", integer=self.tokens)
        out = self.model(**{self.input_name: x})
        name = self.spec.train.output if self.spec.train is not None and hasattr(self.spec.train, "output") else "y"
        res = {"output": out[name]}
        if "active" in out:
            res["active"] = out["active"]
        return self.unbatch(res, single)
