"""A trained model ready to use: its spec, its module (eval mode) and metrics, with input checks that
say which shape the spec expects instead of letting a raw torch error through."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from zoo.errors import ZooError

HEADLINE = ("nmi", "one_step_mse", "rollout_mse", "jari", "jis", "rec", "ood_acc", "test_acc", "ood_loss")


def _shape_text(shape: tuple[Any, ...]) -> str:
    return "(" + ", ".join("any" if s is None else str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"


class Run:
    """A trained model (see :func:`zoo.trained.load_run`).

    Attributes:
        spec: the model spec it was trained from.
        model: the compiled module with the trained weights, in eval mode, on ``device``.
        metrics: the final metrics recorded when it was trained.
        source: where it was loaded from.
        complete: False when only a bank's weights were loaded (the rest is untrained).
    """

    def __init__(self, spec, model: torch.nn.Module, metrics: dict[str, float], source: str, device: torch.device,
                 complete: bool = True):
        self.spec, self.model, self.metrics = spec, model.eval(), dict(metrics)
        self.source, self.device, self.complete = source, device, complete
        self.input_name, self.input_type = next(iter(model.input_types.items()))

    def __repr__(self) -> str:
        params = sum(p.numel() for p in self.model.parameters())
        shown = ", ".join(f"{k}={self.metrics[k]:.4g}" for k in HEADLINE if k in self.metrics)
        part = "" if self.complete else ", bank weights only"
        return (f"<{type(self).__name__} {self.spec.name}: {self.spec.model.kind}, {params:,} parameters, "
                f"{self.device}{part}, from {self.source}{'; ' + shown if shown else ''}>")

    @staticmethod
    def as_tensor(x: Any, what: str) -> torch.Tensor:
        """``x`` (an array, tensor or nested list) as a tensor; anything else is a ZooError naming ``what``."""
        try:
            return torch.as_tensor(np.asarray(x) if not isinstance(x, torch.Tensor) else x)
        except (TypeError, ValueError, RuntimeError) as e:
            raise ZooError(f"{what}: not an array ({e})") from None

    def tensor(self, x: Any, want: tuple[int | None, ...], what: str, integer: bool = False) -> tuple[torch.Tensor, bool]:
        """``x`` as a batched tensor on the run's device, checked against the sample shape ``want``
        (None: any size); returns it and whether a batch axis was added."""
        t = self.as_tensor(x, what)
        single = t.dim() == len(want)
        t = t.unsqueeze(0) if single else t
        fits = t.dim() == len(want) + 1 and all(w is None or s == w for s, w in zip(t.shape[1:], want))
        dtype_ok = (not t.is_floating_point() and t.dtype != torch.bool) if integer else t.dtype != torch.bool
        if not fits or not dtype_ok:
            kind = "int" if integer else "float"
            raise ZooError(f"{what}: expected {kind} shape (B, {_shape_text(want)[1:]} or {_shape_text(want)} for "
                           f"{self.spec.name} (from its spec), got {t.dtype} {tuple(x.shape) if hasattr(x, 'shape') else '?'}")
        t = t.long() if integer else t.float()
        if t.is_floating_point() and not torch.isfinite(t).all():
            raise ZooError(f"{what}: holds NaN or infinite values")
        return t.to(self.device), single

    @staticmethod
    def unbatch(out: dict[str, torch.Tensor], single: bool) -> dict[str, torch.Tensor]:
        """Drop the batch axis that :meth:`tensor` added."""
        return {k: v[0] for k, v in out.items()} if single else out
