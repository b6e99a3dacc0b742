"""Using a meta-learned model (hypernetwork, ANIL, MAML): adapt to a new task from its support shots."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from zoo.errors import ZooError
from zoo.families.hypernetwork.adapt import InnerLoop, expand, kl_loss, mse_loss, select
from zoo.trained.base import Run


@dataclass
class TaskModel:
    """The model adapted to one task; call it on query inputs (Q, in) or (in,) -> outputs (Q, out)."""

    run: "TaskRun"
    fast: dict[str, torch.Tensor]

    @torch.no_grad()
    def __call__(self, x_query) -> torch.Tensor:
        x, single = self.run.tensor(x_query, tuple(self.run.input_type.shape), "x_query")
        inner = self.run.inner()
        out = inner.predict(self.fast, inner.split()[1], x)
        return out[0] if single else out


class TaskRun(Run):
    """A model over (in,) inputs whose ``train.adapt`` parameters adapt per task."""

    def inner(self):
        """The inner loop the model was meta-trained with."""
        cfg = self.spec.train
        names, _ = select([n for n, _ in self.model.named_parameters()], cfg.adapt)
        loss = kl_loss if self.classification else mse_loss
        return InnerLoop(self.model, names, self.input_name, cfg.output, loss, cfg.inner.optimizer, cfg.inner.lr,
                         cfg.inner.weight_decay)

    @property
    def classification(self) -> bool:
        """Whether the model was trained on class targets (KL loss) rather than regression."""
        data = self.spec.data
        if data is None:
            return True
        if data.kind == "tasks":
            return data.mode != "regression"
        return getattr(data, "mode", "classification") == "classification"

    def adapt(self, x_support, y_support, steps: int | None = None) -> TaskModel:
        """Adapt to one task from its support shots.

        Args:
            x_support: (S, in) inputs.
            y_support: (S, out) targets, or (S,) int class labels.
            steps: inner steps (default: the spec's evaluation steps).
        """
        if self.spec.train is None or self.spec.train.procedure != "meta":
            raise ZooError(f"{self.spec.name}: was not meta-trained (train.procedure is not meta); nothing to adapt")
        x, _ = self.tensor(x_support, tuple(self.input_type.shape), "x_support")
        width = self.model.output_types[self.spec.train.output].shape[-1]
        y_arr = torch.as_tensor(y_support)
        if not y_arr.is_floating_point():
            labels, _ = self.tensor(y_support, (), "y_support", integer=True)
            if labels.min() < 0 or labels.max() >= width:
                raise ZooError(f"y_support: class labels must lie in [0, {width - 1}]")
            y = torch.nn.functional.one_hot(labels, width).float()
        else:
            y, _ = self.tensor(y_support, (width,), "y_support")
        if len(y) != len(x):
            raise ZooError(f"y_support: {len(y)} targets for {len(x)} support inputs")
        cfg = self.spec.train
        steps = steps if steps is not None else (cfg.eval_steps if cfg.eval_steps is not None else cfg.inner.steps)
        inner = self.inner()

        fast0, slow = inner.split()
        fast = inner.adapt(expand(fast0, 1), slow, x[None], y[None], steps, first_order=True)
        return TaskModel(self, {k: v[0].detach() for k, v in fast.items()})
