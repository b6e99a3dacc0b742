"""``regression``: fit a seeded random teacher network, the smallest honest supervised task.

Inputs ``x ~ U[-1, 1]^inputs``; targets ``y = teacher(x) + noise`` where the teacher is a random
one-hidden-layer tanh network drawn from the seed. The teacher's weights are the ground truth
(``env.teacher``). Splits for the ``supervised`` procedure: ``train`` and ``test``, each
``{"x": (n, inputs), "target": (n, outputs)}``, so the model needs an input named ``x``.
"""

from __future__ import annotations

import torch


class RegressionEnv:
    """The data and the teacher that generated it."""

    def __init__(self, data, seed: int):
        g = torch.Generator().manual_seed(seed)
        w1 = torch.randn(data.inputs, data.hidden, generator=g) / data.inputs**0.5
        w2 = torch.randn(data.hidden, data.outputs, generator=g) / data.hidden**0.5
        self.teacher = {"w1": w1, "w2": w2}
        self.splits = {"train": self._split(data.samples, data, g), "test": self._split(data.test_samples, data, g)}

    def target(self, x: torch.Tensor) -> torch.Tensor:
        """The noiseless teacher output.  # (n, inputs) -> (n, outputs)"""
        return torch.tanh(x @ self.teacher["w1"]) @ self.teacher["w2"]

    def _split(self, n: int, data, g: torch.Generator) -> dict[str, torch.Tensor]:
        x = torch.rand(n, data.inputs, generator=g) * 2 - 1  # (n, inputs)
        y = self.target(x) + data.noise * torch.randn(n, data.outputs, generator=g)  # (n, outputs)
        return {"x": x, "target": y}


def make_regression(data, seed: int) -> RegressionEnv:
    """The environment for ``data: {kind: regression, ...}``."""
    return RegressionEnv(data, seed)
