"""What a run shows while it trains: a progress bar with the loss and the family's key metric.

On a terminal the bar shows the latest logged loss and, after each evaluation, the procedure's
``key_metric`` (e.g. ``nmi`` for COMET, ``jari`` for the slot VAE). Without a terminal there is no bar;
each evaluation writes one line instead, the key metric first. Warnings a procedure raises about an
evaluation (e.g. slot collapse) are written on their own line either way. Everything goes to stderr
through tqdm (which keeps such lines apart from any bar on the screen); the caller chooses the display
with ``train(progress=...)``.
"""

from __future__ import annotations

import sys
from typing import Sequence

EVAL_LINE_METRICS = 6  # metrics in an evaluation line (the key metric first)


class Progress:
    """The bar of one run (disabled on every rank but 0, and when ``enabled`` is False).

    Args:
        name: the spec's name (the bar's label and each line's prefix).
        total: the run's steps.
        initial: the step it starts from (a resumed run).
        enabled: True/False, or None for "only on a terminal".
        key_metric: the evaluation metric shown beside the loss.
    """

    def __init__(self, name: str, total: int, initial: int, enabled: bool | None, key_metric: str):
        from tqdm.auto import tqdm

        self.name, self.total, self.key_metric = name, total, key_metric
        self.bar = tqdm(total=total, initial=initial, desc=name, disable=None if enabled is None else not enabled,
                        dynamic_ncols=True, leave=True)
        self.shown: dict[str, str] = {}  # beside the bar: the latest loss and key metric

    def step(self, loss: float | None = None) -> None:
        """One optimiser step done; ``loss`` when it was logged."""
        self.bar.update(1)
        if loss is not None:
            self._show(loss=loss)

    def evaluation(self, step: int, metrics: dict[str, float], warnings: Sequence[str] = ()) -> None:
        """Show an evaluation's key metric (on the bar, or in a line) and its warnings."""
        key = self.key_metric
        if key in metrics:
            self._show(**{key: metrics[key]})
        if self.bar.disable:
            order = ([key] if key in metrics else []) + [k for k in metrics if k != key]
            shown = ", ".join(f"{k}={metrics[k]:.4g}" for k in order[:EVAL_LINE_METRICS])
            self.bar.write(f"[{self.name}] step {step}/{self.total}: {shown}", file=sys.stderr)
        for line in warnings:
            self.bar.write(f"[{self.name}] step {step}: {line}", file=sys.stderr)

    def close(self) -> None:
        """Leave the bar (with its last postfix) on the screen."""
        self.bar.close()

    def _show(self, **values: float) -> None:
        self.shown.update({k: f"{v:.4g}" for k, v in values.items()})
        self.bar.set_postfix(self.shown)
